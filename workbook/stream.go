package workbook

import (
	"bytes"
	"fmt"
	"io"
)

// MaxStreamBytes bounds a workbook read from a stream (standard input, a
// pipe) by ReadStream.
const MaxStreamBytes = 512 << 20

// ReadStream reads a workbook from a stream, which a zip, read by random
// access, cannot be read from: into memory, up to MaxStreamBytes, for
// Open. name is the stream's, for messages.
func ReadStream(r io.Reader, name string) (io.ReaderAt, int64, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, MaxStreamBytes+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", name, err)
	}
	if n > MaxStreamBytes {
		return nil, 0, fmt.Errorf("%s: a workbook of more than %d MiB read from a stream: give it by its path instead", name, MaxStreamBytes>>20)
	}
	return bytes.NewReader(buf.Bytes()), n, nil
}
