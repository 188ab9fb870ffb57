// Package atomicfile writes files that appear complete or not at all: data
// goes to a temporary file beside the destination, which is synced and renamed
// over the destination only on Commit. Abort (or a crash) leaves the
// destination as it was.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is a pending output file. Write to it, then Commit or Abort it.
type File struct {
	*os.File
	path   string
	done   bool
	direct bool // path is a device or pipe, written in place

	written, queued int64 // bytes written through Write; of those, handed to writeback

	// Background data syncs (see syncChunk): the bytes the last one started
	// covers, a channel closed when the one in flight ends (nil: none), the
	// first error one met (read only after its channel is closed); tests
	// replace the sync function and the interval (0: syncChunk).
	synced    int64
	syncing   chan struct{}
	syncErr   error
	dataSync  func(*os.File) error
	syncEvery int64
}

// writebackChunk is how much data Write lets accumulate before it asks the
// kernel to start writing it to disk (without waiting for it). Commit must
// sync the file before the rename; without this the whole file is written
// out then, while the program waits: 0.44 s for a 580 MB scrub output,
// measured with strace on the reference VM.
const writebackChunk = 8 << 20

// syncChunk is how much data Write lets accumulate before it syncs the data
// written so far on a goroutine of its own (fdatasync on Linux), without
// waiting for it. Starting the writeback is not enough: a virtual disk with a
// write-back cache makes the final sync wait until the host has stored every
// byte not flushed yet. On the reference VM, 580 MB written at 170 MB/s:
// final fsync 0.24–0.33 s with writeback only, 0.01–0.03 s with a
// background sync every 64 MiB.
const syncChunk = 64 << 20

// Write writes p to the temporary file. Every writebackChunk bytes it starts
// the kernel's writeback of what was written (where the system allows it),
// and every syncChunk bytes, when no earlier one is still running, a data
// sync on another goroutine, so that Commit's sync has little left to do.
// Data written by other methods of the embedded *os.File (WriteString,
// ReadFrom) is synced by Commit all the same.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	f.written += int64(n)
	if !f.direct {
		if f.written-f.queued >= writebackChunk {
			startWriteback(f.File, f.queued, f.written-f.queued)
			f.queued = f.written
		}
		every := f.syncEvery
		if every == 0 {
			every = syncChunk
		}
		if f.written-f.synced >= every && f.syncIdle() {
			f.startSync()
		}
	}
	return n, err
}

// syncIdle reports whether no background sync is running.
func (f *File) syncIdle() bool {
	if f.syncing == nil {
		return true
	}
	select {
	case <-f.syncing:
		f.syncing = nil
		return true
	default:
		return false
	}
}

// startSync starts a data sync of what was written so far on a goroutine of
// its own. The kernel reports a write-back error to one sync only, so the
// error is kept for Commit.
func (f *File) startSync() {
	f.synced = f.written
	done := make(chan struct{})
	f.syncing = done
	sync := f.dataSync
	if sync == nil {
		sync = dataSync
	}
	go func() {
		defer close(done)
		if err := sync(f.File); err != nil && f.syncErr == nil {
			f.syncErr = err
		}
	}()
}

// waitSync waits for the background sync in flight, if any, and returns the
// first error a background sync met.
func (f *File) waitSync() error {
	if f.syncing != nil {
		<-f.syncing
		f.syncing = nil
	}
	return f.syncErr
}

// Create starts writing path. The temporary file lives in the same directory
// (so the final rename is atomic) and is named after path with a random
// suffix. If path already exists, its permission bits are kept. A path that
// exists and is not a regular file (/dev/null, a named pipe) is written in
// place.
func Create(path string) (*File, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("open output %s: %w", path, err)
		}
		return &File{File: f, path: path, direct: true}, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	return &File{File: f, path: path}, nil
}

// Path returns the destination path.
func (f *File) Path() string { return f.path }

// Commit syncs the data and renames the temporary file over the destination.
// On failure the temporary file is removed and the destination is untouched.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: commit after commit or abort")
	}
	f.done = true
	if f.direct {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write output %s: %w", f.path, err)
		}
		return nil
	}
	tmp := f.Name()
	err := f.waitSync()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write output %s: %w", f.path, err)
	}
	return nil
}

// Abort discards the temporary file. It is safe to call after Commit (it then
// does nothing), so `defer f.Abort()` is the usual pattern.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.waitSync()
	f.Close()
	if !f.direct {
		os.Remove(f.Name())
	}
}
