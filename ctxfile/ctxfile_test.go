package ctxfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// hangGuard fails the test if ch does not deliver: it bounds a wait that
// would otherwise hang the test binary, it is not a timing assertion.
const hangGuard = 20 * time.Second

// TestOpenPipeWithoutWriter: opening a named pipe nobody writes to waits
// until the context is cancelled, then fails with the context's error.
func TestOpenPipeWithoutWriter(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		f, err := Open(ctx, fifo)
		if f != nil {
			f.Close()
		}
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Open: %v, want context.Canceled", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("Open of a pipe without a writer did not return after cancel")
	}
}

// TestReadSilentPipe: a read of a named pipe whose writer sends nothing
// fails with the context's error once it is cancelled; data sent before is
// read as usual.
func TestReadSilentPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(fifo, os.O_RDWR, 0) // a writer that stays silent (Linux: no wait)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	f, err := Open(ctx, fifo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w.WriteString("0612345678\n")
	buf := make([]byte, 64)
	if n, err := f.Read(buf); err != nil || string(buf[:n]) != "0612345678\n" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(f)
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Read: %v, want context.Canceled", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("Read of a silent pipe did not return after cancel")
	}
}

// TestRegularFile reads a regular file to the end, as os.Open would.
func TestRegularFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "reg.txt")
	os.WriteFile(p, []byte("0612345678\n"), 0o644)
	f, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil || string(b) != "0612345678\n" {
		t.Errorf("ReadAll = %q, %v", b, err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("Stat = %v, %v", fi, err)
	}
}
