package registry

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"compress/gzip"
	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/ctxfile"
	"github.com/listscrub/listscrub/normalize"
)

// Source kinds reported in SourceInfo.Kind.
const (
	KindList     = "list"     // one number per line, optional header line
	KindCSV      = "csv"      // delimited text with a header naming the number column
	KindNANP     = "nanp"     // AAA,NNNNNNN area-code files (US DNC, Canada DNCL)
	KindSnapshot = "snapshot" // a snapshot written by WriteSnapshotFile
)

// maxLineBytes bounds one text line.
const maxLineBytes = 1 << 20

// sourceData is one loaded source.
type sourceData struct {
	info SourceInfo
	keys []uint64 // sorted, distinct
	snap *Set     // the snapshot, for a snapshot source
}

// hashingFile reads a file, hashing and counting every byte read.
type hashingFile struct {
	f       *ctxfile.File // its open and reads stop when the load is cancelled
	size    int64
	mod     time.Time
	regular bool // a regular file: finish checks that it did not change
	last    byte // the last byte read
	h       hashWriter
	n       int64         // bytes read (hashed)
	br      *bufio.Reader // over io.TeeReader(f, the hash and n)
}

// Write hashes and counts p (the tee of the file's reads).
func (hf *hashingFile) Write(p []byte) (int, error) {
	hf.n += int64(len(p))
	if len(p) > 0 {
		hf.last = p[len(p)-1]
	}
	return hf.h.Write(p)
}

type hashWriter interface {
	io.Writer
	Sum([]byte) []byte
}

func openHashing(ctx context.Context, path string) (*hashingFile, error) {
	f, err := ctxfile.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("registry %s: is a directory", path)
	}
	bufSize := int(min(max(st.Size()+16, 4096), 1<<20))
	hf := &hashingFile{f: f, size: st.Size(), mod: st.ModTime(), regular: st.Mode().IsRegular(), h: sha256.New()}
	hf.br = bufio.NewReaderSize(io.TeeReader(f, hf), bufSize)
	return hf, nil
}

// finish reads what is left of the file into the hash and returns the hex
// sum. A regular file must be as it was when opened: all of its size read,
// and its size and modification time unchanged. A list truncated or
// rewritten while it is read would otherwise lose registered numbers with
// no error (or mix two versions under one checksum).
func (hf *hashingFile) finish(path string) (string, error) {
	if _, err := io.Copy(io.Discard, hf.br); err != nil {
		return "", fmt.Errorf("registry %s: %w", path, err)
	}
	if hf.regular {
		now, err := hf.f.Stat()
		if err != nil {
			return "", fmt.Errorf("registry %s: %w", path, err)
		}
		if hf.n != hf.size || now.Size() != hf.size || !now.ModTime().Equal(hf.mod) {
			return "", fmt.Errorf("registry %s: changed while it was read (%d bytes when opened, %d read, %d now): get a complete copy that is no longer written to",
				path, hf.size, hf.n, now.Size())
		}
	}
	return hex.EncodeToString(hf.h.Sum(nil)), nil
}

// readSource loads one spec.
func readSource(ctx context.Context, spec Spec, opts LoadOptions) (*sourceData, error) {
	path := spec.Path
	if sd, err := readPlainSnapshot(path); sd != nil || err != nil {
		return finishSource(sd, spec), err
	}
	hf, err := openHashing(ctx, path)
	if err != nil {
		return nil, err
	}
	defer hf.f.Close()

	var content *bufio.Reader = hf.br
	sizeHint := hf.size
	gzipped := false
	if magic, _ := hf.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := newGzip(hf.br)
		if err != nil {
			return nil, fmt.Errorf("registry %s: bad gzip: %w", path, err)
		}
		defer gz.Close()
		content = bufio.NewReaderSize(gz, min(hf.br.Size()*4, 1<<20))
		sizeHint = -1
		gzipped = true
	}

	var sd *sourceData
	if m, _ := content.Peek(len(snapMagic)); string(m) == snapMagic {
		// A gzipped snapshot: decompressed into memory, then used in place.
		data, err := readAllAligned(content, path)
		if err != nil {
			return nil, err
		}
		meta, set, err := parseSnapshot(data, nil, path, false)
		if err != nil {
			return nil, err
		}
		sd = snapshotSource(meta, set)
	} else {
		sd, err = readText(ctx, content, path, sizeHint, opts)
		if err != nil {
			return nil, err
		}
		sd.info.AsOf = hf.mod.UTC().Truncate(24 * time.Hour)
	}
	sum, err := hf.finish(path)
	if err != nil {
		return nil, err
	}
	if err := cutShort(hf, gzipped || sd.info.Kind == KindSnapshot, path, opts); err != nil {
		return nil, err
	}
	sd.info.SHA256 = sum
	return finishSource(sd, spec), nil
}

// cutShort refuses a block list read from a plain stream (a pipe, a FIFO)
// whose last line has no line break: its end proves nothing, so it may have
// been cut short, and the numbers after the cut (and the one cut, now an
// invalid line under --max-invalid, or another valid number) would be
// missing with no error. A regular file's end is proven by its size, a gzip
// stream's by its trailer, a snapshot's by its checksum (proven). Allow and consent lists read short can only make
// fewer rows clean; Lenient accepts the stream.
func cutShort(hf *hashingFile, proven bool, path string, opts LoadOptions) error {
	if hf.regular || proven || opts.Exempt || opts.Checks.Lenient || hf.n == 0 || hf.last == '\n' || hf.last == '\r' {
		return nil
	}
	return fmt.Errorf("registry %s: a stream whose last line has no line break may have been cut short: give the list as a file, or end it with a line break", path)
}

// readPlainSnapshot reads path if it is an uncompressed snapshot: the whole
// file memory-mapped (or read), its xxhash64 verified while another core computes the
// file's SHA-256 for the source's description (a 1 GB snapshot is read once).
// It returns nil, nil for any other file.
func readPlainSnapshot(path string) (*sourceData, error) {
	// Not opened unless regular: a named pipe is opened once only, by
	// openHashing (a second open would lose what the writer sent to the
	// first, or wait for a writer that has gone).
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return nil, nil // openHashing reports it
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	var m [len(snapMagic)]byte
	k, _ := io.ReadFull(f, m[:])
	f.Close()
	if k != len(m) || string(m[:]) != snapMagic {
		return nil, nil
	}
	data, mem, err := readSnapshotBytes(path)
	if err != nil {
		return nil, err
	}
	sumc := make(chan [sha256.Size]byte, 1)
	go func() { sumc <- sha256.Sum256(data) }()
	meta, set, err := parseSnapshot(data, mem, path, false)
	sum := <-sumc
	if err != nil {
		return nil, err
	}
	sd := snapshotSource(meta, set)
	sd.info.SHA256 = hex.EncodeToString(sum[:])
	return sd, nil
}

// snapshotSource describes a snapshot used as one source. Its keys are
// decoded only if it is merged with other sources (see Load).
func snapshotSource(meta SnapshotMeta, set *Set) *sourceData {
	return &sourceData{
		snap: set,
		info: SourceInfo{Kind: KindSnapshot, Entries: set.Len(), AsOf: meta.AsOf, Inner: set.sources, Covers: meta.Covers, Region: meta.Country},
	}
}

func finishSource(sd *sourceData, spec Spec) *sourceData {
	if sd != nil {
		sd.info.Label = spec.Label
		sd.info.Path = spec.Path
	}
	return sd
}

// columnRank ranks a header name as a list's number column: lower is
// preferred, 0 is not one. The vocabulary is colname's, shared with
// prospect files, and which columns a list reads is its colname.Role's: a
// block list (a registry) reads every column that may hold a number a
// person listed, fax included (reading one more column can only block
// more); an allow or consent list only Number and above (an extra column
// would exempt numbers nobody meant to exempt).
func columnRank(name string, role colname.Role) int {
	if !role.Reads(name) {
		return 0
	}
	switch colname.Classify(name) {
	case colname.E164:
		return 1
	case colname.Phone:
		return 2
	case colname.Number:
		return 4 // a bare "numero" may be an id: only when nothing better
	case colname.Mention:
		return 5 // "Phone type", "Standard": never the number column, but read
	}
	return 6 // a fax
}

// Column ranks: a header names a number column when its best column ranks
// at most numberRank; columns ranked at most sureRank surely hold phone
// numbers and are read in full, the others only where a field looks like a
// number (a Phone type column's "mobile" is not an invalid line).
const (
	sureRank   = 3
	numberRank = 4
)

// areaColumnNames are the keys (colname.Key) of an area-code column (NANP
// files with a header).
var areaColumnNames = map[string]bool{"areacode": true, "area": true, "npa": true, "ac": true}

// header describes a recognized header line.
type header struct {
	delim   byte  // 0 when the line has a single field
	col     int   // number column (the best-named one)
	cols    []int // every number column, col included: a suppression list may have several
	extra   []int // columns that may hold numbers (block lists): read where a field looks like one
	areaCol int   // area-code column, or -1
	fields  int
	// ignored are the header cells that look like phone columns
	// (colname.LooksPhoneLike) but are not read.
	ignored []string
}

// headerName decodes a header field: UTF-8, or Windows-1252 when it is not
// valid UTF-8 (csvsplit.DecodeName, the prospect files' rule too).
func headerName(field []byte) string { return csvsplit.DecodeName(field) }

// detectDelim returns the delimiter among ; , tab | occurring most often
// outside quotes in line, or 0.
func detectDelim(line []byte) byte {
	var counts [4]int
	delims := [4]byte{';', ',', '\t', '|'}
	inQuote := false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		for i, d := range delims {
			if c == d {
				counts[i]++
			}
		}
	}
	best, bestN := byte(0), 0
	for i, n := range counts {
		if n > bestN {
			best, bestN = delims[i], n
		}
	}
	return best
}

// splitFields splits a line on delim, honouring simple double quotes; fields
// are returned unquoted (with "" unescaped). ok is false on an unbalanced quote.
func splitFields(line []byte, delim byte, dst [][]byte) (fields [][]byte, ok bool) {
	fields = dst[:0]
	if delim == 0 {
		f, ok := unquote(line)
		return append(fields, f), ok
	}
	start := 0
	inQuote := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			inQuote = !inQuote
		case c == delim && !inQuote:
			f, ok := unquote(line[start:i])
			if !ok {
				return fields, false
			}
			fields = append(fields, f)
			start = i + 1
		}
	}
	if inQuote {
		return fields, false
	}
	f, ok := unquote(line[start:])
	return append(fields, f), ok
}

// field returns field col of line (unquoted), or nil, false when the line has
// fewer fields; bad is true on an unbalanced quote.
func fieldAt(line []byte, delim byte, col int) (f []byte, present, bad bool) {
	if delim == 0 {
		f, ok := unquote(line)
		return f, true, !ok
	}
	idx := 0
	start := 0
	inQuote := false
	for i := 0; i <= len(line); i++ {
		if i < len(line) {
			c := line[i]
			if c == '"' {
				inQuote = !inQuote
				continue
			}
			if c != delim || inQuote {
				continue
			}
		} else if inQuote {
			return nil, false, true
		}
		if idx == col {
			f, ok := unquote(line[start:i])
			return f, true, !ok
		}
		idx++
		start = i + 1
	}
	return nil, false, false
}

// unquote strips spaces and one pair of surrounding double quotes, unescaping "".
func unquote(f []byte) ([]byte, bool) {
	f = bytes.TrimSpace(f)
	if len(f) == 0 || f[0] != '"' {
		return f, bytes.IndexByte(f, '"') < 0
	}
	if len(f) < 2 || f[len(f)-1] != '"' {
		return f, false
	}
	inner := f[1 : len(f)-1]
	if bytes.IndexByte(inner, '"') < 0 {
		return inner, true
	}
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		if inner[i] == '"' {
			if i+1 < len(inner) && inner[i+1] == '"' {
				i++
			} else {
				return f, false
			}
		}
		out = append(out, inner[i])
	}
	return out, true
}

// detectHeader recognizes a header line naming a number column, and which
// columns a list of role reads.
func detectHeader(line []byte, role colname.Role) (header, bool) {
	delim := detectDelim(line)
	fields, ok := splitFields(line, delim, nil)
	if !ok {
		return header{}, false
	}
	h := header{delim: delim, col: -1, areaCol: -1, fields: len(fields)}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = headerName(f)
		if colname.LooksLikeNumber(names[i]) {
			return header{}, false // a data line, even beside a "tel" cell
		}
	}
	ranks := make([]int, len(fields))
	bestRank := 1 << 30
	for i, name := range names {
		ranks[i] = columnRank(name, role)
		if r := ranks[i]; r > 0 && r <= numberRank && r < bestRank {
			h.col, bestRank = i, r
		}
		if areaColumnNames[colname.Key(name)] && h.areaCol < 0 {
			h.areaCol = i
		}
	}
	if h.col < 0 || h.col == h.areaCol {
		return header{}, false
	}
	for i, r := range ranks {
		switch {
		case i == h.areaCol:
		case i == h.col || r > 0 && r <= sureRank:
			// The best column, and every other one that surely holds
			// phone numbers (not a bare "numero", which may be an id).
			h.cols = append(h.cols, i)
		case r > 0 && h.areaCol < 0:
			h.extra = append(h.extra, i)
		}
	}
	h.ignored = []string{}
	read := make(map[int]bool, len(h.cols)+len(h.extra))
	for _, c := range append(append([]int(nil), h.cols...), h.extra...) {
		read[c] = true
	}
	for i, name := range names {
		if !read[i] && i != h.areaCol && colname.LooksPhoneLike(name) {
			h.ignored = append(h.ignored, name)
		}
	}
	return h, true
}

// numberDigits is how many digits a field of a column that only may hold
// numbers (a fax, "Phone type") needs to be normalized: as many as make a
// cell look like a number in colname (colname.LooksLikeNumber).
const numberDigits = 6

// asciiDigits counts b's ASCII digits.
func asciiDigits(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// hasDigit reports whether b holds an ASCII digit.
func hasDigit(b []byte) bool {
	for _, c := range b {
		if c >= '0' && c <= '9' {
			return true
		}
	}
	return false
}

// nanpKey reads "AAA,NNNNNNN" (spaces and quotes allowed around each part),
// a bare 10-digit number, or 1 followed by 10 digits, as +1AAANNNNNNN.
func nanpKey(line []byte) (uint64, bool) {
	var d [11]byte
	nd := 0
	parts := 0
	inPart := false
	comma := false
	partLen := [2]int{}
	for _, c := range line {
		switch {
		case c >= '0' && c <= '9':
			if nd == len(d) {
				return 0, false
			}
			if !inPart {
				if parts == 2 || (parts == 1 && !comma) {
					return 0, false
				}
				inPart = true
				parts++
			}
			d[nd] = c
			nd++
			partLen[parts-1]++
		case c == ',':
			if comma || parts != 1 {
				return 0, false
			}
			comma = true
			inPart = false
		case c == ' ' || c == '\t' || c == '"':
			inPart = false
		default:
			return 0, false
		}
	}
	var k uint64
	switch {
	case parts == 2 && partLen[0] == 3 && partLen[1] == 7:
		k = 1
	case parts == 1 && !comma && nd == 10:
		k = 1
	case parts == 1 && !comma && nd == 11 && d[0] == '1':
	default:
		return 0, false
	}
	for _, c := range d[:nd] {
		k = k*10 + uint64(c-'0')
	}
	return k, true
}

// nanpFast reads the plain shapes of nanpKey: exactly "AAA,NNNNNNN", ten
// digits, or 1 and ten digits, as +1AAANNNNNNN. ok false means nothing:
// nanpKey decides.
func nanpFast(line []byte) (uint64, bool) {
	var k uint64
	switch {
	case len(line) == 10:
		k = 1
	case len(line) == 11 && line[3] == ',':
		k = 1
		for _, c := range line[:3] {
			if c-'0' > 9 {
				return 0, false
			}
			k = k*10 + uint64(c-'0')
		}
		line = line[4:]
	case len(line) == 11 && line[0] == '1':
	default:
		return 0, false
	}
	for _, c := range line {
		if c-'0' > 9 {
			return 0, false
		}
		k = k*10 + uint64(c-'0')
	}
	return k, true
}

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

// textParser accumulates one raw text source.
type textParser struct {
	path    string
	opts    LoadOptions
	keys    []uint64   // the block being filled
	keysOff int        // its offset in the arena, or -1
	blocks  []keyBlock // the full ones
	arena   *keyArena  // where blocks come from first (nil: allocated)
	lines   int
	invalid [normalize.NumReasons]int
	bad     badLines
}

// badLines remembers a parser's first invalid line (for the message that
// refuses a source, see Checks) and a few invalid fields (for
// suggestRegion).
type badLines struct {
	first  int // line number; 0 when none
	reason normalize.Reason
	sample [][]byte // copies, at most regionSample
}

// note records an invalid line; field is what was read as a number (nil
// when there is nothing to re-read in another region).
func (b *badLines) note(r normalize.Reason, lineNo int, field []byte) {
	if b.first == 0 || lineNo < b.first {
		b.first, b.reason = lineNo, r
	}
	if field != nil && len(b.sample) < regionSample && r != normalize.ReasonNotANumber && r != normalize.ReasonExcelScientific {
		b.sample = append(b.sample, bytes.Clone(field))
	}
}

// merge adds o's invalid lines to b's.
func (b *badLines) merge(o *badLines) {
	if o.first != 0 {
		b.note(o.reason, o.first, nil)
	}
	for _, f := range o.sample {
		if len(b.sample) == regionSample {
			break
		}
		b.sample = append(b.sample, f)
	}
}

// Key blocks are windows of the parsers' arena, sized from the file's size,
// and once that is full (or without one: a compressed file), allocated
// blocks that start small (a few lines' file needs no more) and double up to
// maxBlockKeys: a file's keys are never copied to grow a slice.
const (
	minBlockKeys = 256
	maxBlockKeys = 1 << 16
)

// addKey appends one key.
func (p *textParser) addKey(k uint64) {
	if len(p.keys) == cap(p.keys) {
		p.newBlock()
	}
	p.keys = append(p.keys, k)
}

// newBlock closes the block being filled and starts the next.
func (p *textParser) newBlock() {
	size := minBlockKeys
	if len(p.keys) > 0 {
		p.blocks = append(p.blocks, newKeyBlock(p.keys, p.keysOff))
		size = min(2*cap(p.keys), maxBlockKeys)
	}
	if w, off := p.arena.window(); w != nil {
		p.keys, p.keysOff = w, off
		return
	}
	p.keys, p.keysOff = make([]uint64, 0, size), -1
}

// takeBlocks returns every key block, the one being filled included, and
// forgets them.
func (p *textParser) takeBlocks() []keyBlock {
	if len(p.keys) > 0 {
		p.blocks = append(p.blocks, newKeyBlock(p.keys, p.keysOff))
	}
	b := p.blocks
	p.keys, p.blocks = nil, nil
	return b
}

// add normalizes one number field of line lineNo.
func (p *textParser) add(field []byte, lineNo int) error {
	res := p.opts.Normalizer.Normalize(field)
	if res.Valid() {
		if res.Key == 0 || uint64(res.Key) > maxKey {
			return fmt.Errorf("%s:%d: normalizer returned an out-of-range key", p.path, lineNo)
		}
		p.addKey(uint64(res.Key))
		return nil
	}
	r := res.Reason
	if r != normalize.ReasonEmpty && r != normalize.ReasonExcelScientific {
		// Maybe two numbers on one line (multi.go): both are registered.
		if keys := splitNumbers(p.opts.Normalizer, field); keys != nil {
			for _, k := range keys {
				if k == 0 || uint64(k) > maxKey {
					return fmt.Errorf("%s:%d: normalizer returned an out-of-range key", p.path, lineNo)
				}
				p.addKey(uint64(k))
			}
			return nil
		}
	}
	p.invalid[r]++
	p.bad.note(r, lineNo, field)
	if p.opts.Strict && (r == normalize.ReasonNotANumber || r == normalize.ReasonExcelScientific) {
		return fmt.Errorf("%s:%d: not a phone number (%s): a registry must be read in full", p.path, lineNo, r)
	}
	return nil
}

// addExtra adds the numbers of a field of a column that only may hold
// numbers (hdr.extra), and reports whether it held any. A field that is not
// a valid number is not an invalid line: such a column ("Numéro" beside
// "Téléphone", an id; "Phone type") is read to block more, never to refuse
// a list that its number columns read right.
func (p *textParser) addExtra(field []byte) bool {
	if res := p.opts.Normalizer.Normalize(field); res.Valid() {
		if res.Key != 0 && uint64(res.Key) <= maxKey {
			p.addKey(uint64(res.Key))
			return true
		}
		return false
	}
	added := false
	for _, k := range splitNumbers(p.opts.Normalizer, field) {
		if k != 0 && uint64(k) <= maxKey {
			p.addKey(uint64(k))
			added = true
		}
	}
	return added
}

func (p *textParser) reject(r normalize.Reason, lineNo int, what string) error {
	p.invalid[r]++
	p.bad.note(r, lineNo, nil)
	if p.opts.Strict && (r == normalize.ReasonNotANumber || r == normalize.ReasonExcelScientific) {
		return fmt.Errorf("%s:%d: %s: a registry must be read in full", p.path, lineNo, what)
	}
	return nil
}

// plainLine handles the lines that are no data whatever the file's kind: it
// reports NUL bytes, counts blank lines and skips comments. skip is true when
// the line needs nothing more.
func (p *textParser) plainLine(line []byte, lineNo int) (skip bool, err error) {
	if bytes.IndexByte(line, 0) >= 0 {
		return true, fmt.Errorf("%s:%d: binary data (NUL byte): not a text list", p.path, lineNo)
	}
	if len(bytes.TrimSpace(line)) == 0 {
		p.lines++
		p.invalid[normalize.ReasonEmpty]++
		return true, nil
	}
	if t := bytes.TrimLeft(line, " \t"); t[0] == '#' {
		return true, nil // a comment line ("# exported 2026-11-01"), not data
	}
	return false, nil
}

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
func (p *textParser) parseRest(ctx context.Context, lr *lineReader, kind string, hdr header) error {
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
		wp := &textParser{path: p.path, opts: p.opts, arena: p.arena}
		parsers[w] = wp
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if errs[w] == nil {
					if e := wp.parseChunk(c, kind, hdr, lr.lb); e != nil {
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
		p.blocks = append(p.blocks, wp.takeBlocks()...)
		p.lines += wp.lines
		for r, n := range wp.invalid {
			p.invalid[r] += n
		}
		p.bad.merge(&wp.bad)
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

// parseChunk parses one chunk's lines, returning the first error.
func (p *textParser) parseChunk(c *chunk, kind string, hdr header, lb csvsplit.LineBreak) *lineError {
	// The shapes of national registries, AAA,NNNNNNN and 10 digits, take a
	// fast path in an area-code file; it yields what nanpKey would.
	fast := kind == KindNANP && hdr.delim == 0 && hdr.areaCol < 0
	// A list's lines are mostly bare numbers: one that starts and ends with
	// a digit, in a chunk without NUL bytes, is neither blank nor a comment
	// nor quoted, and goes straight to the normalizer.
	bare := kind == KindList && hdr.delim == 0 && hdr.areaCol < 0 && bytes.IndexByte(c.data, 0) < 0
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
		if fast {
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
		if err := p.line(line, lineNo, kind, hdr); err != nil {
			return &lineError{lineNo, err}
		}
	}
	return nil
}

// readText reads a text source: list, CSV or NANP file, of size bytes (-1
// when unknown).
func readText(ctx context.Context, r *bufio.Reader, path string, size int64, opts LoadOptions) (*sourceData, error) {
	return readTextWith(ctx, r, path, size, opts, (*textParser).parseRest)
}

// lineBreakSample is how much of a text source the line-break convention is
// decided from (the prospect file's sample size).
const lineBreakSample = 64 << 10

// restParser parses the lines after the first data or header line.
type restParser func(p *textParser, ctx context.Context, lr *lineReader, kind string, hdr header) error

// readTextWith is readText with the parser of the rest of the lines given
// (tests compare parseRest with a line-by-line reference).
func readTextWith(ctx context.Context, r *bufio.Reader, path string, size int64, opts LoadOptions, parseRest restParser) (*sourceData, error) {
	if bom, _ := r.Peek(3); bytes.HasPrefix(bom, []byte{0xEF, 0xBB, 0xBF}) {
		r.Discard(3)
	} else if bytes.HasPrefix(bom, []byte{0xFF, 0xFE}) || bytes.HasPrefix(bom, []byte{0xFE, 0xFF}) {
		return nil, fmt.Errorf("registry %s: UTF-16 text; save it as UTF-8", path)
	}
	// The line-break convention, from a sample of the start (at least
	// 64 KiB, or the whole file, whatever the buffer given).
	if r.Size() < lineBreakSample {
		r = bufio.NewReaderSize(r, lineBreakSample)
	}
	sample, _ := r.Peek(lineBreakSample)
	p := &textParser{path: path, opts: opts, arena: newKeyArena(size)}
	lr := &lineReader{r: r, lb: csvsplit.SniffLineBreak(sample, ',')}
	kind := ""
	var hdr header
	// The first lines, up to the header or the first data line, say what
	// kind of file this is; the rest is parsed in parallel (parseRest).
	for kind == "" {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, lr.line, err)
		}
		if skip, err := p.plainLine(line, lr.line); skip || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		// First non-blank line: a header, or the first data line.
		if h, ok := detectHeader(line, opts.role()); ok {
			hdr = h
			switch {
			case h.areaCol >= 0:
				kind = KindNANP
			case h.fields > 1:
				kind = KindCSV
			default:
				kind = KindList
			}
			continue
		}
		hdr = header{col: 0, areaCol: -1}
		if _, ok := nanpKey(line); ok && bytes.IndexByte(line, ',') >= 0 {
			kind = KindNANP
		} else {
			kind = KindList
			if !hasDigit(line) {
				if d := detectDelim(line); d != 0 {
					return nil, fmt.Errorf("%s:%d: header names no phone number column", path, lr.line)
				}
				// A header word (numero, phone, ...): not a number.
				if !opts.Normalizer.Normalize(line).Valid() {
					continue
				}
			}
		}
		p.lines++
		if err := p.line(line, lr.line, kind, hdr); err != nil {
			return nil, err
		}
	}
	if kind != "" {
		if err := parseRest(p, ctx, lr, kind, hdr); err != nil {
			return nil, err
		}
	}
	if kind == "" {
		kind = KindList
	}
	keys := sortDistinctKeys(p.arena, p.takeBlocks())
	info := SourceInfo{Kind: kind, Entries: len(keys), Lines: p.lines, Invalid: map[string]int{}, Region: opts.Normalizer.Region(),
		ColumnsIgnored: hdr.ignored}
	for r, n := range p.invalid {
		if n > 0 {
			info.Invalid[normalize.Reason(r).String()] = n
		}
	}
	if p.bad.first != 0 {
		info.FirstInvalid, info.FirstReason = p.bad.first, p.bad.reason.String()
	}
	info.invalidSample = p.bad.sample
	return &sourceData{info: info, keys: keys}, nil
}

// line handles one non-blank data line.
func (p *textParser) line(line []byte, lineNo int, kind string, hdr header) error {
	if hdr.delim == 0 && hdr.areaCol < 0 {
		if kind == KindNANP {
			if k, ok := nanpKey(line); ok {
				p.addKey(k)
				return nil
			}
		}
		f, ok := unquote(line)
		if !ok {
			f = line
		}
		return p.add(f, lineNo)
	}
	if hdr.delim != 0 && hdr.fields > 0 && !p.opts.Exempt {
		// A block list's line with more fields than its header: the
		// fields past the header hold no column name, but a number there
		// is as registered as one in the number column ("A;0612345678;
		// 0145678901" under "Nom;Tel"). Reading it only blocks more.
		for col := hdr.fields; ; col++ {
			f, present, bad := fieldAt(line, hdr.delim, col)
			if !present || bad {
				break
			}
			if asciiDigits(f) >= numberDigits {
				p.addExtra(f)
			}
		}
	}
	if hdr.areaCol < 0 && len(hdr.cols)+len(hdr.extra) > 1 {
		// Several number columns: every non-empty one is a registered
		// number; in a column that only may hold numbers, every field that
		// looks like one.
		seen := false
		for _, col := range hdr.cols {
			f, present, bad := fieldAt(line, hdr.delim, col)
			if bad {
				return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
			}
			if !present || len(bytes.TrimSpace(f)) == 0 {
				continue
			}
			seen = true
			if err := p.add(f, lineNo); err != nil {
				return err
			}
		}
		for _, col := range hdr.extra {
			f, present, bad := fieldAt(line, hdr.delim, col)
			if bad {
				return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
			}
			if !present || asciiDigits(f) < numberDigits {
				continue
			}
			if p.addExtra(f) {
				seen = true
			}
		}
		if !seen {
			p.invalid[normalize.ReasonEmpty]++
		}
		return nil
	}
	f, present, bad := fieldAt(line, hdr.delim, hdr.col)
	if bad {
		return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
	}
	if !present || len(f) == 0 {
		p.invalid[normalize.ReasonEmpty]++
		return nil
	}
	if hdr.areaCol >= 0 {
		a, present, bad := fieldAt(line, hdr.delim, hdr.areaCol)
		if bad {
			return p.reject(normalize.ReasonNotANumber, lineNo, "unbalanced quotes")
		}
		if present {
			joined := make([]byte, 0, len(a)+1+len(f))
			joined = append(append(append(joined, a...), ','), f...)
			if k, ok := nanpKey(joined); ok {
				p.addKey(k)
				return nil
			}
			return p.add(append(joined[:len(a)], f...), lineNo)
		}
	}
	return p.add(f, lineNo)
}

func newGzip(r io.Reader) (*gzip.Reader, error) { return gzip.NewReader(r) }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
