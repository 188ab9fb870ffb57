package workbook

import (
	"io"
)

// readAhead reads src in a goroutine of its own, a few chunks ahead of
// its reader, so that inflating a sheet's entry and parsing its XML use
// two cores. Chunks cycle between the two goroutines: memory stays at
// readAheadChunks chunks.
type readAhead struct {
	src  io.Reader
	full chan chunk    // chunks read, in order
	free chan []byte   // chunks to read into
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the goroutine ends
	cur  chunk
	off  int
}

type chunk struct {
	b   []byte
	err error
}

const (
	readAheadChunks = 4
	readAheadSize   = 256 << 10
)

func newReadAhead(src io.Reader) *readAhead {
	ra := &readAhead{
		src:  src,
		full: make(chan chunk, readAheadChunks),
		free: make(chan []byte, readAheadChunks),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for i := 0; i < readAheadChunks; i++ {
		ra.free <- make([]byte, readAheadSize)
	}
	go ra.run()
	return ra
}

func (ra *readAhead) run() {
	defer close(ra.done)
	for {
		var b []byte
		select {
		case b = <-ra.free:
		case <-ra.stop:
			return
		}
		n, err := io.ReadFull(ra.src, b)
		if err == io.ErrUnexpectedEOF {
			err = io.EOF // a short last chunk: ReadFull's name for it
		}
		select {
		case ra.full <- chunk{b: b[:n], err: err}:
		case <-ra.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read returns the bytes of the chunks in order, then the error that ended
// them.
func (ra *readAhead) Read(p []byte) (int, error) {
	for ra.off == len(ra.cur.b) {
		if ra.cur.err != nil {
			return 0, ra.cur.err
		}
		if ra.cur.b != nil {
			ra.free <- ra.cur.b[:cap(ra.cur.b)]
		}
		ra.cur, ra.off = <-ra.full, 0
	}
	n := copy(p, ra.cur.b[ra.off:])
	ra.off += n
	return n, nil
}

// Close stops the goroutine and waits for it to end: src may then be
// closed.
func (ra *readAhead) Close() {
	select {
	case <-ra.stop:
	default:
		close(ra.stop)
	}
	<-ra.done
}
