package registry

import (
	"bytes"
	"context"

	"github.com/listscrub/listscrub/csvsplit"
)

// nanpFormat is an area-code file, as the US DNC registry and Canada's
// DNCL ship them: "AAA,NNNNNNN" lines (and 10-digit ones), or a CSV whose
// header names an area-code column beside the number column.
type nanpFormat struct{}

func (nanpFormat) kind() string { return KindNANP }

func (nanpFormat) sniff(in *input) (bool, error) {
	t, err := in.start()
	if err != nil || t.line == nil {
		return false, err
	}
	if t.isHeader {
		return t.hdr.areaCol >= 0, nil
	}
	_, ok := nanpKey(t.line)
	return ok && bytes.IndexByte(t.line, ',') >= 0, nil
}

func (f nanpFormat) read(ctx context.Context, in *input) (*sourceData, error) {
	return readTextSource(ctx, in, f)
}

func (nanpFormat) lines(_ *input, t *textStart) (lineFormat, bool, error) {
	if t.isHeader && t.hdr.areaCol >= 0 {
		return csvLines{hdr: t.hdr}, false, nil
	}
	return nanpLines{}, !t.isHeader, nil
}

// nanpLines reads the lines of an area-code file without a header.
type nanpLines struct{}

// fast: the shapes of national registries, AAA,NNNNNNN and 10 digits
// (nanpFast yields what nanpKey would).
func (nanpLines) fast() fastPath { return fastNANP }

func (nanpLines) line(p *textParser, line []byte, lineNo int) error {
	if k, ok := nanpKey(line); ok {
		p.addKey(k)
		return nil
	}
	f, ok := csvsplit.Unquote(line)
	if !ok {
		f = line
	}
	return p.add(f, lineNo)
}

// nanpKey reads "AAA,NNNNNNN" (spaces and quotes allowed around each part),
// a bare 10-digit number, or 1 followed by 10 digits, as +1AAANNNNNNN.
func nanpKey(line []byte) (uint64, bool) {
	var d [11]byte
	nd := 0
	parts := 0
	inPart := false
	comma := false
	partLen := [2]int{}
	for _, c := range line {
		switch {
		case c >= '0' && c <= '9':
			if nd == len(d) {
				return 0, false
			}
			if !inPart {
				if parts == 2 || (parts == 1 && !comma) {
					return 0, false
				}
				inPart = true
				parts++
			}
			d[nd] = c
			nd++
			partLen[parts-1]++
		case c == ',':
			if comma || parts != 1 {
				return 0, false
			}
			comma = true
			inPart = false
		case c == ' ' || c == '\t' || c == '"':
			inPart = false
		default:
			return 0, false
		}
	}
	var k uint64
	switch {
	case parts == 2 && partLen[0] == 3 && partLen[1] == 7:
		k = 1
	case parts == 1 && !comma && nd == 10:
		k = 1
	case parts == 1 && !comma && nd == 11 && d[0] == '1':
	default:
		return 0, false
	}
	for _, c := range d[:nd] {
		k = k*10 + uint64(c-'0')
	}
	return k, true
}

// nanpFast reads the plain shapes of nanpKey: exactly "AAA,NNNNNNN", ten
// digits, or 1 and ten digits, as +1AAANNNNNNN. ok false means nothing:
// nanpKey decides.
func nanpFast(line []byte) (uint64, bool) {
	var k uint64
	switch {
	case len(line) == 10:
		k = 1
	case len(line) == 11 && line[3] == ',':
		k = 1
		for _, c := range line[:3] {
			if c-'0' > 9 {
				return 0, false
			}
			k = k*10 + uint64(c-'0')
		}
		line = line[4:]
	case len(line) == 11 && line[0] == '1':
	default:
		return 0, false
	}
	for _, c := range line {
		if c-'0' > 9 {
			return 0, false
		}
		k = k*10 + uint64(c-'0')
	}
	return k, true
}
