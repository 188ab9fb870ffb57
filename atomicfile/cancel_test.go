package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestCancel cancels a group from another goroutine while its owner is
// still writing: every temporary file is gone from the disk at once, the
// owner's Commit fails and replaces nothing, a Create after it fails and
// leaves nothing, and the streams get nothing.
func TestCancel(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.csv")
	os.WriteFile(old, []byte("previous"), 0o644)
	var stdout bytes.Buffer
	g := &Group{Stdout: &stdout}
	var files []*File
	for _, p := range []string{old, filepath.Join(dir, "new.csv"), "-"} {
		f, err := g.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the owner, writing while the group is cancelled
		defer wg.Done()
		for range 1000 {
			for _, f := range files {
				f.WriteString("row\n")
			}
		}
	}()
	g.Cancel()
	if left := dirNames(t, dir); len(left) != 1 || left[0] != "old.csv" {
		t.Errorf("after Cancel the folder holds %v, want old.csv only", left)
	}
	wg.Wait()
	if _, err := g.Create(filepath.Join(dir, "late.csv")); !errors.Is(err, errCancelled) {
		t.Errorf("Create after Cancel: %v, want %v", err, errCancelled)
	}
	if err := g.Commit(); !errors.Is(err, errCancelled) {
		t.Errorf("Commit after Cancel: %v, want %v", err, errCancelled)
	}
	g.Abort()
	if b, _ := os.ReadFile(old); string(b) != "previous" {
		t.Errorf("old.csv = %q, want it unchanged", b)
	}
	if stdout.Len() != 0 {
		t.Errorf("standard output got %d bytes after Cancel", stdout.Len())
	}
	if left := dirNames(t, dir); len(left) != 1 {
		t.Errorf("left behind: %v", left)
	}
}

// TestCancelAfterCommit: a group committed before Cancel stays committed,
// and Cancel removes nothing of it.
func TestCancelAfterCommit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	g := &Group{}
	f, err := g.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("rows")
	if err := g.Commit(); err != nil {
		t.Fatal(err)
	}
	g.Cancel()
	if b, _ := os.ReadFile(p); string(b) != "rows" {
		t.Errorf("out.csv = %q after Cancel of a committed group", b)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
