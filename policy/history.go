package policy

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// HistoryBuilder collects contact attempts as they are read, to Build a
// History. It holds 16 bytes a line until Build, in chunks of chunkLines
// lines: it never grows by copying (a history can have tens of millions of
// lines). A full chunk is sorted by the goroutine that filled it, so that
// readers with a builder each (Absorb) sort in parallel; Build merges the
// chunks.
type HistoryBuilder struct {
	chunks [][]attempt // full chunks, sorted
	loose  [][]attempt // partial chunks taken from other builders (Absorb), not sorted
	cur    []attempt   // the chunk being filled
	n      int
	lo, hi int64 // the earliest and latest instant added (Unix seconds)
}

// chunkLines is the size of a HistoryBuilder's chunks: 1 MiB of attempts.
const chunkLines = 1 << 16

// attempt is one history line while building: the number and its instant
// in Unix seconds, shifted left one bit, with the refused flag in bit 0.
type attempt struct {
	key uint64
	v   int64
}

// Add records one attempt: the number k called at calledAt (to the second,
// fraction dropped), refused when its outcome was a refusal.
func (b *HistoryBuilder) Add(k normalize.Key, calledAt time.Time, refused bool) {
	t := calledAt.Unix()
	v := t << 1
	if refused {
		v |= 1
	}
	if b.n == 0 {
		b.lo, b.hi = t, t
	}
	b.lo, b.hi = min(b.lo, t), max(b.hi, t)
	if len(b.cur) == chunkLines {
		slices.SortFunc(b.cur, compareAttempts)
		b.chunks = append(b.chunks, b.cur)
		b.cur = nil
	}
	if b.cur == nil {
		b.cur = make([]attempt, 0, min(chunkLines, max(1024, 2*b.n)))
	}
	b.cur = append(b.cur, attempt{uint64(k), v})
	b.n++
}

// Len returns the number of lines added.
func (b *HistoryBuilder) Len() int { return b.n }

// Absorb moves the attempts of o into b and empties o: a reader's own
// builder handed over when it is done.
func (b *HistoryBuilder) Absorb(o *HistoryBuilder) {
	if o.n == 0 {
		return
	}
	if b.n == 0 {
		b.lo, b.hi = o.lo, o.hi
	}
	b.lo, b.hi = min(b.lo, o.lo), max(b.hi, o.hi)
	b.n += o.n
	b.chunks = append(b.chunks, o.chunks...)
	b.loose = append(b.loose, o.loose...)
	if len(o.cur) > 0 {
		b.loose = append(b.loose, o.cur)
	}
	*o = HistoryBuilder{}
}

// ErrHistorySpan is returned by Build when the attempts span more than the
// 68 years the packed timestamps hold.
var ErrHistorySpan = errors.New("history: called_at values span more than 68 years")

// maxSpan is the largest span of seconds a packed timestamp holds (31 bits).
const maxSpan = 1<<31 - 1

// Build sorts the attempts into a History and empties the builder. It needs
// the builder's 16 bytes a line plus the History's 4 (and 12 a number).
func (b *HistoryBuilder) Build() (*History, error) {
	loose := b.loose
	if len(b.cur) > 0 {
		loose = append(loose, b.cur)
	}
	sortChunks(loose)
	chunks, n, lo, hi := append(b.chunks, loose...), b.n, b.lo, b.hi
	*b = HistoryBuilder{}
	h := &History{}
	if n == 0 {
		return h, nil
	}
	if hi-lo > maxSpan {
		return nil, fmt.Errorf("%w (%s to %s)", ErrHistorySpan,
			time.Unix(lo, 0).UTC().Format(time.DateOnly), time.Unix(hi, 0).UTC().Format(time.DateOnly))
	}
	h.base = lo
	h.times = make([]uint32, 0, n)
	m := newMerger(chunks)
	for {
		r, ok := m.next()
		if !ok {
			break
		}
		if len(h.keys) == 0 || r.key != h.keys[len(h.keys)-1] {
			h.keys = append(h.keys, r.key)
			h.ends = append(h.ends, 0)
		}
		h.times = append(h.times, uint32(r.v-lo<<1))
		h.ends[len(h.ends)-1] = uint32(len(h.times))
	}
	h.keys = slices.Clip(h.keys)
	h.buildFilter()
	h.ends = slices.Clip(h.ends)
	return h, nil
}

func compareAttempts(x, y attempt) int {
	if c := cmp.Compare(x.key, y.key); c != 0 {
		return c
	}
	return cmp.Compare(x.v, y.v)
}

// sortChunks sorts every chunk, on as many goroutines as there are cores.
func sortChunks(chunks [][]attempt) {
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(chunks)); i = next.Add(1) - 1 {
				slices.SortFunc(chunks[i], compareAttempts)
			}
		})
	}
	wg.Wait()
}

// merger yields the attempts of sorted chunks in order: a binary min-heap
// of the chunks by their next attempt. A chunk is dropped once read, so
// that its memory can go while the History fills.
type merger struct {
	heap [][]attempt
}

func newMerger(chunks [][]attempt) *merger {
	m := &merger{heap: chunks}
	for i := len(chunks)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m
}

// next returns the least attempt not yet returned.
func (m *merger) next() (attempt, bool) {
	if len(m.heap) == 0 {
		return attempt{}, false
	}
	top := m.heap[0]
	r := top[0]
	if len(top) > 1 {
		m.heap[0] = top[1:]
	} else {
		last := len(m.heap) - 1
		m.heap[0], m.heap[last] = m.heap[last], nil
		m.heap = m.heap[:last]
	}
	if len(m.heap) > 0 {
		m.down(0)
	}
	return r, true
}

func (m *merger) down(i int) {
	h := m.heap
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		c := l
		if r := l + 1; r < len(h) && compareAttempts(h[r][0], h[l][0]) < 0 {
			c = r
		}
		if compareAttempts(h[c][0], h[i][0]) >= 0 {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// History is the contact history of many numbers, read-only once built and
// safe for concurrent use: the distinct numbers sorted, and for each the
// range of its attempts in one array of packed timestamps (seconds since
// the earliest attempt, shifted left one bit, refused flag in bit 0), sorted.
// It costs 4 bytes a line plus 13 a distinct number (its key, its end, its
// filter bits).
type History struct {
	keys  []uint64
	ends  []uint32 // ends[i] is the end of keys[i]'s attempts in times
	times []uint32
	// filter is a bitset of the numbers' hashes (mayHave), of 2^(64-shift)
	// bits.
	filter []uint64
	shift  uint8
	top    []uint64 // keys[0], keys[blockKeys], ...: find's first step
	base   int64    // Unix seconds of packed 0
}

// Lines returns the number of attempts held.
func (h *History) Lines() int { return len(h.times) }

// Numbers returns the number of distinct numbers held.
func (h *History) Numbers() int { return len(h.keys) }

// Bytes returns the memory the built state holds.
func (h *History) Bytes() int {
	return 8*cap(h.keys) + 4*cap(h.ends) + 4*cap(h.times) + 8*cap(h.filter) + 8*cap(h.top)
}

// The filter: one bit per hash of a number, about 8 bits per number, so
// that most numbers without history (a prospect file's) are answered by
// one memory read instead of a binary search over millions of keys, each
// step a cache miss (12% of them pass it and are searched).
const filterBitsPerNumber = 8

// buildFilter sets the filter's bit of every number.
func (h *History) buildFilter() {
	bits := 6 // 64 bits at least
	for 1<<bits < filterBitsPerNumber*len(h.keys) {
		bits++
	}
	h.top = make([]uint64, 0, (len(h.keys)+blockKeys-1)/blockKeys)
	for i := 0; i < len(h.keys); i += blockKeys {
		h.top = append(h.top, h.keys[i])
	}
	h.filter = make([]uint64, 1<<bits/64)
	h.shift = uint8(64 - bits)
	for _, k := range h.keys {
		b := k * 0x9e3779b97f4a7c15 >> h.shift
		h.filter[b/64] |= 1 << (b % 64)
	}
}

// mayHave reports whether k may have attempts: false is sure.
func (h *History) mayHave(k normalize.Key) bool {
	if len(h.filter) == 0 {
		return false
	}
	b := uint64(k) * 0x9e3779b97f4a7c15 >> h.shift
	return h.filter[b/64]&(1<<(b%64)) != 0
}

// attempts returns k's packed attempts, sorted (nil when it has none).
func (h *History) attempts(k normalize.Key) []uint32 {
	if !h.mayHave(k) {
		return nil
	}
	i, ok := h.find(k)
	if !ok {
		return nil
	}
	start := uint32(0)
	if i > 0 {
		start = h.ends[i-1]
	}
	return h.times[start:h.ends[i]]
}

// after returns the index of the first attempt later than the second s
// (relative to base) in ts.
func after(ts []uint32, s int64) int {
	if s < 0 {
		return 0
	}
	if s >= maxSpan {
		return len(ts)
	}
	bound := uint32(s+1) << 1 // packed values ≥ bound are later than s
	i, _ := slices.BinarySearch(ts, bound)
	return i
}

// reason answers the history rules of p for k at Unix second t.
func (h *History) reason(k normalize.Key, t int64, p *Policy) Reason {
	ts := h.attempts(k)
	if len(ts) == 0 {
		return Callable
	}
	rel := t - h.base
	end := after(ts, rel) // attempts at or before t
	if p.RefusalCooldown > 0 {
		for _, v := range ts[after(ts, rel-int64(p.RefusalCooldown/time.Second)):end] {
			if v&1 != 0 {
				return RefusedRecently
			}
		}
	}
	if p.AttemptLimit > 0 && end-after(ts, rel-int64(p.AttemptWindow/time.Second)) >= p.AttemptLimit {
		return AttemptLimit
	}
	return Callable
}

// nextFree returns the earliest instant ≥ t at which the history rules of p
// allow a call to k. The allowed instants change only when an attempt
// leaves the window or a refusal the cool-down, so the answer is t or one
// of those instants.
func (h *History) nextFree(k normalize.Key, t time.Time, p *Policy) time.Time {
	if h.reason(k, t.Unix(), p) == Callable {
		return t
	}
	ts := h.attempts(k)
	cands := make([]int64, 0, 2*len(ts))
	for _, v := range ts {
		s := h.base + int64(v>>1)
		if p.AttemptLimit > 0 {
			cands = append(cands, s+int64(p.AttemptWindow/time.Second))
		}
		if v&1 != 0 && p.RefusalCooldown > 0 {
			cands = append(cands, s+int64(p.RefusalCooldown/time.Second))
		}
	}
	slices.Sort(cands)
	for _, c := range cands {
		if c > t.Unix() && h.reason(k, c, p) == Callable {
			return time.Unix(c, 0).UTC()
		}
	}
	return time.Time{} // unreachable: past every event, nothing is in a window
}

// Has reports whether the history holds any attempt of k.
func (h *History) Has(k normalize.Key) bool {
	if !h.mayHave(k) {
		return false
	}
	_, ok := h.find(k)
	return ok
}

// blockKeys is how many keys a block of the top index covers: 512 bytes of
// keys, searched after the top index (which holds one key in blockKeys and
// stays in the cache) instead of a binary search whose every step is a
// cache miss.
const blockKeys = 64

// find returns the index of k in keys, through the top index.
func (h *History) find(k normalize.Key) (int, bool) {
	b, _ := slices.BinarySearch(h.top, uint64(k)+1) // blocks whose first key is ≤ k
	if b == 0 {
		return 0, false
	}
	lo := (b - 1) * blockKeys
	i, ok := slices.BinarySearch(h.keys[lo:min(lo+blockKeys, len(h.keys))], uint64(k))
	return lo + i, ok
}

// MayHave sets out[i] to whether keys[i] may have attempts (false is
// sure), for many keys at once: the filter's reads are independent, so
// the processor overlaps their cache misses, which one question at a time
// cannot. out must be as long as keys.
func (h *History) MayHave(keys []normalize.Key, out []bool) {
	for i, k := range keys {
		out[i] = k != 0 && h.mayHave(k)
	}
}
