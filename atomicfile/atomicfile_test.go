package atomicfile

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := f.WriteString("new"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("destination changed before commit: %q", b)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "new" {
		t.Fatalf("got %q, want new", b)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
	}
	assertOnly(t, dir, "out.csv")
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	f.Abort()
	f.Abort() // idempotent
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("destination exists after abort: %v", err)
	}
	assertOnly(t, dir)
	if err := f.Commit(); err == nil {
		t.Fatal("commit after abort succeeded")
	}
}

func TestCreateInMissingDir(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "nope", "out.csv")); err == nil {
		t.Fatal("want error for missing directory")
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("dir holds %v, want %v", got, names)
	}
	for i := range names {
		if got[i] != names[i] {
			t.Fatalf("dir holds %v, want %v", got, names)
		}
	}
}

func TestPipeWrittenInPlace(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no fifo:", err)
	}
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(p)
		got <- string(b)
	}()
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "x" {
		t.Fatalf("reader got %q", s)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("fifo replaced by a regular file")
	}
}

// TestWritebackLargeFile writes a file of several writeback chunks in pieces
// that do not divide the chunk: writeback is queued chunk by chunk as the
// data is written, and the committed file holds exactly what was written.
func TestWritebackLargeFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.csv")
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	piece := make([]byte, 1<<20+3)
	var want []byte
	for i := 0; len(want) < 3*writebackChunk+5; i++ {
		for j := range piece {
			piece[j] = byte(i + j)
		}
		if _, err := f.Write(piece); err != nil {
			t.Fatal(err)
		}
		want = append(want, piece...)
		if f.written != int64(len(want)) {
			t.Fatalf("written %d, want %d", f.written, len(want))
		}
		if f.queued > f.written || f.written-f.queued >= writebackChunk {
			t.Fatalf("after %d bytes: %d queued for writeback", f.written, f.queued)
		}
	}
	if f.queued < 3*writebackChunk {
		t.Fatalf("%d of %d bytes queued for writeback", f.queued, f.written)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("committed %d bytes, not the %d written", len(got), len(want))
	}
}
