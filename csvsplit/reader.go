package csvsplit

import (
	"bytes"
	"errors"
	"io"
	"math/bits"
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
		skip := 0
		if d[0] == r.nl || d[0] == '\r' || r.first { // not a plain record's start: see lineStart
			var next bool
			if skip, next = r.lineStart(b, d); next {
				continue
			}
		}
		nf, ns := len(b.fields), len(b.side)
		start := len(b.data) + (r.pos - r.spanStart)
		var n, clen, nl, st, at int
		if skip == 0 && d[0] != '"' {
			// Straight to the unquoted fields, the common case; the
			// general parse goes on from where they stop, if they do
			// before the line end.
			var s, e, stop int
			b.fields, s, e, stop = splitPlain(b.fields, d, 0, r.comma, r.nl, start)
			if stop == plainLF {
				n, clen, nl, st = s+1, e, 1, parsedOK
			} else {
				n, clen, nl, st, at = r.parse(b, d, r.eof, s, start)
			}
		} else {
			n, clen, nl, st, at = r.parse(b, d, r.eof, skip, start)
		}
		if st == parsedOK && n <= r.max {
			// A line break of the other kind outside quotes: the file
			// mixes conventions, and a row may hide in this one.
			if r.check > 0 && bytes.IndexByte(d[skip:clen], r.other) >= 0 {
				if k := strayBreak(d[:clen], skip, r.comma, r.other); k >= 0 {
					b.fields, b.side = b.fields[:nf], b.side[:ns]
					r.err = r.errorAt(d, k, &mixedError{r.lb})
					break
				}
			}
			if start+n > maxBatchOffset {
				b.fields, b.side = b.fields[:nf], b.side[:ns]
				if len(b.recs) > 0 {
					break // left for the next batch, where it starts at 0
				}
				// Only blank lines before it, which no Batch method
				// returns: dropped, and the record parsed again at 0.
				b.data = b.data[:0]
				r.spanStart = r.pos
				continue
			}
			b.push(start, r.line-b.line0, nf, n, clen)
			r.pos += n
			r.line += nl
			r.check -= n
			r.first = false
			if len(b.data)+(r.pos-r.spanStart) > maxBytes {
				break
			}
			continue
		}
		b.fields, b.side = b.fields[:nf], b.side[:ns]
		if !r.stopAt(d, st, at) {
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

// lineStart looks at d, the buffered data from where a record or a blank
// line starts. It skips a blank line, or fills the buffer when d is too
// short to tell (next: look again); otherwise it returns how many bytes of
// BOM start the record (only the input's first one may have some).
func (r *Reader) lineStart(b *Batch, d []byte) (skip int, next bool) {
	if d[0] == r.nl {
		r.pos++
		r.line++
		r.blank++
		r.first = false
		return 0, true
	}
	if d[0] == '\r' && r.nl == '\n' {
		if len(d) >= 2 {
			if d[1] == '\n' {
				r.pos += 2
				r.line++
				r.blank++
				r.first = false
				return 0, true
			}
		} else if !r.eof && r.rerr == nil {
			r.fill(b)
			return 0, true
		}
	}
	if r.first {
		if len(d) < len(bom) && !r.eof && r.rerr == nil && bytes.HasPrefix([]byte(bom), d) {
			r.fill(b)
			return 0, true
		}
		if bytes.HasPrefix(d, []byte(bom)) {
			return len(bom), false
		}
	}
	return 0, false
}

// push appends a record to b: n raw bytes, clen of content, at offset
// start of b.data, at line (from b.line0), its fields b.fields[field0:].
func (b *Batch) push(start, line, field0, n, clen int) {
	// Fields stored one by one: a composite literal is built on the stack
	// and copied with 16-byte loads that cannot be forwarded from its
	// 4-byte stores (a stall per record, measured).
	if len(b.recs) == cap(b.recs) {
		b.recs = append(b.recs, record{})[:len(b.recs)]
	}
	b.recs = b.recs[:len(b.recs)+1]
	rc := &b.recs[len(b.recs)-1]
	rc.start = int32(start)
	rc.line = int32(line)
	rc.field0 = int32(field0)
	rc.n = int32(n)
	rc.clen = int32(clen)
	rc.nfields = int32(len(b.fields) - field0)
}

// stopAt sets r.err for the record at the start of d that parse could not
// read (st and at as it returned them, or a record over the size limit),
// and returns true; it returns false when the record only needs more data.
func (r *Reader) stopAt(d []byte, st, at int) bool {
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
		return false
	}
	return true
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
		Line:      r.line + bytes.Count(pre, []byte{r.nl}),
		Column:    at - (bytes.LastIndexByte(pre, r.nl) + 1) + 1,
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

// parse splits the record at the start of d, which will be at offset base in
// b.data, appending its fields to b.fields (and the values that are not
// sub-slices of d to b.side). Field parsing starts at offset i (past a BOM,
// or at a field after those splitPlain appended).
//
// It returns the record's raw length n, its content length clen, the number of
// LFs in it, and a status: parsedOK, needMore (more data is needed to find the
// end of the record: never when atEOF), or badQuote with at the offset of the
// unterminated field's opening quote.
//
// Unquoted fields, the common case, are split in one pass that looks at eight
// bytes at a time for the delimiter and LF and takes every match in a word in
// turn; a field starting with a quote goes to the slower, general path
// (quoted).
func (r *Reader) parse(b *Batch, d []byte, atEOF bool, i, base int) (n, clen, nl, st, at int) {
	comma, eol := r.comma, r.nl
	for {
		if i < len(d) && d[i] == '"' {
			next, qn, qclen, qnl, qst, qat, end := r.quoted(b, d, atEOF, i, base)
			if qst != parsedOK {
				return 0, 0, 0, qst, qat
			}
			nl += qnl
			if end {
				return qn, qclen, nl, parsedOK, 0
			}
			i = next
			continue
		}

		// Unquoted fields, up to the line end or a field starting with a
		// quote.
		var s, e, stop int
		b.fields, s, e, stop = splitPlain(b.fields, d, i, comma, eol, base)
		switch stop {
		case plainQuote:
			i = s
			continue
		case plainLF:
			return s + 1, e, nl + 1, parsedOK, 0
		}
		if !atEOF {
			return 0, 0, 0, needMore, 0
		}
		b.fields = append(b.fields, span{int32(base + s), int32(base + len(d))})
		return len(d), len(d), nl, parsedOK, 0
	}
}

// quoted splits the quoted field whose opening quote is d[open], appending
// it to b.fields (its value to b.side when it is not a sub-slice of d), and
// counts the LFs in it (nl). When a delimiter follows it, next is where the
// next field starts; when the record ends with it (end), n and clen are
// the record's, and nl counts its terminator too. st is parsedOK, or, as
// parse returns them, needMore or badQuote (and at).
func (r *Reader) quoted(b *Batch, d []byte, atEOF bool, open, base int) (next, n, clen, nl, st, at int, end bool) {
	comma, eol := r.comma, r.nl
	j := open + 1
	esc := false
	cl := -1
	for cl < 0 {
		q := index2(d, j, '"', eol)
		switch {
		case q < 0:
			if atEOF {
				return 0, 0, 0, 0, badQuote, open, true
			}
			return 0, 0, 0, 0, needMore, 0, true
		case d[q] == eol:
			nl++
			j = q + 1
		case q+1 < len(d):
			if d[q+1] == '"' {
				esc = true
				j = q + 2
			} else {
				cl = q
			}
		case !atEOF:
			return 0, 0, 0, 0, needMore, 0, true
		default:
			cl = q
		}
	}
	i := cl + 1
	term := -1
	if i == len(d) { // at EOF
		term = 0
	} else {
		switch c := d[i]; {
		case c == comma:
			term = -2
		case c == eol:
			term = 1
		case c == '\r' && eol == '\n':
			if i+1 < len(d) {
				if d[i+1] == '\n' {
					term = 2
				}
			} else if !atEOF {
				return 0, 0, 0, 0, needMore, 0, true
			}
		}
	}
	if term != -1 { // no text after the closing quote
		if esc {
			s := len(b.side)
			b.side = appendUnescaped(b.side, d[open+1:cl])
			b.fields = append(b.fields, span{^int32(s), int32(len(b.side))})
		} else {
			b.fields = append(b.fields, span{int32(base + open + 1), int32(base + cl)})
		}
		if term == -2 {
			return i + 1, 0, 0, nl, parsedOK, 0, false
		}
		return 0, i + term, i, nl + min(term, 1), parsedOK, 0, true
	}
	// Text after the closing quote: read on as unquoted text, up
	// to the next delimiter or line end.
	e := index2(d, i, comma, eol)
	term = 0
	switch {
	case e < 0:
		if !atEOF {
			return 0, 0, 0, 0, needMore, 0, true
		}
		e = len(d)
	case d[e] == comma:
		term = -1
	default:
		term = 1
		if eol == '\n' && e > i && d[e-1] == '\r' {
			e--
			term = 2
		}
	}
	s := len(b.side)
	b.side = appendUnescaped(b.side, d[open+1:cl])
	b.side = append(b.side, d[i:e]...)
	b.fields = append(b.fields, span{^int32(s), int32(len(b.side))})
	if term < 0 {
		return e + 1, 0, 0, nl, parsedOK, 0, false
	}
	return 0, e + term, e, nl + min(term, 1), parsedOK, 0, true
}

// How splitPlain stops.
const (
	plainLF    = iota // at the LF ending the record
	plainQuote        // at a field starting with a quote
	plainEnd          // at the end of the data, in an unquoted field
)

// splitPlain appends to f the unquoted fields of d from offset i, the start
// of an unquoted field, on to the end of the record, to a field starting with
// a quote, or to the end of d. It returns f, and how it stopped: plainLF with
// the offset s of the LF and the end e of the content (before a CR ending
// the last field); plainQuote with the offset s of the quote; plainEnd with
// the offset s where the field still open at the end of d starts.
//
// The common case of the whole parse: it looks at eight bytes at a time for
// the delimiter and LF, taking every match in a word in turn, and is a
// function of its own so that its variables stay in registers.
func splitPlain(f []span, d []byte, i int, comma, nl byte, base int) (_ []span, s, e, stop int) {
	start, p := i, i
	// 64 bytes at a time, while there are that many.
	for ; p+64 <= len(d); p += 64 {
		if start == p && d[p] == '"' { // after a delimiter ending the last block
			return f, start, 0, plainQuote
		}
		c, l, q := blockMasks(&d[p], comma, nl)
		if q&(c<<1) == 0 {
			// No field starts with a quote in the block: the common case.
			for m := c | l; m != 0; m &= m - 1 {
				s := p + bits.TrailingZeros64(m)
				if l&m&-m != 0 {
					return endLine(f, d, start, s, base)
				}
				f = append(f, span{int32(base + start), int32(base + s)})
				start = s + 1
			}
			continue
		}
		for m := c | l; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			s := p + k
			if l&m&-m != 0 {
				return endLine(f, d, start, s, base)
			}
			f = append(f, span{int32(base + start), int32(base + s)})
			start = s + 1
			if q>>(k+1)&1 != 0 {
				// A quoted field. When it closes in this block, with a
				// delimiter right after the closing quote and no LF
				// inside, its value is what the quotes enclose (a quote
				// followed by a delimiter cannot be half of a ""): split
				// here. Anything else goes to the general path.
				o := k + 1 // the opening quote
				if o >= 62 || q>>(o+1) == 0 {
					return f, start, 0, plainQuote
				}
				cq := o + 1 + bits.TrailingZeros64(q>>(o+1)) // the closing quote
				if cq >= 63 || c>>(cq+1)&1 == 0 || l>>(o+1)&(1<<(cq-o-1)-1) != 0 {
					return f, start, 0, plainQuote
				}
				f = append(f, span{int32(base + p + o + 1), int32(base + p + cq)})
				start = p + cq + 2
				m &= ^uint64(0) << (cq + 1) // the delimiter after it is the lowest bit left
				if q>>(cq+2)&1 != 0 {
					return f, start, 0, plainQuote
				}
			}
		}
	}
	// Then eight at a time.
	if start == p && p < len(d) && d[p] == '"' { // after a delimiter ending the last block
		return f, start, 0, plainQuote
	}
	cw, nw := uint64(comma)*ones, uint64(nl)*ones
	for ; p+8 <= len(d); p += 8 {
		w := word(d, p)
		mc, ml := match(w, cw), match(w, nw)
		for m := mc | ml; m != 0; m &= m - 1 {
			s := p + bits.TrailingZeros64(m)>>3
			if ml&m&-m != 0 {
				return endLine(f, d, start, s, base)
			}
			f = append(f, span{int32(base + start), int32(base + s)})
			start = s + 1
			if start < len(d) && d[start] == '"' {
				return f, start, 0, plainQuote
			}
		}
	}
	for s := p; s < len(d); s++ {
		switch d[s] {
		case nl:
			return endLine(f, d, start, s, base)
		case comma:
			f = append(f, span{int32(base + start), int32(base + s)})
			start = s + 1
			if start < len(d) && d[start] == '"' {
				return f, start, 0, plainQuote
			}
		}
	}
	return f, start, 0, plainEnd
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

// endLine appends to f the last field of a record, from start to the LF at s
// (or to a CR before it), and returns what splitPlain does at an LF.
func endLine(f []span, d []byte, start, s, base int) (_ []span, _, e, stop int) {
	e = s
	if e > start && d[e-1] == '\r' {
		e--
	}
	return append(f, span{int32(base + start), int32(base + e)}), s, e, plainLF
}
