package scrub

import "github.com/listscrub/listscrub/normalize"

// keySet is the set of numbers --dedupe has seen: an open-addressing hash
// table of keys with linear probing, in one array of uint64 and nothing
// else: a map[normalize.Key]struct{} holds 24 bytes a number live and
// allocates 48 as it grows (BenchmarkDedupeSet; the peak RSS of --dedupe
// scrubs is in docs/performance.md). This costs 8 bytes a slot, in a table
// at most 3/4 full and, after a doubling, at least 3/8 full: 10.7 to 21.3
// bytes a number, and for the copy of a resize the old table too (at most 32
// bytes a number, for that moment). The slots live outside the Go heap where
// the system allows (allocSlots): an outgrown table is returned at once
// instead of at the next collection, and the table does not inflate the
// collector's heap goal. release returns the last one.
//
// The zero Key is never a number (normalize gives it to invalid fields), so
// it marks an empty slot. No operation allocates except the doubling, whose
// cost spreads over the keys inserted since the last one. keySet is not
// safe for concurrent use: the scrub's sequencer alone uses it, in input
// order, which de-duplication depends on.
type keySet struct {
	slots []normalize.Key // a power of two; 0 = empty
	free  func()          // releases slots (see allocSlots)
	shift uint            // 64 - log2(len(slots)): a hash's top bits index a slot
	n     int             // keys held
	max   int             // the table doubles before it holds more
}

// keySetMinSlots is the initial size: 8 KiB, nothing for a scrub.
const keySetMinSlots = 1 << 10

func newKeySet() *keySet {
	s := &keySet{}
	s.resize(keySetMinSlots)
	return s
}

// home returns k's first slot. Keys are not random (numbers of one plan,
// often consecutive): a 64-bit finalizer (MurmurHash3's fmix64) spreads
// them before the top bits are taken.
func (s *keySet) home(k normalize.Key) uint64 {
	h := uint64(k)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h >> s.shift
}

// has reports whether k (not 0) is in the set.
func (s *keySet) has(k normalize.Key) bool {
	mask := uint64(len(s.slots) - 1)
	for i := s.home(k); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return true
		case 0:
			return false
		}
	}
}

// add adds k (not 0) to the set.
func (s *keySet) add(k normalize.Key) {
	if s.n >= s.max {
		s.resize(2 * len(s.slots))
	}
	if s.put(k) {
		s.n++
	}
}

// len returns the number of keys in the set.
func (s *keySet) len() int { return s.n }

// put stores k in its slot and reports whether it was not there yet. The
// table is never full (max < len), so the probe ends.
func (s *keySet) put(k normalize.Key) bool {
	mask := uint64(len(s.slots) - 1)
	for i := s.home(k); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return false
		case 0:
			s.slots[i] = k
			return true
		}
	}
}

// release frees the table; the set must not be used after.
func (s *keySet) release() {
	if s.free != nil {
		s.free()
	}
	s.slots, s.free, s.n, s.max = nil, nil, 0, 0
}

// resize moves the keys to a table of size slots (a power of two).
func (s *keySet) resize(size int) {
	old, freeOld := s.slots, s.free
	s.slots, s.free = allocSlots(size)
	s.shift = 64
	for l := size; l > 1; l >>= 1 {
		s.shift--
	}
	s.max = size / 4 * 3
	for _, k := range old {
		if k != 0 {
			s.put(k)
		}
	}
	if freeOld != nil {
		freeOld()
	}
}
