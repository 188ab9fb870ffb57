package scrub

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/listscrub/listscrub/ctxfile"
)

// input is an opened prospect file: its decompressed text, and the size and
// SHA-256 of its bytes as stored (compressed, when it is a .gz file).
type input struct {
	name string        // for messages: the path, or "stdin"
	file *ctxfile.File // the file opened, closed by Close (nil for stdin)
	// at is the status, when opened, of the input if it is a regular file
	// (a path, or standard input redirected from a file), and nil
	// otherwise; stat is where to take it again, and want the number of
	// bytes to read: the size, less the offset a redirected standard input
	// was at. A regular file's end is proven by its size; a stream's is not.
	at    os.FileInfo
	stat  statter
	want  int64
	count *readAhead
	stop  func() bool // stops cancelling count when ctx is done
	text  *bufio.Reader
	gz    *gzip.Reader
	// drain, when not nil, delivers the error of a goroutine reading the
	// whole file through count (a workbook, read by random access, is
	// counted and hashed that way).
	drain chan error
}

// Read-ahead chunks: readAheadChunks buffers of readAheadChunkSize bytes
// circulate between the goroutine that reads and hashes and the consumer.
const (
	readAheadChunkSize = 1 << 20
	readAheadChunks    = 4
)

// readAhead reads its source on a goroutine of its own, up to
// readAheadChunks chunks ahead of the consumer, and counts and hashes the
// bytes there, off the consumer's path (the CSV reader's, the pipeline's
// critical one). Each byte is copied once, from a chunk into the consumer's
// buffer: the chunk cannot be the consumer's buffer, which the consumer
// rewrites while the goroutine would hash it. Chunks are delivered in order,
// and a read error after the data read before it.
type readAhead struct {
	n atomic.Int64 // bytes read from the source so far (for progress)
	// h is written by the goroutine only, and read once the consumer has
	// seen the end of the input (the goroutine then writes no more).
	h hash.Hash

	full chan chunk    // chunks read and hashed, in order
	free chan []byte   // buffers for the goroutine to read into
	done chan struct{} // closed by Close or cancel
	// cancelErr is what Read returns once done is closed (written before).
	cancelErr error
	exited    chan struct{} // closed when the goroutine returns
	stop      sync.Once

	buf []byte // the chunk being consumed (returned to free once consumed)
	cur []byte // its unread bytes
	err error  // the error that came with the last chunk: returned once cur is empty
}

// chunk is what the goroutine read in one call: buf[:n], and the error the
// source returned with it (io.EOF at the end).
type chunk struct {
	buf []byte
	n   int
	err error
}

// newReadAhead starts reading src ahead. Close stops the goroutine.
func newReadAhead(src io.Reader) *readAhead {
	c := &readAhead{
		h:      sha256.New(),
		full:   make(chan chunk, readAheadChunks),
		free:   make(chan []byte, readAheadChunks),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	for range readAheadChunks {
		c.free <- make([]byte, readAheadChunkSize)
	}
	go c.run(src)
	return c
}

// run reads src into free buffers, hashing and counting what it reads, until
// the source ends or fails, or Close is called.
func (c *readAhead) run(src io.Reader) {
	defer close(c.exited)
	for {
		var buf []byte
		select {
		case <-c.done:
			return
		case buf = <-c.free:
		}
		n, err := src.Read(buf)
		if n < 0 || n > len(buf) {
			n, err = 0, errors.New("invalid read count")
		}
		c.h.Write(buf[:n])
		c.n.Add(int64(n))
		select {
		case <-c.done:
			return
		case c.full <- chunk{buf, n, err}:
		}
		if err != nil {
			return
		}
	}
}

// Read copies the next bytes read ahead into p.
func (c *readAhead) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(c.cur) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if c.buf != nil {
			c.free <- c.buf // never blocks: free has room for all the buffers
			c.buf = nil
		}
		select {
		case ch := <-c.full:
			c.buf, c.cur, c.err = ch.buf, ch.buf[:ch.n], ch.err
		case <-c.done:
			return 0, c.cancelErr
		}
	}
	n := copy(p, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

// Close stops the goroutine (once its current read of the source returns).
func (c *readAhead) Close() { c.cancel(errClosed) }

// errClosed is what Read returns after Close.
var errClosed = errors.New("input closed")

// cancel makes Read fail with err from now on, a Read waiting for the
// source (a pipe that stays silent) included, and stops the goroutine. The
// first call decides the error.
func (c *readAhead) cancel(err error) {
	c.stop.Do(func() {
		c.cancelErr = err
		close(c.done)
	})
}

// readBufferSize is the size of the input's buffers. They need only hold the
// sample the delimiter and encoding are guessed from: the CSV reader asks for
// about 1 MiB at a time, which bufio then reads straight into its buffer
// (from the read-ahead chunks) instead of copying it through its own.
const readBufferSize = sampleSize

// openInput opens path ("-" for stdin), detecting gzip by its magic bytes.
// Opening and reading stop when ctx is done, a wait for a named pipe's
// writer and for the first bytes of a silent stream included: the reads
// then fail with ctx's cause.
func openInput(ctx context.Context, path string, stdin io.Reader) (*input, error) {
	in := &input{name: path}
	var r io.Reader
	if path == "-" {
		in.name = "stdin"
		r = stdin
		if f, ok := stdin.(*os.File); ok {
			in.regular(f)
		}
	} else {
		f, err := ctxfile.Open(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("open input: %w", err)
		}
		in.file = f
		r = f
		in.regular(f)
	}
	in.count = newReadAhead(r)
	in.stop = context.AfterFunc(ctx, func() { in.count.cancel(context.Cause(ctx)) })
	raw := bufio.NewReaderSize(in.count, readBufferSize)
	magic, _ := raw.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(raw)
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("%s: not a valid gzip file: %w", in.name, err)
		}
		in.gz = gz
		in.text = bufio.NewReaderSize(gz, readBufferSize)
	} else {
		in.text = raw
	}
	return in, nil
}

// regular records f's status if it is a regular file, and how many bytes
// are left to read from its current offset (standard input redirected from
// a file may have been read in part by the shell's previous command).
// statter is a file whose status can be taken again.
type statter interface{ Stat() (os.FileInfo, error) }

func (in *input) regular(f statter) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	var off int64 // a file this run opened is at its start
	if sk, ok := f.(io.Seeker); ok {
		if off, err = sk.Seek(0, io.SeekCurrent); err != nil {
			return
		}
	}
	if off < 0 || off > fi.Size() {
		return
	}
	in.at, in.stat, in.want = fi, f, fi.Size()-off
}

// finish drains what the text reader did not consume of the underlying file
// (a gzip trailer, say), so that bytes and SHA-256 cover the whole file.
//
// A regular file must not have changed while it was read: what was read must
// be its size when opened, and its size and modification time now must be
// those it had then. A file truncated under the reader ends early with
// rows missing and no error from read, and one rewritten or appended to
// mixes two versions; either way the outputs would not be those of any
// file, and the run fails.
func (in *input) finish() (bytes int64, sum string, err error) {
	if in.drain != nil {
		err = <-in.drain
		in.drain = nil
	} else {
		_, err = io.Copy(io.Discard, in.count)
	}
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", in.name, err)
	}
	n := in.count.n.Load()
	if in.at != nil {
		if err := in.unchanged(n); err != nil {
			return 0, "", err
		}
	}
	return n, hex.EncodeToString(in.count.h.Sum(nil)), nil
}

// unchanged checks that the regular input file, of which n bytes were read,
// is still as it was when opened.
func (in *input) unchanged(n int64) error {
	now, err := in.stat.Stat()
	if err != nil {
		return fmt.Errorf("%s: %w", in.name, err)
	}
	at := in.at
	if n != in.want || now.Size() != at.Size() || !now.ModTime().Equal(at.ModTime()) {
		return fmt.Errorf("%s: changed while it was read (%d bytes when opened, %d read, %d now): no output written; scrub it again once it is complete and no longer written to",
			in.name, in.want, n, now.Size())
	}
	return nil
}

// Close stops reading ahead and closes the input file.
func (in *input) Close() error {
	if in.stop != nil {
		in.stop()
	}
	if in.count != nil {
		in.count.Close()
	}
	if in.gz != nil {
		in.gz.Close()
	}
	if in.file != nil {
		return in.file.Close()
	}
	return nil
}
