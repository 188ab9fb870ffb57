package registry

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
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

// BloomFPRate is the false-positive rate the bloom filter is sized for; see
// buildBloom for what reads the filter and why 1%.
const BloomFPRate = 0.01

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

// Checksum returns the hex SHA-256 of the set's canonical content (sorted keys
// and their memberships), identical however the same content was loaded.
//
// The canonical content is the string "listscrub-set-v1\n" followed, for
// every key in ascending order, by the key and its membership mask as
// little-endian uint64s. The mask's bits are renumbered in the order of the
// sources' labels (sorted bytewise), so the order in which the same sources
// were given does not change the checksum; labels themselves are not hashed.
// A set holding wash results goes on with "listscrub-screened-v1\n" and
// every screened number in ascending order, a little-endian uint64 each.
func (s *Set) Checksum() string {
	s.sumOnce.Do(func() {
		if s.checksum == "" {
			s.checksum = s.computeChecksum()
		}
	})
	return s.checksum
}

func (s *Set) computeChecksum() string { return s.computeSum(false) }

// checksums returns Checksum() and the checksum the set has when used as a
// single source (every mask 1), computed in parallel when they differ.
func (s *Set) checksums() (full, single string) {
	if s.width == 0 && len(s.sources) == 1 {
		full = s.Checksum()
		return full, full
	}
	done := make(chan struct{})
	go func() { defer close(done); single = s.computeSum(true) }()
	full = s.Checksum()
	<-done
	return full, single
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

// computeSum computes the canonical checksum; with single, as if the set
// had one source holding every key.
func (s *Set) computeSum(single bool) string {
	return s.canonicalSum(single, func(yield func(first int, keys []uint64) bool) { s.p.decodeRange(0, s.p.n, yield) })
}

// canonicalSum computes the canonical checksum of the keys walk yields, in
// order (first is the position of keys[0] in the set, for its masks).
func (s *Set) canonicalSum(single bool, walk func(yield func(first int, keys []uint64) bool)) string {
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
	mask := s.maskAt
	if single {
		identity = true
		mask = func(int) uint64 { return 1 }
	}
	h := sha256.New()
	h.Write([]byte("listscrub-set-v1\n"))
	buf := make([]byte, 0, 16*4096)
	walk(func(first int, keys []uint64) bool {
		for i, k := range keys {
			buf = appendCanonical(buf, k, mask(first+i), identity, &perm)
			if len(buf) == cap(buf) {
				h.Write(buf)
				buf = buf[:0]
			}
		}
		return true
	})
	h.Write(buf)
	if s.screened != nil {
		h.Write([]byte("listscrub-screened-v1\n"))
		buf = buf[:0]
		s.screened.decodeRange(0, s.screened.n, func(_ int, keys []uint64) bool {
			for _, k := range keys {
				buf = binary.LittleEndian.AppendUint64(buf, k)
				if len(buf) == cap(buf) {
					h.Write(buf)
					buf = buf[:0]
				}
			}
			return true
		})
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendCanonical appends key k and its mask m renumbered by perm.
func appendCanonical(buf []byte, k, m uint64, identity bool, perm *[MaxSources]uint) []byte {
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
	return binary.LittleEndian.AppendUint64(buf, m)
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
