package registry

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

func TestApplyChangesAndDiff(t *testing.T) {
	s := smallSet(t) // sources a, b
	dir := t.TempDir()
	base := filepath.Join(dir, "base.snap")
	if err := WriteSnapshotFile(base, s, SnapshotMeta{Covers: []string{"+33"}}); err != nil {
		t.Fatal(err)
	}
	add := writeFile(t, dir, "add.txt", []byte("0600000001\n0612345678\n"))
	rm := writeFile(t, dir, "rm.txt", []byte("0123456789\n0600000001\n"))
	opts := LoadOptions{Normalizer: normalizer(t, "FR")}
	got, meta, err := ApplyChanges(context.Background(), base, []Change{
		{Label: "b", Path: add}, {Label: "a", Path: rm, Remove: true},
	}, opts)
	if err != nil {
		t.Fatal(err)
	}
	// +33123456789 was in a and b: removed from a only. +33600000001 added
	// to b. +33612345678 was in a: now in a and b.
	for k, want := range map[normalize.Key]uint64{33123456789: 0b10, 33600000001: 0b10, 33612345678: 0b11, 33611111111: 0b01} {
		if m := got.Lookup(k); m != want {
			t.Errorf("Lookup(%d) = %b, want %b", k, m, want)
		}
	}
	if !slices.Equal(got.Coverage(), []string{"+33"}) || meta.Base == nil || len(meta.Changes) != 2 {
		t.Fatalf("meta %+v coverage %q", meta, got.Coverage())
	}
	if meta.Changes[0].Applied != 2 || meta.Changes[1].Applied != 1 {
		t.Fatalf("applied %+v", meta.Changes)
	}
	if src := got.Sources(); src[0].Entries != 3 || src[1].Entries != 7 {
		t.Fatalf("entries %+v", src)
	}
	var list []normalize.Key
	added, removed := Diff(s, got, func(k normalize.Key, a bool) { list = append(list, k) })
	if added != 1 || removed != 0 || !slices.Equal(list, []normalize.Key{33600000001}) {
		t.Fatalf("diff +%d -%d %v", added, removed, list)
	}
	// Removing every source's copy drops the number.
	got2, _, err := ApplyChanges(context.Background(), base, []Change{{Path: rm, Remove: true}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got2.Contains(33123456789) || got2.Len() != s.Len()-1 {
		t.Fatal("removal from every source")
	}
	if _, _, err := ApplyChanges(context.Background(), base, []Change{{Label: "zz", Path: rm, Remove: true}}, opts); err == nil {
		t.Fatal("removal from an unknown source accepted")
	}
}
