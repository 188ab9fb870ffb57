package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// errTooMany is a batch holding more numbers than the limit (413).
var errTooMany = errors.New("too many numbers")

// parseJSONBatch returns the strings of the JSON array body, at most max
// of them (more: errTooMany). A string without escapes or non-ASCII bytes
// is a substring of body; any other is decoded by encoding/json, whose
// rules (invalid UTF-8 replaced by U+FFFD) it follows.
func parseJSONBatch(body string, max int) ([]string, error) {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '[' {
		return nil, errors.New("want a JSON array of strings")
	}
	i = skipSpace(body, i+1)
	var out []string
	if i < len(body) && body[i] == ']' {
		return out, trailing(body, i+1)
	}
	for {
		if i == len(body) || body[i] != '"' {
			return nil, fmt.Errorf("element %d (byte %d): want a string", len(out)+1, i)
		}
		s, next, err := jsonString(body, i)
		if err != nil {
			return nil, fmt.Errorf("element %d (byte %d): %w", len(out)+1, i, err)
		}
		if len(out) == max {
			return nil, errTooMany
		}
		out = append(out, s)
		i = skipSpace(body, next)
		if i == len(body) {
			return nil, errors.New("unterminated array: want , or ]")
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case ']':
			return out, trailing(body, i+1)
		default:
			return nil, fmt.Errorf("byte %d: want , or ] after element %d", i, len(out))
		}
	}
}

// jsonString reads the JSON string literal at body[i] (a quote) and returns
// its value and the index after it.
func jsonString(body string, i int) (string, int, error) {
	simple := true
	for j := i + 1; j < len(body); j++ {
		switch c := body[j]; {
		case c == '"':
			if simple {
				return body[i+1 : j], j + 1, nil
			}
			var s string
			if err := json.Unmarshal([]byte(body[i:j+1]), &s); err != nil {
				return "", 0, fmt.Errorf("bad string: %w", err)
			}
			return s, j + 1, nil
		case c == '\\':
			simple = false
			j++ // the escaped byte: never the closing quote
		case c < 0x20:
			return "", 0, errors.New("bad string: a control character")
		case c >= 0x80:
			simple = false
		}
	}
	return "", 0, errors.New("unterminated string")
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// trailing refuses anything but white space after the array.
func trailing(body string, i int) error {
	if skipSpace(body, i) != len(body) {
		return fmt.Errorf("byte %d: data after the array", i)
	}
	return nil
}

// parseTextBatch returns the lines of body, one number each, LF or CRLF
// ended (the last line's end optional), at most max of them (more:
// errTooMany). A blank line is a number too (answered invalid), so that
// answer i is line i's.
func parseTextBatch(body string, max int) ([]string, error) {
	n := strings.Count(body, "\n")
	if body != "" && body[len(body)-1] != '\n' {
		n++
	}
	if n > max {
		return nil, errTooMany
	}
	out := make([]string, 0, n)
	for body != "" {
		line, rest, _ := strings.Cut(body, "\n")
		out = append(out, strings.TrimSuffix(line, "\r"))
		body = rest
	}
	return out, nil
}
