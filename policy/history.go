package policy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// HistoryBuilder collects contact attempts as they are read, to Build a
// History. Adding costs 16 bytes a line until Build.
type HistoryBuilder struct {
	recs []attempt
}

// attempt is one history line while building: the number and its instant
// in Unix seconds, shifted left one bit, with the refused flag in bit 0.
type attempt struct {
	key uint64
	v   int64
}

// Grow makes room for n more lines (a hint, to avoid growing by copies).
func (b *HistoryBuilder) Grow(n int) { b.recs = slices.Grow(b.recs, n) }

// Add records one attempt: the number k called at calledAt (to the second,
// fraction dropped), refused when its outcome was a refusal.
func (b *HistoryBuilder) Add(k normalize.Key, calledAt time.Time, refused bool) {
	v := calledAt.Unix() << 1
	if refused {
		v |= 1
	}
	b.recs = append(b.recs, attempt{uint64(k), v})
}

// Len returns the number of lines added.
func (b *HistoryBuilder) Len() int { return len(b.recs) }

// ErrHistorySpan is returned by Build when the attempts span more than the
// 68 years the packed timestamps hold.
var ErrHistorySpan = errors.New("history: called_at values span more than 68 years")

// maxSpan is the largest span of seconds a packed timestamp holds (31 bits).
const maxSpan = 1<<31 - 1

// Build sorts the attempts into a History and empties the builder. It needs
// the builder's 16 bytes a line plus the History's 4.
func (b *HistoryBuilder) Build() (*History, error) {
	recs := b.recs
	b.recs = nil
	h := &History{}
	if len(recs) == 0 {
		return h, nil
	}
	slices.SortFunc(recs, func(x, y attempt) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.v, y.v)
	})
	lo, hi := recs[0].v>>1, recs[0].v>>1
	for _, r := range recs {
		lo, hi = min(lo, r.v>>1), max(hi, r.v>>1)
	}
	if hi-lo > maxSpan {
		return nil, fmt.Errorf("%w (%s to %s)", ErrHistorySpan,
			time.Unix(lo, 0).UTC().Format(time.DateOnly), time.Unix(hi, 0).UTC().Format(time.DateOnly))
	}
	h.base = lo
	h.times = make([]uint32, len(recs))
	for i, r := range recs {
		h.times[i] = uint32(r.v - lo<<1)
		if i == 0 || r.key != recs[i-1].key {
			h.keys = append(h.keys, r.key)
			h.ends = append(h.ends, 0)
		}
		h.ends[len(h.ends)-1] = uint32(i + 1)
	}
	h.keys = slices.Clip(h.keys)
	h.ends = slices.Clip(h.ends)
	return h, nil
}

// History is the contact history of many numbers, read-only once built and
// safe for concurrent use: the distinct numbers sorted, and for each the
// range of its attempts in one array of packed timestamps (seconds since
// the earliest attempt, shifted left one bit, refused flag in bit 0), sorted.
// It costs 4 bytes a line plus 12 a distinct number.
type History struct {
	keys  []uint64
	ends  []uint32 // ends[i] is the end of keys[i]'s attempts in times
	times []uint32
	base  int64 // Unix seconds of packed 0
}

// Lines returns the number of attempts held.
func (h *History) Lines() int { return len(h.times) }

// Numbers returns the number of distinct numbers held.
func (h *History) Numbers() int { return len(h.keys) }

// Bytes returns the memory the built state holds.
func (h *History) Bytes() int { return 8*cap(h.keys) + 4*cap(h.ends) + 4*cap(h.times) }

// attempts returns k's packed attempts, sorted (nil when it has none).
func (h *History) attempts(k normalize.Key) []uint32 {
	i, ok := slices.BinarySearch(h.keys, uint64(k))
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
	_, ok := slices.BinarySearch(h.keys, uint64(k))
	return ok
}
