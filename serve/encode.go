package serve

import (
	"time"
	"unicode/utf8"
)

// appendAnswerJSON appends a's JSON object; withPolicy adds zones,
// callable and next.
func appendAnswerJSON(b []byte, a *answer, withPolicy bool) []byte {
	b = append(b, `{"number":`...)
	b = appendJSONString(b, a.number)
	b = append(b, `,"e164":`...)
	b = appendJSONString(b, a.e164)
	b = append(b, `,"status":"`...)
	b = append(b, statusNames[a.status]...)
	b = append(b, `","reason":`...)
	b = appendJSONString(b, a.reason)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, a.source)
	if withPolicy {
		b = append(b, `,"zones":[`...)
		for i, z := range a.zones {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, z)
		}
		b = append(b, `],"callable":`...)
		if a.callable {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
		b = append(b, `,"next":"`...)
		if !a.next.IsZero() {
			b = a.next.UTC().AppendFormat(b, time.RFC3339)
		}
		b = append(b, '"')
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, as encoding/json writes it
// but for HTML characters: quotes, backslashes and control characters
// escaped, U+2028 and U+2029 escaped (JavaScript reads them as line ends),
// invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendAnswerText appends a's text/plain line: number,status,reason,source.
func appendAnswerText(b []byte, a *answer) []byte {
	b = appendCSVField(b, a.number)
	b = append(b, ',')
	b = append(b, statusNames[a.status]...)
	b = append(b, ',')
	b = appendCSVField(b, a.reason)
	b = append(b, ',')
	b = appendCSVField(b, a.source)
	return append(b, '\n')
}

// appendCSVField appends s, quoted as CSV (RFC 4180: in double quotes,
// quotes doubled) when it holds a comma, a quote or a line end.
func appendCSVField(b []byte, s string) []byte {
	quote := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			quote = true
			break
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
