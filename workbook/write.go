package workbook

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// Errors of the Writer; its errors match them with errors.Is. Their
// messages name the cell (C12), never its value: the values are phone
// numbers.
var (
	ErrSheetName      = errors.New("not a sheet name Excel accepts (1 to 31 characters, none of : \\ / ? * [ ], not starting or ending with ', not History)")
	ErrTooManyRows    = errors.New("more rows than an Excel sheet holds (1,048,576)")
	ErrTooManyColumns = errors.New("a value past the last column of an Excel sheet (XFD, column 16,384)")
	ErrTextTooLong    = errors.New("a text longer than an Excel cell holds (32,767 characters)")
	ErrInvalidUTF8    = errors.New("a text that is not valid UTF-8")
	ErrNotNumber      = errors.New("a number cell whose value is not a finite decimal number")
	ErrNotBool        = errors.New("a boolean cell whose value is not TRUE, FALSE, 1 or 0")
	ErrEmptyValue     = errors.New("a cell of kind empty holding a value")
	ErrKinds          = errors.New("not one kind per value")
	errClosed         = errors.New("workbook: write after Close")
)

// writeChunk is how much sheet XML the Writer gathers before handing it to
// the compressor: large enough that the per-write costs vanish, small
// enough to stay in the cache.
const writeChunk = 64 << 10

// zipTime is every part's modification time: a fixed one, so that the same
// rows give the same bytes (receipts hash outputs).
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// NewWriter returns a Writer of a workbook whose one sheet is named sheet,
// written to w as rows come (the fixed parts, then the sheet's rows, then,
// at Close, the end of the sheet and the zip's directory). A sheet name
// Excel refuses makes every call return an error matching ErrSheetName.
func NewWriter(w io.Writer, sheet string) *Writer {
	wr := &Writer{out: w, sheet: sheet, buf: make([]byte, 0, writeChunk+4096)}
	if !validSheetName(sheet) {
		wr.err = fmt.Errorf("workbook: sheet name: %w", ErrSheetName)
	}
	return wr
}

// validSheetName reports whether Excel accepts name as a sheet's name.
func validSheetName(name string) bool {
	if !utf8.ValidString(name) || name == "" || name[0] == '\'' || name[len(name)-1] == '\'' {
		return false
	}
	if len(name) == len("History") && equalFoldASCII(name, "History") {
		return false
	}
	n := 0
	for _, r := range name {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			return false
		}
		if !xmlChar(r) || r < ' ' {
			return false
		}
		n += utf16Len(r)
	}
	return n <= MaxSheetLen
}

// equalFoldASCII reports whether a and b are equal, ASCII letters' case
// ignored.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// start writes the parts before the sheet and opens the sheet's entry.
func (w *Writer) start() error {
	w.zw = zip.NewWriter(w.out)
	w.zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	for _, p := range fixedParts(w.sheet) {
		e, err := w.create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(e, p.body); err != nil {
			return fmt.Errorf("workbook: write %s: %w", p.name, err)
		}
	}
	e, err := w.create(sheetPart)
	if err != nil {
		return err
	}
	w.entry = e
	w.buf = append(w.buf, sheetHead...)
	return nil
}

// create opens the next part of the zip.
func (w *Writer) create(name string) (io.Writer, error) {
	e, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
	if err != nil {
		return nil, fmt.Errorf("workbook: write %s: %w", name, err)
	}
	return e, nil
}

// fail records err as the Writer's error and returns it.
func (w *Writer) fail(err error) error {
	w.err = err
	return err
}

// WriteRow writes the next row (the first is row 1): values[j] of kind
// kinds[j] in column j; kinds nil means every value is Text. Empty cells
// (kind Empty, or an empty text) are not written, nor are empty cells past
// the last column.
//
// Text is written as an inline string, exactly: a reader gets back the
// bytes given (see appendText for the characters XML cannot hold). A
// Number is written as given, once checked to be a finite decimal number. A
// Date (ISO 8601 text: 2026-12-01, 2026-12-01T14:30:00, with .250 for
// milliseconds, or 14:30:00) becomes an Excel date serial with a date
// format; a date that is not one of these, or before 1900-01-01, is written
// as text, the value kept. A Bool is TRUE or FALSE (or 1, 0). An Error is
// one of Excel's error values (#N/A, #DIV/0!, ...); another text is
// written as text.
//
// An error (a limit of Excel's passed, a value not of its kind, a failed
// write) is the Writer's last: every later call returns it.
func (w *Writer) WriteRow(values [][]byte, kinds []Kind) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	if kinds != nil && len(kinds) != len(values) {
		return w.fail(fmt.Errorf("workbook: row %d: %d values, %d kinds: %w", w.row+1, len(values), len(kinds), ErrKinds))
	}
	if w.row >= MaxRows {
		return w.fail(fmt.Errorf("workbook: row %d: %w", w.row+1, ErrTooManyRows))
	}
	if w.zw == nil {
		if err := w.start(); err != nil {
			return w.fail(err)
		}
	}
	w.row++
	w.rowNum = strconv.AppendInt(w.rowNum[:0], int64(w.row), 10)
	mark := len(w.buf)
	w.buf = append(w.buf, `<row r="`...)
	w.buf = append(w.buf, w.rowNum...)
	w.buf = append(w.buf, `">`...)
	for j, v := range values {
		k := Text
		if kinds != nil {
			k = kinds[j]
		}
		if len(v) == 0 {
			continue
		}
		if j >= MaxColumns {
			w.buf = w.buf[:mark]
			return w.fail(fmt.Errorf("workbook: row %d: %w", w.row, ErrTooManyColumns))
		}
		var err error
		w.buf, err = w.appendCell(w.buf, j, v, k)
		if err != nil {
			w.buf = w.buf[:mark]
			var ref [8]byte
			return w.fail(fmt.Errorf("workbook: cell %s: %w", appendRef(ref[:0], j, w.rowNum), err))
		}
	}
	w.buf = append(w.buf, `</row>`...)
	if len(w.buf) >= writeChunk {
		return w.flush()
	}
	return nil
}

// flush hands the gathered XML to the sheet's entry.
func (w *Writer) flush() error {
	if _, err := w.entry.Write(w.buf); err != nil {
		return w.fail(fmt.Errorf("workbook: write %s: %w", sheetPart, err))
	}
	w.buf = w.buf[:0]
	return nil
}

// Close ends the sheet and the workbook (a workbook without rows has an
// empty sheet). It does not close the underlying writer. Closing again
// returns nil, or the error of the first Close.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	if w.zw == nil {
		if err := w.start(); err != nil {
			return w.fail(err)
		}
	}
	w.buf = append(w.buf, sheetTail...)
	if err := w.flush(); err != nil {
		return err
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(fmt.Errorf("workbook: finish the zip: %w", err))
	}
	w.closed = true
	return nil
}
