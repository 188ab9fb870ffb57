package registry

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/listscrub/listscrub/csvsplit"
)

// lineFormat reads the data lines of a text source format into a textParser:
// parseRest runs one parser per core over the same lineFormat, which must
// not change.
type lineFormat interface {
	// fast names the fast path the format's most common lines take, which
	// parseChunk runs inline without calling line; fastNone for none. (A
	// method call per line made the parse of 10M US lines, BenchmarkReadUS
	// parse-s/op, 24% slower.)
	fast() fastPath
	// line reads one line that is neither blank nor a comment.
	line(p *textParser, line []byte, lineNo int) error
}

// fastPath is a shape of line parseChunk reads without calling
// lineFormat.line.
type fastPath uint8

const (
	fastNone fastPath = iota
	// fastNANP: "AAA,NNNNNNN", ten digits, or 1 and ten digits (nanpFast;
	// a line it does not take goes to line).
	fastNANP
	// fastBare: a line that starts and ends with a digit, in a chunk
	// without NUL bytes, is neither blank nor a comment nor quoted, and is
	// normalized whole.
	fastBare
)

// lineReader yields lines without their terminator: LF or CRLF, or CR in a
// file whose convention (csvsplit.SniffLineBreak) is CR. A line break of the
// other kind inside a line is an error (csvsplit.ErrMixedLineEndings): a
// registered number would hide in the line before it.
type lineReader struct {
	r    *bufio.Reader
	lb   csvsplit.LineBreak
	buf  []byte
	line int // number of the line last returned (1-based)
}

func (lr *lineReader) next() ([]byte, error) {
	nl := lr.lb.Byte()
	b, err := lr.r.ReadSlice(nl)
	if err == bufio.ErrBufferFull {
		lr.buf = append(lr.buf[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(lr.buf) > maxLineBytes {
				lr.line++
				return nil, errLineTooLong
			}
			b, err = lr.r.ReadSlice(nl)
			lr.buf = append(lr.buf, b...)
		}
		b = lr.buf
	}
	if err != nil && err != io.EOF {
		lr.line++
		return nil, err
	}
	if len(b) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	lr.line++
	b = trimLineEnd(b, nl)
	if bytes.IndexByte(b, otherBreak(nl)) >= 0 {
		return nil, csvsplit.MixedLineEndings(lr.lb)
	}
	return b, nil
}

// trimLineEnd returns line without its terminator: nl, and with LF a CR
// before it.
func trimLineEnd(line []byte, nl byte) []byte {
	line = bytes.TrimSuffix(line, []byte{nl})
	if nl == '\n' {
		line = bytes.TrimSuffix(line, []byte{'\r'})
	}
	return line
}

// otherBreak returns the line break that must not appear inside a line of
// a file whose lines end with nl.
func otherBreak(nl byte) byte {
	if nl == '\r' {
		return '\n'
	}
	return '\r'
}

var errLineTooLong = errors.New("line too long")

// chunk is a run of consecutive lines handed to a parsing worker.
type chunk struct {
	data  []byte // the lines, each ended by the file's line break (LF, or CR)
	first int    // number of the first line
}

// Chunks hold about chunkBytes of lines; parseRest keeps 2 per worker.
const chunkBytes = 1 << 20

// lineError is an error found at a line, so that the first one in the file
// can be reported whatever worker found it.
type lineError struct {
	line int
	err  error
}

// parseRest parses the rest of lr's lines, once the file's kind is known,
// on every core: the reader reads the input in chunks of whole lines (large
// reads, cut at the last line end; no copy per line), workers parse them,
// each into its own parser and key blocks, and the parsers are summed at the
// end. The error reported is the one at the lowest line, as a sequential
// read would.
func (p *textParser) parseRest(ctx context.Context, lr *lineReader, lf lineFormat) error {
	workers := runtime.GOMAXPROCS(0)
	size := chunkBytes
	if p.opts.chunkBytes > 0 {
		size = p.opts.chunkBytes
	}
	free := make(chan *chunk, 2*workers)
	for range 2 * workers {
		free <- &chunk{} // grown by fillChunk, to what the file needs
	}
	work := make(chan *chunk, 2*workers)
	nl := lr.lb.Byte()
	parsers := make([]*textParser, workers)
	errs := make([]*lineError, workers+1) // one per worker, and the reader's
	var failed atomic.Bool                // a worker found an error
	var wg sync.WaitGroup
	for w := range workers {
		wp := newTextParser(p.path, p.opts, p.arena)
		parsers[w] = wp
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if errs[w] == nil {
					if e := wp.parseChunk(c, lf, lr.lb); e != nil {
						errs[w] = e
						failed.Store(true)
					}
				}
				free <- c
			}
		}()
	}
	// Reader: cuts the rest of the input into chunks of whole lines. It
	// stops at the end, at a read error, when ctx is done or when a worker
	// failed (the lines it would read next cannot hold an earlier error).
	next := lr.line + 1 // number of the first line not handed out yet
	var carry []byte    // the start of a line the last chunk did not end
	for {
		c := <-free
		c.first = next
		data, eof, err := fillChunk(lr.r, append(c.data[:0], carry...), size, nl)
		cut := bytes.LastIndexByte(data, nl) + 1
		if eof && cut < len(data) {
			data = append(data, nl) // the last line, without its line end
			cut = len(data)
		}
		carry = append(carry[:0], data[cut:]...)
		c.data = data[:cut]
		next += bytes.Count(c.data, []byte{nl})
		if err != nil {
			errs[workers] = &lineError{next, fmt.Errorf("%s:%d: %w", p.path, next, err)}
		}
		if len(c.data) > 0 {
			work <- c
		} else {
			free <- c
		}
		if err != nil || eof {
			break
		}
		if err := ctx.Err(); err != nil {
			errs[workers] = &lineError{next, err}
			break
		}
		if failed.Load() {
			break
		}
	}
	close(work)
	wg.Wait()
	var first *lineError
	for _, e := range errs {
		if e != nil && (first == nil || e.line < first.line) {
			first = e
		}
	}
	if first != nil {
		return first.err
	}
	for _, wp := range parsers {
		p.merge(wp)
	}
	return nil
}

// fillChunk reads from r into data until data holds at least size bytes
// and a line end (nl), or the input ends (eof). It stops with an error when data
// holds more than maxLineBytes and no line end: parseChunk reports the other
// lines that are too long.
func fillChunk(r io.Reader, data []byte, size int, nl byte) (_ []byte, eof bool, err error) {
	searched := 0 // data[:searched] holds no line end
	for {
		if len(data) >= size {
			if bytes.IndexByte(data[searched:], nl) >= 0 {
				return data, false, nil
			}
			searched = len(data)
			if len(data) > maxLineBytes {
				return data, false, errLineTooLong
			}
		}
		if len(data) == cap(data) {
			data = slices.Grow(data, max(len(data), 4096))
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, true, nil
		}
		if err != nil {
			return data, false, err
		}
	}
}

// parseChunk parses one chunk's lines with lf, returning the first error.
func (p *textParser) parseChunk(c *chunk, lf lineFormat, lb csvsplit.LineBreak) *lineError {
	fp := lf.fast()
	nanp := fp == fastNANP
	bare := fp == fastBare && bytes.IndexByte(c.data, 0) < 0
	nl := lb.Byte()
	other := otherBreak(nl)
	// A line break of the other kind is looked for in each line only when
	// the chunk holds one (a CRLF file: a CR per line).
	mixed := bytes.IndexByte(c.data, other) >= 0
	lineNo := c.first
	for data := c.data; len(data) > 0; lineNo++ {
		i := bytes.IndexByte(data, nl)
		line := data[:i]
		data = data[i+1:]
		if nl == '\n' && len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if mixed && bytes.IndexByte(line, other) >= 0 {
			return &lineError{lineNo, fmt.Errorf("%s:%d: %w", p.path, lineNo, csvsplit.MixedLineEndings(lb))}
		}
		if nanp {
			if k, ok := nanpFast(line); ok {
				p.lines++
				p.addKey(k)
				continue
			}
		}
		if len(line) > maxLineBytes {
			return &lineError{lineNo, fmt.Errorf("%s:%d: %w", p.path, lineNo, errLineTooLong)}
		}
		if bare && len(line) > 0 && isDigit(line[0]) && isDigit(line[len(line)-1]) {
			p.lines++
			if err := p.add(line, lineNo); err != nil {
				return &lineError{lineNo, err}
			}
			continue
		}
		skip, err := p.plainLine(line, lineNo)
		if err != nil {
			return &lineError{lineNo, err}
		}
		if skip {
			continue
		}
		p.lines++
		if err := lf.line(p, line, lineNo); err != nil {
			return &lineError{lineNo, err}
		}
	}
	return nil
}
