package registry

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/listscrub/listscrub/normalize"
)

// TestPacked checks the packed encoding on key sets of every shape: each key
// is found at its position, its neighbours are found only when present,
// decoding any range gives the keys back, and LookupBatch agrees with Lookup.
func TestPacked(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	random := func(n int, lo, span uint64) []uint64 {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = lo + r.Uint64N(span)
		}
		return sortDedup(keys)
	}
	consecutive := func(lo uint64, n int) []uint64 {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = lo + uint64(i)
		}
		return keys
	}
	for _, c := range []struct {
		name      string
		keys      []uint64
		wantShift int // -1: any
		wantSegs  int // -1: any
	}{
		{"empty", nil, 8, 0},
		{"one", []uint64{33612345678}, 8, 1},
		{"extremes", []uint64{1, 2, maxKey - 1, maxKey}, -1, 2},
		{"dense", consecutive(33100000000, 100_000), minShift, 1},
		{"french-5%", random(100_000, 33600000000, 2_000_000), 8, 1},
		{"sparse", random(2_000, 12010000000, 100_000_000), maxShift, 1},
		{"countries", slices.Concat(random(5_000, 12010000000, 10_000_000), random(5_000, 33600000000, 10_000_000), random(5_000, 447700000000, 10_000_000)), -1, 3},
		{"bucket-edges", []uint64{255, 256, 511, 512, 65535, 65536, 65537, 1 << 20, 1<<20 + 255}, -1, -1},
		{"outliers", append(random(50_000, 33600000000, 1_000_000), 999_999_999_999_999), -1, 2},
		// 100 segments in the first cell of the directory (the outlier
		// stretches the cells): the segment search's widest case.
		{"clustered", append(clusters(r, 100, 33600000000, 100_000_000), 999_999_999_999_999), -1, 101},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := encodePacked(c.keys)
			if err := p.validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			if err := p.validateKeys(); err != nil {
				t.Fatalf("validateKeys: %v", err)
			}
			if c.wantShift >= 0 && p.shift != uint(c.wantShift) {
				t.Errorf("shift %d, want %d", p.shift, c.wantShift)
			}
			if c.wantSegs >= 0 && len(p.segFst) != c.wantSegs {
				t.Errorf("%d segments, want %d", len(p.segFst), c.wantSegs)
			}
			present := make(map[uint64]bool, len(c.keys))
			for _, k := range c.keys {
				present[k] = true
			}
			for i, k := range c.keys {
				if got := p.find(k); got != i {
					t.Fatalf("find(%d) = %d, want %d", k, got, i)
				}
				if got := p.keyAt(i); got != k {
					t.Fatalf("keyAt(%d) = %d, want %d", i, got, k)
				}
				for _, d := range []uint64{k - 1, k + 1, k + 256, k ^ 1<<20} {
					if (p.find(d) >= 0) != present[d] {
						t.Fatalf("find(%d): presence wrong", d)
					}
				}
			}
			if p.find(0) >= 0 || p.find(1<<62) >= 0 {
				t.Fatal("out of range found")
			}
			if got := p.decodeAll(); !slices.Equal(got, c.keys) && len(c.keys) > 0 {
				t.Fatal("decodeAll differs")
			}
			for range 20 {
				from := r.IntN(len(c.keys) + 1)
				to := from + r.IntN(len(c.keys)-from+1)
				var got []uint64
				p.decodeRange(from, to, func(first int, ks []uint64) bool {
					if first != from+len(got) {
						t.Fatalf("chunk at %d, want %d", first, from+len(got))
					}
					got = append(got, ks...)
					return true
				})
				if !slices.Equal(got, c.keys[from:to]) && to > from {
					t.Fatalf("decodeRange(%d, %d) differs", from, to)
				}
			}
			s := &Set{p: p, sources: []SourceInfo{{Label: "x"}}}
			probe := make([]normalize.Key, 0, 3*len(c.keys)+2)
			for _, k := range c.keys {
				probe = append(probe, normalize.Key(k), normalize.Key(k+1), normalize.Key(k-1))
			}
			probe = append(probe, 0, normalize.Key(maxKey))
			masks := make([]uint64, len(probe))
			s.LookupBatch(probe, masks)
			for i, k := range probe {
				if masks[i] != s.Lookup(k) {
					t.Fatalf("LookupBatch(%d) = %d, Lookup %d", k, masks[i], s.Lookup(k))
				}
			}
		})
	}
}

// clusters returns n clusters of 10 keys within 100 consecutive numbers,
// the clusters every gap numbers from lo: each its own segment.
func clusters(r *rand.Rand, n int, lo, gap uint64) []uint64 {
	var keys []uint64
	for i := range uint64(n) {
		for range 10 {
			keys = append(keys, lo+i*gap+r.Uint64N(100))
		}
	}
	return sortDedup(keys)
}

// TestPackedValidate checks that validate refuses broken structures.
func TestPackedValidate(t *testing.T) {
	good := func() packed { return encodePacked([]uint64{33612345678, 33612345679, 33699999999, 447700900123}) }
	for _, c := range []struct {
		name  string
		spoil func(p *packed)
	}{
		{"shift", func(p *packed) { p.shift = 17 }},
		{"low width", func(p *packed) { p.lw = 3 - p.lw }},
		{"index end", func(p *packed) { p.index[len(p.index)-1]++ }},
		{"index order", func(p *packed) { p.index[1] = 7 }},
		{"segment order", func(p *packed) { p.segFst[1] = p.segFst[0] }},
		{"segment offsets", func(p *packed) { p.segOff[1] = 1 }},
		{"segment table", func(p *packed) { p.segOff = p.segOff[:1] }},
	} {
		p := good()
		if err := p.validate(); err != nil {
			t.Fatalf("good: %v", err)
		}
		p.segFst, p.segOff, p.index = slices.Clone(p.segFst), slices.Clone(p.segOff), slices.Clone(p.index)
		c.spoil(&p)
		if p.validate() == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// TestBloomAdder checks that the region-by-region build sets exactly the
// bits the library's Add sets.
func TestBloomAdder(t *testing.T) {
	keys := genKeys(300_000, 3)
	want := bloom.NewWithEstimates(uint(len(keys)), BloomFPRate)
	addKeys(want, keys)
	got := bloom.New(want.Cap(), want.K())
	a := newBloomAdder(got)
	a.add(keys[:1000])
	a.flush()
	a.add(keys[1000:])
	a.flush()
	if !got.Equal(want) {
		t.Fatal("filters differ")
	}
	if got.BitSet().Count() == 0 {
		t.Fatal("empty filter")
	}
}

// TestSearchLows checks the word-at-a-time bucket searches against a plain
// scan: every position of sorted distinct lows, absent values between and
// beside them, buckets of up to 16 lows (compared at once) and just over,
// buckets at the very end of the array (where fewer than the 16 lows' bytes
// are left) and values differing from a low only in a high bit of a lane.
func TestSearchLows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 2000 {
		n := rng.IntN(40)
		// Sorted distinct lows: a random subset of 0..255 (or 0..65535).
		var l8 []uint8
		var l16 []uint16
		for v := range 256 {
			if rng.IntN(256) < n*4 {
				l8 = append(l8, uint8(v))
			}
		}
		for v := 0; v < 65536; v += 1 + rng.IntN(4096) {
			l16 = append(l16, uint16(v))
		}
		// Any bucket [lo, hi): sorted within, and the neighbours are of
		// another bucket (arbitrary values).
		check := func(name string, get func(int) uint64, size int, search func(lo, hi int, low uint64) int, probes []uint64) {
			lo := rng.IntN(size + 1)
			hi := lo + rng.IntN(size-lo+1)
			switch {
			case trial%7 == 0:
				hi = size // a bucket at the end of the array
			case trial%3 == 0:
				hi = min(size, lo+rng.IntN(18)) // a bucket of at most 17: one compare, or just past it
			case trial%5 == 0:
				hi = min(size, lo+31+rng.IntN(3)) // 31 to 33: around the widest one-compare bucket of one-byte lows
			}
			for _, low := range probes {
				want := -1
				for q := lo; q < hi; q++ {
					if get(q) == low {
						want = q
						break
					}
				}
				if got := search(lo, hi, low); got != want {
					t.Fatalf("%s: lows[%d:%d] of %d, low %d: got %d, want %d", name, lo, hi, size, low, got, want)
				}
			}
		}
		var probes8 []uint64
		for v := range 256 {
			probes8 = append(probes8, uint64(v))
		}
		check("8", func(q int) uint64 { return uint64(l8[q]) }, len(l8),
			func(lo, hi int, low uint64) int { return searchLows8(l8, lo, hi, low) }, probes8)
		// Any bytes at all, repeats included: the search must return the
		// first match, and never one outside [lo, hi), whatever the
		// neighbouring buckets hold.
		r8 := make([]byte, 8+rng.IntN(120))
		for i := range r8 {
			r8[i] = byte(rng.IntN(1 + rng.IntN(256)))
		}
		check("8-any", func(q int) uint64 { return uint64(r8[q]) }, len(r8),
			func(lo, hi int, low uint64) int { return searchLows8(r8, lo, hi, low) }, probes8)
		probes16 := []uint64{0, 1, 0x8000, 0xffff, 0x7fff, 0x0080}
		for _, v := range l16 {
			probes16 = append(probes16, uint64(v), uint64(v)+1, uint64(v)^0x8000, uint64(v)^0x0080)
		}
		for i := range probes16 {
			probes16[i] &= 0xffff
		}
		check("16", func(q int) uint64 { return uint64(l16[q]) }, len(l16),
			func(lo, hi int, low uint64) int { return searchLows16(leBytes(l16), lo, hi, low) }, probes16)
	}
}

// FuzzLookupBatch checks LookupBatch against a map on key sets of any
// shape: the input's bytes give the keys (base, a gap per byte, so that
// buckets of every size, empty stretches and segment breaks all occur) and
// the probes: every key, its neighbours, keys between and outside the
// segments, and zero keys at any position of a chunk.
func FuzzLookupBatch(f *testing.F) {
	f.Add(uint64(33600000000), []byte{1, 1, 1, 200, 3, 0, 9}, []byte{0, 1, 2})
	f.Add(uint64(33100000000), bytes.Repeat([]byte{0, 1, 2, 7}, 300), []byte{5, 0, 0, 3})
	f.Add(uint64(1), []byte{255, 255, 128, 1, 1, 1, 1, 1, 64}, []byte{})
	f.Fuzz(func(t *testing.T, base uint64, gaps, probes []byte) {
		base %= maxKey / 2
		present := map[uint64]bool{}
		var keys []uint64
		k := base
		for i, g := range gaps {
			// Mostly small gaps (dense buckets), some long jumps (new
			// segments, empty stretches).
			step := uint64(g) + 1
			if g >= 250 {
				step = uint64(g) << (8 + i%24)
			}
			if k += step; k > maxKey {
				break
			}
			keys = append(keys, k)
			present[k] = true
		}
		s := newSet(keys, nil, 0, []SourceInfo{{Label: "f"}}, false)
		var ask []normalize.Key
		for _, k := range keys {
			ask = append(ask, normalize.Key(k), normalize.Key(k-1), normalize.Key(k+1), normalize.Key(k+256))
		}
		for i, p := range probes {
			switch p % 4 {
			case 0:
				ask = slices.Insert(ask, min(int(p)*i%(len(ask)+1), len(ask)), 0)
			case 1:
				ask = append(ask, normalize.Key(base+uint64(p)*uint64(i+1)*977))
			case 2:
				ask = append(ask, normalize.Key(maxKey-uint64(p)))
			default:
				ask = append(ask, normalize.Key(uint64(p)<<40|uint64(i)))
			}
		}
		masks := make([]uint64, len(ask))
		s.LookupBatch(ask, masks)
		for i, k := range ask {
			want := uint64(0)
			if k != 0 && present[uint64(k)] {
				want = 1
			}
			if masks[i] != want || s.Lookup(k) != want {
				t.Fatalf("key %d (probe %d): batch %d, Lookup %d, want %d", k, i, masks[i], s.Lookup(k), want)
			}
		}
	})
}
