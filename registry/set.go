package registry

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/listscrub/listscrub/normalize"
)

// MaxSources is the largest number of sources one Set can hold: a membership
// is a 64-bit mask.
const MaxSources = 64

// maxKey bounds valid keys: E.164 numbers have at most 15 digits.
const maxKey = 999_999_999_999_999

// Set is an immutable set of registered numbers, each remembering which of the
// set's sources hold it. It is safe for concurrent use.
type Set struct {
	p     packed   // the keys, packed (see packed.go); possibly views into a snapshot file
	mem   *mapping // the memory map p, masks and bloom are views into, if any: held while the Set is
	masks []byte   // Len()*width bytes, little-endian masks
	width int      // bytes per mask: 0 (single source, mask 1), 1, 2, 4 or 8

	// bloom is built on first use (filter): a scrub, whose look-ups go to
	// the exact set, never pays for it; a snapshot stores it.
	bloom     *bloom.BloomFilter
	bloomOnce sync.Once
	noBloom   bool // a set made without a filter (Load for a one-off look-up)

	sources []SourceInfo
	cover   coverage // what the set screens: the union of its sources' coverage
	// screened holds the numbers the set's wash results screened (the
	// union of theirs, registered or passed), packed like p; nil when the
	// set holds no wash result.
	screened *packed

	sumOnce  sync.Once
	checksum string

	// sink keeps LookupBatch's touches of memory from being optimized away.
	sink atomic.Uint64
}

// maskWidth returns the bytes per membership mask for n sources.
func maskWidth(n int) int {
	switch {
	case n <= 1:
		return 0
	case n <= 8:
		return 1
	case n <= 16:
		return 2
	case n <= 32:
		return 4
	default:
		return 8
	}
}

// newSet assembles a Set from sorted distinct keys and their masks (width
// bytes each). The keys are packed and not kept: the caller may drop them.
// Without withBloom the set never builds a bloom filter.
func newSet(keys []uint64, masks []byte, width int, sources []SourceInfo, withBloom bool) *Set {
	return newScreenedSet(keys, masks, width, sources, withBloom, nil)
}

// newScreenedSet is newSet for a set whose wash results screened the
// sorted distinct numbers screened (nil: no wash result).
func newScreenedSet(keys []uint64, masks []byte, width int, sources []SourceInfo, withBloom bool, screened []uint64) *Set {
	return &Set{p: encodePacked(keys), masks: masks, width: width, sources: sources, cover: coverageOf(sources), noBloom: !withBloom,
		screened: packScreened(screened)}
}

// packScreened packs a screened set, nil for none.
func packScreened(screened []uint64) *packed {
	if screened == nil {
		return nil
	}
	p := encodePacked(screened)
	return &p
}

// newSetSummed is newSet that also computes the set's checksum: from keys,
// on another goroutine, while they are packed (the packing runs on one
// core).
func newSetSummed(keys []uint64, masks []byte, width int, sources []SourceInfo, withBloom bool, screened []uint64) *Set {
	s := &Set{masks: masks, width: width, sources: sources, cover: coverageOf(sources), noBloom: !withBloom, screened: packScreened(screened)}
	sum := make(chan string, 1)
	go func() {
		sum <- s.canonicalSum(false, func(yield func(first int, keys []uint64) bool) { yield(0, keys) })
	}()
	s.p = encodePacked(keys)
	s.checksum = <-sum
	return s
}

// find returns the position of k, or -1.
func (s *Set) find(k uint64) int { return s.p.find(k) }

// appendMask appends mask m, width bytes little-endian (nothing for width 0).
func appendMask(masks []byte, width int, m uint64) []byte {
	switch width {
	case 0:
		return masks
	case 1:
		return append(masks, byte(m))
	case 2:
		return binary.LittleEndian.AppendUint16(masks, uint16(m))
	case 4:
		return binary.LittleEndian.AppendUint32(masks, uint32(m))
	default:
		return binary.LittleEndian.AppendUint64(masks, m)
	}
}

// maskAt returns the membership mask of keys[i].
func (s *Set) maskAt(i int) uint64 {
	switch s.width {
	case 0:
		return 1
	case 1:
		return uint64(s.masks[i])
	case 2:
		return uint64(binary.LittleEndian.Uint16(s.masks[2*i:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(s.masks[4*i:]))
	default:
		return binary.LittleEndian.Uint64(s.masks[8*i:])
	}
}

// Lookup returns the sources holding k as a bit mask over Sources() (bit i is
// Sources()[i]); 0 means k is not registered. It does not allocate.
func (s *Set) Lookup(k normalize.Key) uint64 {
	i := s.p.find(uint64(k))
	if i < 0 {
		return 0
	}
	return s.maskAt(i)
}

// batchChunk is how many keys LookupBatch takes through each phase at once:
// enough loads in flight to hide memory latency, few enough that what the
// first phases bring into the caches is still there for the last.
const batchChunk = 256

// LookupBatch sets masks[i] to Lookup(keys[i]) for every key (a zero key gets
// 0). On a set larger than the caches it is much faster than one Lookup after
// another: it works in phases over a chunk of keys — every key's bucket
// bounds (segment search, index read), then a touch of every bucket's first
// low, then the searches — so that the memory loads of different keys are
// independent and overlap instead of each waiting for the one before. The
// zero keys (a scrub's empty and invalid fields) are set aside first, and
// the phases have no branch that depends on a key: a scrub's keys are too
// random for a branch predictor. It does not allocate; masks must be at
// least as long as keys.
func (s *Set) LookupBatch(keys []normalize.Key, masks []uint64) {
	masks = masks[:len(keys)]
	clear(masks)
	p := &s.p
	if p.n == 0 {
		return
	}
	lowMask := uint64(1)<<p.shift - 1
	var (
		ks  [batchChunk]uint64 // the chunk's non-zero keys
		at  [batchChunk]uint16 // their positions in the chunk
		rng [batchChunk]uint64 // their bucket's position + 1, then its bounds lo<<32 | hi
	)
	for start := 0; start < len(keys); start += batchChunk {
		chunk := keys[start:min(start+batchChunk, len(keys))]
		ms := masks[start : start+len(chunk)]
		// Phase 0: the non-zero keys, in order.
		n := 0
		for i, k := range chunk {
			ks[n], at[n] = uint64(k), uint16(i)
			n += b2i(k != 0)
		}
		// Phase 1: bucket positions, + 1 (0 for a key no segment holds).
		// Only computation and small tables here: the index reads are left
		// to a loop of their own, so that they overlap instead of each
		// waiting behind a segment search.
		for i := range n {
			rng[i] = uint64(p.bucket(ks[i]) + 1)
		}
		// Phase 1b: bucket bounds. Position 0 (no bucket) reads index[0]
		// twice, an empty range: b-1 wraps around and the +1 brings it
		// back to 0.
		index := p.index
		for i := range n {
			b := rng[i]
			rng[i] = uint64(index[b-1+uint64(b2i(b == 0))])<<32 | uint64(index[b])
		}
		// Phase 2: touch each bucket's first low, so the searches below
		// find it in the cache (an empty bucket's "first low" is the next
		// bucket's: a harmless load).
		var touch uint64
		lb, lw := p.lowBytes, p.lw
		last := len(lb) - lw
		for _, r := range rng[:n] {
			touch += uint64(lb[min(int(r>>32)*lw, last)])
		}
		s.sink.Store(touch)
		// Phase 3: search each bucket.
		if lw == 1 {
			for i := range n {
				r := rng[i]
				ms[at[i]] = s.maskOrZero(searchLows8(lb, int(r>>32), int(uint32(r)), ks[i]&lowMask))
			}
		} else {
			for i := range n {
				r := rng[i]
				ms[at[i]] = s.maskOrZero(searchLows16(lb, int(r>>32), int(uint32(r)), ks[i]&lowMask))
			}
		}
	}
}

// maskOrZero returns the mask of the key at position j, 0 for j < 0,
// without a branch on j. The set must not be empty.
func (s *Set) maskOrZero(j int) uint64 {
	ok := uint64(int64(^j) >> 63) // all ones when j >= 0
	return s.maskAt(max(j, 0)) & ok
}

// Contains reports whether k is registered in any source.
func (s *Set) Contains(k normalize.Key) bool { return s.Lookup(k) != 0 }

// Covers reports whether k lies within what at least one of the set's sources
// screens (a prefix of its coverage, see registry build --covers). A source
// that records no coverage screens every number. A number outside every
// source's coverage has not been checked and must never be written as clean.
func (s *Set) Covers(k normalize.Key) bool { return s.cover.covers(k) }

// Screened reports whether k was screened by a wash result the set holds,
// with a blocking or a passing verdict; it is true for every number when
// the set holds no wash result. A valid number that is not screened was not
// checked and must never be written as clean (scrub reason not-screened).
// It does not allocate.
func (s *Set) Screened(k normalize.Key) bool {
	return s.screened == nil || s.screened.find(uint64(k)) >= 0
}

// Screening reports whether the set holds wash results: whether Screened
// can be false.
func (s *Set) Screening() bool { return s.screened != nil }

// ScreenedLen returns the number of distinct numbers the set's wash results
// screened (registered or passed); 0 when it holds none (see Screening).
func (s *Set) ScreenedLen() int {
	if s.screened == nil {
		return 0
	}
	return s.screened.n
}

// Coverage returns the E.164 prefixes the set screens ("+33", "+1201"),
// sorted; nil means every number.
func (s *Set) Coverage() []string { return s.cover.list() }

// Len returns the number of distinct numbers.
func (s *Set) Len() int { return s.p.n }

// ExactBytes returns the size of the exact set: the packed numbers, their
// index and their source memberships (the bloom filter not included).
func (s *Set) ExactBytes() int { return s.p.bytes() + len(s.masks) }

// All calls yield for every number in ascending order with its membership
// mask, until yield returns false. It is meant for diff and export tools:
//
//	for k, mask := range set.All() { ... }
func (s *Set) All() func(yield func(normalize.Key, uint64) bool) {
	return func(yield func(normalize.Key, uint64) bool) {
		s.p.decodeRange(0, s.p.n, func(first int, keys []uint64) bool {
			for i, k := range keys {
				if !yield(normalize.Key(k), s.maskAt(first+i)) {
					return false
				}
			}
			return true
		})
	}
}

// Sources returns the set's sources in the order they were given.
func (s *Set) Sources() []SourceInfo {
	out := make([]SourceInfo, len(s.sources))
	for i, si := range s.sources {
		out[i] = si.clone()
	}
	return out
}

// Labels returns the labels of the sources whose bits are set in mask, in
// source order.
func (s *Set) Labels(mask uint64) []string {
	var out []string
	for mask != 0 {
		i := bits.TrailingZeros64(mask)
		mask &^= 1 << i
		if i < len(s.sources) {
			out = append(out, s.sources[i].Label)
		}
	}
	return out
}

func (si SourceInfo) clone() SourceInfo {
	c := si
	if si.Invalid != nil {
		c.Invalid = make(map[string]int, len(si.Invalid))
		for k, v := range si.Invalid {
			c.Invalid[k] = v
		}
	}
	c.Covers = slices.Clone(si.Covers)
	if si.Inner != nil {
		c.Inner = make([]SourceInfo, len(si.Inner))
		for i, in := range si.Inner {
			c.Inner[i] = in.clone()
		}
	}
	return c
}

// AsOf returns the oldest as-of date among the sources.
func (s *Set) AsOf() time.Time {
	var t time.Time
	for _, si := range s.sources {
		if si.AsOf.IsZero() {
			continue
		}
		if t.IsZero() || si.AsOf.Before(t) {
			t = si.AsOf
		}
	}
	return t
}

// validateContent checks every key and membership mask: what loading a
// snapshot for a scrub leaves to the file's checksum.
func (s *Set) validateContent() error {
	if err := s.p.validateKeys(); err != nil {
		return err
	}
	if s.screened != nil {
		if err := s.screened.validateKeys(); err != nil {
			return fmt.Errorf("screened set: %w", err)
		}
	}
	if s.width == 0 {
		return nil
	}
	limit := uint64(1)<<len(s.sources) - 1
	if len(s.sources) == MaxSources {
		limit = ^uint64(0)
	}
	for i := range s.p.n {
		if m := s.maskAt(i); m == 0 || m > limit {
			return fmt.Errorf("bad membership mask")
		}
	}
	return nil
}

// mergeSources merges per-source sorted distinct key lists into one sorted
// distinct key list with membership masks (bit i = lists[i]).
func mergeSources(lists [][]uint64) (keys []uint64, masks []byte, width int) {
	width = maskWidth(len(lists))
	if len(lists) == 1 {
		return lists[0], nil, 0
	}
	// First pass: count distinct keys, to allocate exactly.
	n := 0
	mergeWalk(lists, func(uint64, uint64) { n++ })
	keys = make([]uint64, 0, n)
	masks = make([]byte, 0, n*width)
	mergeWalk(lists, func(k, m uint64) {
		keys = append(keys, k)
		masks = appendMask(masks, width, m)
	})
	return keys, masks, width
}

// mergeWalk calls emit for every distinct key of the sorted lists in
// ascending order with the mask of the lists holding it.
func mergeWalk(lists [][]uint64, emit func(k, mask uint64)) {
	pos := make([]int, len(lists))
	for {
		min := uint64(0)
		found := false
		for i, l := range lists {
			if pos[i] < len(l) && (!found || l[pos[i]] < min) {
				min, found = l[pos[i]], true
			}
		}
		if !found {
			return
		}
		var mask uint64
		for i, l := range lists {
			if pos[i] < len(l) && l[pos[i]] == min {
				mask |= 1 << i
				pos[i]++
			}
		}
		emit(min, mask)
	}
}

// sortDedup sorts keys and removes duplicates in place, on every core (see
// sortDistinct). When that leaves much unused capacity (append growth,
// duplicates), the keys are moved to an exactly sized array so that a Set
// keeps 8 bytes per key.
func sortDedup(keys []uint64) []uint64 {
	return trimCap(sortDistinct(keys))
}
