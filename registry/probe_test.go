package registry

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

// The bloom filter in front of the exact set, for measuring only: Lookup
// and LookupBatch do not consult it (see BloomFPRate for why and the
// figures). The benchmarks compare these with the exact set alone.

// lookupBloomFirst is Lookup behind s's bloom filter.
func lookupBloomFirst(s *Set, k normalize.Key) uint64 {
	if bf := s.filter(); bf != nil && !bloomTest(bf, uint64(k)) {
		return 0
	}
	return s.Lookup(k)
}

// bloomScratch holds lookupBatchBloomFirst's buffers, reused across calls.
type bloomScratch struct {
	at    []int
	keys  []normalize.Key
	masks []uint64
}

// lookupBatchBloomFirst is LookupBatch behind s's bloom filter: the keys the
// filter passes are looked up in one batch.
func lookupBatchBloomFirst(s *Set, keys []normalize.Key, masks []uint64, sc *bloomScratch) {
	bf := s.filter()
	sc.at, sc.keys = sc.at[:0], sc.keys[:0]
	for i, k := range keys {
		masks[i] = 0
		if k != 0 && bloomTest(bf, uint64(k)) {
			sc.at = append(sc.at, i)
			sc.keys = append(sc.keys, k)
		}
	}
	sc.masks = append(sc.masks[:0], make([]uint64, len(sc.keys))...)
	s.LookupBatch(sc.keys, sc.masks)
	for j, i := range sc.at {
		masks[i] = sc.masks[j]
	}
}

// TestBloomFirst checks that the bloom filter of a raw list's set and of a
// snapshot holds every key: the bloom-first look-ups answer as the exact
// set does.
func TestBloomFirst(t *testing.T) {
	dir := t.TempDir()
	raw := writeFile(t, dir, "list.txt", []byte("0612345678\n0123456789\n0698765432\n"))
	snap := filepath.Join(dir, "list.snap")
	plain, err := Load(context.Background(), []Spec{{Label: "l", Path: raw}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSnapshotFile(snap, plain, SnapshotMeta{Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	probes := []normalize.Key{33612345678, 33123456789, 33698765432, 33612345679, 33600000000, 1, 0}
	for _, path := range []string{raw, snap} {
		s, err := Load(context.Background(), []Spec{{Label: "l", Path: path}}, LoadOptions{Normalizer: normalizer(t, "FR")})
		if err != nil {
			t.Fatal(err)
		}
		masks := make([]uint64, len(probes))
		lookupBatchBloomFirst(s, probes, masks, &bloomScratch{})
		for i, k := range probes {
			if got, want := lookupBloomFirst(s, k), plain.Lookup(k); got != want || masks[i] != want {
				t.Errorf("%s: bloom first (%d) = %b, batch %b, want %b", filepath.Base(path), k, got, masks[i], want)
			}
		}
	}
}
