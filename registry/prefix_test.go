package registry

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestRank checks packed.rank against a binary search of the keys, at every
// key, its neighbours and random points, on sets of every shape (one
// bucket, many segments, 8- and 16-bit lows).
func TestRank(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	random := func(n int, lo, span uint64) []uint64 {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = lo + r.Uint64N(span)
		}
		return sortDedup(keys)
	}
	for name, keys := range map[string][]uint64{
		"empty":     nil,
		"one":       {33612345678},
		"dense":     random(20_000, 33600000000, 40_000),
		"sparse":    random(2_000, 12010000000, 100_000_000),
		"countries": sortDedup(slices.Concat(random(3_000, 3247000000, 10_000_000), random(3_000, 33600000000, 10_000_000), random(3_000, 447700000000, 10_000_000))),
		"clustered": append(clusters(r, 100, 33600000000, 100_000_000), 999_999_999_999_999),
	} {
		t.Run(name, func(t *testing.T) {
			p := encodePacked(keys)
			want := func(k uint64) int { return sort.Search(len(keys), func(i int) bool { return keys[i] >= k }) }
			probe := []uint64{0, 1, maxKey, 1 << 59}
			for _, k := range keys {
				probe = append(probe, k-1, k, k+1)
			}
			for range 2000 {
				probe = append(probe, r.Uint64N(1_000_000_000_000_000))
			}
			for _, k := range probe {
				if got, w := p.rank(k), want(k); got != w {
					t.Fatalf("rank(%d) = %d, want %d", k, got, w)
				}
			}
		})
	}
}

// TestCountPrefix checks that a calling code (or any prefix) counts the
// numbers whose E.164 digits start with it, whatever their length, and no
// others: +32 is not +3, +320 or +33, and +1201 numbers are +1 ones.
func TestCountPrefix(t *testing.T) {
	keys := sortDedup([]uint64{
		32470123456, 32471234567, 3225123456, // +32: 11 and 10 digits
		33612345678, 33145678901, // +33
		320123456,    // +320 (a 9-digit key starting 320: a +32 prefix all the same)
		12015550123,  // +1 201
		19735550123,  // +1 973
		3,            // a 1-digit key: its own digits, not a longer number of prefix 3
		447700900123, // +44
	})
	s := newSet(keys, nil, 0, []SourceInfo{{Label: "a"}}, false)
	for _, c := range []struct {
		prefix uint64
		want   int
	}{
		{32, 4}, {33, 2}, {3, 6}, {324, 2}, {1, 2}, {1201, 1}, {44, 1}, {49, 0}, {7, 0}, {0, 10},
		{33612345678, 0}, // the whole number: a prefix must be shorter than a key
	} {
		if got := s.CountPrefix(c.prefix); got != c.want {
			t.Errorf("CountPrefix(%d) = %d, want %d", c.prefix, got, c.want)
		}
	}
	if got := s.CountRange(33000000000, 34000000000); got != 2 {
		t.Errorf("CountRange(+33 11-digit) = %d, want 2", got)
	}
}
