package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
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

// TestBackgroundSync checks the data syncs Write starts as the file grows:
// one per interval while none is running, never two at once, and an error
// of one (which the kernel would not report again) fails Commit, leaving the
// destination untouched.
func TestBackgroundSync(t *testing.T) {
	for _, fail := range []bool{false, true} {
		p := filepath.Join(t.TempDir(), "out.csv")
		if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Create(p)
		if err != nil {
			t.Fatal(err)
		}
		var calls, running, overlap atomic.Int32
		release := make(chan struct{})
		f.syncEvery = 100
		f.dataSync = func(file *os.File) error {
			if running.Add(1) > 1 {
				overlap.Add(1)
			}
			defer running.Add(-1)
			if calls.Add(1) == 1 {
				<-release // the first sync is slow: Write must not wait for it
			}
			if fail {
				return errors.New("injected write-back error")
			}
			return file.Sync()
		}
		piece := bytes.Repeat([]byte("0612345678;x\n"), 10) // 130 bytes
		for range 5 {
			if _, err := f.Write(piece); err != nil {
				t.Fatal(err)
			}
		}
		if f.synced != int64(len(piece)) {
			t.Fatalf("a sync started at %d bytes while the first (at %d) is running", f.synced, len(piece))
		}
		close(release)
		if err := f.waitSync(); (err != nil) != fail {
			t.Fatalf("fail=%v: background sync error %v", fail, err)
		}
		if _, err := f.Write(piece); err != nil {
			t.Fatal(err)
		}
		err = f.Commit()
		got, _ := os.ReadFile(p)
		switch {
		case overlap.Load() != 0:
			t.Fatal("two syncs ran at once")
		case fail && (err == nil || string(got) != "old\n"):
			t.Fatalf("failed background sync: Commit error %v, destination %q", err, got)
		case !fail && (err != nil || len(got) != 6*len(piece)):
			t.Fatalf("Commit error %v, destination of %d bytes", err, len(got))
		case !fail && calls.Load() != 2:
			t.Fatalf("%d syncs, want 2 (the first, then one after it ended)", calls.Load())
		}
	}
}

// TestStreamAndTarget: a regular destination (by a relative path or through a
// symbolic link) has the absolute path of the file the data lands in as its
// Target; a stream ("-", a device, a named pipe) has none and is a Stream.
func TestStreamAndTarget(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if err := os.Mkdir("real", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real/data.csv", "link.csv"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mknod("null", syscall.S_IFCHR|0o666, 1<<8|3); err != nil { // c 1 3
		t.Fatal("mknod:", err)
	}
	if err := syscall.Mkfifo("fifo", 0o600); err != nil {
		t.Fatal("mkfifo:", err)
	}
	reader, err := os.OpenFile("fifo", os.O_RDWR, 0) // a reader, so that Create does not block
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	g := Group{Stdout: new(bytes.Buffer)}
	defer g.Abort()
	for _, c := range []struct {
		path, target string
		stream       bool
	}{
		{"new.csv", filepath.Join(dir, "new.csv"), false},
		{"./real/../other.csv", filepath.Join(dir, "other.csv"), false},
		{"link.csv", filepath.Join(dir, "real", "data.csv"), false},
		{"-", "", true},
		{"null", "", true},
		{"fifo", "", true},
	} {
		f, err := g.Create(c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if f.Stream() != c.stream || f.Target() != c.target {
			t.Errorf("%s: Stream() = %v, Target() = %q; want %v, %q", c.path, f.Stream(), f.Target(), c.stream, c.target)
		}
	}
}
