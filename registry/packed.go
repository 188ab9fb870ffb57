package registry

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"unsafe"
)

// The exact set is stored packed (see FORMAT.md, "Packed set"): the key space
// is cut into buckets of 2^shift consecutive keys; a bucket's keys are stored
// as their low shift bits only (lows, one byte each when shift <= 8, two
// otherwise), in ascending order, and a cumulative count per bucket (index)
// gives where each bucket's lows start. Buckets are grouped into segments of
// consecutive buckets so that the empty stretches between countries or area
// codes cost nothing. A key k is found with one segment search over a small
// array, one index read and a short search over a bucket's lows: no decoding.
//
// This is a partitioned Elias–Fano code whose high parts are stored as
// per-bucket counts (an O(1) select) instead of unary bits: a little more
// space than pure Elias–Fano, but two memory accesses per look-up.

const (
	// maxShift bounds a bucket's span: lows are at most 16 bits.
	maxShift = 16
	// minShift is the smallest bucket span, for the densest sets.
	minShift = 4
	// segGapBuckets is the run of empty buckets that starts a new segment:
	// 64 empty index entries (256 bytes) cost more than a segment (16 bytes).
	segGapBuckets = 64
	// segGapCap caps the gaps counted when estimating the density.
	segGapCap = 1 << 20
)

// packed is the exact set's key structure. Its slices may be views into a
// snapshot file's bytes.
type packed struct {
	n      int      // number of keys
	shift  uint     // bucket span is 1<<shift keys
	lw     int      // bytes per low: 1 (shift <= 8) or 2
	segFst []uint64 // first global bucket (key>>shift) of each segment, ascending
	segOff []uint64 // len(segFst)+1: segment j's index entries are index[segOff[j]:segOff[j+1]]
	index  []uint32 // per segment: one start position per bucket, then the segment's end
	lows8  []uint8  // lw == 1
	lows16 []uint16 // lw == 2

	// In memory only, built at load (derive): the segment directory, and
	// the lows as little-endian bytes (a view of lows8 or lows16 on a
	// little-endian host), which the bucket search reads 8 bytes at a time.
	cellShift uint
	segTab    []uint32
	lowBytes  []byte
}

// maxPerBucket is the average bucket size chooseShift aims below: a
// bucket's lows are searched, so they should fit a cache line or two.
const maxPerBucket = 16

// chooseShift picks the bucket span: the smallest estimated size (lows plus
// a 4-byte index entry per bucket) among the spans whose buckets hold at most
// maxPerBucket keys on average, for sorted distinct keys.
func chooseShift(keys []uint64) (shift uint, lw int) {
	n := len(keys)
	if n < 2 {
		return 8, 1
	}
	var span float64
	for i := 1; i < n; i++ {
		span += float64(min(keys[i]-keys[i-1], segGapCap))
	}
	gap := span / float64(n-1)
	best := math.Inf(1)
	shift, lw = minShift, 1
	for s := uint(minShift); s <= maxShift; s++ {
		w := 2
		if s <= 8 {
			w = 1
		}
		if float64(uint64(1)<<s)/gap > maxPerBucket {
			break
		}
		if cost := float64(n*w) + 4*(span/float64(uint64(1)<<s)+1); cost < best {
			best, shift, lw = cost, s, w
		}
	}
	return shift, lw
}

// encodePacked builds the packed form of sorted distinct keys (each below
// 2^60). It allocates exactly; keys is not kept.
func encodePacked(keys []uint64) packed {
	if uint64(len(keys)) > math.MaxUint32 {
		panic(fmt.Sprintf("registry: %d keys, at most %d", len(keys), uint64(math.MaxUint32)))
	}
	shift, lw := chooseShift(keys)
	p := packed{n: len(keys), shift: shift, lw: lw, segOff: []uint64{0}}
	if len(keys) == 0 {
		p.segOff = []uint64{0}
		return p
	}
	// First pass: segments and index length.
	nseg, nidx := 0, 0
	var prevB uint64
	for i, k := range keys {
		b := k >> shift
		if i == 0 || b-prevB > segGapBuckets {
			if i > 0 {
				nidx++ // the previous segment's end entry
			}
			nseg++
			nidx++
		} else {
			nidx += int(b - prevB)
		}
		prevB = b
	}
	nidx++
	p.segFst = make([]uint64, 0, nseg)
	p.segOff = make([]uint64, 0, nseg+1)
	p.index = make([]uint32, 0, nidx)
	if lw == 1 {
		p.lows8 = make([]uint8, len(keys))
	} else {
		p.lows16 = make([]uint16, len(keys))
	}
	lowMask := uint64(1)<<shift - 1
	for i, k := range keys {
		b := k >> shift
		switch {
		case i == 0 || b-prevB > segGapBuckets:
			if i > 0 {
				p.index = append(p.index, uint32(i))
			}
			p.segFst = append(p.segFst, b)
			p.segOff = append(p.segOff, uint64(len(p.index)))
			p.index = append(p.index, uint32(i))
		default:
			for j := prevB; j < b; j++ {
				p.index = append(p.index, uint32(i))
			}
		}
		prevB = b
		if lw == 1 {
			p.lows8[i] = uint8(k & lowMask)
		} else {
			p.lows16[i] = uint16(k & lowMask)
		}
	}
	p.index = append(p.index, uint32(len(keys)))
	p.segOff = append(p.segOff, uint64(len(p.index)))
	p.derive()
	return p
}

// derive builds what a look-up needs besides the stored arrays: the
// segment directory and the lows' byte view.
func (p *packed) derive() {
	p.buildSegTab()
	if p.lw == 1 {
		p.lowBytes = p.lows8
	} else {
		p.lowBytes = leBytes(p.lows16)
	}
}

// buildSegTab builds the segment directory: the bucket range of the
// segments cut into at most 4 cells a segment, segTab[c] the last segment
// starting at or before cell c. It is built on every load, from the segment
// table only.
func (p *packed) buildSegTab() {
	g := len(p.segFst)
	p.segTab = nil
	if g == 0 {
		return
	}
	span := p.segFst[g-1] - p.segFst[0]
	cs := uint(0)
	for span>>cs >= uint64(4*g) {
		cs++
	}
	cells := int(span>>cs) + 1
	tab := make([]uint32, cells+1)
	j := 0
	for c := range cells {
		start := p.segFst[0] + uint64(c)<<cs
		for j+1 < g && p.segFst[j+1] <= start {
			j++
		}
		tab[c] = uint32(j)
	}
	tab[cells] = uint32(g - 1)
	p.cellShift, p.segTab = cs, tab
}

// segment returns the segment whose bucket range may hold global bucket b
// (the last starting at or before b), or -1.
func (p *packed) segment(b uint64) int {
	f := p.segFst
	if len(f) == 0 || b < f[0] {
		return -1
	}
	c := min((b-f[0])>>p.cellShift, uint64(len(p.segTab)-2))
	lo, n := int(p.segTab[c]), int(p.segTab[c+1]-p.segTab[c])+1
	// Branch-free binary search over the cell's few segments. Buckets are
	// below 2^60, so b-v as a signed number is negative exactly when v > b:
	// its sign masks the step.
	for n > 1 {
		half := n >> 1
		gt := int(int64(b-f[lo+half]) >> 63) // -1 when f[lo+half] > b, else 0
		lo += half &^ gt
		n -= half
	}
	return lo
}

// bucket returns the index position of k's bucket, or -1 when no segment
// holds it: index[pos] and index[pos+1] bound its lows.
func (p *packed) bucket(k uint64) int {
	b := k >> p.shift
	j := p.segment(b)
	if j < 0 {
		return -1
	}
	off := b - p.segFst[j]
	if off >= p.segOff[j+1]-p.segOff[j]-1 {
		return -1
	}
	return int(p.segOff[j] + off)
}

// searchLow returns the position of low in lows[lo:hi], or -1.
func (p *packed) searchLow(lo, hi int, low uint64) int {
	if p.lw == 1 {
		return searchLows8(p.lowBytes, lo, hi, low)
	}
	return searchLows16(p.lowBytes, lo, hi, low)
}

// SWAR constants: the lowest and highest bit of every byte, of every 16-bit lane.
const (
	lo8  = 0x0101010101010101
	hi8  = 0x8080808080808080
	lo16 = 0x0001000100010001
	hi16 = 0x8000800080008000
)

// gather16 packs the top bits of a word's four 16-bit lanes into four bits:
// (z>>15)*gather16>>48 has lane i's in bit i. Every partial product lands on
// a distinct bit, so nothing carries into the result.
const gather16 = 1<<48 | 1<<33 | 1<<18 | 1<<3

// zeros16 returns a bit per 16-bit lane of v (bit i for lane i) that is
// set for v's lowest zero lane and possibly for lanes above it, never below:
// the has-zero test, exact for the lowest zero lane, packed into 4 bits.
func zeros16(v uint64) uint64 { return (((v - lo16) &^ v & hi16) >> 15) * gather16 >> 48 & 0xF }

// gather8 packs the top bits of a word's eight bytes into eight bits: bit
// i of gather8(z) is the top bit of byte i. Every partial product of the
// multiplication lands on a distinct bit, so nothing carries.
func gather8(z uint64) uint64 { return (z >> 7) * 0x0102040810204080 >> 56 }

// zeros8 returns the top bit of every byte of v that is zero, and possibly
// of bytes above the lowest zero byte, never below it: the has-zero-byte
// test, exact for the lowest zero byte.
func zeros8(v uint64) uint64 { return (v - lo8) &^ v & hi8 }

// searchLows8 returns the position of the first low equal to low in
// l[lo:hi], or -1. A bucket of up to 8 lows is compared with one 8-byte
// load, one of up to 32 (nearly every look-up's) with four, with no branch
// at all but the choice between the two: the loads, the
// has-zero-byte test on their XOR with low, the flags gathered into a
// 32-bit mask cut to the bucket's length, whose lowest set bit is the first
// match (exact: a false flag only ever sits above a true one). A scrub's
// look-ups are too random for a branch predictor: a loop whose length and
// exit depend on the bucket mispredicts at every key. Larger buckets and
// the array's last lows are scanned eight at a time.
func searchLows8(l []byte, lo, hi int, low uint64) int {
	pat := low * lo8
	n := hi - lo
	if n <= 8 && lo >= 0 && lo+8 <= len(l) {
		z := zeros8(binary.LittleEndian.Uint64(l[lo:])^pat) & (1<<(8*uint(max(n, 0))) - 1)
		return (lo + bits.TrailingZeros64(z)>>3) | -b2i(z == 0)
	}
	if n <= 32 && lo >= 0 && lo+32 <= len(l) {
		w := l[lo : lo+32]
		m := gather8(zeros8(binary.LittleEndian.Uint64(w)^pat)) |
			gather8(zeros8(binary.LittleEndian.Uint64(w[8:])^pat))<<8 |
			gather8(zeros8(binary.LittleEndian.Uint64(w[16:])^pat))<<16 |
			gather8(zeros8(binary.LittleEndian.Uint64(w[24:])^pat))<<24
		m &= 1<<uint(max(n, 0)) - 1
		// lo + the first match, or -1 (all ones) when there is none.
		return (lo + bits.TrailingZeros64(m)) | -b2i(m == 0)
	}
	q := lo
	for ; q < hi && q+8 <= len(l); q += 8 {
		v := binary.LittleEndian.Uint64(l[q:]) ^ pat
		if z := zeros8(v); z != 0 {
			if at := q + bits.TrailingZeros64(z)>>3; at < hi {
				return at
			}
			return -1
		}
	}
	for ; q < hi; q++ { // the last few lows of the array
		if uint64(l[q]) == low {
			return q
		}
	}
	return -1
}

// b2i returns 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// searchLows16 returns the position of low in the two-byte lows l[lo:hi]
// (l holds them as little-endian bytes; lo and hi count lows), or -1. A
// bucket of up to 16 lows is compared at once, with no branch but the
// answer's: four 8-byte loads, the has-zero-lane test on their XOR with low,
// the flags gathered into one 16-bit mask whose lowest set bit is the first
// match (benchstat, LookupBatch n=1M/stream: 25.3 -> 20.1 ns/key against a
// loop of four at a time). Larger buckets and the array's last lows are
// scanned four at a time.
func searchLows16(l []byte, lo, hi int, low uint64) int {
	pat := low * lo16
	if n := hi - lo; n <= 16 && lo >= 0 && 2*lo+32 <= len(l) {
		w := l[2*lo : 2*lo+32]
		m := zeros16(binary.LittleEndian.Uint64(w)^pat) |
			zeros16(binary.LittleEndian.Uint64(w[8:])^pat)<<4 |
			zeros16(binary.LittleEndian.Uint64(w[16:])^pat)<<8 |
			zeros16(binary.LittleEndian.Uint64(w[24:])^pat)<<12
		if at := bits.TrailingZeros64(m); at < n {
			return lo + at
		}
		return -1
	}
	q := lo
	for ; q < hi && 2*q+8 <= len(l); q += 4 {
		if m := zeros16(binary.LittleEndian.Uint64(l[2*q:]) ^ pat); m != 0 {
			if at := q + bits.TrailingZeros64(m); at < hi {
				return at
			}
			return -1
		}
	}
	for ; q < hi; q++ {
		if uint64(binary.LittleEndian.Uint16(l[2*q:])) == low {
			return q
		}
	}
	return -1
}

// find returns the position of k, or -1.
func (p *packed) find(k uint64) int {
	pos := p.bucket(k)
	if pos < 0 {
		return -1
	}
	lo, hi := int(p.index[pos]), int(p.index[pos+1])
	return p.searchLow(lo, hi, k&(uint64(1)<<p.shift-1))
}

// decodeRange calls fn with the keys at positions [from, to) in ascending
// order, in chunks of up to 4096 (the slice is reused between calls); fn
// returns false to stop.
func (p *packed) decodeRange(from, to int, fn func(first int, keys []uint64) bool) {
	if from >= to {
		return
	}
	// The bucket holding position from: the last index entry <= from whose
	// next entry is > from (never a segment's end entry, which equals the
	// next segment's first).
	q := sort.Search(len(p.index), func(i int) bool { return int(p.index[i]) > from }) - 1
	j := sort.Search(len(p.segFst), func(i int) bool { return p.segOff[i+1] > uint64(q) })
	var buf [4096]uint64
	nb := 0
	first := from
	pos := from
	for ; j < len(p.segFst) && pos < to; j++ {
		end := int(p.segOff[j+1]) - 1
		if q < int(p.segOff[j]) {
			q = int(p.segOff[j])
		}
		for ; q < end && pos < to; q++ {
			high := (p.segFst[j] + uint64(q) - p.segOff[j]) << p.shift
			hi := min(int(p.index[q+1]), to)
			for ; pos < hi; pos++ {
				var low uint64
				if p.lw == 1 {
					low = uint64(p.lows8[pos])
				} else {
					low = uint64(p.lows16[pos])
				}
				buf[nb] = high | low
				nb++
				if nb == len(buf) {
					if !fn(first, buf[:nb]) {
						return
					}
					first += nb
					nb = 0
				}
			}
		}
	}
	if nb > 0 {
		fn(first, buf[:nb])
	}
}

// keyAt returns the key at position pos (0 <= pos < n).
func (p *packed) keyAt(pos int) uint64 {
	q := sort.Search(len(p.index), func(i int) bool { return int(p.index[i]) > pos }) - 1
	j := sort.Search(len(p.segFst), func(i int) bool { return p.segOff[i+1] > uint64(q) })
	high := (p.segFst[j] + uint64(q) - p.segOff[j]) << p.shift
	if p.lw == 1 {
		return high | uint64(p.lows8[pos])
	}
	return high | uint64(p.lows16[pos])
}

// decodeAll returns every key, ascending.
func (p *packed) decodeAll() []uint64 {
	keys := make([]uint64, 0, p.n)
	p.decodeRange(0, p.n, func(_ int, ks []uint64) bool {
		keys = append(keys, ks...)
		return true
	})
	return keys
}

// bytes returns the memory the packed keys take.
func (p *packed) bytes() int {
	return 8*len(p.segFst) + 8*len(p.segOff) + 4*len(p.index) + len(p.lows8) + 2*len(p.lows16)
}

// validate checks the structure a look-up relies on (segments ascending and
// disjoint, index ascending and ending at n), so that no content of a
// snapshot can send a look-up out of bounds. It costs one pass over the
// index, none over the keys.
func (p *packed) validate() error {
	if p.shift > maxShift || (p.lw == 1) != (p.shift <= 8) {
		return fmt.Errorf("bad bucket shift %d", p.shift)
	}
	if p.lw == 1 && len(p.lows8) != p.n || p.lw == 2 && len(p.lows16) != p.n {
		return fmt.Errorf("bad lows length")
	}
	g := len(p.segFst)
	if len(p.segOff) != g+1 || p.segOff[0] != 0 || p.segOff[g] != uint64(len(p.index)) {
		return fmt.Errorf("bad segment table")
	}
	if g == 0 {
		if p.n != 0 {
			return fmt.Errorf("keys without segments")
		}
		return nil
	}
	maxBucket := uint64(maxKey) >> p.shift
	for j := range g {
		nb := p.segOff[j+1] - p.segOff[j]
		if p.segOff[j+1] < p.segOff[j] || nb < 2 {
			return fmt.Errorf("bad segment %d", j)
		}
		last := p.segFst[j] + nb - 2
		if last < p.segFst[j] || last > maxBucket || (j+1 < g && last >= p.segFst[j+1]) {
			return fmt.Errorf("segments overlap or out of range")
		}
	}
	if p.index[0] != 0 || p.index[len(p.index)-1] != uint32(p.n) {
		return fmt.Errorf("bad index bounds")
	}
	prev := uint32(0)
	for _, v := range p.index {
		if v < prev {
			return fmt.Errorf("index not ascending")
		}
		prev = v
	}
	return nil
}

// validateKeys checks every key: ascending within each bucket (hence
// overall) and non-zero. It reads every low; loading does not call it.
func (p *packed) validateKeys() error {
	var prev uint64
	ok := true
	p.decodeRange(0, p.n, func(first int, ks []uint64) bool {
		for _, k := range ks {
			if k <= prev || k > maxKey {
				ok = false
				return false
			}
			prev = k
		}
		return true
	})
	if !ok {
		return fmt.Errorf("keys not sorted or out of range")
	}
	return nil
}

// Views of little-endian file bytes as typed slices: in place on a
// little-endian host, decoded copies otherwise. b must be 8-byte aligned.

func u64view(b []byte) []uint64 {
	n := len(b) / 8
	if n == 0 {
		return nil
	}
	if littleEndianHost() {
		return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n)
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = leUint64(b[8*i:])
	}
	return out
}

func u32view(b []byte) []uint32 {
	n := len(b) / 4
	if n == 0 {
		return nil
	}
	if littleEndianHost() {
		return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), n)
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24
	}
	return out
}

func u16view(b []byte) []uint16 {
	n := len(b) / 2
	if n == 0 {
		return nil
	}
	if littleEndianHost() {
		return unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), n)
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return out
}

func leUint64(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// leBytes returns the little-endian bytes of a typed slice: its memory on a
// little-endian host, an encoded copy otherwise.
func leBytes[T uint16 | uint32 | uint64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	size := int(unsafe.Sizeof(s[0]))
	if littleEndianHost() {
		return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), size*len(s))
	}
	out := make([]byte, 0, size*len(s))
	for _, v := range s {
		for i := range size {
			out = append(out, byte(uint64(v)>>(8*i)))
		}
	}
	return out
}

// rank returns the number of keys below k. It is for occasional range
// counts (Set.CountPrefix), not for the look-up path.
func (p *packed) rank(k uint64) int {
	if p.n == 0 {
		return 0
	}
	b := k >> p.shift
	j := p.segment(b)
	if j < 0 {
		return 0 // below the first segment
	}
	off := b - p.segFst[j]
	if off >= p.segOff[j+1]-p.segOff[j]-1 {
		// Past segment j's last bucket: every key of it is below k.
		return int(p.index[p.segOff[j+1]-1])
	}
	pos := p.segOff[j] + off
	lo, hi := int(p.index[pos]), int(p.index[pos+1])
	low := k & (uint64(1)<<p.shift - 1)
	for lo < hi && p.lowAt(lo) < low {
		lo++
	}
	return lo
}

// lowAt returns the low bits stored at position pos.
func (p *packed) lowAt(pos int) uint64 {
	if p.lw == 1 {
		return uint64(p.lows8[pos])
	}
	return uint64(p.lows16[pos])
}
