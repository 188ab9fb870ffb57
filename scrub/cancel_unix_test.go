//go:build unix

package scrub

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// TestCancelWhileWaiting cancels scrubs waiting for their first input byte:
// a standard input that stays silent, a named pipe with no writer, and one
// whose writer sends nothing. Each returns the context's error (the
// hang guard is not a timing assertion) and leaves no output.
func TestCancelWhileWaiting(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	reg := loadRegistry(t, dir, norm, "0612345678")
	silent, _ := io.Pipe() // never written, never closed
	noWriter := filepath.Join(dir, "no-writer")
	quiet := filepath.Join(dir, "quiet")
	for _, p := range []string{noWriter, quiet} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := os.OpenFile(quiet, os.O_RDWR, 0) // a writer that sends nothing
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tc := range []struct {
		name, input string
		stdin       io.Reader
	}{{"silent stdin", "-", silent}, {"pipe without writer", noWriter, nil}, {"silent pipe", quiet, nil}} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				_, err := Run(ctx, Options{Input: tc.input, Stdin: tc.stdin, Out: filepath.Join(out, "clean.csv"),
					Registry: reg, Normalizer: norm})
				errc <- err
			}()
			for len(dirEntries(t, out)) == 0 { // the temporary output: Run has started
				time.Sleep(time.Millisecond)
			}
			cancel()
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Run: %v, want context.Canceled", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
			if left := dirEntries(t, out); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

func dirEntries(t *testing.T, dir string) []string {
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
