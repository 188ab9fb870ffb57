package registry

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/workbook"
)

// A list given as a workbook is read as the text of one of its sheets:
// bookText writes the sheet's rows as lines of bookComma-separated fields,
// one line per row number (an empty row is an empty line), so that every
// format, header rule and message of text lists applies, with line numbers
// that are the sheet's row numbers.

// bookComma separates the fields of a sheet's rows in bookText.
const bookComma = ';'

// bookText returns the text of the workbook source hf: the one sheet that
// holds the list (pickSheet).
func bookText(ctx context.Context, hf *hashingFile, path string, opts LoadOptions) (*sheetText, error) {
	var ra io.ReaderAt = hf.f
	size := hf.size
	if !hf.regular {
		var err error
		if ra, size, err = workbook.ReadStream(hf.br, path); err != nil {
			return nil, fmt.Errorf("registry %w", err)
		}
	}
	book, err := workbook.Open(ctx, ra, size, path, workbook.Limits{})
	if err != nil {
		return nil, fmt.Errorf("registry %w", err)
	}
	rows, first, sheet, err := pickSheet(ctx, book, path, opts.role(), opts.Normalizer)
	if err != nil {
		return nil, err
	}
	return &sheetText{rows: rows, held: first, line: 1, sheet: sheet}, nil
}

// pickSheet returns the sheet that holds the list, its first row and its
// name: the only sheet whose first row names a phone column (as a list of
// role reads it), else the only sheet with rows. Two candidates are
// refused: which one was meant is not for listscrub to guess. The other
// sheets must hold nothing that looks like a phone number (numbersIn):
// they are read through to make sure. A block list is read in full or not
// at all (a list continued on a second sheet past 1,048,576 rows, without
// a header, must not lose its second half), and an allow or consent list
// must not be read from the wrong one of two sheets of numbers (the
// consents beside the refusals, a title row over the right one's header).
func pickSheet(ctx context.Context, book *workbook.Book, path string, role colname.Role, norm *normalize.Normalizer) (*workbook.Rows, *workbook.Row, string, error) {
	type sheet struct {
		i     int
		rows  *workbook.Rows
		first *workbook.Row
	}
	var named, filled []sheet
	closeAll := func() {
		for _, s := range filled {
			s.rows.Close()
		}
	}
	for i := range book.Sheets() {
		rows, err := book.Rows(ctx, i)
		if err != nil {
			closeAll()
			return nil, nil, "", fmt.Errorf("registry %w", err)
		}
		first, err := rows.Next()
		if err == io.EOF {
			rows.Close()
			continue
		}
		if err != nil {
			rows.Close()
			closeAll()
			return nil, nil, "", fmt.Errorf("registry %w", err)
		}
		s := sheet{i, rows, first}
		filled = append(filled, s)
		for _, v := range first.Values {
			if role.Reads(string(v)) {
				named = append(named, s)
				break
			}
		}
	}
	pick := named
	if len(pick) == 0 {
		pick = filled
	}
	if len(pick) == 0 {
		return nil, nil, "", fmt.Errorf("registry %s: the workbook has no sheet with a row in it", path)
	}
	if len(pick) > 1 {
		closeAll()
		names := make([]string, len(pick))
		for k, s := range pick {
			names[k] = fmt.Sprintf("%q", book.Sheets()[s.i])
		}
		return nil, nil, "", fmt.Errorf("registry %s: sheets %s all hold a list: a list is read from one sheet; save each as a workbook (or CSV) of its own and give them as separate sources",
			path, strings.Join(names, ", "))
	}
	var err error
	for _, s := range filled {
		if s.i == pick[0].i {
			continue
		}
		if err == nil {
			if row, e := numbersIn(s.rows, s.first, norm); e != nil {
				err = fmt.Errorf("registry %w", e)
			} else if row > 0 {
				err = fmt.Errorf("registry %s: sheet %q row %d holds what looks like a phone number, beside the list in sheet %q: a list is read from one sheet, and in full; save each sheet as a workbook (or CSV) of its own and give them as separate sources",
					path, book.Sheets()[s.i], row, book.Sheets()[pick[0].i])
			}
		}
		s.rows.Close()
	}
	if err != nil {
		pick[0].rows.Close()
		return nil, nil, "", err
	}
	return pick[0].rows, pick[0].first, book.Sheets()[pick[0].i], nil
}

// numbersIn reads a sheet through (first its first row) and returns the
// number of the first row holding a cell that looks like a phone number,
// or 0: a valid number for norm, a run of at least minDigits ASCII digits
// (a number of another country), or a formula never calculated (unknown).
// Dates, booleans and errors are not numbers.
func numbersIn(rows *workbook.Rows, first *workbook.Row, norm *normalize.Normalizer) (int, error) {
	for row := first; ; {
		for j, v := range row.Values {
			switch row.Kinds[j] {
			case workbook.Date, workbook.Bool, workbook.Error, workbook.Empty:
				continue
			case workbook.Formula:
				return row.Num, nil
			}
			if norm.Normalize(v).Valid() || digitRun(v) >= minDigits {
				return row.Num, nil
			}
		}
		var err error
		if row, err = rows.Next(); err == io.EOF {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
	}
}

// digitRun returns how many ASCII digits v holds.
func digitRun(v []byte) int {
	n := 0
	for _, c := range v {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// minDigits is how many digits make a cell look like a phone number to
// numbersIn whatever its country: 7, Iceland's national numbers.
const minDigits = 7

// sheetText reads a sheet's rows as text lines (bookText).
type sheetText struct {
	sheet string // the sheet read, for messages
	rows  *workbook.Rows
	held  *workbook.Row // the first row, read by pickSheet
	line  int           // the row number of the next line to write
	buf   []byte        // text not yet read
	off   int
	err   error
}

// Read fills p with the next lines.
func (t *sheetText) Read(p []byte) (int, error) {
	for t.off == len(t.buf) {
		if t.err != nil {
			return 0, t.err
		}
		t.buf, t.off = t.buf[:0], 0
		for len(t.buf) < 64<<10 && t.err == nil {
			row := t.held
			t.held = nil
			if row == nil {
				r, err := t.rows.Next()
				if err != nil {
					t.err = err
					t.rows.Close()
					break
				}
				row = r
			}
			if slices.Contains(row.Kinds, workbook.Formula) {
				// Its number is unknown: a block list would miss it, an
				// exempt list exempt who knows what.
				// The reader names the file and the line it is at: the
				// empty lines of the rows missing before this one are
				// read first, so that the line is this row's number.
				t.gapTo(row.Num)
				t.err = fmt.Errorf("sheet %q: a formula with no calculated value (the file was written by a program and never opened in Excel): open it in Excel or LibreOffice and save it, so that its values are known",
					t.sheet)
				t.rows.Close()
				break
			}
			t.appendRow(row)
		}
	}
	n := copy(p, t.buf[t.off:])
	t.off += n
	return n, nil
}

// appendRow appends row as a line, after an empty line for each row number
// missing before it.
func (t *sheetText) appendRow(row *workbook.Row) {
	t.gapTo(row.Num)
	for j, v := range row.Values {
		if j > 0 {
			t.buf = append(t.buf, bookComma)
		}
		t.buf = csvsplit.AppendFieldBytes(t.buf, v, bookComma)
	}
	t.buf = append(t.buf, '\n')
	t.line = row.Num + 1
}

// gapTo appends an empty line for each row number missing before row num.
func (t *sheetText) gapTo(num int) {
	for ; t.line < num; t.line++ {
		t.buf = append(t.buf, '\n')
	}
}

// isBook reports whether the source read by br is a workbook.
func isBook(br *bufio.Reader) bool {
	head, _ := br.Peek(8)
	return workbook.IsWorkbook(head)
}
