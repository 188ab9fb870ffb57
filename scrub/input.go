package scrub

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"sync/atomic"
)

// input is an opened prospect file: its decompressed text, and the size and
// SHA-256 of its bytes as stored (compressed, when it is a .gz file).
type input struct {
	name  string // for messages: the path, or "stdin"
	file  *os.File
	count *hashCounter
	text  *bufio.Reader
	gz    *gzip.Reader
}

// hashCounter hashes and counts the bytes read through it.
type hashCounter struct {
	r io.Reader
	h hash.Hash
	n atomic.Int64 // read by the writer goroutine for progress
}

func (c *hashCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	c.h.Write(p[:n])
	return n, err
}

// readBufferSize is the size of the input's buffers. They need only hold the
// sample the delimiter and encoding are guessed from: the CSV reader asks for
// about 1 MiB at a time, which bufio then reads straight into its buffer
// instead of copying it through its own.
const readBufferSize = sampleSize

// openInput opens path ("-" for stdin), detecting gzip by its magic bytes.
func openInput(path string, stdin io.Reader) (*input, error) {
	in := &input{name: path}
	var r io.Reader
	if path == "-" {
		in.name = "stdin"
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open input: %w", err)
		}
		in.file = f
		r = f
	}
	in.count = &hashCounter{r: r, h: sha256.New()}
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

// finish drains what the text reader did not consume of the underlying file
// (a gzip trailer, say), so that bytes and SHA-256 cover the whole file.
func (in *input) finish() (bytes int64, sum string, err error) {
	if _, err := io.Copy(io.Discard, in.count); err != nil {
		return 0, "", fmt.Errorf("read %s: %w", in.name, err)
	}
	return in.count.n.Load(), hex.EncodeToString(in.count.h.Sum(nil)), nil
}

// Close closes the input file.
func (in *input) Close() error {
	if in.gz != nil {
		in.gz.Close()
	}
	if in.file != nil {
		return in.file.Close()
	}
	return nil
}
