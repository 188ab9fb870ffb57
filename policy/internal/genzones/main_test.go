package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedIsCurrent regenerates the table and compares it with the
// committed policy/zonetable.go: the committed file is the generator's
// output for the phonenumbers module in the build list.
func TestGeneratedIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "zonetable.go")
	if err := run(out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "zonetable.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("policy/zonetable.go differs from the generator's output (%d and %d bytes): run go generate ./policy/", len(want), len(got))
	}
}
