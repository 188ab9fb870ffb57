package normalize

import "testing"

var benchSpellings = []struct{ name, in string }{
	{"national_spaces", "06 12 34 56 78"},
	{"national_dots", "06.12.34.56.78"},
	{"national_plain", "0612345678"},
	{"plus33", "+33 6 12 34 56 78"},
	{"plus33_0", "+33 (0)6 12 34 56 78"},
	{"idd0033", "0033612345678"},
	{"cc33", "33612345678"},
	{"excel9", "612345678"},
	{"tel", "tel:+33612345678"},
	{"fixed", "01 42 68 53 00"},
	{"overseas", "0692 12 34 56"},
	{"invalid", "06 12 34 56"},
}

func BenchmarkNormalize(b *testing.B) {
	n := mustNew(b, "FR")
	for _, s := range benchSpellings {
		raw := []byte(s.in)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n.Normalize(raw)
			}
		})
	}
	for _, s := range benchSpellings[:3] {
		b.Run("ref/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n.normalizeRef(s.in)
			}
		})
	}
}

func TestFastPathAllocs(t *testing.T) {
	n := mustNew(t, "FR")
	for _, s := range benchSpellings[:len(benchSpellings)-1] {
		raw := []byte(s.in)
		if _, ok := fastPath(n, raw); !ok {
			t.Errorf("%s: not handled by the fast path", s.name)
		}
		if a := testing.AllocsPerRun(100, func() { n.Normalize(raw) }); a != 0 {
			t.Errorf("%s: %v allocs", s.name, a)
		}
	}
}

// benchInvalid are invalid inputs frequent in prospect files.
var benchInvalid = []struct{ name, in string }{
	{"empty", ""},
	{"na", "N/A"},
	{"word", "inconnu"},
	{"dash", "-"},
	{"short6", "06 12 34"},
	{"one", "0"},
	{"short9", "06 12 34 56 7"},
}

func BenchmarkNormalizeInvalid(b *testing.B) {
	n := mustNew(b, "FR")
	for _, s := range benchInvalid {
		raw := []byte(s.in)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n.Normalize(raw)
			}
		})
	}
}

// BenchmarkNew measures building a normalizer: every command pays it once,
// before its first number.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New("FR"); err != nil {
			b.Fatal(err)
		}
	}
}
