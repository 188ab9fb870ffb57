package registry

import (
	"bytes"
	"context"
	"fmt"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
)

// csvFormat is delimited text whose header names its number columns (see
// detectHeader for which columns a block, allow or consent list reads).
type csvFormat struct{}

func (csvFormat) kind() string { return KindCSV }

func (csvFormat) sniff(in *input) (bool, error) {
	t, err := in.start()
	if err != nil || t.line == nil {
		return false, err
	}
	return t.isHeader && t.hdr.fields > 1, nil
}

func (f csvFormat) read(ctx context.Context, in *input) (*sourceData, error) {
	return readTextSource(ctx, in, f)
}

func (csvFormat) lines(in *input, t *textStart) (lineFormat, bool, error) {
	if t.line != nil && !t.isHeader {
		return nil, false, fmt.Errorf("%s:%d: header names no phone number column", in.path, t.lr.line)
	}
	dated := in.opts.Exempt && in.opts.records != nil && in.opts.records.consents != nil
	t.hdr.codeCols = newCodeColumns(t.line, &t.hdr, in.opts.Exempt, dated)
	var d *datedCols
	if dated && t.line != nil {
		var err error
		if d, err = newDatedCols(in.path, t.lr.line, t.line, &t.hdr); err != nil {
			return nil, false, err
		}
		if d != nil {
			t.hdr.consentedAt, t.hdr.withdrawnAt, t.hdr.recorded = d.givenName, d.withdrawnName, true
		}
	}
	return csvLines{hdr: t.hdr, dated: d}, false, nil
}

// csvLines reads the lines of a CSV (or area-code file) with header hdr,
// and with dated the dates of a consent list's lines.
type csvLines struct {
	hdr   header
	dated *datedCols
}

func (csvLines) fast() fastPath { return fastNone }

func (c csvLines) line(p *textParser, line []byte, lineNo int) error {
	if c.dated == nil {
		return c.numbers(p, line, lineNo)
	}
	p.lineKeys = p.lineKeys[:0]
	p.collect = collectAlso
	err := c.numbers(p, line, lineNo)
	p.collect = collectNone
	if err != nil || len(p.lineKeys) == 0 {
		return err // no valid number: an invalid line, counted
	}
	return c.dated.line(p, line, c.hdr.delim, lineNo)
}

// numbers reads the numbers of a line.
func (c csvLines) numbers(p *textParser, line []byte, lineNo int) error {
	h := &c.hdr
	if h.delim != 0 && h.fields > 0 && !p.opts.Exempt {
		p.beyondHeader(line, h)
	}
	if h.areaCol < 0 && len(h.cols)+len(h.extra) > 1 {
		return p.severalColumns(line, lineNo, h)
	}
	h.codeCols.sample(line, h.delim, lineNo, &p.codes)
	f, present, bad := csvsplit.FieldAt(line, h.delim, h.col)
	if bad {
		return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
	}
	if !present || len(f) == 0 {
		p.invalid[normalize.ReasonEmpty]++
		return nil
	}
	if h.areaCol >= 0 {
		a, present, bad := csvsplit.FieldAt(line, h.delim, h.areaCol)
		if bad {
			return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
		}
		if present {
			joined := make([]byte, 0, len(a)+1+len(f))
			joined = append(append(append(joined, a...), ','), f...)
			if k, ok := nanpKey(joined); ok {
				p.addKey(k)
				return nil
			}
			return p.add(append(joined[:len(a)], f...), lineNo)
		}
	}
	return p.add(f, lineNo)
}

// beyondHeader reads the fields of a block list's line past its header's:
// they hold no column name, but a number there is as registered as one in
// the number column ("A;0612345678;0145678901" under "Nom;Tel"). Reading
// it only blocks more.
func (p *textParser) beyondHeader(line []byte, h *header) {
	for col := h.fields; ; col++ {
		f, present, bad := csvsplit.FieldAt(line, h.delim, col)
		if !present || bad {
			return
		}
		if asciiDigits(f) >= numberDigits {
			p.addExtra(f)
		}
	}
}

// severalColumns reads a line of a header with several number columns:
// every non-empty one is a registered number; in a column that only may
// hold numbers, every field that looks like one.
func (p *textParser) severalColumns(line []byte, lineNo int, h *header) error {
	seen := false
	for _, col := range h.cols {
		f, present, bad := csvsplit.FieldAt(line, h.delim, col)
		if bad {
			return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
		}
		if !present || len(bytes.TrimSpace(f)) == 0 {
			continue
		}
		seen = true
		if err := p.add(f, lineNo); err != nil {
			return err
		}
	}
	for _, col := range h.extra {
		f, present, bad := csvsplit.FieldAt(line, h.delim, col)
		if bad {
			return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
		}
		if !present || asciiDigits(f) < numberDigits {
			continue
		}
		if p.addExtra(f) {
			seen = true
		}
	}
	if !seen {
		p.invalid[normalize.ReasonEmpty]++
	}
	return nil
}
