package registry

import (
	"bytes"
	"fmt"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
)

// A list is read for its numbers; what else its lines hold is not. When a
// line says something about its number (Y/N, a verdict, a refusal, a
// withdrawal), the file is probably a wash result given without "wash:",
// or a consent or customer export that lists refusals beside consents:
// read as a list, every number in it would count, the passed or refused
// ones included, and for a wash result every number absent from it would
// pass as clean. Such files are refused (CodeColumnError). This file is the
// one home of that rule:
//   - an allow or consent list with a column named like a withdrawal or an
//     opt-out (colname.Withdrawal: withdrawn_at, Opposition, Date de
//     désinscription) holding anything on any line; a consent list loaded
//     with LoadOptions.Consents reads it as dates (datedcols.go), and
//     only what is not a date refuses it;
//   - an allow or consent list with a column named like answers about
//     calling (colname.Answers: Opt-in, Consentement, Contrat en cours,
//     DNC) that, on any line, says no (N, non, false, refusé, 0 beside 1)
//     or is empty while others are not (a tick column);
//   - a registry with a column named like a wash result's verdicts
//     (colname.LooksVerdict: Result, Verdict, Registered) whose non-empty
//     fields are mostly codes (Y, N, I, yes, Registered);
//   - an allow or consent list of two columns whose other column says no
//     on any line (N, non, refusé, inactive); a registry of two columns
//     whose other column is mostly yes/no answers, both yes and no;
//   - a list without a header whose lines mostly hold a code beside the
//     number ("Y;0612345678", "0612345678 N": a yes/no, one letter, or a
//     verdict spelled out).
// Named columns, and allow and consent lists, are read on every line; a
// registry's two-column and headerless checks over its first codeSample
// lines. A column of the same
// yes on every line, an id or a date says nothing against the list. Other
// columns of an allow or consent list that hold yes/no answers with a no
// are warned about (codeColumnWarnings).

// codeSample is how many data lines of a registry are sampled for codes.
const codeSample = 1024

// codeKind says why a column is read for codes.
type codeKind uint8

const (
	codeVerdict     codeKind = iota // a registry's verdict-named column
	codeAnswer                      // an allow or consent list's answer-named column
	codeWithdrawal                  // an allow or consent list's withdrawal-named column
	codeWithdrawnAt                 // a consent list's withdrawal column read as dates (datedcols.go): its non-dates
	codePair                        // the other column of a two-column list
	codeOther                       // another column of an allow or consent list: warned about
)

// codeColumns are the columns of a CSV list that are read for codes.
type codeColumns struct {
	cols   []int
	names  []string
	kinds  []codeKind
	exempt bool // an allow or consent list: every line is read
}

// newCodeColumns returns the columns of header line (read as h) to read
// for codes, exempt for an allow or consent list; dated for a consent list
// whose withdrawal column is read as dates (datedcols.go), which counts
// its fields that are not.
func newCodeColumns(line []byte, h *header, exempt, dated bool) codeColumns {
	c := codeColumns{exempt: exempt}
	fields, ok := csvsplit.SplitLine(line, h.delim, nil)
	if !ok || h.delim == 0 {
		return c
	}
	read := map[int]bool{h.areaCol: true}
	for _, i := range append(append([]int(nil), h.cols...), h.extra...) {
		read[i] = true
	}
	// A column with no name (an export's trailing delimiter) holds nothing:
	// "Tel;Statut;" is a list of two columns.
	columns := 0
	for _, f := range fields {
		if len(bytes.TrimSpace(f)) > 0 {
			columns++
		}
	}
	// Named columns first, so that other ones never crowd them out.
	for _, others := range []bool{false, true} {
		for i, f := range fields {
			if read[i] || len(c.cols) == maxSampled {
				continue
			}
			name := headerName(f)
			kind := codeKind(255)
			// A registry's answer columns are read too: a snapshot built
			// from it records whether they said no (SourceInfo.saysNo).
			switch a := colname.ClassifyAnswer(name); {
			case !exempt && colname.LooksVerdict(name):
				kind = codeVerdict
			case a == colname.Withdrawal && dated:
				kind = codeWithdrawnAt
			case a == colname.Withdrawal:
				kind = codeWithdrawal
			case a == colname.Answers:
				kind = codeAnswer
			case columns == 2 && name != "":
				kind = codePair
			case exempt:
				kind = codeOther
			}
			if kind != 255 && (kind == codeOther) == others {
				c.cols = append(c.cols, i)
				c.names = append(c.names, name)
				c.kinds = append(c.kinds, kind)
			}
		}
	}
	return c
}

// codeCol counts what the sampled fields of one column were.
type codeCol struct {
	filled, empty int // non-empty and empty fields
	answers       int // yes/no answers
	codes         int // codes: answers, short letter codes, verdicts spelled out
	yes, no       bool
	zero, one     bool // a 0, a 1
}

func (c *codeCol) add(o *codeCol) {
	c.filled += o.filled
	c.empty += o.empty
	c.answers += o.answers
	c.codes += o.codes
	c.yes, c.no = c.yes || o.yes, c.no || o.no
	c.zero, c.one = c.zero || o.zero, c.one || o.one
}

// mostly reports whether n is at least half of c's non-empty fields.
func (c *codeCol) mostly(n int) bool { return c.filled > 0 && 2*n >= c.filled }

// maxSampled bounds the columns a list's codes are counted in.
const maxSampled = 32

// codeCounts count the codes of a list's sampled columns, and, for a list
// without a header, of the fields beside the number.
type codeCounts struct {
	cols [maxSampled]codeCol
	bare codeCol
}

func (c *codeCounts) add(o *codeCounts) {
	for j := range c.cols {
		c.cols[j].add(&o.cols[j])
	}
	c.bare.add(&o.bare)
}

// sample counts line's code fields (lineNo counts the header as line 1):
// named columns, and every column of an allow or consent list, on every
// line; the other column of a registry's pair over the first codeSample
// lines.
func (c *codeColumns) sample(line []byte, delim byte, lineNo int, n *codeCounts) {
	for j, col := range c.cols {
		if c.kinds[j] == codeWithdrawnAt {
			continue // counted by datedCols.line
		}
		if (c.kinds[j] == codePair || c.kinds[j] == codeOther) && !c.exempt && lineNo > codeSample+1 {
			continue
		}
		f, present, _ := csvsplit.FieldAt(line, delim, col)
		if !present {
			f = nil
		}
		n.cols[j].count(f)
	}
}

// count counts field f.
func (c *codeCol) count(f []byte) {
	f = bytes.TrimSpace(f)
	if len(f) == 0 {
		c.empty++
		return
	}
	c.filled++
	switch string(f) {
	case "0":
		c.zero = true
	case "1":
		c.one = true
	}
	code, answer, yes := codeOf(f)
	if code {
		c.codes++
	}
	if answer {
		c.answers++
		c.yes = c.yes || yes
	}
	if answer && !yes || saysNo(f) {
		c.no = true
	}
}

// noPrefixes begin the spelled-out refusals and withdrawals of a field,
// folded to lower case ("refusé", "Opted out", "inactive", "not
// registered"); bytes, so that a Windows-1252 field matches too.
var noPrefixes = []string{
	"refus", "denied", "declin", "withdr", "revok", "revoc", "unsub", "opt-out", "optout",
	"opted out", "opted-out", "inact", "expir", "rechaz", "widerr", "retir", "desab", "not ",
	"no ", "non ", "nicht", "kein",
}

// saysNo reports whether field f spells out a refusal or a withdrawal.
func saysNo(f []byte) bool {
	var buf [16]byte
	w := lowerASCII(buf[:0], f[:min(len(f), len(buf))])
	for _, p := range noPrefixes {
		if len(w) >= len(p) && string(w[:len(p)]) == p {
			return true
		}
	}
	return false
}

// lowerASCII appends f to dst with its ASCII letters lower-cased; other
// bytes (UTF-8 or Windows-1252 letters) are kept, so that it allocates
// nothing when dst has room.
func lowerASCII(dst, f []byte) []byte {
	for _, c := range f {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// sampleBare counts, in a list without a header, the fields beside a line's
// number ("Y;0612345678", "0612345678 N").
func sampleBare(line []byte, lineNo int, n *codeCounts) {
	line = bytes.TrimSpace(line)
	i := bytes.IndexAny(line, ",;|\t ")
	if i < 0 {
		return
	}
	j := bytes.LastIndexAny(line, ",;|\t ")
	n.bare.filled++
	for _, f := range [][]byte{line[:i], line[j+1:]} {
		if f, ok := csvsplit.Unquote(f); ok && !hasDigit(f) {
			// Stricter than in a named column: a word beside a number
			// ("tel;06...") is no code; a yes/no, one letter or a verdict
			// spelled out is.
			f = bytes.TrimSpace(f)
			if code, answer, _ := codeOf(f); answer || code && (len(f) == 1 || len(f) > 3) {
				n.bare.codes++
				return
			}
		}
	}
}

// answerValues are yes/no answers, folded to lower case: true for an
// affirmative one.
var answerValues = map[string]bool{
	"y": true, "yes": true, "o": true, "oui": true, "true": true, "vrai": true, "si": true, "sí": true,
	"ja": true, "j": true, "s": true, "ok": true, "wahr": true, "verdadero": true, "vero": true,
	"n": false, "no": false, "non": false, "false": false, "faux": false, "nein": false, "ko": false,
	"falsch": false, "falso": false,
}

// spelledCodes are verdicts spelled out, folded to lower case.
var spelledCodes = map[string]bool{
	"registered": true, "not registered": true, "unregistered": true, "blocked": true, "clean": true,
	"valid": true, "invalid": true, "pass": true, "fail": true, "dnc": true,
}

// codeOf says whether field f reads as a code (an answer, one to three
// letters, or a verdict spelled out), as a yes/no answer, and, for an
// answer, whether it is affirmative.
func codeOf(f []byte) (code, answer, yes bool) {
	f = bytes.TrimSpace(f)
	if len(f) == 0 || len(f) > 16 {
		return false, false, false
	}
	var buf [16]byte
	w := lowerASCII(buf[:0], f)
	if y, ok := answerValues[string(w)]; ok {
		return true, true, y
	}
	letters := len(f) <= 3
	for _, c := range f {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			letters = false
			break
		}
	}
	return letters || spelledCodes[string(w)], false, false
}

// codeReport is what a list's code columns held (SourceInfo).
type codeReport struct {
	cols   codeColumns
	counts codeCounts
	exempt bool // an allow or consent list
}

// CodeColumnError refuses a list that says something about each number
// beside it: see the top of codecols.go.
type CodeColumnError struct {
	Path   string
	Column string // "" for a list without a header
	Exempt bool   // an allow or consent list
}

func (e *CodeColumnError) Error() string {
	what := "a code beside each number"
	if e.Column != "" {
		what = "column " + colname.Quote(e.Column)
	}
	if e.Exempt {
		return fmt.Sprintf("list %s: %s may say no for some numbers, and every number of an allow or consent list counts as allowed: keep only the lines that allow, and remove that column",
			e.Path, what)
	}
	return fmt.Sprintf("registry %s: %s gives a verdict per number, as a wash result does: give it as wash:%s (then --block-codes and --pass-codes say what the codes mean); if it is a plain list, build it with registry build --lenient",
		e.Path, what, e.Path)
}

// saysNoColumn returns the column of a CSV source that unfits it for an
// allow or consent list (see the top of this file), or "": a withdrawal
// holding something, an answer saying no (or 0 beside 1, or a tick column),
// the other column of a pair saying no.
func (r *codeReport) saysNoColumn() string {
	for j, name := range r.cols.names {
		c := &r.counts.cols[j]
		var bad bool
		switch r.cols.kinds[j] {
		case codeWithdrawal, codeWithdrawnAt:
			bad = c.filled > 0
		case codeAnswer:
			bad = c.no || c.zero && c.one || c.filled > 0 && c.empty > 0
		case codePair:
			bad = c.no
		}
		if bad {
			return name
		}
	}
	return ""
}

// codeColumnErr returns the CodeColumnError for si, or nil. For a registry
// it also records si.saysNo, so that a snapshot built from it is refused as
// an allow or consent list as the source would be.
func codeColumnErr(si *SourceInfo) error {
	r := &si.codes
	refuse := func(column string) error { return &CodeColumnError{Path: si.Path, Column: column, Exempt: r.exempt} }
	switch si.Kind {
	case KindCSV:
		no := r.saysNoColumn()
		if r.exempt {
			if no != "" {
				return refuse(no)
			}
			return nil
		}
		si.saysNo = no
		for j, name := range r.cols.names {
			c := &r.counts.cols[j]
			switch r.cols.kinds[j] {
			case codeVerdict:
				if c.mostly(c.codes) {
					return refuse(name)
				}
			case codePair:
				if c.mostly(c.answers) && c.no && c.yes {
					return refuse(name)
				}
			}
		}
	case KindList:
		if c := &r.counts.bare; c.filled > 0 && c.mostly(c.codes) && 2*c.filled >= min(si.Lines, codeSample) {
			return refuse("")
		}
	case KindSnapshot:
		if r.exempt {
			if no := innerSaysNo(si.Inner); no != "" {
				return refuse(no)
			}
		}
	}
	return nil
}

// innerSaysNo returns the first saysNo column of sources, or of their own.
func innerSaysNo(sources []SourceInfo) string {
	for i := range sources {
		if sources[i].saysNo != "" {
			return sources[i].saysNo
		}
		if no := innerSaysNo(sources[i].Inner); no != "" {
			return no
		}
	}
	return ""
}

// codeColumnWarnings returns the warnings about si's other columns: in an
// allow or consent list, a column whose name says nothing but whose fields
// are mostly yes/no answers, some of them no ("Statut", "Réponse" under a
// name colname does not know): maybe a refusal the rule cannot tell.
func codeColumnWarnings(si *SourceInfo) []string {
	r := &si.codes
	if si.Kind != KindCSV || !r.exempt {
		return nil
	}
	var out []string
	for j, name := range r.cols.names {
		if c := &r.counts.cols[j]; r.cols.kinds[j] == codeOther && c.no && c.mostly(c.answers+c.codes) {
			out = append(out, fmt.Sprintf("list %s: column %s holds yes/no answers, some of them no: if they say whether a number may be called, keep only the lines that allow", si.Path, colname.Quote(name)))
		}
	}
	return out
}
