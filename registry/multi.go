package registry

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/listscrub/listscrub/normalize"
)

// Several numbers on one line. A registry line (or number field) such as
//
//	0612345678<TAB>0145678901
//	0612345678 / 0145678901
//	0612345678, 0145678901
//	0612345678 0145678901
//
// is not one valid number (too long, or digits after a separator), but it
// holds two registered numbers, and dropping them as one invalid line would
// let both through. splitNumbers reads such a line as several numbers when
// it is clearly several: cut at every tab, ';', '|', ',' or '/' (or, failing
// that, at every run of blanks), each part is on its own a valid number. A
// line where any part is not stays one invalid line, counted against
// Checks.MaxInvalid. An "AAA,NNNNNNN" area-code line is never cut: neither
// "AAA" nor "NNNNNNN" is a valid number. Only invalid lines get here: the
// per-line cost of valid lines is unchanged.

// multiSeps are the bytes that separate numbers written on one line.
const multiSeps = "\t;|,/"

// splitNumbers returns the keys of the numbers field holds when it is cut
// as described above into two or more parts that are all valid numbers;
// nil otherwise.
func splitNumbers(n *normalize.Normalizer, field []byte) []normalize.Key {
	if keys := splitAt(n, field); keys != nil {
		return keys
	}
	// A dash between blanks (" - ", " – ", " — ", " − ") and Unicode
	// blanks (no-break, ideographic, thin…) separate numbers too; inside a
	// number, a dash has no blanks around it ("06-12-34-56-78").
	if wide := widenSeps(field); wide != nil {
		return splitAt(n, wide)
	}
	return nil
}

// spacedDashes are the dashes that separate two numbers when blanks stand
// on both sides of them.
var spacedDashes = []string{" - ", " \u2013 ", " \u2014 ", " \u2212 ", " \u2010 ", " \u2011 "}

// widenSeps returns field with every dash between blanks and every Unicode
// blank made a tab, or nil when it holds none of them.
func widenSeps(field []byte) []byte {
	s := string(field)
	t := s
	for _, d := range spacedDashes {
		t = strings.ReplaceAll(t, d, "\t")
	}
	t = strings.Map(func(r rune) rune {
		if r > utf8.RuneSelf && unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007' {
			return '\t'
		}
		return r
	}, t)
	if t == s {
		return nil
	}
	return []byte(t)
}

// splitAt is splitNumbers on field as it is.
func splitAt(n *normalize.Normalizer, field []byte) []normalize.Key {
	if keys := splitValid(n, field, func(c byte) bool { return bytes.IndexByte([]byte(multiSeps), c) >= 0 }); keys != nil {
		return keys
	}
	return splitValid(n, field, func(c byte) bool { return c == ' ' || c == '\t' })
}

// splitValid cuts field at runs of bytes for which sep is true and returns
// the parts' keys if there are at least two parts and every one is valid.
func splitValid(n *normalize.Normalizer, field []byte, sep func(byte) bool) []normalize.Key {
	// Most invalid lines are one part: find that out without normalizing.
	isSep := func(r rune) bool { return r < utf8.RuneSelf && sep(byte(r)) }
	if bytes.IndexFunc(bytes.TrimFunc(field, isSep), isSep) < 0 {
		return nil
	}
	var keys []normalize.Key
	start, parts := -1, 0
	for i := 0; i <= len(field); i++ {
		if i < len(field) && !sep(field[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start < 0 {
			continue
		}
		part := bytes.TrimSpace(field[start:i])
		start = -1
		if len(part) == 0 {
			continue
		}
		parts++
		res := n.Normalize(part)
		if !res.Valid() {
			return nil
		}
		keys = append(keys, res.Key)
	}
	if parts < 2 {
		return nil
	}
	return keys
}
