package workbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// sharedStrings holds a workbook's shared string table in one arena: item
// i is data[off[i]:off[i+1]]. A table of a million strings is then two
// allocations, not a million.
type sharedStrings struct {
	data []byte
	off  []uint32
}

func (s *sharedStrings) len() int {
	if len(s.off) == 0 {
		return 0
	}
	return len(s.off) - 1
}

func (s *sharedStrings) item(i int) []byte { return s.data[s.off[i]:s.off[i+1]] }

// readSharedStrings reads a sharedStrings part: each <si> is the text of
// its <t>, or the concatenated <t> of its rich text runs <r>; phonetic
// runs <rPh> (furigana) are not part of the text.
func readSharedStrings(x *xmlReader) (*sharedStrings, error) {
	ss := &sharedStrings{off: []uint32{0}}
	if err := x.next(); err != nil {
		return nil, noEOF(err)
	}
	if x.kind != tokStart || string(x.name) != "sst" {
		return nil, errors.New("not a shared string table (no <sst>)")
	}
	var raw []byte
	for {
		if err := x.next(); err != nil {
			return nil, noEOF(err)
		}
		if x.kind == tokEnd {
			break // </sst>
		}
		if x.kind != tokStart {
			continue
		}
		if string(x.name) != "si" {
			if err := x.skip(); err != nil {
				return nil, err
			}
			continue
		}
		var err error
		raw, err = readRichText(x, raw[:0])
		if err != nil {
			return nil, fmt.Errorf("string %d: %w", ss.len(), err)
		}
		ss.data = appendUnescaped(ss.data, raw)
		if len(ss.data) > math.MaxUint32 {
			return nil, errors.New("shared strings over 4 GiB")
		}
		ss.off = append(ss.off, uint32(len(ss.data)))
	}
	if err := x.next(); err != io.EOF {
		if err == nil {
			err = errors.New("content after </sst>")
		}
		return nil, err
	}
	return ss, nil
}

var errStringTooLong = fmt.Errorf("a string of more than %d MiB", maxRowBytes>>20)

// readRichText appends the text of the element whose start tag was just
// read (an <si> or an <is>): its <t> children and the <t> of its <r> runs,
// not its <rPh> runs. The OOXML _xHHHH_ escapes are left for the caller.
func readRichText(x *xmlReader, dst []byte) ([]byte, error) {
	d := x.depth() // the <si>'s depth
	inT := false
	for {
		if err := x.next(); err != nil {
			return dst, noEOF(err)
		}
		switch x.kind {
		case tokStart:
			switch {
			case string(x.name) == "t" && (x.depth() == d+1 || x.depth() == d+2):
				inT = true
			case string(x.name) == "r" && x.depth() == d+1:
			default:
				if err := x.skip(); err != nil {
					return dst, err
				}
			}
		case tokEnd:
			if x.depth() < d {
				return dst, nil
			}
			inT = false
		case tokText:
			if inT {
				dst = append(dst, x.text...)
				if len(dst) > maxRowBytes {
					return dst, errStringTooLong
				}
			}
		}
	}
}

// appendUnescaped appends s with the OOXML escapes of characters decoded:
// _xHHHH_ is the UTF-16 code unit HHHH (_x000D_ a CR, _x005F_ a '_' that
// would otherwise start an escape); a surrogate pair written as two
// escapes is one character.
func appendUnescaped(dst, s []byte) []byte {
	for {
		i := bytes.Index(s, []byte("_x"))
		if i < 0 {
			return append(dst, s...)
		}
		u, ok := escapeUnit(s[i:])
		if !ok {
			dst = append(dst, s[:i+2]...)
			s = s[i+2:]
			continue
		}
		dst = append(dst, s[:i]...)
		s = s[i+7:]
		r := rune(u)
		if utf16.IsSurrogate(r) {
			if lo, ok := escapeUnit(s); ok && r < 0xDC00 {
				if p := utf16.DecodeRune(r, rune(lo)); p != utf8.RuneError {
					r = p
					s = s[7:]
				}
			}
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
			}
		}
		dst = utf8.AppendRune(dst, r)
	}
}

// escapeUnit decodes an _xHHHH_ escape at the start of s.
func escapeUnit(s []byte) (uint16, bool) {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return 0, false
	}
	var u uint16
	for _, c := range s[2:6] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		u = u<<4 | uint16(d)
	}
	return u, true
}
