package csvsplit

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func decodeString(e Encoding, b []byte) string {
	if e != Windows1252 {
		return string(b)
	}
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	if i == len(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + (len(b)-i)*2)
	sb.Write(b[:i])
	for _, c := range b[i:] {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(charmap.Windows1252.DecodeByte(c))
		}
	}
	return sb.String()
}

func decodeName(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return decodeString(Windows1252, b)
}
