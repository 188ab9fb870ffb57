package registry

import (
	"bytes"
	"fmt"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
)

// A list is read for its numbers; what else its lines hold is not. When a
// line says something about its number (Y/N, yes/no, a verdict), the file
// is probably a wash result given without "wash:", or a consent or
// customer export that lists refusals beside consents: read as a list,
// every number in it would count, the passed or refused ones included, and
// for a wash result every number absent from it would pass as clean. Such
// files are refused (CodeColumnError). This file is the one home of that
// rule. What counts, over the first codeSample data lines:
//   - in a list of two columns, the one no number is read from, when its
//     fields are answers (yes/no words: Y, N, oui, non, true, faux...) on 9
//     lines in 10, both affirmative and negative ones (with more columns,
//     an unnamed yes/no column is as likely a preference: "sms_ok");
//   - a column named like one of answers (colname.LooksVerdict: Result,
//     Status, Opt-in, Consentement...) whose fields are codes (answers,
//     0/1, one to three letters, a verdict spelled out) on 9 lines in 10,
//     not all the same;
//   - in a list without a header, a code beside the number ("Y;06...",
//     "06... N") on 9 lines in 10.
// A column whose fields are all the same carries nothing about each
// number ("opt_in" Y on every line): it is read as a list.

// codeSample is how many data lines of a list are sampled for codes.
const codeSample = 1024

// maxCodeCols is how many unread columns are sampled.
const maxCodeCols = 32

// codeColumns are the columns of a CSV list that no number is read from.
type codeColumns struct {
	cols   []int
	names  []string
	named  []bool // named like a column of answers (colname.LooksVerdict)
	fields int    // the header's
}

// newCodeColumns returns the columns of header line (read as h) that h
// reads no number from, at most maxCodeCols.
func newCodeColumns(line []byte, h *header) codeColumns {
	var c codeColumns
	fields, ok := csvsplit.SplitLine(line, h.delim, nil)
	if !ok || h.delim == 0 {
		return c
	}
	c.fields = len(fields)
	read := map[int]bool{h.areaCol: true}
	for _, i := range append(append([]int(nil), h.cols...), h.extra...) {
		read[i] = true
	}
	for i, f := range fields {
		if !read[i] && len(c.cols) < maxCodeCols {
			name := headerName(f)
			c.cols = append(c.cols, i)
			c.names = append(c.names, name)
			c.named = append(c.named, colname.LooksVerdict(name))
		}
	}
	return c
}

// codeCol counts what the sampled fields of one column were.
type codeCol struct {
	answers int // yes/no answers
	codes   int // codes: answers, 0/1, short letter codes, verdicts spelled out
	yes, no bool
	first   string // the first code seen, folded
	varied  bool   // a code other than first was seen
}

func (c *codeCol) saw(code string) {
	switch {
	case c.first == "":
		c.first = code
	case code != c.first:
		c.varied = true
	}
}

func (c *codeCol) add(o *codeCol) {
	c.answers += o.answers
	c.codes += o.codes
	c.yes, c.no = c.yes || o.yes, c.no || o.no
	if o.first != "" {
		c.saw(o.first)
	}
	c.varied = c.varied || o.varied
}

// codeCounts count, over the sampled lines, the codes of each code column,
// and, for a list without a header, the lines with a code beside the
// number.
type codeCounts struct {
	sampled int
	cols    [maxCodeCols]codeCol
	bare    codeCol // lines of a list without a header
}

func (c *codeCounts) add(o *codeCounts) {
	c.sampled += o.sampled
	for j := range c.cols {
		c.cols[j].add(&o.cols[j])
	}
	c.bare.add(&o.bare)
}

// sample counts line's code fields, for one of the first codeSample data
// lines (lineNo counts the header as line 1).
func (c *codeColumns) sample(line []byte, delim byte, lineNo int, n *codeCounts) {
	if len(c.cols) == 0 || lineNo > codeSample+1 {
		return
	}
	n.sampled++
	for j, col := range c.cols {
		f, present, _ := csvsplit.FieldAt(line, delim, col)
		if present {
			n.cols[j].count(f, c.named[j])
		}
	}
}

// count counts field f: digits 0 and 1 are codes only in a column named
// like one of answers.
func (c *codeCol) count(f []byte, named bool) {
	code, answer, yes := codeOf(f)
	if !code && named && (string(bytes.TrimSpace(f)) == "0" || string(bytes.TrimSpace(f)) == "1") {
		code = true
	}
	if !code {
		return
	}
	c.codes++
	if answer {
		c.answers++
		c.yes, c.no = c.yes || yes, c.no || !yes
	}
	c.saw(string(bytes.ToLower(bytes.TrimSpace(f))))
}

// sampleBare counts, in a list without a header, a line (one of the first
// codeSample) holding a code beside its number: "Y;0612345678",
// "0612345678 N".
func sampleBare(line []byte, lineNo int, n *codeCounts) {
	if lineNo > codeSample {
		return
	}
	line = bytes.TrimSpace(line)
	i := bytes.IndexAny(line, ",;|\t ")
	j := bytes.LastIndexAny(line, ",;|\t ")
	if i < 0 {
		return
	}
	for _, f := range [][]byte{line[:i], line[j+1:]} {
		if f, ok := csvsplit.Unquote(f); ok && !hasDigit(f) {
			n.bare.count(f, true)
		}
	}
}

// answerWords are the yes/no answers, folded to lower case: true for an
// affirmative one.
var answerWords = map[string]bool{
	"y": true, "yes": true, "o": true, "oui": true, "true": true, "vrai": true, "si": true, "ja": true, "ok": true,
	"n": false, "no": false, "non": false, "false": false, "faux": false, "nein": false, "ko": false,
}

// spelledCodes are verdicts and consents spelled out, folded to lower case.
var spelledCodes = map[string]bool{
	"registered": true, "not registered": true, "unregistered": true, "blocked": true, "clean": true,
	"valid": true, "invalid": true, "pass": true, "fail": true, "dnc": true, "granted": true,
	"denied": true, "accepted": true, "refused": true, "accepte": true, "refuse": true,
	"accepté": true, "refusé": true, "opted in": true, "opted out": true, "opt-in": true,
	"opt-out": true, "optin": true, "optout": true, "withdrawn": true, "active": true,
	"inactive": true, "actif": true, "inactif": true, "expired": true, "expire": true, "expiré": true,
	"subscribed": true, "unsubscribed": true,
}

// codeOf says whether field f reads as a code (an answer, one to three
// letters, or a verdict spelled out), as a yes/no answer, and, for an
// answer, whether it is affirmative.
func codeOf(f []byte) (code, answer, yes bool) {
	f = bytes.TrimSpace(f)
	if len(f) == 0 || len(f) > 16 {
		return false, false, false
	}
	w := string(bytes.ToLower(f))
	if y, ok := answerWords[w]; ok {
		return true, true, y
	}
	letters := len(f) <= 3
	for _, c := range f {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			letters = false
			break
		}
	}
	return letters || spelledCodes[w], false, false
}

// codeReport is what a CSV source's code columns held (SourceInfo).
type codeReport struct {
	names  []string
	named  []bool
	fields int // the header's
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
	what := "a column of codes beside the numbers"
	if e.Column != "" {
		what = "column " + colname.Quote(e.Column)
	}
	if e.Exempt {
		return fmt.Sprintf("list %s: %s says yes or no (or gives a code) per number: an allow or consent list must hold only the numbers it allows, so a \"no\" line would count as a \"yes\"; keep only the lines that allow, without that column",
			e.Path, what)
	}
	return fmt.Sprintf("registry %s: %s gives a yes/no or a code per number, as a wash result's verdicts: give it as wash:%s (then --block-codes and --pass-codes say what the codes mean); if it is a plain list, build it with registry build --lenient",
		e.Path, what, e.Path)
}

// codeColumnErr returns the CodeColumnError for si, or nil.
func codeColumnErr(si *SourceInfo) error {
	r := &si.codes
	switch si.Kind {
	case KindCSV:
		n := r.counts.sampled
		for j, name := range r.names {
			c := &r.counts.cols[j]
			answers := r.fields == 2 && c.answers*10 >= n*9 && c.yes && c.no
			if n > 0 && (answers || r.named[j] && c.codes*10 >= n*9 && c.varied) {
				return &CodeColumnError{Path: si.Path, Column: name, Exempt: r.exempt}
			}
		}
	case KindList:
		n := min(si.Lines, codeSample)
		if c := &r.counts.bare; n > 0 && c.codes*10 >= n*9 {
			return &CodeColumnError{Path: si.Path, Exempt: r.exempt}
		}
	}
	return nil
}
