package normalize

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFastInvalid checks the fast path's answers for invalid inputs (no
// digit at all; fewer digits than any number of the region; a national
// prefix kept before too few digits, "06 12 34 56 7") against the
// reference path, exhaustively for short separator/digit strings and on
// random words, in every region with a fast path that the tests use.
func TestFastInvalid(t *testing.T) {
	words := []string{"N/A", "n/a", "-", "--", "()", "+", "++", "inconnu", "néant", "À RAPPELER", "x", "tel:",
		"tel: -", "\r", " \r", "\v", "\f", "\n", "a\r", "NULL", "#N/A", "?", "é", "Ã", "\u00a0-\u00a0", "faux@x.fr", "TÉL",
		"tel:N/A", "+ -", ".", "//", "~", "×", "÷", "\xc3", "\xe9", "na\xc3"}
	rng := rand.New(rand.NewPCG(11, 12))
	seps := []string{"", " ", ".", "-", "/", "(", ")", "\u00a0", "+", "tel:", "\t"}
	var inputs []string
	inputs = append(inputs, words...)
	count := 20000
	if raceEnabled || testing.Short() {
		count = 1000 // phonenumbers is about 15 times slower under the race detector
	}
	for range count {
		var b strings.Builder
		nd := rng.IntN(14)
		for k := range nd {
			if rng.IntN(3) == 0 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
			if k == 0 && rng.IntN(4) == 0 {
				b.WriteString([]string{"0", "00", "33", "1", "011", "0033", "+330", "+44 0", "+1 0"}[rng.IntN(9)])
			}
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		if rng.IntN(4) == 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		inputs = append(inputs, b.String())
	}
	fast := 0
	for _, region := range []string{"FR", "US", "BE", "GB", "DE", "CH", "GP", "CA"} {
		n := mustNew(t, region)
		for _, s := range inputs {
			want := n.normalizeRef(s)
			if got := n.Normalize([]byte(s)); got != want {
				t.Errorf("%s Normalize(%q) = %+v, reference %+v", region, s, got, want)
			}
			if got := n.NormalizeString(s); got != want {
				t.Errorf("%s NormalizeString(%q) = %+v, reference %+v", region, s, got, want)
			}
			if r, ok := fastPath(n, s); ok && !r.Valid() {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Fatal("the fast path answered no invalid input")
	}
	t.Logf("%d invalid inputs answered by the fast path", fast)
}

func TestFastInvalidAllocs(t *testing.T) {
	n := mustNew(t, "FR")
	for _, s := range []string{"N/A", "inconnu", "-", "06 12 34", "0", "néant", "06 12 34 56 7", "+33 (0)6 12 34 56 7", "0033 06 12 34 56 7"} {
		raw := []byte(s)
		if _, ok := fastPath(n, raw); !ok {
			t.Errorf("%q: not handled by the fast path", s)
		}
		if a := testing.AllocsPerRun(100, func() { n.Normalize(raw) }); a != 0 {
			t.Errorf("%q: %v allocs", s, a)
		}
	}
}
