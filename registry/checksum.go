package registry

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"sort"
)

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
