package registry

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
)

// washFormat is a wash result: the file a wash service returns, one number
// per line with its verdict (spec: "Wash results"), given as "wash:PATH":
//
//	phone,result        an optional header: a first line whose first field holds no digit
//	0412345678,Y        a blocking verdict: registered and screened
//	0412345679, n       a passing verdict: screened, not registered
//	0412345680,I        any other verdict: not screened
//
// Fields are separated by ',', ';' or a tab (the first line's), quoted or
// not. Without a header a line is NUMBER,VERDICT; a header of more than two
// columns must name both (see washLines.columns). A line with more fields
// than the first is invalid; verdicts are trimmed and compared without case with
// LoadOptions.Wash. A number given several verdicts takes the blocking one
// if any. A line without a verdict, or whose number is not valid, is an
// invalid line (Checks.MaxInvalid; with Strict, a line without a verdict
// is an error).
type washFormat struct{}

func (washFormat) kind() string { return KindWash }

func (washFormat) sniff(*input) (bool, error) { return false, nil }

func (f washFormat) read(ctx context.Context, in *input) (*sourceData, error) {
	sd, err := readTextSource(ctx, in, f)
	if err != nil {
		return nil, err
	}
	sd.screened = sortDistinctKeys(nil, append(in.text.p.pass.take(), newKeyBlock(sd.keys, -1)))
	sd.info.Screened = len(sd.screened)
	sd.info.ColumnsIgnored = nil
	return sd, nil
}

func (washFormat) lines(in *input, t *textStart) (lineFormat, bool, error) {
	codes, err := in.opts.Wash.verdicts()
	if err != nil {
		return nil, false, fmt.Errorf("registry %s: %w", in.path, err)
	}
	lf := washLines{delim: ',', codes: codes, numCol: 0, verdictCol: 1, fields: 2}
	if t.line == nil {
		return lf, false, nil
	}
	if d := csvsplit.LineDelimiter(t.line); d == ';' || d == '\t' {
		lf.delim = d
	}
	fields, ok := csvsplit.SplitLine(t.line, lf.delim, nil)
	if !ok {
		return nil, false, fmt.Errorf("%s:%d: unbalanced quotes", in.path, t.lr.line)
	}
	lf.fields = len(fields)
	if hasDigit(fields[0]) {
		// No header: the layout is NUMBER,VERDICT and nothing else, or
		// which field is the verdict would be a guess.
		if len(fields) != 2 {
			return nil, false, fmt.Errorf("%s:%d: %d fields: a wash result without a header is NUMBER,VERDICT; give it a header naming its number and verdict columns (Phone, Result)", in.path, t.lr.line, len(fields))
		}
		return lf, true, nil
	}
	if err := lf.columns(fields); err != nil {
		return nil, false, fmt.Errorf("%s:%d: %w", in.path, t.lr.line, err)
	}
	return lf, false, nil
}

// columns finds a wash result's number and verdict columns from its header
// fields: with two, the number's is the one named like a phone column (the
// first when neither or both are) and the verdict the other; with more,
// each must be named, the verdict's like a verdict column
// (colname.LooksVerdict), or the file is refused.
func (w *washLines) columns(fields [][]byte) error {
	names := make([]string, len(fields))
	w.numCol, w.verdictCol = -1, -1
	for i, f := range fields {
		names[i] = headerName(f)
	}
	for i, name := range names {
		if w.numCol < 0 && columnRank(name, colname.Block) > 0 {
			w.numCol = i
		}
	}
	for i, name := range names {
		if i != w.numCol && colname.LooksVerdict(name) {
			if w.verdictCol >= 0 {
				return fmt.Errorf("columns %s and %s both name a verdict: keep one", colname.Quote(names[w.verdictCol]), colname.Quote(name))
			}
			w.verdictCol = i
		}
	}
	if len(fields) == 2 {
		if w.numCol < 0 {
			w.numCol = 0
		}
		w.verdictCol = 1 - w.numCol
		return nil
	}
	switch {
	case w.numCol < 0:
		return fmt.Errorf("no column of the header (%s) names the number (Phone, Number)", colname.QuoteList(names))
	case w.verdictCol < 0:
		return fmt.Errorf("no column of the header (%s) names the verdict (Result, Status, Verdict, Code)", colname.QuoteList(names))
	}
	return nil
}

// verdict is what a wash result says of a number.
type verdict uint8

const (
	notScreened verdict = iota // a verdict that neither blocks nor passes
	blocks                     // registered
	passes                     // screened, not registered
)

// washVerdicts are WashCodes ready for look-ups: upper-cased.
type washVerdicts struct{ block, pass []string }

// Validate reports a verdict code that is empty, or given both as blocking
// and as passing: a usage error.
func (w WashCodes) Validate() error {
	_, err := w.verdicts()
	return err
}

// verdicts returns w's codes trimmed and upper-cased, the defaults (Y, N)
// for a nil list.
func (w WashCodes) verdicts() (washVerdicts, error) {
	block, pass := w.Block, w.Pass
	if block == nil {
		block = []string{"Y"}
	}
	if pass == nil {
		pass = []string{"N"}
	}
	var v washVerdicts
	for _, c := range block {
		v.block = append(v.block, strings.ToUpper(strings.TrimSpace(c)))
	}
	for _, c := range pass {
		v.pass = append(v.pass, strings.ToUpper(strings.TrimSpace(c)))
	}
	for _, c := range append(append([]string(nil), v.block...), v.pass...) {
		if c == "" {
			return v, fmt.Errorf("an empty wash verdict code")
		}
	}
	for _, c := range v.block {
		for _, d := range v.pass {
			if c == d {
				return v, fmt.Errorf("wash verdict %q is both a blocking and a passing code", c)
			}
		}
	}
	return v, nil
}

// of returns what verdict field f says.
func (v *washVerdicts) of(f []byte) verdict {
	f = bytes.TrimSpace(f)
	for _, c := range v.block {
		if bytes.EqualFold(f, []byte(c)) {
			return blocks
		}
	}
	for _, c := range v.pass {
		if bytes.EqualFold(f, []byte(c)) {
			return passes
		}
	}
	return notScreened
}

// washLines reads a wash result's lines: a number and its verdict in the
// columns its header names (NUMBER,VERDICT without one), fields in all.
type washLines struct {
	delim              byte
	codes              washVerdicts
	numCol, verdictCol int
	fields             int
}

func (washLines) fast() fastPath { return fastNone }

func (w washLines) line(p *textParser, line []byte, lineNo int) error {
	num, _, bad := csvsplit.FieldAt(line, w.delim, w.numCol)
	v, present, vbad := csvsplit.FieldAt(line, w.delim, w.verdictCol)
	_, extra, _ := csvsplit.FieldAt(line, w.delim, w.fields)
	if bad || vbad {
		return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
	}
	if extra {
		// A field more than the header's: its columns may be shifted,
		// so its verdict cannot be trusted.
		return p.reject(normalize.ReasonNotANumber, lineNo, fmt.Sprintf("more than %d fields", w.fields))
	}
	if !present || len(bytes.TrimSpace(v)) == 0 {
		return p.reject(normalize.ReasonNotANumber, lineNo, "no verdict after the number")
	}
	res := p.opts.Normalizer.Normalize(num)
	if !res.Valid() {
		return p.invalidField(res.Reason, num, lineNo)
	}
	if res.Key == 0 || uint64(res.Key) > maxKey {
		return p.errKeyRange(lineNo)
	}
	switch w.codes.of(v) {
	case blocks:
		p.addKey(uint64(res.Key))
	case passes:
		p.pass.add(uint64(res.Key))
	}
	return nil
}
