package scrub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/workbook"
)

// A workbook input is read by the same pipeline as a CSV one: bookSource
// turns the chosen sheet's rows into csvsplit Batches, each record's
// fields the row's cell values (tagged with their workbook.Kind) and its
// Raw bytes their CSV form (bookComma, CRLF) that CSV outputs copy.

// bookComma is the delimiter of CSV outputs of a workbook: Excel's in
// French and most European locales, where ',' is the decimal separator.
const bookComma = ';'

// rowReader is where the pipeline reads its rows from: a csvsplit.Reader,
// or a bookSource.
type rowReader interface {
	ReadBatch(b *csvsplit.Batch, maxRows, maxBytes int) error
	BlankLines() int
}

// isBook reports whether the input is a workbook (by its first bytes,
// whatever its name), which is then read with workbook rather than as text.
func (in *input) isBook() bool {
	head, _ := in.text.Peek(8)
	return in.gz == nil && workbook.IsWorkbook(head)
}

// bookSource reads a sheet's rows into Batches.
type bookSource struct {
	rows  *workbook.Rows
	sheet string
	name  string // the file's name, for messages
	width int    // short rows are padded with empty cells to this width
	held  *workbook.Row
	warn  string // said in the stats' warnings ("" for none): the sheet read is hidden
	tags  []byte
	vals  [][]byte
	err   error
}

// openBook opens the workbook input and the sheet to read: o.Sheet, or the
// first (visible ones first: sheetOrder) whose first row names a phone
// column as o.Columns or the column vocabulary finds it (with NoHeader, the
// first sheet with a row).
func openBook(ctx context.Context, in *input, o Options) (*bookSource, error) {
	if o.Delimiter != 0 {
		return nil, usageErrorf("--delimiter: %s is a workbook, not delimited text", in.name)
	}
	switch o.Encoding {
	case "", "auto":
	default:
		return nil, usageErrorf("--encoding: %s is a workbook, whose text is Unicode", in.name)
	}
	ra, size, err := in.readerAt()
	if err != nil {
		return nil, err
	}
	book, err := workbook.Open(ctx, ra, size, in.name, workbook.Limits{})
	if err != nil {
		return nil, err
	}
	if o.Sheet != "" {
		i, err := book.Find(o.Sheet)
		if err != nil {
			return nil, err
		}
		s, err := startSheet(ctx, book, i, in.name)
		if err == nil && book.Hidden(i) {
			s.warn = fmt.Sprintf("%s: sheet %q, which --sheet %s names, is hidden in the workbook", in.name, s.sheet, o.Sheet)
		}
		return s, err
	}
	var tried []string
	for _, i := range sheetOrder(book) {
		name := book.Sheets()[i]
		s, err := startSheet(ctx, book, i, in.name)
		if err != nil {
			return nil, err
		}
		if s.held != nil && sheetFits(s.held, o) {
			if book.Hidden(i) {
				s.warn = fmt.Sprintf("%s: sheet %q, read as the first with a phone column, is hidden in the workbook", in.name, name)
			}
			return s, nil
		}
		s.rows.Close()
		tried = append(tried, fmt.Sprintf("%q", name))
	}
	if len(tried) == 0 {
		return nil, fmt.Errorf("%s: the workbook has no worksheet", in.name)
	}
	return nil, fmt.Errorf("%s: no sheet has a phone column in its first row (sheets %s): choose one with --sheet NAME or --sheet N, and its column with --column",
		in.name, strings.Join(tried, ", "))
}

// sheetOrder returns the sheets in the order they are tried without
// --sheet: the visible ones first, in the workbook's order, then the
// hidden ones, which a user who chose the file did not see.
func sheetOrder(book *workbook.Book) []int {
	var visible, hidden []int
	for i := range book.Sheets() {
		if book.Hidden(i) {
			hidden = append(hidden, i)
		} else {
			visible = append(visible, i)
		}
	}
	return append(visible, hidden...)
}

// startSheet starts reading sheet i and reads its first row (held for
// ReadBatch), to see its header.
func startSheet(ctx context.Context, book *workbook.Book, i int, name string) (*bookSource, error) {
	rows, err := book.Rows(ctx, i)
	if err != nil {
		return nil, err
	}
	s := &bookSource{rows: rows, sheet: book.Sheets()[i], name: name}
	switch row, err := rows.Next(); {
	case err == io.EOF:
	case err != nil:
		rows.Close()
		return nil, err
	default:
		s.held = row
	}
	return s, nil
}

// sheetFits reports whether a sheet whose first row is first is the one to
// scrub when no --sheet is given.
func sheetFits(first *workbook.Row, o Options) bool {
	if o.NoHeader {
		return true
	}
	names := make([]string, len(first.Values))
	for j, v := range first.Values {
		names[j] = string(v)
	}
	_, err := resolveColumns(o.Columns, names, len(names))
	var ue *UsageError
	return err == nil || errors.As(err, &ue)
}

// ReadBatch fills b with the sheet's next rows, as csvsplit.Reader does
// with CSV records: at least one row, or io.EOF at the end, or the error
// that stopped the sheet (after the rows read before it).
func (s *bookSource) ReadBatch(b *csvsplit.Batch, maxRows, maxBytes int) error {
	b.Reset()
	if s.err != nil {
		return s.err
	}
	size := 0
	for (maxRows <= 0 || b.Len() < maxRows) && (maxBytes <= 0 || size < maxBytes) {
		row := s.held
		if row == nil {
			r, err := s.rows.Next()
			if err != nil {
				s.err = err
				break
			}
			row = r
		}
		s.held = nil
		vals, tags := s.cells(row)
		if !b.AppendRecord(bookComma, row.Num, vals, tags) {
			if b.Len() == 0 {
				s.err = fmt.Errorf("%s: sheet %q row %d: the row is too large", s.name, s.sheet, row.Num)
				break
			}
			s.held = row // Next is not called again before it is used
			break
		}
		for _, v := range vals {
			size += len(v) + 1
		}
	}
	if b.Len() > 0 {
		return nil
	}
	return s.err
}

// cells returns row's values and kinds, padded with empty cells to the
// header's width: a row ends at its last cell with a value, and the cells
// after it are columns like the others, never missing fields.
func (s *bookSource) cells(row *workbook.Row) ([][]byte, []byte) {
	s.vals = append(s.vals[:0], row.Values...)
	s.tags = s.tags[:0]
	for _, k := range row.Kinds {
		s.tags = append(s.tags, byte(k))
	}
	for len(s.vals) < s.width {
		s.vals = append(s.vals, nil)
		s.tags = append(s.tags, byte(workbook.Empty))
	}
	return s.vals, s.tags
}

// BlankLines returns the sheet's empty rows skipped so far.
func (s *bookSource) BlankLines() int { return s.rows.EmptyRows() }

// Close releases the sheet.
func (s *bookSource) Close() error { return s.rows.Close() }

// readerAt returns the input as random-access bytes: the file itself when
// it is a regular file opened by path, else (standard input, a named pipe)
// its bytes read into memory (workbook.ReadStream). Its bytes as stored are
// counted and hashed as a text input's are (finish): a file's on a
// goroutine of their own while the workbook is read.
func (in *input) readerAt() (io.ReaderAt, int64, error) {
	if in.file != nil && in.at != nil {
		in.drain = make(chan error, 1)
		go func() {
			_, err := io.Copy(io.Discard, in.count)
			in.drain <- err
		}()
		return in.file, in.want, nil
	}
	return workbook.ReadStream(in.text, in.name)
}
