package registry

import (
	"bytes"
	"fmt"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
)

// A CSV list is read for the numbers in its phone columns; its other
// columns are not read. When one of them holds a code per number (Y/N,
// yes/no, a verdict), the file is probably a wash result given without
// "wash:", or a consent export listing refusals beside consents: read as a
// list, every number in it would count (the passed or refused ones
// included) and, for a wash result, every number absent from it would pass
// as clean. Those files are refused (CodeColumnError); this file is the
// one home of that rule.

// codeSample is how many data lines of a CSV list are sampled for codes.
const codeSample = 1024

// maxCodeCols is how many unread columns are sampled.
const maxCodeCols = 8

// codeColumns are the columns of a CSV list that no number is read from.
type codeColumns struct {
	cols  []int
	names []string
}

// newCodeColumns returns the columns of header line (read as h) that h
// reads no number from, at most maxCodeCols.
func newCodeColumns(line []byte, h *header) codeColumns {
	var c codeColumns
	fields, ok := csvsplit.SplitLine(line, h.delim, nil)
	if !ok || h.delim == 0 {
		return c
	}
	read := map[int]bool{h.areaCol: true}
	for _, i := range append(append([]int(nil), h.cols...), h.extra...) {
		read[i] = true
	}
	for i, f := range fields {
		if !read[i] && len(c.cols) < maxCodeCols {
			c.cols = append(c.cols, i)
			c.names = append(c.names, headerName(f))
		}
	}
	return c
}

// codeCounts count, over the sampled lines, the fields of each code column
// that read as a verdict and as a yes/no answer.
type codeCounts struct {
	sampled        int
	verdict, yesNo [maxCodeCols]int
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
		if !present {
			continue
		}
		verdict, yesNo := codeOf(f)
		if verdict {
			n.verdict[j]++
		}
		if yesNo {
			n.yesNo[j]++
		}
	}
}

func (c *codeCounts) add(o *codeCounts) {
	c.sampled += o.sampled
	for j := range c.verdict {
		c.verdict[j] += o.verdict[j]
		c.yesNo[j] += o.yesNo[j]
	}
}

// yesNoWords are the answers of a yes/no column, folded to lower case.
var yesNoWords = map[string]bool{
	"y": true, "n": true, "yes": true, "no": true, "true": true, "false": true,
	"oui": true, "non": true, "si": true, "ja": true, "nein": true,
}

// verdictWords are verdicts spelled out, folded to lower case.
var verdictWords = map[string]bool{
	"registered": true, "not registered": true, "unregistered": true, "blocked": true,
	"clean": true, "valid": true, "invalid": true, "pass": true, "fail": true, "dnc": true,
}

// codeOf says whether field f reads as a verdict (one to three letters, or
// a verdict spelled out) and as a yes/no answer.
func codeOf(f []byte) (verdict, yesNo bool) {
	f = bytes.TrimSpace(f)
	if len(f) == 0 || len(f) > 16 {
		return false, false
	}
	w := string(bytes.ToLower(f))
	letters := true
	for _, c := range f {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			letters = false
			break
		}
	}
	return letters && len(f) <= 3 || verdictWords[w] || yesNoWords[w], yesNoWords[w]
}

// codeReport is what a CSV source's code columns held (SourceInfo).
type codeReport struct {
	names  []string
	counts codeCounts
	exempt bool // an allow or consent list
}

// CodeColumnError refuses a CSV list with a column of codes beside its
// numbers: see the top of codecols.go.
type CodeColumnError struct {
	Path, Column string
	Exempt       bool // an allow or consent list
}

func (e *CodeColumnError) Error() string {
	if e.Exempt {
		return fmt.Sprintf("list %s: column %s holds a yes/no or a code per number: an allow or consent list must hold only the numbers it allows, so a \"no\" line would count as a \"yes\"; keep only the lines that allow",
			e.Path, colname.Quote(e.Column))
	}
	return fmt.Sprintf("registry %s: column %s holds a yes/no or a code per number, as a wash result's verdicts: give it as wash:%s (then --block-codes and --pass-codes say what the codes mean); if it is a plain list, build it with registry build --lenient",
		e.Path, colname.Quote(e.Column), e.Path)
}

// codeColumnErr returns the CodeColumnError for si, or nil: a CSV source
// with a column where at least 9 sampled lines in 10 hold a yes/no answer,
// or, in a column named like a verdict column (colname.LooksVerdict), a
// verdict.
func codeColumnErr(si *SourceInfo) error {
	r := &si.codes
	n := r.counts.sampled
	if si.Kind != KindCSV || n == 0 {
		return nil
	}
	for j, name := range r.names {
		if r.counts.yesNo[j]*10 >= n*9 || colname.LooksVerdict(name) && r.counts.verdict[j]*10 >= n*9 {
			return &CodeColumnError{Path: si.Path, Column: name, Exempt: r.exempt}
		}
	}
	return nil
}
