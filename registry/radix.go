package registry

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// The key sort is a most-significant-digit partition followed by
// least-significant-digit radix sorts of the parts, with bounded scratch:
//
//   - The keys are first spread over 2^digitBits buckets by the top bits of
//     (key - min): from the parser's key blocks into one exactly sized array
//     (sortDistinctBlocks, in parallel), or in place (sortDistinct).
//   - The buckets are then sorted and deduplicated on every core, one bucket
//     at a time: a bucket (a few thousand keys at national scale, in the
//     caches) by an LSD radix sort on the bits its keys still differ in,
//     with one scratch slice per worker, a larger one by an in-place
//     partition and recursion, so that no scratch ever exceeds lsdMax keys.
//   - Last, the deduplicated buckets are moved down to close the gaps the
//     duplicates left (nothing to move when there were none).
//
// Peak memory of a build is the parser's blocks plus the sorted array: two
// times 8 bytes per key, where append growth, concatenation and a full-size
// radix scratch needed up to five times.

// radixMin is the size below which slices.Sort is faster than a radix sort.
const radixMin = 1 << 16

const (
	digitBits    = 11
	digitBuckets = 1 << digitBits
	// lsdMax is the largest bucket sorted by an LSD radix sort (its
	// scratch, 8 MiB); larger ones are partitioned in place first.
	lsdMax = 1 << 20
	// smallSort is the size below which a bucket is sorted by slices.Sort.
	smallSort = 256
)

// keyBlock is a block of keys as a parser collected them, with their range.
type keyBlock struct {
	keys   []uint64
	off    int    // offset of keys in the parsers' arena, or -1
	lo, hi uint64 // smallest and largest key (0, 0 for an empty block)
}

// newKeyBlock returns keys, at offset off in the arena (-1: not in the
// arena), as a block, computing its range.
func newKeyBlock(keys []uint64, off int) keyBlock {
	b := keyBlock{keys: keys, off: off}
	if len(keys) > 0 {
		b.lo, b.hi = minMax(keys)
	}
	return b
}

// minMax returns the smallest and largest of keys (not empty).
func minMax(keys []uint64) (lo, hi uint64) {
	lo, hi = keys[0], keys[0]
	for _, k := range keys {
		lo = min(lo, k)
		hi = max(hi, k)
	}
	return lo, hi
}

// digitShift returns the shift that maps a key offset of at most span to a
// digit below digitBuckets.
func digitShift(span uint64) uint {
	return uint(max(bits.Len64(span)-digitBits, 0))
}

// keyArena is one array the parsers of a source take their key blocks from,
// a window at a time; it is sized from the file's size, so that the keys
// are sorted where they were parsed, without a second array. Its memory is
// only touched (made resident) where keys are written.
type keyArena struct {
	keys []uint64
	next atomic.Int64 // offset of the next window
}

// arenaBytesPerKey estimates the fewest bytes of text a key takes: ten
// digits and a line end.
const arenaBytesPerKey = 10

// newKeyArena returns an arena for a text of size bytes, or nil when the
// size is not known (-1).
func newKeyArena(size int64) *keyArena {
	if size < arenaBytesPerKey {
		return nil
	}
	a := &keyArena{keys: make([]uint64, size/arenaBytesPerKey)}
	adviseHugePages(a.keys)
	return a
}

// window returns the next free window of the arena, empty with room for up
// to maxBlockKeys keys, and its offset; nil once the arena is full (or for a
// nil arena).
func (a *keyArena) window() ([]uint64, int) {
	if a == nil {
		return nil, -1
	}
	end := a.next.Add(maxBlockKeys)
	start := end - maxBlockKeys
	if start >= int64(len(a.keys)) {
		return nil, -1
	}
	end = min(end, int64(len(a.keys)))
	return a.keys[start:start:end], int(start)
}

// sortDistinctKeys returns the distinct keys of blocks, sorted. When every
// block is a window of arena, the keys are moved down to close the gaps
// between windows and sorted in place; otherwise they are spread into a new
// array (sortDistinctBlocks).
func sortDistinctKeys(arena *keyArena, blocks []keyBlock) []uint64 {
	inArena := arena != nil
	for _, b := range blocks {
		inArena = inArena && b.off >= 0
	}
	if !inArena {
		return trimCap(sortDistinctBlocks(blocks))
	}
	slices.SortFunc(blocks, func(a, b keyBlock) int { return a.off - b.off })
	n := 0
	var lo, hi uint64
	for i, b := range blocks {
		if i == 0 {
			lo, hi = b.lo, b.hi
		}
		lo, hi = min(lo, b.lo), max(hi, b.hi)
		if b.off != n {
			copy(arena.keys[n:], b.keys)
		}
		n += len(b.keys)
	}
	keys := arena.keys[:n]
	clear(blocks)
	if n < radixMin {
		slices.Sort(keys)
		keys = slices.Compact(keys)
	} else {
		var bounds [digitBuckets + 1]int
		partition(keys, lo, digitShift(hi-lo), &bounds)
		keys = sortBuckets(keys, bounds[:])
	}
	// The arena's untouched end costs no memory; the room duplicates left
	// does.
	if n-len(keys) > len(keys)/16+1024 {
		return slices.Clone(keys)
	}
	return keys[:len(keys):len(keys)]
}

// trimCap returns keys, moved to an exactly sized array when much of its
// capacity is unused.
func trimCap(keys []uint64) []uint64 {
	if cap(keys)-len(keys) > len(keys)/16+1024 {
		keys = slices.Clone(keys)
	}
	return keys
}

// sorter is one worker's scratch: a slice for the LSD passes and their
// histograms.
type sorter struct {
	lsdMax  int // lsdMax when 0 (tests make it small)
	scratch []uint64
	counts  [(64 + digitBits - 1) / digitBits][digitBuckets]int
}

// radixSort sorts keys in place, with at most lsdMax keys of scratch.
func radixSort(keys []uint64) {
	new(sorter).sort(keys)
}

// sortDistinct sorts keys in place and removes duplicates, on every core; it
// returns keys[:distinct].
func sortDistinct(keys []uint64) []uint64 {
	if len(keys) < radixMin {
		slices.Sort(keys)
		return slices.Compact(keys)
	}
	lo, hi := minMax(keys)
	shift := digitShift(hi - lo)
	var bounds [digitBuckets + 1]int
	partition(keys, lo, shift, &bounds)
	return sortBuckets(keys, bounds[:])
}

// sortDistinctBlocks returns the distinct keys of blocks, sorted, in one
// exactly sized array (distinct keys first, its length the number of keys
// given). The blocks are cleared as they are read.
func sortDistinctBlocks(blocks []keyBlock) []uint64 {
	n := 0
	var lo, hi uint64
	first := true
	for _, b := range blocks {
		if len(b.keys) == 0 {
			continue
		}
		n += len(b.keys)
		if first {
			lo, hi, first = b.lo, b.hi, false
		}
		lo, hi = min(lo, b.lo), max(hi, b.hi)
	}
	keys := make([]uint64, n)
	if n < radixMin {
		keys = keys[:0]
		for i, b := range blocks {
			keys = append(keys, b.keys...)
			blocks[i] = keyBlock{}
		}
		slices.Sort(keys)
		return slices.Compact(keys)
	}
	shift := digitShift(hi - lo)
	// Spread the blocks over the buckets, each worker a run of blocks into
	// its own part of every bucket.
	workers := min(runtime.GOMAXPROCS(0), len(blocks))
	hist := make([][digitBuckets]int, workers)
	part := func(w int) []keyBlock { return blocks[w*len(blocks)/workers : (w+1)*len(blocks)/workers] }
	parallel(workers, func(w int) {
		h := &hist[w]
		for _, b := range part(w) {
			for _, k := range b.keys {
				h[(k-lo)>>shift]++
			}
		}
	})
	var bounds [digitBuckets + 1]int
	sum := 0
	for d := range digitBuckets {
		bounds[d] = sum
		for w := range workers {
			c := hist[w][d]
			hist[w][d] = sum
			sum += c
		}
	}
	bounds[digitBuckets] = sum
	parallel(workers, func(w int) {
		pos := &hist[w]
		blocks := part(w)
		for i, b := range blocks {
			for _, k := range b.keys {
				d := (k - lo) >> shift
				keys[pos[d]] = k
				pos[d]++
			}
			blocks[i] = keyBlock{}
		}
	})
	return sortBuckets(keys, bounds[:])
}

// parallel runs fn(0) ... fn(workers-1) concurrently and waits for them.
func parallel(workers int, fn func(w int)) {
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w)
		}()
	}
	if workers > 0 {
		fn(0)
	}
	wg.Wait()
}

// sortBuckets sorts and deduplicates every bucket keys[bounds[d]:bounds[d+1]]
// (every key of a bucket below every key of the next) on every core, then
// closes the gaps; it returns keys[:distinct].
func sortBuckets(keys []uint64, bounds []int) []uint64 {
	nb := len(bounds) - 1
	distinct := make([]int, nb)
	var next atomic.Int64
	parallel(runtime.GOMAXPROCS(0), func(int) {
		s := new(sorter)
		for {
			d := int(next.Add(1) - 1)
			if d >= nb {
				return
			}
			b := keys[bounds[d]:bounds[d+1]]
			s.sort(b)
			distinct[d] = len(slices.Compact(b))
		}
	})
	out := 0
	for d := range nb {
		if bounds[d] != out {
			copy(keys[out:], keys[bounds[d]:bounds[d]+distinct[d]])
		}
		out += distinct[d]
	}
	return keys[:out]
}

// sort sorts keys in place, growing its scratch up to lsdMax keys.
func (s *sorter) sort(keys []uint64) {
	if len(keys) < smallSort {
		slices.Sort(keys)
		return
	}
	lo, hi := minMax(keys)
	if lo == hi {
		return
	}
	limit := s.lsdMax
	if limit == 0 {
		limit = lsdMax
	}
	if len(keys) <= limit {
		if cap(s.scratch) < len(keys) {
			s.scratch = make([]uint64, max(len(keys), min(2*cap(s.scratch), limit)))
		}
		s.lsd(keys, s.scratch[:len(keys)], lo, bits.Len64(hi-lo))
		return
	}
	var bounds [digitBuckets + 1]int
	partition(keys, lo, digitShift(hi-lo), &bounds)
	for d := range digitBuckets {
		s.sort(keys[bounds[d]:bounds[d+1]])
	}
}

// partition reorders keys in place (American flag sort) so that the keys of
// digit d = (k-lo)>>shift are keys[bounds[d]:bounds[d+1]].
func partition(keys []uint64, lo uint64, shift uint, bounds *[digitBuckets + 1]int) {
	var count [digitBuckets]int
	for _, k := range keys {
		count[(k-lo)>>shift]++
	}
	var next [digitBuckets]int // next free slot of each bucket
	sum := 0
	for d, c := range count {
		bounds[d], next[d] = sum, sum
		sum += c
	}
	bounds[digitBuckets] = sum
	for d := range digitBuckets {
		end := bounds[d+1]
		for i := next[d]; i < end; i = next[d] {
			k := keys[i]
			// Swap k to its bucket until a key of bucket d comes back.
			for kd := int((k - lo) >> shift); kd != d; kd = int((k - lo) >> shift) {
				j := next[kd]
				next[kd]++
				keys[j], k = k, keys[j]
			}
			keys[i] = k
			next[d]++
		}
	}
}

// lsd sorts keys, whose offsets k-lo have at most width bits, by an LSD
// radix sort of digitBits-bit digits, with scratch as long as keys: one read
// for all histograms, then one pass a digit, skipping digits every key has
// the same.
func (s *sorter) lsd(keys, scratch []uint64, lo uint64, width int) {
	passes := (width + digitBits - 1) / digitBits
	const mask = digitBuckets - 1
	counts := s.counts[:passes]
	clear(counts)
	for _, k := range keys {
		k -= lo
		for p := range passes {
			counts[p][(k>>(p*digitBits))&mask]++
		}
	}
	src, dst := keys, scratch
	for p := range passes {
		shift := uint(p * digitBits)
		c := &counts[p]
		if c[((src[0]-lo)>>shift)&mask] == len(src) {
			continue // one digit for all: this pass would change nothing
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, k := range src {
			d := ((k - lo) >> shift) & mask
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
