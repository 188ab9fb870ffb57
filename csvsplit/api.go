// Package csvsplit splits delimited text (CSV as Excel and databases export
// it) into records and fields without copying or re-encoding the record bytes,
// so that a record can be written back out exactly as it was read.
package csvsplit

import (
	"fmt"
	"io"
)

// ParseError is a syntax error in the input, located like encoding/csv's.
type ParseError struct {
	Name      string // file name given in Options, for messages
	StartLine int    // line where the record starts (1-based)
	Line      int    // line where the error occurred
	Column    int    // 1-based byte column where the error occurred
	Err       error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %v", e.Name, e.Line, e.Column, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Options configure a Reader.
type Options struct {
	Name           string // file name used in errors
	Comma          byte   // field delimiter: ';', ',', '\t' or '|'
	MaxRecordBytes int    // largest record accepted; 0 means DefaultMaxRecordBytes
}

// DefaultMaxRecordBytes bounds the memory one record may take.
const DefaultMaxRecordBytes = 64 << 20

// Reader reads records from a stream.
type Reader struct{}

// NewReader returns a Reader of r.
func NewReader(r io.Reader, opts Options) *Reader { panic("unimplemented") }

// ReadBatch resets b and fills it with up to maxRows records, stopping after the
// record that takes b past maxBytes bytes. It returns io.EOF (with b.Len()==0)
// when the input is exhausted, or a *ParseError.
func (r *Reader) ReadBatch(b *Batch, maxRows, maxBytes int) error { panic("unimplemented") }

// BlankLines returns how many empty lines were skipped so far.
func (r *Reader) BlankLines() int { panic("unimplemented") }

// Batch holds records read by ReadBatch. Its slices stay valid until the next
// ReadBatch into the same Batch. The zero Batch is ready to use.
type Batch struct{}

// Len returns the number of records.
func (b *Batch) Len() int { panic("unimplemented") }

// Raw returns record i exactly as read, including its line terminator (if any).
func (b *Batch) Raw(i int) []byte { panic("unimplemented") }

// Content returns record i as read, without its final line terminator.
func (b *Batch) Content(i int) []byte { panic("unimplemented") }

// Line returns the 1-based line number where record i starts.
func (b *Batch) Line(i int) int { panic("unimplemented") }

// NumFields returns the number of fields of record i.
func (b *Batch) NumFields(i int) int { panic("unimplemented") }

// Field returns field j of record i, unquoted ("" doubled quotes made single).
func (b *Batch) Field(i, j int) []byte { panic("unimplemented") }

// Sniff guesses the delimiter from the first lines of a file: the candidate
// among ';' ',' '\t' '|' that splits the lines (outside quotes) most consistently
// into more than one field. It returns ',' when nothing fits better.
func Sniff(sample []byte) byte { panic("unimplemented") }

// Encoding is a text encoding listscrub reads.
type Encoding uint8

// Encodings.
const (
	UTF8 Encoding = iota
	Windows1252
)

// DetectEncoding returns UTF8 if sample starts with a UTF-8 BOM or is valid
// UTF-8 (a multi-byte sequence cut at the end of the sample is allowed), else Windows1252.
func DetectEncoding(sample []byte) Encoding { panic("unimplemented") }

// DecodeString returns b (in encoding e) as a UTF-8 string.
func DecodeString(e Encoding, b []byte) string { panic("unimplemented") }
