package csvsplit

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func decodeString(e Encoding, b []byte) string {
	if e != Windows1252 || ascii(b) {
		return string(b)
	}
	return string(appendDecoded(make([]byte, 0, len(b)+len(b)/2), e, b))
}

func appendDecoded(dst []byte, e Encoding, b []byte) []byte {
	if e != Windows1252 {
		return append(dst, b...)
	}
	for _, c := range b {
		if c < utf8.RuneSelf {
			dst = append(dst, c)
		} else {
			dst = utf8.AppendRune(dst, charmap.Windows1252.DecodeByte(c))
		}
	}
	return dst
}

// ascii reports whether b is all ASCII, which reads the same in both encodings.
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func decodeName(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return decodeString(Windows1252, b)
}
