package scrub

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldName folds a column name for matching: accents removed, lower case,
// every run of non-alphanumerics made one space, trimmed. "Tél. Fixe" and
// "tel_fixe" both fold to "tel fixe".
func foldName(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if folded, _, err := transform.String(t, s); err == nil {
		s = folded
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// phoneWords are words that, anywhere in a folded header, mark a phone column:
// "Téléphone", "Tél. fixe", "Portable", "mobile_phone", "Numéro de téléphone".
var phoneWords = map[string]bool{
	"telephone": true, "tel": true, "phone": true, "telephones": true, "phones": true,
	"portable": true, "mobile": true, "gsm": true, "fixe": true, "cellulaire": true,
	"cell": true, "cellphone": true, "msisdn": true, "e164": true, "telefono": true,
	"telefon": true, "telefoon": true, "handy": true, "tel1": true, "tel2": true,
	"telephone1": true, "telephone2": true, "phone1": true, "phone2": true,
	"mobile1": true, "mobile2": true,
}

// numberNames are headers that name a phone column only when they stand alone:
// "Numéro" is a phone column, "Numéro client" is not.
var numberNames = map[string]bool{"numero": true, "number": true}

// isPhoneHeader reports whether a folded header names a phone column.
func isPhoneHeader(folded string) bool {
	if numberNames[folded] {
		return true
	}
	for _, w := range strings.Fields(folded) {
		if phoneWords[w] {
			return true
		}
	}
	return false
}

// resolveColumns returns the 0-based indexes of the phone columns: those named
// by specs (names, case and accents folded, or 1-based indexes), or, without
// specs, every header that names a phone column. header is nil without a
// header line.
func resolveColumns(specs []string, header []string) ([]int, error) {
	if len(specs) == 0 {
		if header == nil {
			return nil, usageErrorf("--no-header needs --column N to say which column holds the phone numbers")
		}
		var cols []int
		for i, h := range header {
			if isPhoneHeader(foldName(h)) {
				cols = append(cols, i)
			}
		}
		if len(cols) == 0 {
			return nil, fmt.Errorf("no phone column found in the header (%s); name it with --column NAME or --column N",
				quoteList(header))
		}
		return cols, nil
	}
	var cols []int
	seen := map[int]bool{}
	for _, spec := range specs {
		idx := -1
		if n, err := strconv.Atoi(strings.TrimSpace(spec)); err == nil {
			if n < 1 {
				return nil, usageErrorf("--column %s: column numbers start at 1", spec)
			}
			idx = n - 1
			if header != nil && idx >= len(header) {
				return nil, fmt.Errorf("--column %d: the header has only %d columns (%s)", n, len(header), quoteList(header))
			}
		} else {
			if header == nil {
				return nil, usageErrorf("--column %q: with --no-header, columns are given by number", spec)
			}
			want := foldName(spec)
			for i, h := range header {
				if foldName(h) == want {
					idx = i
					break
				}
			}
			if idx < 0 {
				return nil, fmt.Errorf("--column %q: no such column in the header (%s)", spec, quoteList(header))
			}
		}
		if !seen[idx] {
			seen[idx] = true
			cols = append(cols, idx)
		}
	}
	return cols, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
