package scrub

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/listscrub/listscrub/atomicfile"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/workbook"
)

// Writers are the destinations of a scrub's rows when its caller creates
// them (Options.Writers); a nil one discards its category's rows.
type Writers struct {
	Clean, Blocked, Invalid, Duplicates io.Writer
}

// openOutputs creates the outputs o names by path (Out, Blocked, Invalid,
// Duplicates) in a group of their own, which Run commits; "" (or "-") for
// Out is o.Stdout. With o.Writers it creates nothing and returns them.
func openOutputs(o Options) (Writers, *atomicfile.Group, error) {
	if o.Writers != nil {
		return *o.Writers, nil, nil
	}
	g := &atomicfile.Group{Stdout: o.Stdout}
	var ws Writers
	out := o.Out
	if out == "" {
		out = "-"
	}
	for _, f := range []struct {
		path string
		dst  *io.Writer
	}{{out, &ws.Clean}, {o.Blocked, &ws.Blocked}, {o.Invalid, &ws.Invalid}, {o.Duplicates, &ws.Duplicates}} {
		if f.path == "" {
			continue
		}
		file, err := g.Create(f.path)
		if err != nil {
			g.Abort()
			return Writers{}, nil, err
		}
		*f.dst = file
	}
	return ws, g, nil
}

// output is one destination of rows, buffered: delimited text, or a
// workbook (book not nil) whose bytes go through write all the same.
type output struct {
	name string // for messages: "clean output"
	path string // for the stats: the path given, "-" for standard output
	w    *bufio.Writer
	// What was written, for the stats and receipts: the bytes, and their
	// SHA-256 when Options.HashOutputs asks for it (nil otherwise).
	n    int64
	sum  hash.Hash
	book *workbook.Writer
}

// newOutput returns the output of w, or nil (rows discarded) when w is nil.
func newOutput(name, path string, w io.Writer, hashed bool) *output {
	if w == nil {
		return nil
	}
	if path == "" {
		path = "-"
	}
	o := &output{name: name, path: path, w: bufio.NewWriterSize(w, bufSize)}
	if hashed {
		o.sum = sha256.New()
	}
	return o
}

// write writes p; a nil output discards it.
func (o *output) write(p []byte) error {
	if o == nil {
		return nil
	}
	if _, err := o.w.Write(p); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	o.n += int64(len(p))
	if o.sum != nil {
		o.sum.Write(p)
	}
	return nil
}

// Write is write as an io.Writer, for the workbook written to o.
func (o *output) Write(p []byte) (int, error) {
	if err := o.write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flush ends the workbook, if o is one, and writes out what o buffers.
func (o *output) flush() error {
	if o == nil {
		return nil
	}
	if o.book != nil {
		if err := o.book.Close(); err != nil {
			return fmt.Errorf("write %s: %w", o.name, err)
		}
	}
	if err := o.w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	return nil
}

// writer writes rows to the outputs a scrub was asked for; rows of a category
// with no output are only counted.
type writer struct {
	comma      byte
	cleanOut   *output
	blockedOut *output
	invalidOut *output
	dupOut     *output
	labels
	maskLabels map[uint64]string // labels.join's, by mask
	line       []byte            // scratch for rows with appended fields

	// For workbook outputs: the input's text is Windows-1252 (decoded to
	// UTF-8 for the workbook), and scratch for a row's cells.
	cp1252 bool
	input  string      // the input's name, for messages
	book   *bookSource // the sheet read, for messages; nil for text
	vals   [][]byte
	kinds  []workbook.Kind
	text   []byte
}

// utf8BOM starts CSV outputs of a workbook, so that Excel reads them as UTF-8.
var utf8BOM = []byte("\xef\xbb\xbf")

// newWriter returns the writer of a scrub's outputs: each a workbook when
// its path ends in .xlsx, else delimited text like the input (for a
// workbook input: bookComma, UTF-8 with a BOM, CRLF).
func newWriter(o Options, tf textFormat, ws Writers, book *bookSource) (*writer, error) {
	w := &writer{comma: tf.comma, maskLabels: map[uint64]string{}, cp1252: tf.enc == csvsplit.Windows1252, input: o.Input,
		cleanOut:   newOutput("clean output", o.Out, ws.Clean, o.HashOutputs),
		blockedOut: newOutput("blocked output", o.Blocked, ws.Blocked, o.HashOutputs),
		invalidOut: newOutput("invalid output", o.Invalid, ws.Invalid, o.HashOutputs),
		dupOut:     newOutput("duplicates output", o.Duplicates, ws.Duplicates, o.HashOutputs)}
	if o.Input == "-" {
		w.input = "stdin"
	}
	w.book = book
	sheet := "Sheet1"
	if book != nil {
		sheet = book.sheet
	}
	for _, out := range w.outputs() {
		if out == nil {
			continue
		}
		if err := CheckOutputPath(out.path); err != nil {
			return nil, err
		}
		if IsWorkbookPath(out.path) {
			out.book = workbook.NewWriter(out, sheet)
		} else if book != nil {
			if err := out.write(utf8BOM); err != nil {
				return nil, err
			}
		}
	}
	w.labels = newLabels(&o)
	return w, nil
}

// CheckOutputPath refuses an output path whose extension names a format
// listscrub does not write (.xlsm, .xls, .ods): the file would not be what
// its name says.
func CheckOutputPath(path string) error {
	if path != "" && os.IsPathSeparator(path[len(path)-1]) {
		return usageErrorf("%s: an output is a file, not a directory", path)
	}
	switch outputExt(path) {
	case ".xlsm", ".xls", ".xlsb", ".ods":
		return usageErrorf("%s: listscrub writes workbooks as .xlsx only (and CSV for any other name)", path)
	}
	return nil
}

// IsWorkbookPath reports whether an output path is written as a workbook:
// when it ends in .xlsx (in any case, spaces after it ignored).
func IsWorkbookPath(path string) bool {
	return outputExt(path) == ".xlsx"
}

// outputExt returns path's extension in lower case, without the spaces
// that may end it ("x.xlsx " is a workbook too).
func outputExt(path string) string {
	return strings.ToLower(filepath.Ext(strings.TrimRight(path, " ")))
}

// outputs returns the four outputs, clean first (nil ones included).
func (w *writer) outputs() []*output {
	return []*output{w.cleanOut, w.blockedOut, w.invalidOut, w.dupOut}
}

// writeHeader writes the header (record 0 of h) to every output, with the
// extra columns of the blocked, invalid and duplicate outputs.
func (w *writer) writeHeader(h *csvsplit.Batch) error {
	if err := w.row(w.cleanOut, h, 0); err != nil {
		return err
	}
	if err := w.row(w.blockedOut, h, 0, "scrub_reason", "scrub_source"); err != nil {
		return err
	}
	if err := w.row(w.invalidOut, h, 0, "scrub_reason"); err != nil {
		return err
	}
	return w.row(w.dupOut, h, 0, "scrub_reason")
}

// cleanRun writes the clean rows i to j-1 of b, adjacent in its buffer:
// delimited text in one write.
func (w *writer) cleanRun(b *csvsplit.Batch, i, j int) error {
	out := w.cleanOut
	if out == nil || out.book == nil {
		return out.write(b.RawRun(i, j))
	}
	for ; i < j; i++ {
		if err := w.bookRow(out, b, i); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) blocked(b *csvsplit.Batch, i int, reason, source string) error {
	return w.row(w.blockedOut, b, i, reason, source)
}

func (w *writer) invalid(b *csvsplit.Batch, i int, reason string) error {
	return w.row(w.invalidOut, b, i, reason)
}

func (w *writer) duplicate(b *csvsplit.Batch, i int, reason string) error {
	return w.row(w.dupOut, b, i, reason)
}

// row writes row i of b to out with extra fields after its own.
func (w *writer) row(out *output, b *csvsplit.Batch, i int, extra ...string) error {
	switch {
	case out == nil:
		return nil
	case out.book != nil:
		return w.bookRow(out, b, i, extra...)
	case len(extra) == 0:
		return out.write(b.Raw(i))
	}
	// Delimited text: the extra fields inserted before the line terminator.
	raw, content := b.Raw(i), b.Content(i)
	w.line = append(w.line[:0], content...)
	for _, f := range extra {
		w.line = append(w.line, w.comma)
		w.line = csvsplit.AppendField(w.line, f, w.comma)
	}
	w.line = append(w.line, raw[len(content):]...)
	return out.write(w.line)
}

// bookRow writes row i of b, and extra text cells after its own, as a row
// of the workbook out: each field a cell of the kind it was read as (text,
// for a delimited input, decoded to UTF-8).
func (w *writer) bookRow(out *output, b *csvsplit.Batch, i int, extra ...string) error {
	w.vals, w.kinds, w.text = w.vals[:0], w.kinds[:0], w.text[:0]
	for j := range b.NumFields(i) {
		v := b.Field(i, j)
		k := workbook.Kind(b.Tag(i, j))
		if k == workbook.Empty && len(v) > 0 {
			k = workbook.Text // a field of delimited text
		}
		if w.cp1252 {
			s := len(w.text)
			w.text = csvsplit.AppendDecoded(w.text, csvsplit.Windows1252, v)
			v = w.text[s:len(w.text):len(w.text)]
		}
		w.vals, w.kinds = append(w.vals, v), append(w.kinds, k)
	}
	for _, e := range extra {
		s := len(w.text)
		w.text = append(w.text, e...)
		w.vals, w.kinds = append(w.vals, w.text[s:len(w.text):len(w.text)]), append(w.kinds, workbook.Text)
	}
	if err := out.book.WriteRow(w.vals, w.kinds); err != nil {
		at := where(w.input, w.book, b.Line(i))
		if errors.Is(err, workbook.ErrInvalidUTF8) {
			return fmt.Errorf("%s: a field is not valid UTF-8, which a workbook (%s) cannot hold: give --encoding windows-1252 if the file is in that encoding, or write that output as CSV",
				at, out.path)
		}
		return fmt.Errorf("write %s: the row of %s: %w", out.name, at, err)
	}
	return nil
}

// labelsOf returns the labels of the sources in mask, joined by "+" (cached).
func (w *writer) labelsOf(mask uint64) string {
	if l, ok := w.maskLabels[mask]; ok {
		return l
	}
	l := w.join(mask)
	w.maskLabels[mask] = l
	return l
}

// outputStats describes what was written to each output, clean first.
func (w *writer) outputStats() []OutputStats {
	out := []OutputStats{}
	for _, f := range []struct {
		name string
		o    *output
	}{{"clean", w.cleanOut}, {"blocked", w.blockedOut}, {"invalid", w.invalidOut}, {"duplicates", w.dupOut}} {
		if f.o == nil {
			continue
		}
		st := OutputStats{Name: f.name, Path: f.o.path, Bytes: f.o.n}
		if f.o.sum != nil {
			st.SHA256 = hex.EncodeToString(f.o.sum.Sum(nil))
		}
		out = append(out, st)
	}
	return out
}

// flush writes out what the outputs hold in their buffers.
func (w *writer) flush() error {
	for _, o := range w.outputs() {
		if err := o.flush(); err != nil {
			return err
		}
	}
	return nil
}

// bufSize is the size of each output's write buffer.
const bufSize = 256 << 10
