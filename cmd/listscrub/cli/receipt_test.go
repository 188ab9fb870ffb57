package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestHashGivenCancellable: a named pipe given to receipt verify whose writer
// never comes blocks its open; a cancelled context (SIGTERM, SIGINT) still
// ends the hashing at once.
func TestHashGivenCancellable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ff")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := hashGiven(ctx, p, IO{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("hashGiven on a pipe with no writer, context cancelled: %v, want context.Canceled", err)
	}
	// Let the goroutine left blocked in open go: a writer comes and goes.
	w, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
}

// TestHashRecordedRefusesSpecialFiles: an output recorded as a regular file
// that is now a named pipe or a device is examined, never opened (the pipe
// would block, with no writer).
func TestHashRecordedRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo, dev := filepath.Join(dir, "ff"), filepath.Join(dir, "null")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, dev, dir, filepath.Join(dir, "missing")} {
		if _, _, err := hashRecorded(context.Background(), p); err == nil {
			t.Errorf("hashRecorded(%s): no error", p)
		}
	}
	reg := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(reg, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, sum, err := hashRecorded(context.Background(), reg)
	if err != nil || n != 3 || sum != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("hashRecorded(x.csv) = %d, %s, %v", n, sum, err)
	}
}
