package workbook

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// cell is one value of a row given to the Writer.
type cell struct {
	v string
	k Kind
}

// writeRows writes rows with a Writer and returns the workbook's bytes.
func writeRows(t testing.TB, sheet string, rows ...[]cell) []byte {
	t.Helper()
	var out bytes.Buffer
	w := NewWriter(&out, sheet)
	for i, r := range rows {
		vals, kinds := split(r)
		if err := w.WriteRow(vals, kinds); err != nil {
			t.Fatalf("WriteRow %d: %v", i+1, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return out.Bytes()
}

func split(r []cell) ([][]byte, []Kind) {
	vals := make([][]byte, len(r))
	kinds := make([]Kind, len(r))
	for j, c := range r {
		vals[j], kinds[j] = []byte(c.v), c.k
	}
	return vals, kinds
}

// openBook opens b with excelize, from a file as a user's workbook would be.
func openBook(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "out.xlsx")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// numFmt returns the number format code of a cell's style, "" for none.
func numFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	idx, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(idx)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return ""
}

func TestWriterKinds(t *testing.T) {
	tests := []struct {
		name   string
		in     cell
		raw    string // excelize's raw value
		shown  string // excelize's formatted value
		typ    excelize.CellType
		format string
	}{
		{"text", cell{"06 12 34 56 78", Text}, "06 12 34 56 78", "06 12 34 56 78", excelize.CellTypeInlineString, ""},
		{"text digits", cell{"0612345678", Text}, "0612345678", "0612345678", excelize.CellTypeInlineString, ""},
		{"number", cell{"612345678", Number}, "612345678", "612345678", excelize.CellTypeNumber, ""},
		{"negative decimal", cell{"-12.5", Number}, "-12.5", "-12.5", excelize.CellTypeNumber, ""},
		{"exponent", cell{"1.5E+3", Number}, "1.5E+3", "1500", excelize.CellTypeNumber, ""},
		{"date", cell{"2026-12-01", Date}, "46357", "2026-12-01", excelize.CellTypeNumber, "yyyy-mm-dd"},
		{"date time", cell{"2026-12-01T14:30:00", Date}, "46357.604166666664", "2026-12-01 14:30:00", excelize.CellTypeNumber, "yyyy-mm-dd hh:mm:ss"},
		{"date time space", cell{"2026-12-01 14:30:00", Date}, "46357.604166666664", "2026-12-01 14:30:00", excelize.CellTypeNumber, "yyyy-mm-dd hh:mm:ss"},
		{"date time ms", cell{"2026-12-01T14:30:00.250", Date}, "46357.60416956018", "2026-12-01 14:30:00", excelize.CellTypeNumber, "yyyy-mm-dd hh:mm:ss"},
		{"time", cell{"14:30:00", Date}, "0.6041666666666666", "14:30:00", excelize.CellTypeNumber, "hh:mm:ss"},
		{"1900-01-01", cell{"1900-01-01", Date}, "1", "1900-01-01", excelize.CellTypeNumber, "yyyy-mm-dd"},
		{"1900-02-28", cell{"1900-02-28", Date}, "59", "1900-02-28", excelize.CellTypeNumber, "yyyy-mm-dd"},
		{"1900-03-01", cell{"1900-03-01", Date}, "61", "1900-03-01", excelize.CellTypeNumber, "yyyy-mm-dd"},
		{"9999-12-31", cell{"9999-12-31", Date}, "2958465", "9999-12-31", excelize.CellTypeNumber, "yyyy-mm-dd"},
		{"date before 1900 as text", cell{"1899-12-31", Date}, "1899-12-31", "1899-12-31", excelize.CellTypeInlineString, ""},
		{"no such day as text", cell{"2026-02-29", Date}, "2026-02-29", "2026-02-29", excelize.CellTypeInlineString, ""},
		{"not a date as text", cell{"le 1er décembre", Date}, "le 1er décembre", "le 1er décembre", excelize.CellTypeInlineString, ""},
		{"hour 24 as text", cell{"24:00:00", Date}, "24:00:00", "24:00:00", excelize.CellTypeInlineString, ""},
		{"bool true", cell{"TRUE", Bool}, "1", "TRUE", excelize.CellTypeBool, ""},
		{"bool false", cell{"FALSE", Bool}, "0", "FALSE", excelize.CellTypeBool, ""},
		{"bool 1", cell{"1", Bool}, "1", "TRUE", excelize.CellTypeBool, ""},
		{"error", cell{"#N/A", Error}, "#N/A", "#N/A", excelize.CellTypeError, ""},
		{"error div", cell{"#DIV/0!", Error}, "#DIV/0!", "#DIV/0!", excelize.CellTypeError, ""},
		{"unknown error as text", cell{"#OUPS", Error}, "#OUPS", "#OUPS", excelize.CellTypeInlineString, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openBook(t, writeRows(t, "Feuil1", []cell{tt.in}))
			raw, err := f.GetCellValue("Feuil1", "A1", excelize.Options{RawCellValue: true})
			if err != nil || raw != tt.raw {
				t.Errorf("raw value %q, %v; want %q", raw, err, tt.raw)
			}
			shown, err := f.GetCellValue("Feuil1", "A1")
			if err != nil || shown != tt.shown {
				t.Errorf("shown value %q, %v; want %q", shown, err, tt.shown)
			}
			if typ, err := f.GetCellType("Feuil1", "A1"); err != nil || typ != tt.typ {
				t.Errorf("type %v, %v; want %v", typ, err, tt.typ)
			}
			if got := numFmt(t, f, "Feuil1", "A1"); got != tt.format {
				t.Errorf("number format %q, want %q", got, tt.format)
			}
		})
	}
}

func TestWriterTextEscapes(t *testing.T) {
	texts := []string{
		"line 1\r\nline 2",         // a literal CR would come back as LF
		"cr\ronly",                 //
		"tab\tand\nlf",             //
		"_x000D_",                  // a literal escape, not a CR
		"_x0041_ and _x00e9_",      // a reader would read A and é
		"__x0041__",                //
		"_x005F_",                  // the escape of the underscore itself
		"_x12_ _xZZZZ_",            // not escapes
		`<&>"'`,                    //
		"]]>",                      //
		"nul\x00 bell\x07 esc\x1b", // XML cannot hold these
		"\ufffe\uffff",             // nor these
		"é ç € 😀 \u00a0",           // multibyte, kept as they are
		"\u0085\u2028",             // allowed in XML 1.0
		"  leading and trailing  ",
	}
	var rows [][]cell
	for _, s := range texts {
		rows = append(rows, []cell{{s, Text}})
	}
	f := openBook(t, writeRows(t, "Sheet1", rows...))
	got, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(texts) {
		t.Fatalf("%d rows, want %d", len(got), len(texts))
	}
	for i, s := range texts {
		if len(got[i]) != 1 || got[i][0] != s {
			t.Errorf("row %d: read back %q, want %q", i+1, got[i], s)
		}
	}
}

func TestWriterEmptyCells(t *testing.T) {
	b := writeRows(t, "Sheet1",
		[]cell{{"a", Text}, {"", Empty}, {"", Text}, {"612345678", Number}},
		[]cell{},
		[]cell{{"", Empty}, {"b", Text}},
	)
	f := openBook(t, b)
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "", "", "612345678"}, nil, {"", "b"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q, want %q", rows, want)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") || len(rows[i]) != len(want[i]) {
			t.Errorf("row %d: %q, want %q", i+1, rows[i], want[i])
		}
	}
	for _, ref := range []string{"B1", "C1", "A3"} {
		if typ, _ := f.GetCellType("Sheet1", ref); typ != excelize.CellTypeUnset {
			t.Errorf("%s: type %v, want no cell", ref, typ)
		}
	}
	// Only the cells with a value are in the sheet.
	sheet := readPart(t, b, sheetPart)
	if n := strings.Count(sheet, "<c "); n != 3 {
		t.Errorf("%d cells written, want 3:\n%s", n, sheet)
	}
}

func TestWriterAllColumns(t *testing.T) {
	row := make([]cell, MaxColumns)
	for j := range row {
		row[j] = cell{string(appendRef(nil, j, nil)), Text}
	}
	f := openBook(t, writeRows(t, "Sheet1", row))
	got, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0]) != MaxColumns {
		t.Fatalf("%d rows, first of %d cells; want 1 of %d", len(got), len(got[0]), MaxColumns)
	}
	for j, v := range got[0] {
		name, _ := excelize.ColumnNumberToName(j + 1)
		if v != name {
			t.Fatalf("column %d holds %q, want %q", j+1, v, name)
		}
	}
	if v, _ := f.GetCellValue("Sheet1", "XFD1"); v != "XFD" {
		t.Errorf("XFD1 = %q", v)
	}
}

func TestWriterErrors(t *testing.T) {
	long := strings.Repeat("x", MaxTextLen)
	tests := []struct {
		name string
		row  []cell
		err  error
	}{
		{"text of 32,768 characters", []cell{{long + "y", Text}}, ErrTextTooLong},
		{"text of 32,767 characters, one a pair of UTF-16 units", []cell{{long[1:] + "😀", Text}}, ErrTextTooLong},
		{"invalid UTF-8", []cell{{"ab\xffcd", Text}}, ErrInvalidUTF8},
		{"a UTF-16 surrogate in UTF-8", []cell{{"\xed\xa0\x80", Text}}, ErrInvalidUTF8},
		{"invalid UTF-8 in a date kept as text", []cell{{"\xff2026", Date}}, ErrInvalidUTF8},
		{"number: text", []cell{{"06 12 34 56 78", Number}}, ErrNotNumber},
		{"number: overflow", []cell{{"1e400", Number}}, ErrNotNumber},
		{"number: hexadecimal", []cell{{"0x1p3", Number}}, ErrNotNumber},
		{"number: Inf", []cell{{"Inf", Number}}, ErrNotNumber},
		{"number: NaN", []cell{{"NaN", Number}}, ErrNotNumber},
		{"number: underscores", []cell{{"1_000", Number}}, ErrNotNumber},
		{"number: two points", []cell{{"1.2.3", Number}}, ErrNotNumber},
		{"number: no digits", []cell{{"-.e5", Number}}, ErrNotNumber},
		{"number: no exponent digits", []cell{{"1e", Number}}, ErrNotNumber},
		{"number: space", []cell{{" 1", Number}}, ErrNotNumber},
		{"bool", []cell{{"oui", Bool}}, ErrNotBool},
		{"empty with a value", []cell{{"x", Empty}}, ErrEmptyValue},
		{"value past XFD", append(make([]cell, MaxColumns), cell{"x", Text}), ErrTooManyColumns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := NewWriter(&out, "Sheet1")
			if err := w.WriteRow([][]byte{[]byte("header")}, nil); err != nil {
				t.Fatal(err)
			}
			vals, kinds := split(tt.row)
			err := w.WriteRow(vals, kinds)
			if !errors.Is(err, tt.err) {
				t.Fatalf("WriteRow: %v, want %v", err, tt.err)
			}
			for _, c := range tt.row {
				if len(c.v) > 1 && strings.Contains(err.Error(), c.v) {
					t.Errorf("the error %q holds the value", err)
				}
			}
			if !strings.Contains(err.Error(), "2") {
				t.Errorf("the error %q does not name row 2", err)
			}
			// Sticky.
			if err2 := w.WriteRow([][]byte{[]byte("ok")}, nil); err2 != err {
				t.Errorf("WriteRow after the error: %v", err2)
			}
			if err2 := w.Close(); err2 != err {
				t.Errorf("Close after the error: %v", err2)
			}
		})
	}
}

func TestWriterLimitsPassable(t *testing.T) {
	// At the limits, not past them: written.
	long := strings.Repeat("é", MaxTextLen)
	row := make([]cell, MaxColumns+5) // trailing empty cells past XFD are nothing
	row[0] = cell{long, Text}
	row[MaxColumns-1] = cell{"last", Text}
	f := openBook(t, writeRows(t, "Sheet1", row))
	if v, _ := f.GetCellValue("Sheet1", "A1"); v != long {
		t.Errorf("A1: %d bytes read back, want %d", len(v), len(long))
	}
	if v, _ := f.GetCellValue("Sheet1", "XFD1"); v != "last" {
		t.Errorf("XFD1 = %q", v)
	}
}

func TestWriterTooManyRows(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, "Sheet1")
	row, kinds := [][]byte{[]byte("1")}, []Kind{Number}
	for i := range MaxRows {
		if err := w.WriteRow(row, kinds); err != nil {
			t.Fatalf("row %d: %v", i+1, err)
		}
	}
	err := w.WriteRow(row, kinds)
	if !errors.Is(err, ErrTooManyRows) || !strings.Contains(err.Error(), "row 1048577") {
		t.Fatalf("row 1,048,577: %v, want ErrTooManyRows naming the row", err)
	}
	if err2 := w.Close(); err2 != err {
		t.Errorf("Close: %v, want the row's error", err2)
	}
}

func TestWriterKindsMismatch(t *testing.T) {
	w := NewWriter(&bytes.Buffer{}, "Sheet1")
	err := w.WriteRow([][]byte{[]byte("a"), []byte("b")}, []Kind{Text})
	if !errors.Is(err, ErrKinds) {
		t.Fatalf("WriteRow: %v, want ErrKinds", err)
	}
}

func TestWriterSheetName(t *testing.T) {
	good := []string{"Sheet1", "Prospects nettoyés", "A & B <1>", "l'été", strings.Repeat("x", 31), strings.Repeat("é", 31), "history of calls"}
	for _, name := range good {
		f := openBook(t, writeRows(t, name, []cell{{"x", Text}}))
		if got := f.GetSheetList(); len(got) != 1 || got[0] != name {
			t.Errorf("sheet %q read back as %q", name, got)
		}
	}
	bad := []string{"", strings.Repeat("x", 32), strings.Repeat("😀", 16), "a:b", `a\b`, "a/b", "a?b", "a*b", "a[b", "a]b", "'a", "a'", "History", "HISTORY", "tab\there", "\xff"}
	for _, name := range bad {
		var out bytes.Buffer
		w := NewWriter(&out, name)
		if err := w.WriteRow([][]byte{[]byte("x")}, nil); !errors.Is(err, ErrSheetName) {
			t.Errorf("sheet %q: WriteRow %v, want ErrSheetName", name, err)
		}
		if err := w.Close(); !errors.Is(err, ErrSheetName) {
			t.Errorf("sheet %q: Close %v, want ErrSheetName", name, err)
		}
		if out.Len() != 0 {
			t.Errorf("sheet %q: %d bytes written", name, out.Len())
		}
	}
}

func TestWriterNoRows(t *testing.T) {
	f := openBook(t, writeRows(t, "Vide"))
	rows, err := f.GetRows("Vide")
	if err != nil || len(rows) != 0 {
		t.Errorf("rows %q, %v; want none", rows, err)
	}
}

// TestWriterParts checks the zip itself: the parts, in order, deflated,
// every checksum right, and the same bytes for the same rows.
func TestWriterParts(t *testing.T) {
	rows := [][]cell{{{"Nom", Text}, {"Portable", Text}}, {{"Zoé", Text}, {"612345678", Number}}}
	b := writeRows(t, "Sheet1", rows...)
	if !bytes.Equal(b, writeRows(t, "Sheet1", rows...)) {
		t.Error("the same rows gave different bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Deflate {
			t.Errorf("%s: method %d, want deflate", f.Name, f.Method)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bytes.NewBuffer(nil).ReadFrom(rc); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		rc.Close()
	}
	want := "[Content_Types].xml _rels/.rels xl/workbook.xml xl/_rels/workbook.xml.rels xl/styles.xml xl/worksheets/sheet1.xml"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("parts %s, want %s", got, want)
	}
	sheet := readPart(t, b, sheetPart)
	wantRow := `<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">Zoé</t></is></c><c r="B2" t="n"><v>612345678</v></c></row>`
	if !strings.Contains(sheet, wantRow) {
		t.Errorf("sheet XML lacks %s:\n%s", wantRow, sheet)
	}
}

func readPart(t *testing.T, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// failWriter fails every write after n bytes.
type failWriter struct{ n int }

var errDisk = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errDisk
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriterWriteError(t *testing.T) {
	for _, n := range []int{0, 100, 2000, 50000} {
		w := NewWriter(&failWriter{n: n}, "Sheet1")
		var err error
		row := [][]byte{[]byte("some text to fill the sheet"), []byte("0612345678")}
		for i := 0; i < 100000 && err == nil; i++ {
			err = w.WriteRow(row, nil)
		}
		if err == nil {
			err = w.Close()
		}
		if !errors.Is(err, errDisk) {
			t.Errorf("fail after %d bytes: %v, want the write's error", n, err)
		}
		if err2 := w.Close(); err2 != err {
			t.Errorf("fail after %d bytes: Close again %v, want %v", n, err2, err)
		}
	}
}

// TestWriterCloseTwice: a second Close is nil, a row after Close an error.
func TestWriterCloseTwice(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, "Sheet1")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n := out.Len()
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.WriteRow([][]byte{[]byte("x")}, nil); err == nil {
		t.Error("WriteRow after Close: no error")
	}
	if out.Len() != n {
		t.Error("bytes written after Close")
	}
}

// TestWriterAllocs: a row costs no allocation once the buffers have grown.
func TestWriterAllocs(t *testing.T) {
	vals, kinds := benchRow(7)
	w := NewWriter(discard{}, "Sheet1")
	for i := range 1000 {
		vals, kinds = benchRow(i)
		if err := w.WriteRow(vals, kinds); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(10000, func() {
		if err := w.WriteRow(vals, kinds); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations a row, want 0", allocs)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
