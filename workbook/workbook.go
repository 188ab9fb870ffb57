// Package workbook reads and writes Office Open XML workbooks (.xlsx,
// .xlsm): the prospect files, lists and outputs listscrub takes as
// spreadsheets.
//
// Reading streams one worksheet's XML straight out of the zip archive, row
// by row, in bounded memory whatever the number of rows (the shared
// strings, which every row may refer to, are held in one arena). Every cell
// comes with its value as text and its Kind. A sheet is read in full or the
// read fails: a damaged zip entry (a bad checksum, a short stream), XML cut
// short or malformed, and a part bigger than Limits allow are errors, never
// a shorter sheet.
//
// Writing streams one sheet of rows into a new workbook, cell kinds kept.
package workbook

import (
	"archive/zip"
	"errors"
	"io"
)

// Kind is the kind of a cell's value.
type Kind uint8

// Cell kinds. A formula cell is read as its cached value, of that value's
// kind, or as Formula when it has none.
const (
	Empty  Kind = iota // no value (a missing cell, or an empty string)
	Text               // a shared or inline string, a formula's string result
	Number             // a number, as its exact decimal text: 612345678, never 6.12345678E+08
	Date               // a number formatted as a date or time, as ISO 8601 text: 2026-12-01, 2026-12-01T14:30:00 (.250 when there are milliseconds)
	Bool               // TRUE or FALSE
	Error              // an error value, as its text: #N/A, #DIV/0!
	// Formula is a formula cell with no cached value (a file written by a
	// program and never calculated), as "=" and its formula text: its
	// value is unknown, so a number it would make cannot be checked.
	// Writers write it as text.
	Formula
)

// String returns the kind's name: empty, text, number, date, bool or error.
func (k Kind) String() string {
	switch k {
	case Empty:
		return "empty"
	case Text:
		return "text"
	case Number:
		return "number"
	case Date:
		return "date"
	case Bool:
		return "bool"
	case Error:
		return "error"
	case Formula:
		return "formula"
	}
	return "Kind(?)"
}

// Excel's limits of a worksheet. A workbook past them is one Excel refuses
// to open or opens cut short: the Writer fails instead (fail closed: no
// output rather than one missing rows), and the reader refuses a sheet
// with a row or column past them.
const (
	MaxRows     = 1 << 20 // rows of a sheet: 1,048,576
	MaxColumns  = 1 << 14 // columns of a sheet: 16,384 (A to XFD)
	MaxTextLen  = 32767   // characters (UTF-16 code units) of one cell's text
	MaxSheetLen = 31      // characters of a sheet's name
)

// Limits bound what reading a workbook may decompress: a zip bomb (a small
// file that inflates to gigabytes) fails with ErrTooLarge before it is
// inflated past them. The sizes are those of the parts' XML, decompressed.
type Limits struct {
	MaxSheetBytes   int64 // one worksheet (streamed: bounds time, not memory); 0 means DefaultMaxSheetBytes
	MaxStringsBytes int64 // the shared strings (held in memory); 0 means DefaultMaxStringsBytes
	MaxPartBytes    int64 // any other part read (workbook, styles, relationships); 0 means DefaultMaxPartBytes
}

// Default limits: a full sheet of 1,048,576 rows of 20 columns is about
// 700 MiB of XML.
const (
	DefaultMaxSheetBytes   = 4 << 30
	DefaultMaxStringsBytes = 1 << 30
	DefaultMaxPartBytes    = 64 << 20
)

// Errors of files that are not workbooks listscrub reads; Open's errors
// match them with errors.Is, and their messages say what to do instead.
var (
	ErrEncrypted   = errors.New("the workbook is password-protected (encrypted): remove the password in Excel (File > Info > Protect Workbook > Encrypt with Password, clear it) and save it again")
	ErrLegacyExcel = errors.New("an Excel 97-2003 workbook (.xls): open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook) or CSV")
	ErrOpenDoc     = errors.New("an OpenDocument spreadsheet (.ods): save it as .xlsx (Excel 2007-365) or CSV")
	ErrBinaryExcel = errors.New("an Excel binary workbook (.xlsb): save it as .xlsx (Excel Workbook) or CSV")
	ErrNotWorkbook = errors.New("not an Excel workbook (a zip archive without a spreadsheet in it)")
	ErrTooLarge    = errors.New("too large once decompressed")
)

// Row is one row of a sheet that holds at least one value.
type Row struct {
	Num int // the sheet's row number, 1-based
	// Values and Kinds have one entry per column, from column A to the
	// row's last cell with a value; a cell without one is empty with Kind
	// Empty. Text is UTF-8. Both are valid until the next call of Next.
	Values [][]byte
	Kinds  []Kind
}

// Writer writes one sheet of rows as a new workbook, streamed: each row is
// encoded as it comes, straight into the zip entry of the sheet, in memory
// bounded by the largest row (no temporary file, no copy of the sheet). Its
// methods are in write.go; the cells' encoding in write_cell.go.
type Writer struct {
	out    io.Writer
	sheet  string      // the sheet's name, validated by NewWriter
	zw     *zip.Writer // nil until the first call writes the fixed parts
	entry  io.Writer   // the worksheet's zip entry
	buf    []byte      // XML waiting for entry, flushed past writeChunk
	row    int         // rows written
	rowNum []byte      // the current row's number, in decimal
	err    error       // sticky: every call after an error returns it
	closed bool
}
