package registry

import (
	"encoding/binary"

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
