package registry

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

// TestProbeBloom checks that LoadOptions.ProbeBloom turns on the bloom
// filter in front of the exact set, for a snapshot and for raw lists, and
// that look-ups answer exactly as without it.
func TestProbeBloom(t *testing.T) {
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
	probes := []normalize.Key{33612345678, 33123456789, 33698765432, 33612345679, 33600000000, 1}
	for _, path := range []string{raw, snap} {
		for _, probe := range []bool{false, true} {
			s, err := Load(context.Background(), []Spec{{Label: "l", Path: path}}, LoadOptions{Normalizer: normalizer(t, "FR"), ProbeBloom: probe})
			if err != nil {
				t.Fatal(err)
			}
			if s.probeBloom != probe {
				t.Errorf("%s: ProbeBloom %v gave probeBloom %v", filepath.Base(path), probe, s.probeBloom)
			}
			masks := make([]uint64, len(probes))
			s.LookupBatch(probes, masks)
			for i, k := range probes {
				if got, want := s.Lookup(k), plain.Lookup(k); got != want || masks[i] != want {
					t.Errorf("%s probe=%v: Lookup(%d) = %b, batch %b, want %b", filepath.Base(path), probe, k, got, masks[i], want)
				}
			}
		}
	}
}
