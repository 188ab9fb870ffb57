package registry

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 100, radixMin - 1, radixMin, radixMin + 7, 300_000} {
		for _, gen := range []func() uint64{
			func() uint64 { return r.Uint64N(maxKey + 1) },                // anywhere
			func() uint64 { return 33600000000 + r.Uint64N(200_000_000) }, // French mobiles
			func() uint64 { return 12010000000 + r.Uint64N(10) },          // many duplicates
			func() uint64 { return 1 << (r.IntN(50)) },                    // one bit
		} {
			keys := make([]uint64, n)
			for i := range keys {
				keys[i] = gen()
			}
			want := slices.Sorted(slices.Values(keys))
			radixSort(keys)
			if !slices.Equal(keys, want) {
				t.Fatalf("n=%d: radixSort differs from slices.Sort", n)
			}
		}
	}
}

func BenchmarkSortKeys(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	src := make([]uint64, 10_000_000)
	for i := range src {
		src[i] = 12000000000 + r.Uint64N(8_000_000_000)
	}
	keys := make([]uint64, len(src))
	for _, tc := range []struct {
		name string
		sort func([]uint64)
	}{{"radix", radixSort}, {"slices.Sort", slices.Sort[[]uint64]}} {
		b.Run(tc.name+"/n=10M", func(b *testing.B) {
			for b.Loop() {
				copy(keys, src)
				tc.sort(keys)
			}
		})
	}
}
