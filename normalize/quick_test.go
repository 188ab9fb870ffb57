package normalize

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestDFAWalks checks the early-stopping walks of every DFA the fast path
// uses against the plain walk (run): exhaustively up to 4 digits, on random
// strings of every length up to maxFastDigits, and on random strings that
// start like real numbers (example numbers' first digits).
func TestDFAWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	count := 2000
	if testing.Short() || raceEnabled {
		count = 200
	}
	var starts []string
	for _, e := range exampleNumbers() {
		starts = append(starts, e.nsn[:min(4, len(e.nsn))])
	}
	checked := 0
	for _, region := range []string{"FR", "US", "BE"} {
		n := mustNew(t, region)
		for cc, ct := range n.fast.byCC {
			if ct == nil {
				continue
			}
			for _, r := range ct.regions {
				check := func(s string) {
					b := []byte(s)
					want := r.dfa.run(b)
					if got := r.dfa.full(b); got != want {
						t.Fatalf("%s cc %d %s: full(%q) = %#x, run %#x", region, cc, r.id, s, got, want)
					}
					if got := r.dfa.general(b); got != (want&(1<<bGeneral) != 0) {
						t.Fatalf("%s cc %d %s: general(%q) = %v, run %#x", region, cc, r.id, s, got, want)
					}
					checked++
				}
				check("")
				for l := 1; l <= 4; l++ {
					for v := 0; v < pow10int(l); v++ {
						s := strconv.Itoa(v)
						check(strings.Repeat("0", l-len(s)) + s)
					}
				}
				for range count {
					check(randDigits(rng, rng.IntN(maxFastDigits+1)))
					st := starts[rng.IntN(len(starts))]
					check(st + randDigits(rng, rng.IntN(maxFastDigits+1-len(st))))
				}
			}
		}
	}
	t.Logf("%d walks checked", checked)
}

func pow10int(l int) int {
	v := 1
	for range l {
		v *= 10
	}
	return v
}

// TestQuickTable checks fastPath with its quick table against fastPath
// without it, for every first three digits of a national number, on the
// spellings the table answers and their neighbours.
func TestQuickTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tails := 8
	regions := genRegions
	if testing.Short() || raceEnabled {
		// The race detector makes this test about 20 times slower.
		tails = 1
		regions = []string{"FR", "GF"}
	}
	quickRegions := 0
	for _, region := range regions {
		n := mustNew(t, region)
		if n.fast == nil || n.fast.quick == nil {
			continue
		}
		quickRegions++
		slow := *n
		ft := *n.fast
		ft.quick = nil
		slow.fast = &ft
		l := n.fast.quick.quickLen
		cc := n.fast.defCCStr
		prefixes := []string{"", "0", cc, cc + "0", "00" + cc, "00" + cc + "0", "+" + cc, "+" + cc + "0",
			"+", "+0", "00", "000", cc + "00", "+" + cc + "00", "tel:+" + cc, "tel:0", "1", "01", "+1"}
		quick := 0
		for p := 0; p < 1000; p++ {
			for range tails {
				nat := strconv.Itoa(1000 + p)[1:] + randDigits(rng, l-3)
				for _, pre := range prefixes {
					for _, s := range []string{pre + nat, pre + " " + group(rng, nat), pre + nat[:l-1], pre + nat + "1"} {
						got, gok := fastPath(n, s)
						want, wok := fastPath(&slow, s)
						if got != want || gok != wok {
							t.Fatalf("%s fastPath(%q) = %+v %v, without the quick table %+v %v", region, s, got, gok, want, wok)
						}
						if gok && got.Valid() {
							quick++
						}
					}
				}
			}
		}
		t.Logf("%s: %d valid answers", region, quick)
	}
	if quickRegions == 0 {
		t.Fatal("no region has a quick table")
	}
}
