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
	t.hdr.codeCols = newCodeColumns(t.line, &t.hdr, in.opts.Exempt)
	return csvLines{hdr: t.hdr}, false, nil
}

// csvLines reads the lines of a CSV (or area-code file) with header hdr.
type csvLines struct{ hdr header }

func (csvLines) fast() fastPath { return fastNone }

func (c csvLines) line(p *textParser, line []byte, lineNo int) error {
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
