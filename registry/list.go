package registry

import (
	"context"
	"fmt"

	"github.com/listscrub/listscrub/csvsplit"
)

// listFormat is a plain list: one number per line, quoted or not, with an
// optional header line (a phone column's name, or a word that is no
// number). It takes any text no other format recognised.
type listFormat struct{}

func (listFormat) kind() string { return KindList }

func (listFormat) sniff(*input) (bool, error) { return true, nil }

func (f listFormat) read(ctx context.Context, in *input) (*sourceData, error) {
	return readTextSource(ctx, in, f)
}

func (listFormat) lines(in *input, t *textStart) (lineFormat, bool, error) {
	data := t.line != nil && !t.isHeader
	if data && !hasDigit(t.line) {
		if csvsplit.LineDelimiter(t.line) != 0 {
			return nil, false, fmt.Errorf("%s:%d: header names no phone number column", in.path, t.lr.line)
		}
		// A header word (numero, phone, ...): not a number.
		data = in.opts.Normalizer.Normalize(t.line).Valid()
	}
	return listLines{}, data, nil
}

// listLines reads a list's lines: each is one number.
type listLines struct{}

// fast: most lines are bare numbers.
func (listLines) fast() fastPath { return fastBare }

func (listLines) line(p *textParser, line []byte, lineNo int) error {
	if lineNo <= codeSample || p.opts.Exempt {
		sampleBare(line, lineNo, &p.codes)
	}
	f, ok := csvsplit.Unquote(line)
	if !ok {
		f = line
	}
	return p.add(f, lineNo)
}
