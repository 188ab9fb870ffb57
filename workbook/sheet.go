package workbook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// maxRowBytes bounds the values of one row, in memory (Excel's own bound
// is 32,767 characters a cell).
const maxRowBytes = 16 << 20

var errRowTooLong = fmt.Errorf("a row of more than %d MiB of values", maxRowBytes>>20)

// ctxEvery is how many row elements Next reads between two looks at its
// context.
const ctxEvery = 256

// Rows reads a sheet's rows in order.
type Rows struct {
	ctx   context.Context
	b     *Book
	sheet *sheetInfo
	part  *limitedPart
	ahead *readAhead
	x     *xmlReader

	state   rowsState
	prev    int // the number of the last row element read
	empty   int
	tick    int
	merged  bool // the merges were applied to the first row returned
	err     error
	row     Row
	vbuf    []byte // the values of the row being read
	cells   []cellSpan
	raw     []byte // a cell's <v> or <is> text, as read
	formula []byte // a cell's <f> text, as read
	errCell string
}

type rowsState uint8

const (
	beforeData rowsState = iota
	inData
	afterData
	done
)

// cellSpan is where in vbuf a cell's value is.
type cellSpan struct {
	off, end int32
	kind     Kind
}

// Rows starts reading sheet i (an index in Sheets).
func (b *Book) Rows(ctx context.Context, i int) (*Rows, error) {
	if i < 0 || i >= len(b.sheets) {
		return nil, fmt.Errorf("%s: no sheet %d (the workbook has %d): %w", b.name, i+1, len(b.sheets), ErrNoSheet)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &b.sheets[i]
	p, err := b.openPart(s.file, b.lim.MaxSheetBytes)
	if err != nil {
		return nil, &ReadError{File: b.name, Sheet: s.name, Err: err}
	}
	ra := newReadAhead(p)
	return &Rows{ctx: ctx, b: b, sheet: s, part: p, ahead: ra, x: newXMLReader(ra)}, nil
}

// Next returns the next row that holds a value, or io.EOF after the last
// one, once the whole sheet has been read intact. Rows without a value are
// skipped (EmptyRows counts them).
//
// The first row returned (the sheet's header, in a file with one) has the
// value of each cell merged across several columns repeated in every column
// of the merge, so that a title such as "Téléphones" over two columns names
// both.
func (r *Rows) Next() (*Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	row, err := r.next()
	if err != nil {
		if err != io.EOF {
			err = r.wrap(err)
		}
		r.err = err
		return nil, err
	}
	if !r.merged {
		r.merged = true
		if err := r.applyMerges(); err != nil {
			// The pass reads the whole entry: its error is the sheet's, not
			// the first row's.
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				err = &ReadError{File: r.b.name, Sheet: r.sheet.name, Err: err}
			}
			r.err = err
			return nil, err
		}
	}
	return row, nil
}

func (r *Rows) wrap(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var re *ReadError
	if errors.As(err, &re) {
		return err
	}
	row := 0
	if r.state == inData {
		row = r.prev
	}
	return &ReadError{File: r.b.name, Sheet: r.sheet.name, Row: row, Err: err}
}

// EmptyRows returns how many rows without a value were skipped so far:
// empty row elements, rows whose cells are all empty, and the row numbers
// missing before and between rows (not those after the last row).
func (r *Rows) EmptyRows() int { return r.empty }

// Close releases the sheet's reader (and the goroutine that inflates it
// ahead of Next): it must be called.
func (r *Rows) Close() error {
	if r.part == nil {
		return nil
	}
	r.ahead.Close()
	err := r.part.Close()
	r.part = nil
	if r.err == nil {
		r.err = errors.New("workbook: Next after Close")
	}
	return err
}

func (r *Rows) next() (*Row, error) {
	x := r.x
	for {
		switch r.state {
		case done:
			return nil, io.EOF
		case beforeData:
			if err := x.next(); err != nil {
				return nil, noEOF(err)
			}
			if x.depth() == 0 && x.kind == tokEnd {
				return nil, errors.New("a worksheet without <sheetData>")
			}
			if x.kind != tokStart {
				continue
			}
			switch {
			case x.depth() == 1:
				if string(x.name) != "worksheet" {
					return nil, errors.New("not a worksheet (no <worksheet>)")
				}
			case x.depth() == 2 && string(x.name) == "sheetData":
				r.state = inData
			default:
				if err := x.skip(); err != nil {
					return nil, err
				}
			}
		case inData:
			if err := x.next(); err != nil {
				return nil, noEOF(err)
			}
			if x.kind == tokEnd {
				r.state = afterData // </sheetData>
				continue
			}
			if x.kind != tokStart {
				continue
			}
			if string(x.name) != "row" {
				// Rows inside it would be hidden from this reader.
				return nil, errors.New("an element other than <row> in <sheetData>")
			}
			r.tick++
			if r.tick%ctxEvery == 0 {
				if err := r.ctx.Err(); err != nil {
					return nil, err
				}
			}
			ok, err := r.readRow()
			if err != nil {
				if r.errCell != "" {
					err = fmt.Errorf("cell %s: %w", r.errCell, err)
				}
				return nil, err
			}
			if ok {
				return &r.row, nil
			}
		case afterData:
			err := x.next()
			if err == io.EOF {
				r.state = done
				continue
			}
			if err != nil {
				return nil, err
			}
			if x.kind == tokStart {
				if x.depth() == 2 && string(x.name) == "sheetData" {
					return nil, errors.New("a second <sheetData>")
				}
				if err := x.skip(); err != nil {
					return nil, err
				}
			}
		}
	}
}

// readRow reads a <row> whose start tag was just read. It returns false
// for a row without a value.
func (r *Rows) readRow() (bool, error) {
	x := r.x
	num := r.prev + 1
	if v, ok := x.attr("r"); ok {
		n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		if err != nil {
			return false, errors.New("a row whose number is not a number")
		}
		num = n
	}
	r.errCell = ""
	if num <= r.prev {
		return false, fmt.Errorf("row %d after row %d (rows out of order are ambiguous)", num, r.prev)
	}
	if num > MaxRows {
		return false, fmt.Errorf("row %d, past the last row of a sheet (%d)", num, MaxRows)
	}
	r.empty += num - r.prev - 1
	r.prev = num
	r.vbuf = r.vbuf[:0]
	r.cells = r.cells[:0]
	d := x.depth()
	col := -1
	for {
		if err := x.next(); err != nil {
			return false, noEOF(err)
		}
		if x.kind == tokEnd && x.depth() < d {
			break
		}
		if x.kind != tokStart {
			continue
		}
		if string(x.name) != "c" {
			if string(x.name) != "extLst" {
				// Cells inside it would be hidden from this reader.
				return false, errors.New("an element other than <c> in a <row>")
			}
			if err := x.skip(); err != nil {
				return false, err
			}
			continue
		}
		c := col + 1
		if v, ok := x.attr("r"); ok {
			cc, rr, ok := parseRef(v)
			if !ok {
				return false, errors.New("a cell whose reference is not one")
			}
			if rr != 0 && rr != num {
				return false, fmt.Errorf("a cell of row %d in row %d", rr, num)
			}
			c = cc
		}
		if c <= col {
			r.errCell = cellName(c, num)
			return false, errors.New("cells out of order (ambiguous)")
		}
		if c >= MaxColumns {
			return false, fmt.Errorf("a cell past the last column of a sheet (XFD)")
		}
		col = c
		for len(r.cells) < c {
			r.cells = append(r.cells, cellSpan{off: int32(len(r.vbuf)), end: int32(len(r.vbuf))})
		}
		if err := r.readCell(); err != nil {
			r.errCell = cellName(c, num)
			return false, err
		}
	}
	last := len(r.cells) - 1
	for last >= 0 && r.cells[last].kind == Empty {
		last--
	}
	if last < 0 {
		r.empty++
		return false, nil
	}
	r.cells = r.cells[:last+1]
	r.buildRow(num)
	return true, nil
}

func (r *Rows) buildRow(num int) {
	r.row.Num = num
	r.row.Values = r.row.Values[:0]
	r.row.Kinds = r.row.Kinds[:0]
	for _, c := range r.cells {
		r.row.Values = append(r.row.Values, r.vbuf[c.off:c.end:c.end])
		r.row.Kinds = append(r.row.Kinds, c.kind)
	}
}

// readCell reads a <c> whose start tag was just read, appending its span.
func (r *Rows) readCell() error {
	x := r.x
	t, _ := x.attr("t")
	style := -1
	if s, ok := x.attr("s"); ok {
		n, err := strconv.Atoi(string(s))
		if err != nil || n < 0 {
			return errors.New("a cell whose style is not a number")
		}
		style = n
	}
	typ := cellType(t)
	if typ == typeUnknown {
		return errors.New("a cell of an unknown type")
	}
	d := x.depth()
	r.raw, r.formula = r.raw[:0], r.formula[:0]
	hasV, hasF := false, false
	in, inF := false, false
	for {
		if err := x.next(); err != nil {
			return noEOF(err)
		}
		switch x.kind {
		case tokStart:
			switch {
			case x.depth() != d+1:
				if err := x.skip(); err != nil {
					return err
				}
			case (string(x.name) == "v" || string(x.name) == "is" && typ == typeInline) && hasV:
				// Readers disagree on which one counts.
				return errors.New("a cell with two values")
			case string(x.name) == "v":
				hasV, in = true, true
			case string(x.name) == "is" && typ == typeInline:
				hasV = true
				var err error
				if r.raw, err = readRichText(x, r.raw); err != nil {
					return err
				}
			case string(x.name) == "f":
				hasF, inF = true, true
			default:
				if err := x.skip(); err != nil {
					return err
				}
			}
		case tokText:
			if in {
				r.raw = append(r.raw, x.text...)
				if len(r.raw)+len(r.vbuf) > maxRowBytes {
					return errRowTooLong
				}
			} else if inF {
				r.formula = append(r.formula, x.text...)
				if len(r.formula)+len(r.vbuf) > maxRowBytes {
					return errRowTooLong
				}
			}
		case tokEnd:
			in, inF = false, false
			if x.depth() < d {
				if hasF && (!hasV || len(bytes.TrimSpace(r.raw)) == 0) {
					// No cached value, or an empty one (openpyxl writes
					// <v></v> for every formula): unknown. A formula
					// that truly made "" is no number either.
					return r.uncalculated()
				}
				return r.cellValue(typ, style, hasV)
			}
		}
	}
}

type cellTypeID uint8

const (
	typeNumber cellTypeID = iota
	typeShared
	typeFormulaString
	typeInline
	typeBool
	typeError
	typeDate
	typeUnknown
)

func cellType(t []byte) cellTypeID {
	switch string(t) {
	case "", "n":
		return typeNumber
	case "s":
		return typeShared
	case "str":
		return typeFormulaString
	case "inlineStr":
		return typeInline
	case "b":
		return typeBool
	case "e":
		return typeError
	case "d":
		return typeDate
	}
	return typeUnknown
}

// uncalculated appends the span of a formula cell with no cached value, or
// an empty one (a file written by a program, never opened in Excel): Kind Formula, its
// value "=" and the formula's text (empty for a cell sharing another's).
func (r *Rows) uncalculated() error {
	start := len(r.vbuf)
	r.vbuf = append(r.vbuf, '=')
	r.vbuf = append(r.vbuf, bytes.TrimPrefix(r.formula, []byte("="))...)
	if len(r.vbuf) > maxRowBytes {
		return errRowTooLong
	}
	r.cells = append(r.cells, cellSpan{off: int32(start), end: int32(len(r.vbuf)), kind: Formula})
	return nil
}

// cellValue appends the span of the cell just read, from r.raw.
func (r *Rows) cellValue(typ cellTypeID, style int, hasV bool) error {
	start := len(r.vbuf)
	kind := Empty
	raw := r.raw
	switch typ {
	case typeNumber:
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			break
		}
		var f float64
		var err error
		r.vbuf, f, err = appendNumber(r.vbuf, raw)
		if err != nil {
			return err
		}
		kind = Number
		if style >= 0 && style < len(r.b.xfs) && r.b.xfs[style] != notDate {
			if v, ok := appendDate(r.vbuf[:start], f, r.b.xfs[style], r.b.date1904); ok {
				r.vbuf = v
				kind = Date
			}
		}
	case typeShared:
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			break
		}
		n, err := strconv.Atoi(string(raw))
		if err != nil || n < 0 || n >= r.b.strings.len() {
			return fmt.Errorf("a shared string index out of range (the workbook has %d strings)", r.b.strings.len())
		}
		r.vbuf = append(r.vbuf, r.b.strings.item(n)...)
		kind = Text
	case typeFormulaString, typeInline:
		r.vbuf = appendUnescaped(r.vbuf, raw)
		kind = Text
	case typeBool:
		switch string(bytes.TrimSpace(raw)) {
		case "":
		case "1", "true":
			r.vbuf = append(r.vbuf, "TRUE"...)
			kind = Bool
		case "0", "false":
			r.vbuf = append(r.vbuf, "FALSE"...)
			kind = Bool
		default:
			return errors.New("a boolean cell whose value is not 0 or 1")
		}
	case typeError:
		r.vbuf = append(r.vbuf, raw...)
		kind = Error
	case typeDate:
		r.vbuf = append(r.vbuf, bytes.TrimSpace(raw)...)
		kind = Date
	}
	if len(r.vbuf) == start {
		kind = Empty
	}
	if len(r.vbuf) > maxRowBytes {
		return errRowTooLong
	}
	r.cells = append(r.cells, cellSpan{off: int32(start), end: int32(len(r.vbuf)), kind: kind})
	return nil
}

// parseRef parses a cell reference such as B12 into its 0-based column
// and its row (0 when the reference has none).
func parseRef(v []byte) (col, row int, ok bool) {
	i := 0
	for i < len(v) && i < 4 {
		c := v[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	if i == 0 || i == 4 && i < len(v) && (v[i]|0x20) >= 'a' && (v[i]|0x20) <= 'z' {
		return 0, 0, false
	}
	digits := i < len(v)
	for ; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' || row > MaxRows {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
	}
	if digits && row == 0 {
		return 0, 0, false // B0: rows start at 1
	}
	return col - 1, row, true
}

// cellName returns the A1 name of the 0-based column col in row.
func cellName(col, row int) string {
	var b [8]byte
	i := len(b)
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		i--
		b[i] = byte('A' + (c-1)%26)
	}
	return string(b[i:]) + strconv.Itoa(row)
}
