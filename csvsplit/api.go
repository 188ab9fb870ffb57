package csvsplit

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// ParseError is a syntax error in the input, located like encoding/csv's.
type ParseError struct {
	Name      string // file name given in Options, for messages
	StartLine int    // line where the record starts (1-based)
	Line      int    // line where the error occurred
	Column    int    // 1-based byte column where the error occurred
	Err       error
}

// Error returns "name:line:column: message".
func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %v", e.Name, e.Line, e.Column, e.Err)
}

// Unwrap returns e.Err, for errors.Is (ErrQuote, ErrRecordTooLong).
func (e *ParseError) Unwrap() error { return e.Err }

// Errors found in ParseError.Err.
var (
	// ErrQuote reports a quoted field still open at the end of the input.
	// ParseError.Line and Column locate its opening quote.
	ErrQuote = errors.New("quoted field not closed before end of input")

	// ErrRecordTooLong is matched (with errors.Is) by the error in
	// ParseError.Err when a record is larger than Options.MaxRecordBytes;
	// that error's message is "record exceeds N bytes". ParseError.Line and
	// Column locate the first byte past the limit.
	ErrRecordTooLong = errors.New("record too long")

	// ErrMixedLineEndings is matched (with errors.Is) by the error of a
	// line break that is not the file's convention (see LineBreak), outside
	// quotes: an LF in a file whose lines end with CR, or a bare CR in a
	// file whose lines end with LF or CRLF. ParseError.Line and Column
	// locate it. Such a file cannot be split into rows reliably: a row
	// would be swallowed into the one before it.
	ErrMixedLineEndings = errors.New("mixed line endings")
)

// MixedLineEndings returns the error, matching ErrMixedLineEndings, of a
// stray line break in a file whose convention is lb. The registry's list
// reader uses it too, so that both say the same.
func MixedLineEndings(lb LineBreak) error { return &mixedError{lb} }

type mixedError struct{ lb LineBreak }

func (e *mixedError) Error() string {
	if e.lb == CR {
		return "mixed line endings: an LF ends a line of a file whose first line ends with a bare CR (old Mac format): save the file with one kind of line end"
	}
	ends := "LF"
	if e.lb == CRLF {
		ends = "CRLF" // the file's convention, as SniffLineBreak decided it
	}
	return "mixed line endings: a bare CR (not followed by LF) ends a line of a file whose lines end with " + ends + ": save the file with one kind of line end"
}

func (e *mixedError) Is(target error) bool { return target == ErrMixedLineEndings }

// LineBreak is the line-break convention of a file, decided once from its
// start by SniffLineBreak.
type LineBreak uint8

// Line-break conventions. LF and CRLF read the same way (a line ends with
// LF, or CRLF; files mixing those two are common and harmless); they differ
// only in what String reports.
const (
	LF   LineBreak = iota // lines end with LF (Unix), or CRLF
	CRLF                  // lines end with CRLF (Windows), or LF
	CR                    // lines end with a bare CR (classic Mac OS, Excel's "CSV (Macintosh)")
)

// String returns "lf", "crlf" or "cr".
func (lb LineBreak) String() string {
	switch lb {
	case LF:
		return "lf"
	case CRLF:
		return "crlf"
	case CR:
		return "cr"
	}
	return fmt.Sprintf("LineBreak(%d)", uint8(lb))
}

// Byte returns the byte that ends a line: '\r' for CR, else '\n'.
func (lb LineBreak) Byte() byte {
	if lb == CR {
		return '\r'
	}
	return '\n'
}

// SniffLineBreak decides the line-break convention of a file from its start:
// CR when the first line break outside quotes (quotes as a Reader with the
// delimiter comma reads them) is a CR not followed by LF, CRLF when it is a
// CRLF, else LF (also when sample holds no line break). A CR that is the last
// byte of sample counts as a bare CR: sample should be the whole file or
// reach well past its first line.
//
// Every reader of text lines in listscrub (prospect files, registry, allow
// and consent lists) decides the convention with this function, once, and
// reads the whole file by it; a line break of the other kind outside quotes
// is an ErrMixedLineEndings error.
func SniffLineBreak(sample []byte, comma byte) LineBreak { return sniffLineBreak(sample, comma) }

// tooLongError is the ParseError.Err of a record over the size limit.
type tooLongError struct{ limit int }

func (e *tooLongError) Error() string        { return fmt.Sprintf("record exceeds %d bytes", e.limit) }
func (e *tooLongError) Is(target error) bool { return target == ErrRecordTooLong }

// Options configure a Reader.
type Options struct {
	Name           string // file name used in errors
	Comma          byte   // field delimiter: ';', ',', '\t' or '|'
	MaxRecordBytes int    // largest record accepted; 0 means DefaultMaxRecordBytes
	// LineBreak is the file's convention (see SniffLineBreak): with CR,
	// records end with CR and an LF outside quotes is an error; with LF or
	// CRLF (the zero value), records end with LF or CRLF and a bare CR
	// outside quotes is an error. Either kind may appear inside quotes.
	LineBreak LineBreak
}

// DefaultMaxRecordBytes bounds the memory one record may take.
const DefaultMaxRecordBytes = 64 << 20

// maxRecordLimit caps Options.MaxRecordBytes so that offsets inside a record
// fit in an int32.
const maxRecordLimit = math.MaxInt32 - 1

// lfCheckBytes is how much of an LF (or CRLF) file is checked for bare CRs
// outside quotes: its first 64 KiB, the sample its delimiter, encoding and
// line breaks are sniffed from. Checking every record costs a search of
// each (a third of the reader's speed, measured, on files whose quoted
// fields hold CRLF); past the start, a bare CR that joins two rows makes a
// record with the fields of both, which the scrub reads as ragged (or, in a
// one-column file, as a number too long): never clean. A CR file is checked
// in full (an LF in it is as cheap to look for, and such files are small).
const lfCheckBytes = 64 << 10

// checkBytes returns how many bytes of records a reader of a file of
// convention lb checks for stray line breaks.
func checkBytes(lb LineBreak) int {
	if lb == CR {
		return math.MaxInt
	}
	return lfCheckBytes
}

// readBufSize is the size of the Reader's buffer and of its reads.
const readBufSize = 1 << 20

// Reader reads records from a stream.
//
// The Reader keeps one buffer of about 1 MiB, grown (doubling) only while a
// single record does not fit in it, and never beyond MaxRecordBytes+1 bytes:
// a record over the limit, or an endless line such as a decompression bomb,
// fails with a *ParseError once that much has been buffered. A Reader is not
// safe for concurrent use, but the Batches it fills may be handed to other
// goroutines.
type Reader struct {
	src   io.Reader
	name  string
	comma byte
	max   int       // MaxRecordBytes
	lb    LineBreak // Options.LineBreak
	nl    byte      // the byte that ends a record: LF, or CR in CR mode
	other byte      // the line break that is an error outside quotes: CR, or LF in CR mode
	// check is how many more bytes of records are checked for a stray
	// other: all of a CR file, the first lfCheckBytes of an LF one.
	check int

	buf       []byte
	pos       int // next unparsed byte in buf
	end       int // end of valid data in buf
	spanStart int // first byte of buf not yet copied into the current batch

	eof   bool  // src returned io.EOF
	rerr  error // src returned another error
	err   error // sticky error returned once the batch is empty
	first bool  // nothing consumed yet: a BOM may start the input
	line  int   // line number at pos
	blank int   // blank lines skipped

	bufSize int // initial buffer size (tests make it tiny)
}

// NewReader returns a Reader of r.
//
// A Comma of 0 means ','. MaxRecordBytes is capped at math.MaxInt32-1.
func NewReader(r io.Reader, opts Options) *Reader {
	max := opts.MaxRecordBytes
	if max <= 0 {
		max = DefaultMaxRecordBytes
	}
	if max > maxRecordLimit {
		max = maxRecordLimit
	}
	comma := opts.Comma
	if comma == 0 {
		comma = ','
	}
	nl, other := byte('\n'), byte('\r')
	if opts.LineBreak == CR {
		nl, other = '\r', '\n'
	}
	check := checkBytes(opts.LineBreak)
	return &Reader{
		src:   r,
		name:  opts.Name,
		comma: comma,
		max:   max,
		lb:    opts.LineBreak,
		nl:    nl,
		other: other,
		check: check,
		first: true,
		line:  1,

		bufSize: readBufSize,
	}
}

// Reset makes r read from src as a new Reader with the same Options would,
// but keeps r's buffer (so that reading many inputs does not allocate).
// Batches filled before stay valid.
func (r *Reader) Reset(src io.Reader) {
	*r = Reader{
		src:     src,
		name:    r.name,
		comma:   r.comma,
		max:     r.max,
		lb:      r.lb,
		nl:      r.nl,
		other:   r.other,
		check:   checkBytes(r.lb),
		buf:     r.buf,
		first:   true,
		line:    1,
		bufSize: r.bufSize,
	}
}

// ReadBatch resets b and fills it with up to maxRows records, stopping after the
// record that takes b past maxBytes bytes (or past 1 GiB, whatever maxBytes). It returns io.EOF (with b.Len()==0)
// when the input is exhausted, or a *ParseError. (With a MaxRecordBytes over
// 1 GiB, a record that would take b past 2 GiB is left for the next call.)
//
// A maxRows or maxBytes of 0 or less means no limit of that kind. Every call
// that returns nil yields at least one record, and only complete, valid
// records: when a syntax error (or an error from the underlying io.Reader)
// follows some good records, those are returned first with a nil error, and
// the error comes with an empty batch on the next call (and every later one).
// The records are copied into b's own buffer, so b remains valid while the
// Reader reads on into other Batches.
func (r *Reader) ReadBatch(b *Batch, maxRows, maxBytes int) error {
	return r.readBatch(b, maxRows, maxBytes)
}

// BlankLines returns how many empty lines were skipped so far.
//
// An empty line is one with no content at all: "\n" or "\r\n" where a record
// would start ("\r" in CR mode). Such lines are not records; a line holding only delimiters
// (";;") or spaces is a record. With them, the Raw bytes of all records, in
// order, reproduce the input exactly.
func (r *Reader) BlankLines() int { return r.blank }

// Batch holds records read by ReadBatch. Its slices stay valid until the next
// ReadBatch into the same Batch. The zero Batch is ready to use.
//
// The slices a Batch returns are capped to their length, so appending to one
// never overwrites the Batch's data; they must not be modified in place.
type Batch struct {
	data   []byte // raw bytes of the records (and of blank lines among them)
	side   []byte // unquoted values that are not sub-slices of data
	recs   []record
	fields []span
	tags   []byte // per field, for records AppendRecord built (Tag)
	line0  int    // line number where the batch starts
}

// record locates one record in a Batch. It is 24 bytes: the reader writes
// one per row, and fewer cache lines to write is measurably faster. The
// int32 offsets fit because a batch holds at most maxBatchOffset bytes.
type record struct {
	start   int32 // offset of the record in Batch.data
	line    int32 // line number where the record starts, minus Batch.line0
	field0  int32 // index of its first field in Batch.fields
	n       int32 // raw length, terminator included
	clen    int32 // content length, terminator excluded
	nfields int32
}

// maxBatchBytes bounds a batch: ReadBatch stops after the record that takes
// it past this size, whatever maxBytes says, so that the offsets of its
// records (at most this much) and the field counts fit in an int32.
const maxBatchBytes = 1 << 30

// maxBatchOffset bounds the end of the last record of a batch: ReadBatch
// leaves a record that would end past it for the next batch (where it starts
// at offset 0, and ends by MaxRecordBytes, at most maxRecordLimit), so that
// the field offsets, which are from the start of Batch.data, fit in an int32.
// Batch.side, which holds parts of the records' bytes, is never longer than
// Batch.data.
const maxBatchOffset = math.MaxInt32

// span locates a field value: start and end are offsets in Batch.data, or,
// when start is negative, ^start and end are offsets in Batch.side. (Offsets
// from the batch rather than the record keep Batch.Field small enough to be
// inlined.)
type span struct {
	start, end int32
}

// reset empties b, keeping its memory.
func (b *Batch) reset() {
	b.data = b.data[:0]
	b.side = b.side[:0]
	b.recs = b.recs[:0]
	b.fields = b.fields[:0]
	b.tags = b.tags[:0]
	// Take the cache lines of the record and field arrays for writing in
	// one sweep: written one by one as records are parsed, lines that
	// another core has read since (the workers, the writer) stall the reader.
	clear(b.recs[:cap(b.recs)])
	clear(b.fields[:cap(b.fields)])
}

// Len returns the number of records.
func (b *Batch) Len() int { return len(b.recs) }

// Raw returns record i exactly as read, including its line terminator (if any).
func (b *Batch) Raw(i int) []byte {
	rc := &b.recs[i]
	s := int(rc.start)
	e := s + int(rc.n)
	return b.data[s:e:e]
}

// Adjacent reports whether record i starts right where record i-1 ends (no
// blank line between them); false for i == 0.
func (b *Batch) Adjacent(i int) bool {
	if i <= 0 {
		return false
	}
	p := &b.recs[i-1]
	return p.start+p.n == b.recs[i].start
}

// RawRun returns records i to j-1 (i < j) exactly as read, as one slice: the
// concatenation of Raw(i) ... Raw(j-1) when each of records i+1 to j-1 is
// Adjacent, which the caller must have checked.
func (b *Batch) RawRun(i, j int) []byte {
	s := int(b.recs[i].start)
	l := &b.recs[j-1]
	e := int(l.start) + int(l.n)
	return b.data[s:e:e]
}

// Content returns record i as read, without its final line terminator.
func (b *Batch) Content(i int) []byte {
	rc := &b.recs[i]
	s := int(rc.start)
	e := s + int(rc.clen)
	return b.data[s:e:e]
}

// Line returns the 1-based line number where record i starts.
//
// Lines are counted by line break (LF, or CR in CR mode), including blank
// lines and the lines inside multi-line quoted fields.
func (b *Batch) Line(i int) int { return b.line0 + int(b.recs[i].line) }

// NumFields returns the number of fields of record i.
func (b *Batch) NumFields(i int) int { return int(b.recs[i].nfields) }

// Field returns field j of record i, unquoted ("" doubled quotes made single).
//
// See the package documentation for how malformed quoting is read.
func (b *Batch) Field(i, j int) []byte {
	// Small enough to be inlined (go build -gcflags=-m says so): consumers
	// call it once per field.
	rc := &b.recs[i]
	if uint(j) >= uint(rc.nfields) {
		panic(fieldIndexError{j, int(rc.nfields)})
	}
	f := b.fields[int(rc.field0)+j]
	buf := b.data
	if f.start < 0 {
		buf, f.start = b.side, ^f.start
	}
	return buf[f.start:f.end:f.end]
}

// fieldIndexError is the panic value of Batch.Field for a field out of range.
// (A value built out of line: formatting the message in Field would stop it
// from being inlined.)
type fieldIndexError struct{ j, n int }

func (e fieldIndexError) Error() string {
	return fmt.Sprintf("csvsplit: field %d out of range [0:%d]", e.j, e.n)
}

// Sniff guesses the delimiter from the first lines of a file: the candidate
// among ';' ',' '\t' '|' that splits the lines (outside quotes) most consistently
// into more than one field. It returns ',' when nothing fits better.
//
// Only the complete lines of sample are used (the text after its last line
// break is ignored, unless sample holds none). For each candidate, the records
// are split as a Reader would (with the LineBreak SniffLineBreak finds for
// that candidate), blank lines skipped; the candidate's score is
// the share of records having its most frequent field count, or zero when
// that count is 1. The highest score wins; ties go to the first of ';' ','
// '\t' '|'.
func Sniff(sample []byte) byte { return sniff(sample) }

// Encoding is a text encoding listscrub reads.
type Encoding uint8

// Encodings.
const (
	UTF8        Encoding = iota // UTF-8, with or without a BOM
	Windows1252                 // Windows-1252 (the "ANSI" code page of Western-European Excel)
)

// String returns "utf-8" or "windows-1252".
func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "utf-8"
	case Windows1252:
		return "windows-1252"
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// DetectEncoding returns DetectEncodingDetail(sample).Encoding.
func DetectEncoding(sample []byte) Encoding { return detectEncoding(sample).Encoding }

// EncodingGuess is what DetectEncodingDetail finds in a sample.
type EncodingGuess struct {
	Encoding Encoding
	// Invalid counts the bytes of a sample read as UTF-8 that are not
	// valid UTF-8 (0 when it is valid, and for Windows1252); FirstInvalid
	// is the offset of the first of them, or -1.
	Invalid      int
	FirstInvalid int
	// MixedHeader is set, with Windows1252, when the first line holds both
	// valid UTF-8 multi-byte sequences and bytes that are not UTF-8 (a
	// header pasted together from two exports): its names are then read
	// each on its own (DecodeName), not all as Windows-1252.
	MixedHeader bool
}

// DetectEncodingDetail decides the encoding of a file from a sample of its
// start, taken whole: UTF8 when the sample starts with a UTF-8 BOM or is
// valid UTF-8 (a multi-byte sequence cut by the end of the sample is
// allowed); also UTF8 when its first line (the header) is valid UTF-8 and
// only a few bytes after it are not (no more than the valid multi-byte
// sequences, of which there is at least one), with those bytes counted in
// Invalid so that the caller can say so; else Windows1252, whose text is
// hardly ever valid UTF-8 (é is the lone byte E9 there).
func DetectEncodingDetail(sample []byte) EncodingGuess { return detectEncoding(sample) }

// DecodeName returns a header cell read on its own: as UTF-8 when it is
// valid UTF-8, else as Windows-1252. It is how the names of a header that
// mixes the two are read (EncodingGuess.MixedHeader), and of every list's
// header: a name decides a column, and one bad byte in another name must
// not change how it reads (Tél, not TÃ©l).
func DecodeName(b []byte) string { return decodeName(b) }

// DecodeString returns b (in encoding e) as a UTF-8 string.
//
// Windows-1252 bytes are mapped with golang.org/x/text's charmap.Windows1252.
// UTF-8 input is returned unchanged (invalid bytes included).
func DecodeString(e Encoding, b []byte) string { return decodeString(e, b) }

// AppendDecoded appends b (in encoding e) to dst as UTF-8, as DecodeString
// decodes it, without allocating beyond dst's growth.
func AppendDecoded(dst []byte, e Encoding, b []byte) []byte { return appendDecoded(dst, e, b) }
