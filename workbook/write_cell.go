package workbook

import (
	"strconv"
	"unicode/utf8"
)

// appendRef appends column j's letters (0 is A, 16383 is XFD) and the row
// number: the cell reference B12.
func appendRef(b []byte, j int, row []byte) []byte {
	var l [3]byte
	i := len(l)
	for n := j + 1; n > 0; n = (n - 1) / 26 {
		i--
		l[i] = byte('A' + (n-1)%26)
	}
	return append(append(b, l[i:]...), row...)
}

// appendCell appends the <c> element of value v of kind k in column j of
// the current row. An Empty kind with a value is an error: its value would
// be lost.
func (w *Writer) appendCell(b []byte, j int, v []byte, k Kind) ([]byte, error) {
	switch k {
	case Empty:
		return b, ErrEmptyValue
	case Number:
		if !decimalNumber(v) {
			return b, ErrNotNumber
		}
		b = w.appendOpen(b, j, "n", 0)
		b = append(b, v...)
		return append(b, `</v></c>`...), nil
	case Date:
		serial, style, ok := excelSerial(v)
		if !ok {
			break // written as text, the value kept
		}
		b = w.appendOpen(b, j, "n", style)
		b = strconv.AppendFloat(b, serial, 'f', -1, 64)
		return append(b, `</v></c>`...), nil
	case Bool:
		var bit byte
		switch {
		case equalFoldASCIIBytes(v, "TRUE") || string(v) == "1":
			bit = '1'
		case equalFoldASCIIBytes(v, "FALSE") || string(v) == "0":
			bit = '0'
		default:
			return b, ErrNotBool
		}
		b = w.appendOpen(b, j, "b", 0)
		return append(b, bit, '<', '/', 'v', '>', '<', '/', 'c', '>'), nil
	case Error:
		if !excelError(v) {
			break // written as text, the value kept
		}
		b = w.appendOpen(b, j, "e", 0)
		b = append(b, v...) // one of excelErrors: nothing to escape
		return append(b, `</v></c>`...), nil
	}
	// Text, and the values of another kind kept as text.
	b = append(b, `<c r="`...)
	b = appendRef(b, j, w.rowNum)
	b = append(b, `" t="inlineStr"><is><t xml:space="preserve">`...)
	b, err := appendText(b, v)
	if err != nil {
		return b, err
	}
	return append(b, `</t></is></c>`...), nil
}

// appendOpen appends a cell's start up to its value: <c r="B12" t="b" s="1"><v>.
// Numbers have their t="n" written, though it is the default: a reader
// that tells a number from a missing cell by t (excelize's GetCellType)
// then does.
func (w *Writer) appendOpen(b []byte, j int, typ string, style byte) []byte {
	b = append(b, `<c r="`...)
	b = appendRef(b, j, w.rowNum)
	b = append(b, '"')
	b = append(b, ` t="`...)
	b = append(b, typ...)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = append(b, '0'+style)
		b = append(b, '"')
	}
	return append(b, `><v>`...)
}

// equalFoldASCIIBytes reports whether b is s, ASCII letters' case ignored.
func equalFoldASCIIBytes(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// excelErrors are the error values Excel knows; it calls a workbook
// holding another one corrupt.
var excelErrors = [...]string{"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}

// excelError reports whether v is one of Excel's error values.
func excelError(v []byte) bool {
	for _, e := range excelErrors {
		if string(v) == e {
			return true
		}
	}
	return false
}

// decimalNumber reports whether v is a finite decimal number as XML Schema
// writes one ([+-]digits[.digits][e[+-]digits], digits on at least one side
// of the point) that a float64 holds: not Inf, NaN, a hexadecimal float or a
// number with underscores, which strconv.ParseFloat would accept but Excel
// does not.
func decimalNumber(v []byte) bool {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(v) && '0' <= v[i] && v[i] <= '9'; i++ {
		digits++
	}
	if i < len(v) && v[i] == '.' {
		for i++; i < len(v) && '0' <= v[i] && v[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		exp := i
		for ; i < len(v) && '0' <= v[i] && v[i] <= '9'; i++ {
		}
		if i == exp {
			return false
		}
	}
	if i != len(v) {
		return false
	}
	// The syntax is right; the magnitude must be finite. (A number this
	// short is converted on the stack: no allocation.)
	_, err := strconv.ParseFloat(string(v), 64)
	return err == nil
}

// xmlChar reports whether XML 1.0 can hold r (as itself or as a character
// reference): tab, LF, CR, U+0020 to U+D7FF, U+E000 to U+FFFD, U+10000 up.
func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	}
	return r >= 0x10000 && r <= utf8.MaxRune
}

// utf16Len is how many UTF-16 code units r takes: how Excel counts
// characters.
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

const hexDigits = "0123456789ABCDEF"

// appendText appends v as the text of an XML element, so that a reader of
// OOXML (Excel, excelize, ours) reads back exactly v:
//   - & < > are escaped as entities; CR as &#xD; (a literal CR would be
//     read as LF: XML normalizes line ends);
//   - a character XML 1.0 cannot hold (a control other than tab, LF and
//     CR; U+FFFE, U+FFFF) as OOXML's escape _xHHHH_;
//   - and so a literal _xHHHH_ in v has its underscore escaped:
//     _x005F_xHHHH_.
//
// Invalid UTF-8 is an error (ErrInvalidUTF8), not replaced: the bytes
// written would not be those given. So is a text of more than MaxTextLen
// characters.
func appendText(b []byte, v []byte) ([]byte, error) {
	n := 0
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			n++
			switch {
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c == '\r':
				b = append(b, "&#xD;"...)
			case c == '_' && bstrEscape(v[i:]):
				b = append(b, "_x005F"...)
				b = append(b, c)
			case c < ' ' && c != '\t' && c != '\n':
				b = append(b, '_', 'x', '0', '0', hexDigits[c>>4], hexDigits[c&15], '_')
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && size == 1 {
			return b, ErrInvalidUTF8
		}
		n += utf16Len(r)
		if r == 0xFFFE || r == 0xFFFF {
			b = append(b, '_', 'x', 'F', 'F', 'F', hexDigits[r&15], '_')
		} else {
			b = append(b, v[i:i+size]...)
		}
		i += size
	}
	if n > MaxTextLen {
		return b, ErrTextTooLong
	}
	return b, nil
}

// bstrEscape reports whether v starts with _xHHHH_ (H a hexadecimal digit,
// either case): text a reader would take for an escape.
func bstrEscape(v []byte) bool {
	if len(v) < 7 || v[0] != '_' || v[1] != 'x' || v[6] != '_' {
		return false
	}
	for _, c := range v[2:6] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
