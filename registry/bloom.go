package registry

import (
	"encoding/binary"
	"math"
	"sync"

	"github.com/bits-and-blooms/bloom/v3"
)

// Adding keys one by one to a national-scale bloom filter (hundreds of MB)
// costs a cache and TLB miss per hash: about 1 µs a key, minutes for 250M
// numbers. bloomAdder adds the same bits region by region instead: each
// key's bit positions (the library's own, bloom.Locations) are appended to
// the buffer of the filter region (1 MiB) they fall in, and when the buffers
// are full every region's bits are set while the region is in the cache.

// bloomRegionShift sets the region size: 2^23 bits, 1 MiB.
const bloomRegionShift = 23

// bloomPending returns how many bit positions an adder buffers before a
// flush for a filter of m bits: every flush reads and writes the whole
// filter once, so the buffer grows with the filter (one position per 64
// bits, 4 bytes each: the buffer is 1/16 of the filter), from 4M positions.
func bloomPending(m uint64) int { return int(max(m/64, 4<<20)) }

// bloomAdder adds keys to a bloom filter in cache-friendly order. Not safe
// for concurrent use; the filter holds every added key after flush.
type bloomAdder struct {
	words   []uint64
	m       uint64
	k       uint
	bufs    [][]uint32 // per region: bit offsets within the region
	pending int
	limit   int // flush when pending reaches it
}

func newBloomAdder(f *bloom.BloomFilter) *bloomAdder {
	m := uint64(f.Cap())
	regions := int(m>>bloomRegionShift) + 1
	a := &bloomAdder{words: f.BitSet().Words(), m: m, k: f.K(), bufs: make([][]uint32, regions), limit: bloomPending(m)}
	// Positions spread evenly over the regions: size each buffer for its
	// share, with room to spare, so that appends rarely regrow them.
	per := a.limit/regions + a.limit/regions/8 + 64
	for r := range a.bufs {
		a.bufs[r] = make([]uint32, 0, per)
	}
	return a
}

// add adds keys, each as its 8 little-endian bytes.
func (a *bloomAdder) add(keys []uint64) {
	var b [8]byte
	const regionMask = 1<<bloomRegionShift - 1
	for _, key := range keys {
		binary.LittleEndian.PutUint64(b[:], key)
		for _, l := range bloom.Locations(b[:], a.k) {
			bit := l % a.m
			r := bit >> bloomRegionShift
			a.bufs[r] = append(a.bufs[r], uint32(bit&regionMask))
		}
		if a.pending += int(a.k); a.pending >= a.limit {
			a.flush()
		}
	}
}

// flush sets the buffered bits, one region after another.
func (a *bloomAdder) flush() {
	w := a.words
	for r, buf := range a.bufs {
		base := uint64(r) << (bloomRegionShift - 6)
		for _, o := range buf {
			w[base+uint64(o>>6)] |= 1 << (o & 63)
		}
		a.bufs[r] = buf[:0]
	}
	a.pending = 0
}

// BloomFPRate is the false-positive rate the bloom filter is sized for; see
// buildBloom for what reads the filter and why 1%.
const BloomFPRate = 0.01

// filter returns the set's bloom filter, building it on first use (nil for
// a set made without one).
func (s *Set) filter() *bloom.BloomFilter {
	s.bloomOnce.Do(func() {
		if s.bloom == nil && !s.noBloom {
			s.bloom = buildBloom(&s.p)
		}
	})
	return s.bloom
}

// buildBloom returns a bloom filter holding every key of p, sized for
// BloomFPRate. The two halves of the keys are added in parallel into two
// filters of the same geometry, then merged.
//
// What reads the filter: WriteSnapshot stores it, snapshot loading
// spot-checks that it holds the keys, and Bloom reports its geometry
// (registry info). Look-ups (Lookup, LookupBatch) never consult it: with
// the packed set in memory, a miss costs a segment search and one index
// read, where the filter costs its hashing and 7 random reads into a
// structure as large as the set. Measured on the 2-core machine, a scrub of
// 23M rows against the 10M-number Bloctel snapshot of make bench SIZE=large
// took 4.61 s with the exact set alone and 6.30 s with the filter probed
// first; 10M rows against 250M US numbers (make bench-registry), 1.94-1.97 s
// against 3.24-3.88 s; LookupBatch with 30% hits (go test -run '^$' -bench
// 'LookupBatch/n=10M' ./registry: batch against bloom-batch, which
// probe_test.go's lookupBatchBloomFirst runs) 29 against 111 ns a key. It is
// kept in the format for readers that probe a snapshot cold or from disk,
// where an exact probe costs an I/O. 1% rather than 0.1% false positives:
// at 250M numbers the filter is 1.20 bytes a number instead of 1.80, builds
// in 17 s instead of 29 s, and the snapshot is 2.50 bytes a number instead
// of 3.10.
func buildBloom(p *packed) *bloom.BloomFilter {
	n := uint(p.n)
	if n == 0 {
		n = 1
	}
	f := bloom.NewWithEstimates(n, BloomFPRate)
	add := func(f *bloom.BloomFilter, from, to int) {
		if to-from < 1<<20 {
			p.decodeRange(from, to, func(_ int, keys []uint64) bool {
				addKeys(f, keys)
				return true
			})
			return
		}
		a := newBloomAdder(f)
		p.decodeRange(from, to, func(_ int, keys []uint64) bool {
			a.add(keys)
			return true
		})
		a.flush()
	}
	if p.n < 1<<16 {
		add(f, 0, p.n)
		return f
	}
	g := bloom.New(f.Cap(), f.K())
	half := p.n / 2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); add(g, half, p.n) }()
	add(f, 0, half)
	wg.Wait()
	if err := f.Merge(g); err != nil {
		panic("registry: bloom merge of identical geometry failed: " + err.Error())
	}
	return f
}

func addKeys(f *bloom.BloomFilter, keys []uint64) {
	var b [8]byte
	for _, k := range keys {
		binary.LittleEndian.PutUint64(b[:], k)
		f.Add(b[:])
	}
}

// bloomTest reports whether k may be in f. The key is hashed as its 8
// little-endian bytes; the buffer stays on the stack.
func bloomTest(f *bloom.BloomFilter, k uint64) bool {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], k)
	return f.Test(b[:])
}

// Bloom describes the set's bloom filter.
func (s *Set) Bloom() BloomInfo {
	bf := s.filter()
	if bf == nil {
		return BloomInfo{}
	}
	m, k := bf.Cap(), bf.K()
	// The analytic rate (1 - e^(-kn/m))^k: the library's
	// EstimateFalsePositiveRate fills a filter of n elements and probes it,
	// which takes minutes at national scale.
	n := float64(max(s.p.n, 1))
	fp := math.Pow(1-math.Exp(-float64(k)*n/float64(m)), float64(k))
	return BloomInfo{Bits: m, Hashes: k, FPRate: fp}
}
