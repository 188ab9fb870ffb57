// Package bloomcost measures whether a bloom filter in front of an exact
// in-memory set pays for itself at registry sizes up to the US registry's
// 250M numbers. registry.Set cannot be built at 250M entries from outside its
// package without a 3 GB list, so this replicates its layout exactly: sorted
// uint64 keys, a bucket index of about 8 keys per bucket, a
// bits-and-blooms/bloom/v3 filter sized for 0.1% false positives, keys hashed
// as their 8 little-endian bytes; at 1M and 10M it can be checked against
// `go test -bench=Lookup ./registry`.
//
//	BLOOM_SIZES=1000000,10000000,250000000 go test -bench=. -benchtime=2000000x
package bloomcost

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/bits-and-blooms/bloom/v3"
)

type set struct {
	keys  []uint64
	index []uint32
	base  uint64
	shift uint
	bloom *bloom.BloomFilter
}

// newSet makes n sorted distinct French-mobile-like keys (random gaps).
func newSet(n int) *set {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	keys := make([]uint64, n)
	k := uint64(33600000000)
	span := uint64(300_000_000) // 06 and 07: 3e8 numbers
	if uint64(n) > span/2 {
		span = uint64(n) * 4 // the US registry: 250M numbers in a 10-digit plan
	}
	gap := span / uint64(n)
	for i := range keys {
		k += 1 + r.Uint64N(2*gap-1)
		keys[i] = k
	}
	s := &set{keys: keys}
	s.base = keys[0]
	want := uint64(n/8 + 1)
	for (keys[n-1]-s.base)>>s.shift >= want {
		s.shift++
	}
	nb := int((keys[n-1]-s.base)>>s.shift) + 1
	s.index = make([]uint32, nb+1)
	b := 0
	for i, k := range keys {
		for kb := int((k - s.base) >> s.shift); b <= kb; b++ {
			s.index[b] = uint32(i)
		}
	}
	for ; b <= nb; b++ {
		s.index[b] = uint32(n)
	}
	return s
}

func (s *set) addBloom() {
	s.bloom = bloom.NewWithEstimates(uint(len(s.keys)), 0.001)
	var b [8]byte
	for _, k := range s.keys {
		binary.LittleEndian.PutUint64(b[:], k)
		s.bloom.Add(b[:])
	}
}

func (s *set) find(k uint64) bool {
	n := len(s.keys)
	if k < s.base || k > s.keys[n-1] {
		return false
	}
	b := (k - s.base) >> s.shift
	lo, hi := int(s.index[b]), int(s.index[b+1])
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.keys[m] < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < n && s.keys[lo] == k
}

func (s *set) lookup(k uint64, withBloom bool) bool {
	if withBloom {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], k)
		if !s.bloom.Test(b[:]) {
			return false
		}
	}
	return s.find(k)
}

func sizes() []int {
	v := os.Getenv("BLOOM_SIZES")
	if v == "" {
		v = "1000000,10000000"
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// BenchmarkLookup probes 1M random keys: all hits, all misses, and the
// bench's mix (30% hits).
func BenchmarkLookup(b *testing.B) {
	for _, n := range sizes() {
		s := newSet(n)
		s.addBloom()
		r := rand.New(rand.NewPCG(7, 7))
		const q = 1 << 20
		hits := make([]uint64, q)
		misses := make([]uint64, 0, q)
		mix := make([]uint64, q)
		for i := range hits {
			hits[i] = s.keys[r.IntN(n)]
		}
		lo, hi := s.keys[0], s.keys[n-1]
		for len(misses) < q {
			if k := lo + r.Uint64N(hi-lo); !s.find(k) {
				misses = append(misses, k)
			}
		}
		for i := range mix {
			if r.IntN(10) < 3 {
				mix[i] = hits[i]
			} else {
				mix[i] = misses[i]
			}
		}
		b.Logf("n=%d: keys %d MB, index %d MB, bloom %d MB (k=%d)", n, 8*n>>20, 4*len(s.index)>>20, s.bloom.Cap()/8>>20, s.bloom.K())
		for _, c := range []struct {
			name string
			keys []uint64
		}{{"hit", hits}, {"miss", misses}, {"mix30", mix}} {
			for _, withBloom := range []bool{true, false} {
				name := fmt.Sprintf("n=%dM/%s/nobloom", n/1_000_000, c.name)
				if withBloom {
					name = fmt.Sprintf("n=%dM/%s/bloom", n/1_000_000, c.name)
				}
				b.Run(name, func(b *testing.B) {
					found, i := 0, 0
					for b.Loop() {
						if s.lookup(c.keys[i&(q-1)], withBloom) {
							found++
						}
						i++
					}
					if found < 0 {
						b.Fatal()
					}
				})
			}
		}
	}
}
