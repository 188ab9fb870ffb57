//go:build unix

package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// TestLoadCancelWhileWaiting cancels loads of a named pipe with no writer,
// and of one whose writer sent a line and then nothing: each returns the
// context's error (the hang guard is not a timing assertion). A named pipe
// whose writer sends the list and closes is read in full, opened once.
func TestLoadCancelWhileWaiting(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	noWriter, quiet, full := filepath.Join(dir, "no-writer"), filepath.Join(dir, "quiet"), filepath.Join(dir, "full")
	for _, p := range []string{noWriter, quiet, full} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := os.OpenFile(quiet, os.O_RDWR, 0) // a writer that stays silent
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.WriteString("0612345678\n")
	for _, p := range []string{noWriter, quiet} {
		t.Run(filepath.Base(p), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				_, err := Load(ctx, []Spec{{Label: "reg", Path: p}}, LoadOptions{Normalizer: norm})
				errc <- err
			}()
			time.Sleep(50 * time.Millisecond) // let the load reach its wait (it fails either way)
			cancel()
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Load: %v, want context.Canceled", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Load did not return after cancel")
			}
		})
	}
	t.Run("full", func(t *testing.T) {
		go func() {
			f, err := os.OpenFile(full, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			f.WriteString("0612345678\n0145678901\n")
			f.Close()
		}()
		set, err := Load(context.Background(), []Spec{{Label: "reg", Path: full}}, LoadOptions{Normalizer: norm})
		if err != nil {
			t.Fatal(err)
		}
		if set.Len() != 2 {
			t.Errorf("%d numbers loaded from the pipe, want 2", set.Len())
		}
	})
}
