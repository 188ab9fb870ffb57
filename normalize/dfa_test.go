package normalize

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCompileDFA checks the subset construction against Go's regexp
// package: for the patterns of several regions, bit i of run(s) must be set
// exactly when s matches pattern i (for a prefix pattern, when a prefix of
// s does), on every string of up to four digits and on random longer ones.
func TestCompileDFA(t *testing.T) {
	metas, err := metadataByRegion()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	count := 3000
	if testing.Short() || raceEnabled {
		count = 300
	}
	for _, region := range []string{"FR", "US", "BE", "GB", "DE", "IT", "RE", "CH"} {
		pats, err := regionPatterns(metas[region], metas)
		if err != nil || pats == nil {
			t.Fatalf("%s: no patterns (%v)", region, err)
		}
		d, err := compileDFA(pats)
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		res := make([]*regexp.Regexp, len(pats))
		for i, p := range pats {
			if p.prefix {
				res[i] = regexp.MustCompile("^(?:" + p.re + ")")
			} else {
				res[i] = regexp.MustCompile("^(?:" + p.re + ")$")
			}
		}
		check := func(s string) {
			var want uint32
			for i, re := range res {
				if re.MatchString(s) {
					want |= 1 << i
				}
			}
			if got := d.run([]byte(s)); got != want {
				t.Fatalf("%s: run(%q) = %#x, want %#x", region, s, got, want)
			}
		}
		check("")
		for l := 1; l <= 4; l++ {
			for v := range pow10int(l) {
				s := strconv.Itoa(v)
				check(strings.Repeat("0", l-len(s)) + s)
			}
		}
		for range count {
			check(randDigits(rng, 5+rng.IntN(maxFastDigits-4)))
		}
		for _, e := range exampleNumbers() {
			check(e.nsn)
		}
	}
}

// TestCompileDFALimits checks that compileDFA refuses what it cannot build.
func TestCompileDFALimits(t *testing.T) {
	tests := []struct {
		name string
		pats []dfaPattern
		want string
	}{
		{"anchor", []dfaPattern{{re: "1$"}}, "unsupported construct"},
		{"syntax", []dfaPattern{{re: "1("}}, "parsing"},
		{"too many", make([]dfaPattern, stickyShift+1), "too many patterns"},
		// (a|b)*a(a|b){14} over the digits: the classic exponential subset
		// construction, 2^15 states.
		{"states", []dfaPattern{{re: "[0-9]*[0-4][0-9]{14}"}}, "DFA states"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileDFA(tt.pats)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("compileDFA: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
