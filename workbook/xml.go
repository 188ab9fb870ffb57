package workbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// xmlReader is a small streaming XML tokenizer for the parts of a
// SpreadsheetML package. It reads what Excel, LibreOffice and the usual
// libraries write: elements with or without a namespace prefix (names are
// compared by their local part), attributes in either quote, self-closing
// tags, the five predefined entities and character references, CDATA,
// comments, processing instructions and the XML declaration. A document
// type declaration is refused (it could define entities).
//
// It checks that the document is well-formed as far as a reader of cells
// must trust it: every end tag closes the element open, the document ends
// with its root element closed, no '<' in an attribute value, no undefined
// entity. Unlike encoding/xml it allocates nothing per token: names,
// attribute values and text are slices of its buffer (or of a scratch
// buffer when entities were decoded), valid until the next call of next.
type xmlReader struct {
	src  io.Reader
	buf  []byte
	r, w int
	eof  bool  // src returned io.EOF
	rerr error // src's error other than io.EOF

	kind  tokKind
	name  []byte // the local name of a start or end tag
	tag   []byte // a start tag, where its attrs are
	attrs []xmlAttr
	text  []byte // the text of a text token

	scratch []byte // decoded text or attribute values

	stack    []byte     // the full names of the open elements, one after another
	open     []openElem // where in stack each open element's name is
	closing  bool       // the last start tag was self-closing: its end comes next
	rootDone bool       // the root element was closed
}

type tokKind uint8

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
)

// xmlAttr is where an attribute is: its local name in tag, its value in
// tag or, decoded, in scratch.
type xmlAttr struct {
	name, nameEnd int32
	off, end      int32
	inScratch     bool
}

// openElem is an open element's name in stack: from start to the next
// one's start; its local part from local.
type openElem struct {
	start, local int32
}

const (
	xmlBufSize   = 64 << 10
	xmlMaxBuffer = 16 << 20 // the longest tag, CDATA section or comment
	xmlMaxDepth  = 256      // SpreadsheetML nests a dozen deep: this bounds the stack of open elements
)

var errXMLEnd = errors.New("the document ends early")

// xmlError is an error of XML that is not well-formed: the part is
// damaged (ErrCorrupt).
type xmlError struct{ err error }

func (e *xmlError) Error() string   { return "malformed XML: " + e.err.Error() }
func (e *xmlError) Unwrap() []error { return []error{ErrCorrupt, e.err} }

func newXMLReader(src io.Reader) *xmlReader {
	return &xmlReader{src: &bomSkipper{src: src}, buf: make([]byte, xmlBufSize)}
}

// bomSkipper reads src without the UTF-8 byte-order mark that may start
// it (XML allows one before the declaration).
type bomSkipper struct {
	src    io.Reader
	head   [3]byte
	n, off int  // head[off:n] is still to be read
	looked bool // the start was looked at
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if !b.looked {
		var err error
		for b.n < len(b.head) && err == nil {
			var k int
			k, err = b.src.Read(b.head[b.n:])
			b.n += k
		}
		b.looked = true
		if b.n == len(b.head) && b.head == [3]byte{0xef, 0xbb, 0xbf} {
			b.n = 0
		}
		if b.n == 0 && err != nil {
			return 0, err
		}
		if err != nil && err != io.EOF {
			return 0, err
		}
	}
	if b.off < b.n {
		k := copy(p, b.head[b.off:b.n])
		b.off += k
		return k, nil
	}
	return b.src.Read(p)
}

// depth returns how many elements are open.
func (x *xmlReader) depth() int { return len(x.open) }

// fill reads more of src into buf, keeping buf[r:w]. It returns false when
// nothing more can be read (x.eof or x.rerr set).
func (x *xmlReader) fill() bool {
	if x.eof || x.rerr != nil {
		return false
	}
	if x.r > 0 {
		copy(x.buf, x.buf[x.r:x.w])
		x.w -= x.r
		x.r = 0
	}
	if x.w == len(x.buf) {
		if len(x.buf) >= xmlMaxBuffer {
			x.rerr = fmt.Errorf("an XML tag, comment or CDATA section longer than %d bytes", xmlMaxBuffer)
			return false
		}
		nb := make([]byte, 2*len(x.buf))
		copy(nb, x.buf[:x.w])
		x.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := x.src.Read(x.buf[x.w:])
		x.w += n
		if err == io.EOF {
			x.eof = true
			return n > 0
		}
		if err != nil {
			x.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	x.rerr = io.ErrNoProgress
	return false
}

// endErr is the error of a document that stops where more was needed.
func (x *xmlReader) endErr() error {
	if x.rerr != nil {
		return x.rerr
	}
	return errXMLEnd
}

// find returns the offset from x.r of the first pat in the unread bytes
// at or after from (an offset from x.r), reading more as needed.
func (x *xmlReader) find(from int, pat string) (int, error) {
	for {
		if i := bytes.Index(x.buf[x.r+from:x.w], []byte(pat)); i >= 0 {
			return from + i, nil
		}
		if n := x.w - x.r - len(pat) + 1; n > from {
			from = n
		}
		if !x.fill() {
			return 0, x.endErr()
		}
	}
}

// next reads the next token. It returns io.EOF at the end of a document
// whose root element was closed, an xmlError for a document cut short or
// malformed, and src's error when src fails.
func (x *xmlReader) next() error {
	err := x.token()
	if err != nil && err != io.EOF && err != x.rerr {
		err = &xmlError{err}
	}
	return err
}

func (x *xmlReader) token() error {
	if x.closing {
		x.closing = false
		x.kind = tokEnd
		x.pop()
		return nil
	}
	for {
		if x.r == x.w && !x.fill() {
			if x.rerr != nil {
				return x.rerr
			}
			if !x.rootDone {
				return errXMLEnd
			}
			return io.EOF
		}
		if x.buf[x.r] != '<' {
			ok, err := x.readText()
			if err != nil || ok {
				return err
			}
			continue
		}
		for x.w-x.r < 9 && x.fill() {
			// enough to tell "<![CDATA[" from a tag; at the end, fewer
		}
		rest := x.buf[x.r+1 : x.w]
		switch {
		case len(rest) == 0:
			return x.endErr()
		case rest[0] == '/':
			return x.readEnd()
		case rest[0] != '!' && rest[0] != '?':
			return x.readStart()
		case rest[0] == '?':
			i, err := x.find(2, "?>")
			if err != nil {
				return err
			}
			x.r += i + 2
		case bytes.HasPrefix(rest, []byte("!--")):
			i, err := x.find(4, "-->")
			if err != nil {
				return err
			}
			x.r += i + 3
		case bytes.HasPrefix(rest, []byte("![CDATA[")):
			if x.depth() == 0 {
				return errors.New("CDATA outside the root element")
			}
			i, err := x.find(9, "]]>")
			if err != nil {
				return err
			}
			x.kind = tokText
			x.text = x.buf[x.r+9 : x.r+i]
			x.r += i + 3
			if bytes.IndexByte(x.text, '\r') >= 0 {
				x.scratch = appendNewlines(x.scratch[:0], x.text)
				x.text = x.scratch
			}
			return nil
		default:
			return errors.New("a document type declaration or unknown markup (refused)")
		}
	}
}

// readText reads character data up to the next '<' (or a piece of it, when
// it is long), decoding entities and line ends. It returns false when it
// consumed only whitespace outside the root element.
func (x *xmlReader) readText() (bool, error) {
	b := x.buf[x.r:x.w]
	i, special := 0, false
	for ; i < len(b); i++ {
		c := b[i]
		if c == '<' {
			break
		}
		if c == '&' || c == '\r' {
			special = true
		}
	}
	if i == len(b) && len(b) < 256 && !x.eof {
		if x.fill() {
			return false, nil // read again, with more in the buffer
		}
		b = x.buf[x.r:x.w] // moved by fill
	}
	seg := b[:i]
	if i == len(b) && !x.eof {
		// Keep back an entity or a CR that may continue in what is not
		// read yet.
		if a := bytes.LastIndexByte(seg, '&'); a >= 0 && bytes.IndexByte(seg[a:], ';') < 0 {
			seg = seg[:a]
		}
		if len(seg) > 0 && seg[len(seg)-1] == '\r' {
			seg = seg[:len(seg)-1]
		}
		if len(seg) == 0 {
			if !x.fill() && x.rerr != nil {
				return false, x.rerr
			}
			return false, nil
		}
	}
	x.r += len(seg)
	if x.depth() == 0 {
		for _, c := range seg {
			if !isSpace(c) {
				return false, errors.New("text outside the root element")
			}
		}
		return false, nil
	}
	x.kind = tokText
	if !special {
		x.text = seg
		return true, nil
	}
	var err error
	x.scratch, err = appendDecoded(x.scratch[:0], seg)
	if err != nil {
		return false, err
	}
	x.text = x.scratch
	return true, nil
}

// readEnd reads an end tag.
func (x *xmlReader) readEnd() error {
	if x.depth() == 0 {
		return errors.New("an end tag without a start tag")
	}
	top := x.stack[x.openStart():]
	// The usual case: </name> in the buffer.
	if e := x.r + 2 + len(top); e < x.w && x.buf[e] == '>' && bytes.Equal(x.buf[x.r+2:e], top) {
		x.r = e + 1
	} else {
		i, err := x.find(2, ">")
		if err != nil {
			return err
		}
		full := x.buf[x.r+2 : x.r+i]
		for len(full) > 0 && isSpace(full[len(full)-1]) {
			full = full[:len(full)-1]
		}
		if !bytes.Equal(full, top) {
			return errors.New("an end tag that does not match the element open")
		}
		x.r += i + 1
	}
	x.kind = tokEnd
	x.name = x.stack[x.open[len(x.open)-1].local:]
	x.pop()
	return nil
}

func (x *xmlReader) openStart() int {
	return int(x.open[len(x.open)-1].start)
}

func (x *xmlReader) pop() {
	n := len(x.open)
	x.stack = x.stack[:x.openStart()]
	x.open = x.open[:n-1]
	if n == 1 {
		x.rootDone = true
	}
}

// readStart reads a start tag and its attributes.
func (x *xmlReader) readStart() error {
	if x.rootDone {
		return errors.New("a second root element")
	}
	for {
		more, err := x.parseStart()
		if !more {
			return err
		}
		if !x.fill() {
			return x.endErr()
		}
	}
}

// parseStart parses the start tag at x.r, in one pass. It returns true
// when the tag does not end in the buffer: then it is to be parsed again,
// once more is read.
func (x *xmlReader) parseStart() (bool, error) {
	b := x.buf[x.r:x.w]
	i, colon := 1, 0
	for i < len(b) && nameChars[b[i]] {
		if b[i] == ':' {
			colon = i
		}
		i++
	}
	if i == len(b) {
		return true, nil
	}
	if i == 1 || !nameStart[b[1]] {
		return false, errors.New("a tag with an invalid name")
	}
	nameEnd := i
	x.attrs = x.attrs[:0]
	decode := false
	self := false
	for {
		sp := i
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return true, nil
		}
		c := b[i]
		if c == '>' {
			break
		}
		if c == '/' {
			if i+1 == len(b) {
				return true, nil
			}
			if b[i+1] != '>' {
				return false, errors.New("a '/' inside a tag")
			}
			self = true
			i++
			break
		}
		if i == sp {
			return false, errors.New("attributes not separated by spaces")
		}
		start, acolon := i, -1
		for i < len(b) && nameChars[b[i]] {
			if b[i] == ':' {
				acolon = i
			}
			i++
		}
		if i == len(b) {
			return true, nil
		}
		if i == start || !nameStart[b[start]] {
			if i < len(b) && b[i] == '<' {
				return false, errors.New("a '<' inside a tag")
			}
			return false, errors.New("a malformed attribute")
		}
		nameEnd := i
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i < len(b) && b[i] != '=' {
			return false, errors.New("a malformed attribute")
		}
		i++
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return true, nil
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return false, errors.New("an attribute value without quotes")
		}
		i++
		vstart, amp := i, false
		for i < len(b) && b[i] != q {
			switch b[i] {
			case '<':
				return false, errors.New("a '<' in an attribute value")
			case '&':
				amp = true
			}
			i++
		}
		if i == len(b) {
			return true, nil
		}
		ns := start
		if acolon >= 0 {
			ns = acolon + 1
		}
		x.attrs = append(x.attrs, xmlAttr{name: int32(ns), nameEnd: int32(nameEnd), off: int32(vstart), end: int32(i), inScratch: amp})
		decode = decode || amp
		i++
	}
	// The tag is whole: push it, then its attribute values.
	if len(x.open) >= xmlMaxDepth {
		return false, fmt.Errorf("elements nested more than %d deep", xmlMaxDepth)
	}
	full := b[1:nameEnd]
	x.open = append(x.open, openElem{start: int32(len(x.stack)), local: int32(len(x.stack) + max(colon, 0))})
	x.stack = append(x.stack, full...)
	x.name = b[1:nameEnd]
	if colon > 0 {
		x.name = b[colon+1 : nameEnd]
	}
	x.kind = tokStart
	x.closing = self
	x.r += i + 1
	x.tag = b
	if !decode {
		return false, nil
	}
	// Decode the values with entities (marked inScratch) into scratch.
	x.scratch = x.scratch[:0]
	for k := range x.attrs {
		a := &x.attrs[k]
		if a.inScratch {
			off := len(x.scratch)
			var err error
			x.scratch, err = appendDecoded(x.scratch, b[a.off:a.end])
			if err != nil {
				return false, err
			}
			a.off, a.end = int32(off), int32(len(x.scratch))
		}
	}
	return false, nil
}

// nameChars and nameStart are the bytes of XML names: any byte of a
// multi-byte UTF-8 character, and ASCII letters, digits, '_', ':', '-',
// '.' (not at the start: digits, '-', '.').
var nameChars, nameStart = func() (chars, start [256]bool) {
	for c := 0; c < 256; c++ {
		l := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
		start[c] = l
		chars[c] = l || c >= '0' && c <= '9' || c == '-' || c == '.'
	}
	return chars, start
}()

// attr returns the value of the start tag's attribute of local name name.
func (x *xmlReader) attr(name string) ([]byte, bool) {
	for k := range x.attrs {
		a := &x.attrs[k]
		if string(x.tag[a.name:a.nameEnd]) == name {
			if a.inScratch {
				return x.scratch[a.off:a.end], true
			}
			return x.tag[a.off:a.end], true
		}
	}
	return nil, false
}

// skip reads up to the end of the element whose start tag was just read.
func (x *xmlReader) skip() error {
	d := x.depth()
	for {
		if err := x.next(); err != nil {
			return noEOF(err)
		}
		if x.kind == tokEnd && x.depth() < d {
			return nil
		}
	}
}

// noEOF turns an io.EOF inside a document into an error.
func noEOF(err error) error {
	if err == io.EOF {
		return &xmlError{errXMLEnd}
	}
	return err
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func validName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// appendNewlines appends s with its line ends (CR LF, CR) made LF, as XML
// requires of a reader.
func appendNewlines(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendDecoded appends s with its entities and character references
// decoded and its line ends made LF.
func appendDecoded(dst, s []byte) ([]byte, error) {
	for len(s) > 0 {
		i := bytes.IndexAny(s, "&\r")
		if i < 0 {
			return append(dst, s...), nil
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		if s[0] == '\r' {
			dst = append(dst, '\n')
			s = s[1:]
			if len(s) > 0 && s[0] == '\n' {
				s = s[1:]
			}
			continue
		}
		end := bytes.IndexByte(s, ';')
		if end < 0 || end > 12 {
			return dst, errors.New("a '&' that starts no entity")
		}
		ent := s[1:end]
		s = s[end+1:]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				return dst, errors.New("an undefined entity")
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, nil
}

// charRef decodes the body of a character reference: #NN or #xHH.
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	digits, base := ent[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
	}
	// The characters XML allows.
	ok := r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
	return r, ok
}
