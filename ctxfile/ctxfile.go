// Package ctxfile opens files for reading that a cancelled context can stop
// waiting for.
//
// Most files never make a reader wait, but a named pipe (or a pipe reopened
// through /dev/fd or /proc/self/fd) does twice: os.Open waits until a
// writer opens the other end, and a read waits until the writer writes.
// Either can last for ever, and a run interrupted by a signal would then
// never return to remove its temporary files. Open returns as soon as the
// context is done, and a File's reads fail as soon as it is, with the
// context's error.
package ctxfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// File is an open file whose reads stop when the context Open was given is
// done. It is an io.ReadCloser with the *os.File methods its users need,
// and no others: an embedded *os.File would lend io.Copy its WriteTo,
// which reads past Read.
type File struct {
	f    *os.File
	ctx  context.Context
	stop func() bool
}

// Open opens name for reading, as os.Open does. When name is a named pipe,
// the open runs on a goroutine of its own, and Open returns ctx's error as
// soon as ctx is done; the goroutine closes the file if the open succeeds
// later (when a writer comes), and stays blocked otherwise, until the
// process exits.
func Open(ctx context.Context, name string) (*File, error) {
	if err := ctx.Err(); err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: context.Cause(ctx)}
	}
	var f *os.File
	fi, err := os.Stat(name)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		f, err = os.Open(name)
	} else {
		f, err = openPipe(ctx, name)
	}
	if err != nil {
		return nil, err
	}
	cf := &File{f: f, ctx: ctx}
	// A pipe's reads go through the runtime's poller: a deadline in the
	// past makes a read waiting for data return at once. A regular file
	// has no deadlines (and its reads do not wait).
	cf.stop = context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Now()) })
	return cf, nil
}

// openPipe opens the named pipe name, waiting for a writer no longer than
// ctx lasts.
func openPipe(ctx context.Context, name string) (*os.File, error) {
	type result struct {
		f   *os.File
		err error
	}
	opened := make(chan result) // unbuffered: a file sent is a file received
	abandoned := make(chan struct{})
	go func() {
		f, err := os.Open(name)
		select {
		case opened <- result{f, err}:
		case <-abandoned:
			if f != nil {
				f.Close()
			}
		}
	}()
	select {
	case r := <-opened:
		return r.f, r.err
	case <-ctx.Done():
		close(abandoned)
		return nil, &os.PathError{Op: "open", Path: name, Err: fmt.Errorf("waiting for a writer: %w", context.Cause(ctx))}
	}
}

// Read reads from the file; once the context is done, a read that would
// wait fails with the context's error.
func (f *File) Read(p []byte) (int, error) {
	n, err := f.f.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) && f.ctx.Err() != nil {
		err = fmt.Errorf("read %s: %w", f.f.Name(), context.Cause(f.ctx))
	}
	return n, err
}

// ReadAt reads from the file at offset off, as (*os.File).ReadAt: for
// regular files (a workbook is read by random access), which never make a
// reader wait.
func (f *File) ReadAt(p []byte, off int64) (int, error) { return f.f.ReadAt(p, off) }

// Stat returns the file's status, as (*os.File).Stat.
func (f *File) Stat() (os.FileInfo, error) { return f.f.Stat() }

// Name returns the name the file was opened as.
func (f *File) Name() string { return f.f.Name() }

// Close closes the file.
func (f *File) Close() error {
	f.stop()
	return f.f.Close()
}
