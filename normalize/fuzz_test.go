package normalize

import (
	"testing"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033612345678", "33612345678", "612345678",
		"tel:+33612345678", "0692123456", "+262692123456", "0976271234", "6.12345678E+8",
		"(201) 555-0123", "+1 201 555 0123", "+44 7400 123456", "0800 12 34 56", "", " ", "N/A",
		"06 12 34 56 7", "+33 (0)6 12 34 56 7", "06 12 34 56 78 9",
		"06\u202f12\u202f34\u202f56\u202f78", "+33\u20096\u200912", "06\xa012\xa034\xa056\xa078", "06\xc2\xa0\xa012",
		"\u202f+33 6 12 34 56 78", "06\u2007\u202f\u205f12 34 56 78", "06\xe2\x80\xaf", "06\xe2\x80",
	} {
		f.Add(s)
	}
	var ns []*Normalizer
	for _, r := range []string{"FR", "US", "BE", "GB"} {
		ns = append(ns, mustNew(f, r))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range ns {
			ref := n.normalizeRef(s)
			got := n.Normalize([]byte(s))
			if got != ref {
				t.Fatalf("%s Normalize(%q) = %+v, reference %+v", n.Region(), s, got, ref)
			}
			if !got.Valid() {
				if got.Key != 0 || got.Reason >= numReasons {
					t.Fatalf("%s Normalize(%q) = %+v: bad invalid result", n.Region(), s, got)
				}
				continue
			}
			again := n.NormalizeString(got.Key.String())
			if again != got {
				t.Fatalf("%s: %q -> %s, which normalizes to %+v", n.Region(), s, got.Key, again)
			}
			if k, ok := ParseE164(got.Key.String()); !ok || k != got.Key {
				t.Fatalf("ParseE164(%s) = %d, %v", got.Key, k, ok)
			}
		}
	})
}
