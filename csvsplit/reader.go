package csvsplit

import (
	"bytes"
	"errors"
	"io"
)

// bom is the UTF-8 byte order mark.
const bom = "\xEF\xBB\xBF"

// parse results.
const (
	parsedOK = iota
	needMore // the record may go on past the data at hand
	badQuote // unterminated quoted field at EOF
)

// readBatch implements ReadBatch.
func (r *Reader) readBatch(b *Batch, maxRows, maxBytes int) error {
	b.reset()
	if r.err != nil {
		return r.err
	}
	r.spanStart = r.pos
	b.line0 = r.line
	if maxBytes <= 0 || maxBytes > maxBatchBytes {
		maxBytes = maxBatchBytes
	}
	for maxRows <= 0 || len(b.recs) < maxRows {
		d := r.buf[r.pos:r.end]
		if len(d) == 0 {
			if r.eof || r.rerr != nil {
				break
			}
			r.fill(b)
			continue
		}
		// Blank lines.
		if d[0] == '\n' {
			r.pos++
			r.line++
			r.blank++
			r.first = false
			continue
		}
		if d[0] == '\r' {
			if len(d) >= 2 {
				if d[1] == '\n' {
					r.pos += 2
					r.line++
					r.blank++
					r.first = false
					continue
				}
			} else if !r.eof && r.rerr == nil {
				r.fill(b)
				continue
			}
		}
		skip := 0
		if r.first {
			if len(d) < len(bom) && !r.eof && r.rerr == nil && bytes.HasPrefix([]byte(bom), d) {
				r.fill(b)
				continue
			}
			if bytes.HasPrefix(d, []byte(bom)) {
				skip = len(bom)
			}
		}
		nf, ns := len(b.fields), len(b.side)
		recSide := len(b.side)
		n, clen, nl, st, at := r.parse(b, d, r.eof, skip, recSide)
		if st == parsedOK && n <= r.max {
			// Fields stored one by one: a composite literal is built on the
			// stack and copied with 16-byte loads that cannot be forwarded
			// from its 4-byte stores (a stall per record, measured).
			if len(b.recs) == cap(b.recs) {
				b.recs = append(b.recs, record{})[:len(b.recs)]
			}
			b.recs = b.recs[:len(b.recs)+1]
			rc := &b.recs[len(b.recs)-1]
			rc.start = int32(len(b.data) + (r.pos - r.spanStart))
			rc.side = int32(recSide)
			rc.line = int32(r.line - b.line0)
			rc.field0 = int32(nf)
			rc.n = int32(n)
			rc.clen = int32(clen)
			rc.nfields = int32(len(b.fields) - nf)
			r.pos += n
			r.line += nl
			r.first = false
			if len(b.data)+(r.pos-r.spanStart) > maxBytes {
				break
			}
			continue
		}
		b.fields, b.side = b.fields[:nf], b.side[:ns]
		switch {
		case st == parsedOK || len(d) > r.max:
			// Also an unterminated record, which runs to the end of the
			// input: the error must not depend on how much was buffered.
			r.err = r.errorAt(d, r.max, &tooLongError{r.max})
		case st == badQuote:
			r.err = r.errorAt(d, at, ErrQuote)
		case r.rerr != nil:
			r.err = r.rerr
		default: // needMore
			r.fill(b)
			continue
		}
		break
	}
	r.flush(b)
	if len(b.recs) > 0 {
		return nil
	}
	if r.err != nil {
		return r.err
	}
	if r.rerr != nil {
		r.err = r.rerr
		return r.err
	}
	return io.EOF
}

// errorAt returns a ParseError for the byte at offset at of d, which holds the
// record starting at line r.line.
func (r *Reader) errorAt(d []byte, at int, err error) *ParseError {
	if at > len(d) {
		at = len(d)
	}
	pre := d[:at]
	return &ParseError{
		Name:      r.name,
		StartLine: r.line,
		Line:      r.line + bytes.Count(pre, []byte{'\n'}),
		Column:    at - (bytes.LastIndexByte(pre, '\n') + 1) + 1,
		Err:       err,
	}
}

// flush copies the bytes consumed since the last flush into b.
func (r *Reader) flush(b *Batch) {
	b.data = append(b.data, r.buf[r.spanStart:r.pos]...)
	r.spanStart = r.pos
}

// fill flushes the consumed bytes into b, moves the unconsumed ones to the
// front of the buffer (growing it if they fill it), and reads until the buffer
// is full or the input ends. It sets r.eof or r.rerr at the end of the input.
func (r *Reader) fill(b *Batch) {
	r.flush(b)
	if r.pos > 0 {
		r.end = copy(r.buf, r.buf[r.pos:r.end])
		r.pos, r.spanStart = 0, 0
	}
	if r.end == len(r.buf) {
		size := r.bufSize
		if len(r.buf) > 0 {
			size = 2 * len(r.buf)
			if limit := r.max + 1; size > limit {
				size = max(limit, len(r.buf)+1)
			}
		}
		nb := make([]byte, size)
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	empty := 0
	for r.end < len(r.buf) {
		n, err := r.src.Read(r.buf[r.end:])
		if n < 0 || n > len(r.buf)-r.end {
			r.rerr = errors.New("csvsplit: reader returned invalid count")
			return
		}
		r.end += n
		if err != nil {
			if err == io.EOF {
				r.eof = true
			} else {
				r.rerr = err
			}
			return
		}
		if n == 0 {
			empty++
			if empty >= 100 {
				r.rerr = io.ErrNoProgress
				return
			}
		}
	}
}

// parse splits the record at the start of d, appending its fields to b.fields
// (and, for values that are not sub-slices of d, to b.side from offset
// sideBase). Field parsing starts at offset i (past a BOM).
//
// It returns the record's raw length n, its content length clen, the number of
// LFs in it, and a status: parsedOK, needMore (more data is needed to find the
// end of the record: never when atEOF), or badQuote with at the offset of the
// unterminated field's opening quote.
func (r *Reader) parse(b *Batch, d []byte, atEOF bool, i, sideBase int) (n, clen, nl, st, at int) {
	comma := r.comma
	lineEnd := -1 // offset of an LF at or after i with none in between, or len(d) when there is none (at EOF); -1 when unknown
	for {
		start := i
		var open, cl int
		quoted := i < len(d) && d[i] == '"'
		if quoted {
			open = i
			j := i + 1
			esc := false
			for {
				q := bytes.IndexByte(d[j:], '"')
				if q < 0 {
					if atEOF {
						return 0, 0, 0, badQuote, open
					}
					return 0, 0, 0, needMore, 0
				}
				q += j
				if q+1 < len(d) {
					if d[q+1] == '"' {
						esc = true
						j = q + 2
						continue
					}
				} else if !atEOF {
					return 0, 0, 0, needMore, 0
				}
				cl = q
				break
			}
			if lineEnd < cl {
				if c := bytes.Count(d[open+1:cl], []byte{'\n'}); c > 0 {
					nl += c
					lineEnd = -1
				}
			}
			i = cl + 1
			term := -1
			if i == len(d) { // at EOF
				term = 0
			} else {
				switch d[i] {
				case comma:
					term = -2
				case '\n':
					term = 1
				case '\r':
					if i+1 < len(d) {
						if d[i+1] == '\n' {
							term = 2
						}
					} else if !atEOF {
						return 0, 0, 0, needMore, 0
					}
				}
			}
			if term != -1 { // no text after the closing quote
				if esc {
					s := len(b.side) - sideBase
					b.side = appendUnescaped(b.side, d[open+1:cl])
					b.fields = append(b.fields, span{^int32(s), int32(len(b.side) - sideBase)})
				} else {
					b.fields = append(b.fields, span{int32(open + 1), int32(cl)})
				}
				if term == -2 {
					i++
					continue
				}
				nl += min(term, 1)
				return i + term, i, nl, parsedOK, 0
			}
			// Text after the closing quote: read on as unquoted text.
		}
		// Unquoted text from i up to the next delimiter or line end.
		if lineEnd < i {
			k := bytes.IndexByte(d[i:], '\n')
			if k < 0 {
				if !atEOF {
					return 0, 0, 0, needMore, 0
				}
				lineEnd = len(d)
			} else {
				lineEnd = i + k
			}
		}
		e, term := lineEnd, 0
		if k := bytes.IndexByte(d[i:lineEnd], comma); k >= 0 {
			e, term = i+k, -1
		} else if lineEnd < len(d) {
			term = 1
			if e > i && d[e-1] == '\r' {
				e--
				term = 2
			}
		}
		if quoted {
			s := len(b.side) - sideBase
			b.side = appendUnescaped(b.side, d[open+1:cl])
			b.side = append(b.side, d[i:e]...)
			b.fields = append(b.fields, span{^int32(s), int32(len(b.side) - sideBase)})
		} else {
			b.fields = append(b.fields, span{int32(start), int32(e)})
		}
		if term < 0 {
			i = e + 1
			continue
		}
		nl += min(term, 1)
		return e + term, e, nl, parsedOK, 0
	}
}

// appendUnescaped appends s, the inside of a quoted field, to dst with each
// doubled quote made single.
func appendUnescaped(dst, s []byte) []byte {
	for {
		q := bytes.IndexByte(s, '"')
		if q < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:q+1]...)
		s = s[q+2:]
	}
}
