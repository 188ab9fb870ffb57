package registry

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/bits"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/listscrub/listscrub/normalize"
)

// MaxSources is the largest number of sources one Set can hold: a membership
// is a 64-bit mask.
const MaxSources = 64

// BloomFPRate is the false-positive rate the bloom filter is sized for.
const BloomFPRate = 0.001

// maxKey bounds valid keys: E.164 numbers have at most 15 digits.
const maxKey = 999_999_999_999_999

// Set is an immutable set of registered numbers, each remembering which of the
// set's sources hold it. It is safe for concurrent use.
type Set struct {
	keys  []uint64 // sorted, distinct, non-zero
	masks []byte   // len(keys)*width bytes, little-endian masks
	width int      // bytes per mask: 0 (single source, mask 1), 1, 2, 4 or 8

	// bloom is built on first use (filter): a scrub, whose look-ups go to
	// the exact set, never pays for it; a snapshot stores it.
	bloom     *bloom.BloomFilter
	bloomOnce sync.Once
	noBloom   bool // for benchmarks comparing without a filter
	// probeBloom makes Lookup test the bloom filter before the exact set. It
	// is off: with the set in memory, the bucket index answers a miss in 2-3
	// cache misses where the filter costs 10 (measured: 88 ns vs 107 ns per
	// miss, 85 ns vs 417 ns per hit at 10M numbers; see README, Registries).
	// The filter is still built and stored in snapshots, and verified on load.
	probeBloom bool

	// Bucket index over keys: bucket b = (k-base)>>shift holds keys[index[b]:index[b+1]].
	base  uint64
	shift uint
	index []uint32

	sources []SourceInfo
	cover   coverage // what the set screens: the union of its sources' coverage

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
// bytes each), building the index and, when withBloom, the bloom filter.
func newSet(keys []uint64, masks []byte, width int, sources []SourceInfo, withBloom bool) *Set {
	s := &Set{keys: keys, masks: masks, width: width, sources: sources, cover: coverageOf(sources), noBloom: !withBloom}
	s.buildIndex()
	return s
}

// filter returns the set's bloom filter, building it on first use (nil for
// a set made without one).
func (s *Set) filter() *bloom.BloomFilter {
	s.bloomOnce.Do(func() {
		if s.bloom == nil && !s.noBloom {
			s.bloom = buildBloom(s.keys)
		}
	})
	return s.bloom
}

// buildBloom returns a bloom filter holding every key, sized for BloomFPRate.
// The two halves of keys are added in parallel into two filters of the same
// geometry, then merged.
func buildBloom(keys []uint64) *bloom.BloomFilter {
	n := uint(len(keys))
	if n == 0 {
		n = 1
	}
	f := bloom.NewWithEstimates(n, BloomFPRate)
	if len(keys) < 1<<16 {
		addKeys(f, keys)
		return f
	}
	g := bloom.New(f.Cap(), f.K())
	half := len(keys) / 2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); addKeys(g, keys[half:]) }()
	addKeys(f, keys[:half])
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

// buildIndex builds the bucket index: about one bucket per 8 keys.
func (s *Set) buildIndex() {
	n := len(s.keys)
	s.index = nil
	if n == 0 {
		return
	}
	s.base = s.keys[0]
	span := s.keys[n-1] - s.base
	want := uint64(n/8 + 1)
	shift := uint(0)
	for span>>shift >= want {
		shift++
	}
	s.shift = shift
	nb := int(span>>shift) + 1
	index := make([]uint32, nb+1)
	b := 0
	for i, k := range s.keys {
		kb := int((k - s.base) >> shift)
		for b <= kb {
			index[b] = uint32(i)
			b++
		}
	}
	for ; b <= nb; b++ {
		index[b] = uint32(n)
	}
	s.index = index
}

// find returns the position of k in keys, or -1.
func (s *Set) find(k uint64) int {
	n := len(s.keys)
	if n == 0 || k < s.base || k > s.keys[n-1] {
		return -1
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
	if lo < n && s.keys[lo] == k {
		return lo
	}
	return -1
}

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
	if s.probeBloom && s.bloom != nil && !bloomTest(s.bloom, uint64(k)) {
		return 0
	}
	i := s.find(uint64(k))
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
// bounds, then a touch of every bucket's first key, then the searches — so
// that the memory loads of different keys are independent and overlap instead
// of each waiting for the one before. It does not allocate; masks must be at
// least as long as keys.
func (s *Set) LookupBatch(keys []normalize.Key, masks []uint64) {
	masks = masks[:len(keys)]
	n := len(s.keys)
	if n == 0 {
		clear(masks)
		return
	}
	if s.probeBloom {
		for i, k := range keys {
			masks[i] = s.Lookup(k)
		}
		return
	}
	last := s.keys[n-1]
	for start := 0; start < len(keys); start += batchChunk {
		ks := keys[start:min(start+batchChunk, len(keys))]
		ms := masks[start : start+len(ks)]
		// Phase 1: bucket bounds (ms[i] holds lo<<32 | hi meanwhile).
		for i, k := range ks {
			if uint64(k) < s.base || uint64(k) > last {
				ms[i] = 0
				continue
			}
			b := (uint64(k) - s.base) >> s.shift
			ms[i] = uint64(s.index[b])<<32 | uint64(s.index[b+1])
		}
		// Phase 2: touch each bucket's first key, so the searches below
		// find it in the cache.
		var touch uint64
		for _, m := range ms {
			if lo := int(m >> 32); lo < n {
				touch += s.keys[lo]
			}
		}
		s.sink.Store(touch)
		// Phase 3: search each bucket.
		for i, k := range ks {
			lo, hi := int(ms[i]>>32), int(uint32(ms[i]))
			for lo < hi {
				m := int(uint(lo+hi) >> 1)
				if s.keys[m] < uint64(k) {
					lo = m + 1
				} else {
					hi = m
				}
			}
			if lo < n && s.keys[lo] == uint64(k) {
				ms[i] = s.maskAt(lo)
			} else {
				ms[i] = 0
			}
		}
	}
}

// Contains reports whether k is registered in any source.
func (s *Set) Contains(k normalize.Key) bool { return s.Lookup(k) != 0 }

// Covers reports whether k lies within what at least one of the set's sources
// screens (a prefix of its coverage, see registry build --covers). A source
// that records no coverage screens every number. A number outside every
// source's coverage has not been checked and must never be written as clean.
func (s *Set) Covers(k normalize.Key) bool { return s.cover.covers(k) }

// Coverage returns the E.164 prefixes the set screens ("+33", "+1201"),
// sorted; nil means every number.
func (s *Set) Coverage() []string { return s.cover.list() }

// Len returns the number of distinct numbers.
func (s *Set) Len() int { return len(s.keys) }

// All calls yield for every number in ascending order with its membership
// mask, until yield returns false. It is meant for diff and export tools:
//
//	for k, mask := range set.All() { ... }
func (s *Set) All() func(yield func(normalize.Key, uint64) bool) {
	return func(yield func(normalize.Key, uint64) bool) {
		for i, k := range s.keys {
			if !yield(normalize.Key(k), s.maskAt(i)) {
				return
			}
		}
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

// Checksum returns the hex SHA-256 of the set's canonical content (sorted keys
// and their memberships), identical however the same content was loaded.
//
// The canonical content is the string "listscrub-set-v1\n" followed, for
// every key in ascending order, by the key and its membership mask as
// little-endian uint64s. The mask's bits are renumbered in the order of the
// sources' labels (sorted bytewise), so the order in which the same sources
// were given does not change the checksum; labels themselves are not hashed.
func (s *Set) Checksum() string {
	s.sumOnce.Do(func() {
		if s.checksum == "" {
			s.checksum = s.computeChecksum()
		}
	})
	return s.checksum
}

func (s *Set) computeChecksum() string {
	// perm[i] is the canonical bit of source i.
	order := make([]int, len(s.sources))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return s.sources[order[a]].Label < s.sources[order[b]].Label })
	var perm [MaxSources]uint
	identity := true
	for rank, i := range order {
		perm[i] = uint(rank)
		if rank != i {
			identity = false
		}
	}
	h := sha256.New()
	h.Write([]byte("listscrub-set-v1\n"))
	buf := make([]byte, 0, 16*4096)
	for i, k := range s.keys {
		m := s.maskAt(i)
		if !identity {
			var pm uint64
			for m != 0 {
				j := bits.TrailingZeros64(m)
				m &^= 1 << j
				pm |= 1 << perm[j]
			}
			m = pm
		}
		buf = binary.LittleEndian.AppendUint64(buf, k)
		buf = binary.LittleEndian.AppendUint64(buf, m)
		if len(buf) == cap(buf) {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
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
	n := float64(max(len(s.keys), 1))
	fp := math.Pow(1-math.Exp(-float64(k)*n/float64(m)), float64(k))
	return BloomInfo{Bits: m, Hashes: k, FPRate: fp}
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
