package scrub

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/listscrub/listscrub/normalize"
)

// The workbook tests build their inputs with excelize and read the outputs
// with it: an implementation of the format independent of package
// workbook, so that the round trip is checked against what Excel-like
// software writes and reads, not against our own reader's assumptions.

// bookRows is the number of data rows of the test workbook: several
// batches.
const bookRows = 1200

// bookHeader is the test workbook's header.
var bookHeader = []string{"id", "nom", "Mobile", "Tel fixe", "inscrit", "actif", "note", "score"}

// bookCase says what row i (1-based, sheet row i+1) of the test workbook
// holds in its phone columns, and so where it must go.
func bookCase(i int) (mobileValid, fixeValid, registered bool) {
	mobileValid = i%6 != 2 && i%6 != 4
	fixeValid = i%4 == 0 || i%4 == 1
	registered = (mobileValid && i%5 == 0) || (fixeValid && i%9 == 0)
	return
}

// digitsSpaced writes a 10-digit national number as "06 12 00 01 23".
func digitsSpaced(n string) string {
	return n[0:2] + " " + n[2:4] + " " + n[4:6] + " " + n[6:8] + " " + n[8:10]
}

// bookDate is row i's date cell: a date, every 7th row with a time of day.
func bookDate(i int) time.Time {
	d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
	if i%7 == 0 {
		d = d.Add(14*time.Hour + 30*time.Minute)
	}
	return d
}

// bookISO is the text of row i's date cell: ISO 8601, as workbook.Date
// values are.
func bookISO(i int) string {
	if i%7 == 0 {
		return bookDate(i).Format("2006-01-02T15:04:05")
	}
	return bookDate(i).Format(time.DateOnly)
}

// makeBook writes the test workbook with excelize (sheet "Prospects",
// after a first sheet of notes without a phone column) and returns the
// registered numbers.
func makeBook(t *testing.T, path string) []string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Lisez-moi"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("Lisez-moi", "A1", "Prospects de décembre"); err != nil {
		t.Fatal(err)
	}
	const sh = "Prospects"
	if _, err := f.NewSheet(sh); err != nil {
		t.Fatal(err)
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	timeStyle, err := f.NewStyle(&excelize.Style{NumFmt: 22}) // m/d/yy h:mm
	if err != nil {
		t.Fatal(err)
	}
	set := func(col, row int, v any) {
		t.Helper()
		ref, _ := excelize.CoordinatesToCellName(col, row)
		if err := f.SetCellValue(sh, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	for j, h := range bookHeader {
		set(j+1, 1, h)
	}
	var registered []string
	long := strings.Repeat("Très long commentaire; avec, séparateurs \"et guillemets\". ", 90)
	for i := 1; i <= bookRows; i++ {
		r := i + 1
		mobile := fmt.Sprintf("0612%06d", i)
		fixe := fmt.Sprintf("0145%06d", i)
		set(1, r, i)
		switch {
		case i%50 == 0:
			set(2, r, long)
		case i%37 == 0:
			set(2, r, "ligne 1\r\nligne 2\rfin")
		case i%41 == 0:
			set(2, r, "code _x000D_ littéral")
		default:
			set(2, r, fmt.Sprintf("Nom %d", i))
		}
		switch i % 6 {
		case 0, 3:
			set(3, r, 612000000+i) // Excel ate the zero
		case 1:
			set(3, r, digitsSpaced(mobile))
		case 4:
			set(3, r, "N/A")
		case 5:
			set(3, r, "+33 6 12 "+digitsSpaced(mobile)[6:])
		}
		switch i % 4 {
		case 0:
			set(4, r, 145000000+i)
		case 1:
			set(4, r, digitsSpaced(fixe))
		}
		set(5, r, bookDate(i))
		ref, _ := excelize.CoordinatesToCellName(5, r)
		style := dateStyle
		if i%7 == 0 {
			style = timeStyle
		}
		if err := f.SetCellStyle(sh, ref, ref, style); err != nil {
			t.Fatal(err)
		}
		set(6, r, i%2 == 0)
		if i%10 == 0 {
			set(7, r, fmt.Sprintf("note %d", i))
		}
		set(8, r, float64(i)+0.25)
		mv, fv, _ := bookCase(i)
		if mv && i%5 == 0 {
			registered = append(registered, mobile)
		}
		if fv && i%9 == 0 {
			registered = append(registered, fixe)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return registered
}

// xlCell is a cell as excelize reads it.
type xlCell struct {
	value string // raw (RawCellValue)
	class string // number, date, text, bool, error or "" (no cell)
}

// readCells returns sheet's cells, row by row, as excelize reads them.
func readCells(t *testing.T, path, sheet string) [][]xlCell {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot open %s: %v", path, err)
	}
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s: sheet %q: %v", path, sheet, err)
	}
	out := make([][]xlCell, len(rows))
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			class := ""
			if v != "" {
				class = classOf(t, f, sheet, ref)
			}
			out[r] = append(out[r], xlCell{v, class})
		}
	}
	return out
}

// classOf names the kind of a cell as a user sees it.
func classOf(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	ct, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	switch ct {
	case excelize.CellTypeBool:
		return "bool"
	case excelize.CellTypeDate:
		return "date"
	case excelize.CellTypeError:
		return "error"
	case excelize.CellTypeFormula, excelize.CellTypeInlineString, excelize.CellTypeSharedString:
		return "text"
	}
	idx, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	if idx != 0 {
		st, err := f.GetStyle(idx)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil && strings.ContainsAny(strings.Trim(*st.CustomNumFmt, "\"[]"), "ymdhs") {
			return "date"
		}
		if n := st.NumFmt; (n >= 14 && n <= 22) || (n >= 45 && n <= 47) {
			return "date"
		}
	}
	return "number"
}

// cellAt returns row's cell j, or no cell.
func cellAt(row []xlCell, j int) xlCell {
	if j < len(row) {
		return row[j]
	}
	return xlCell{}
}

// sameCell reports whether an output cell holds the input cell's value and
// kind: the same raw text (a date's serial within a millisecond, since a
// date is carried as ISO 8601 text to the millisecond).
func sameCell(in, out xlCell) bool {
	if in.class != out.class {
		return false
	}
	if in.class == "date" {
		a, err1 := strconv.ParseFloat(in.value, 64)
		b, err2 := strconv.ParseFloat(out.value, 64)
		return err1 == nil && err2 == nil && math.Abs(a-b) < 1e-8
	}
	return in.value == out.value
}

// TestWorkbookRoundTrip scrubs a workbook made with excelize into workbook
// and CSV outputs, and checks every output cell against the input's: the
// rows that went there, in order, with their values and kinds unchanged
// (numbers stay numbers with their exact value, dates dates with a date
// format, booleans booleans, text text, CR and a literal _x000D_ kept), the
// scrub columns appended as text; the CSV output's fields the cells' text.
func TestWorkbookRoundTrip(t *testing.T) {
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "prospects.xlsx")
	registered := makeBook(t, in)
	reg := loadRegistry(t, dir, norm, registered...)
	clean, blocked, invalid := filepath.Join(dir, "clean.xlsx"), filepath.Join(dir, "blocked.xlsx"), filepath.Join(dir, "invalid.csv")
	st, err := Run(context.Background(), Options{Input: in, Out: clean, Blocked: blocked, Invalid: invalid,
		Registry: reg, Normalizer: norm, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}

	var wantClean, wantBlocked, wantInvalid []int
	for i := 1; i <= bookRows; i++ {
		mv, fv, isReg := bookCase(i)
		switch {
		case isReg:
			wantBlocked = append(wantBlocked, i)
		case !mv && !fv:
			wantInvalid = append(wantInvalid, i)
		default:
			wantClean = append(wantClean, i)
		}
	}
	if st.RowsIn != bookRows || st.RowsClean != int64(len(wantClean)) || st.RowsBlocked != int64(len(wantBlocked)) || st.RowsInvalid != int64(len(wantInvalid)) {
		t.Fatalf("stats: in %d clean %d blocked %d invalid %d, want %d %d %d %d", st.RowsIn, st.RowsClean, st.RowsBlocked, st.RowsInvalid,
			bookRows, len(wantClean), len(wantBlocked), len(wantInvalid))
	}
	if st.Input.Sheet != "Prospects" {
		t.Errorf("input.sheet = %q, want Prospects", st.Input.Sheet)
	}

	input := readCells(t, in, "Prospects")
	check := func(path string, want []int, extra ...string) {
		t.Helper()
		got := readCells(t, path, "Prospects")
		if len(got) != len(want)+1 {
			t.Fatalf("%s: %d rows, want %d (header and %d)", filepath.Base(path), len(got), len(want)+1, len(want))
		}
		header := append(append([]string{}, bookHeader...), []string{"scrub_reason", "scrub_source"}[:len(extra)]...)
		for j, h := range header {
			if c := cellAt(got[0], j); c != (xlCell{h, "text"}) {
				t.Errorf("%s: header cell %d = %+v, want text %q", filepath.Base(path), j, c, h)
			}
		}
		for k, i := range want {
			inRow, outRow := input[i], got[k+1]
			for j := range bookHeader {
				if a, b := cellAt(inRow, j), cellAt(outRow, j); !sameCell(a, b) {
					ref, _ := excelize.CoordinatesToCellName(j+1, k+2)
					t.Errorf("%s %s (input row %d): %s %q, want %s %q", filepath.Base(path), ref, i+1, b.class, b.value, a.class, a.value)
				}
			}
			for e, x := range extra {
				if c := cellAt(outRow, len(bookHeader)+e); c != (xlCell{x, "text"}) {
					t.Errorf("%s row %d: scrub column %d = %+v, want text %q", filepath.Base(path), k+2, e, c, x)
				}
			}
			if len(outRow) > len(bookHeader)+len(extra) {
				t.Errorf("%s row %d: %d cells, want %d", filepath.Base(path), k+2, len(outRow), len(bookHeader)+len(extra))
			}
		}
	}
	check(clean, wantClean)
	check(blocked, wantBlocked, "registered", "reg")

	// The CSV output: BOM, ';', CRLF, each cell as its text.
	b, err := os.ReadFile(invalid)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Errorf("invalid.csv does not start with a UTF-8 BOM: %q", b[:min(len(b), 8)])
	}
	if !bytes.HasPrefix(body, []byte("id;nom;Mobile;Tel fixe;inscrit;actif;note;score;scrub_reason\r\n")) {
		t.Errorf("invalid.csv header line: %q", body[:min(len(body), 80)])
	}
	cr := csv.NewReader(bytes.NewReader(body))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("invalid.csv: %v", err)
	}
	if len(recs) != len(wantInvalid)+1 {
		t.Fatalf("invalid.csv: %d records, want %d", len(recs), len(wantInvalid)+1)
	}
	for k, i := range wantInvalid {
		rec := recs[k+1]
		want := csvText(input[i], i)
		want = append(want, "")
		if len(rec) != len(want) {
			t.Errorf("invalid.csv record %d: %d fields %q, want %d %q", k+1, len(rec), rec, len(want), want)
			continue
		}
		for j := range want[:len(want)-1] {
			// encoding/csv drops the CR of a CRLF inside a quoted field.
			if w := strings.ReplaceAll(want[j], "\r\n", "\n"); rec[j] != w {
				t.Errorf("invalid.csv record %d (input row %d) field %s: %q, want %q", k+1, i+1, bookHeader[j], rec[j], w)
			}
		}
	}
}

// csvText returns the text of input row i's cells as CSV fields: numbers
// as their exact decimal text, dates ISO 8601, booleans TRUE/FALSE.
func csvText(row []xlCell, i int) []string {
	out := make([]string, len(bookHeader))
	for j := range bookHeader {
		c := cellAt(row, j)
		switch c.class {
		case "date":
			out[j] = bookISO(i)
		case "bool":
			out[j] = map[string]string{"1": "TRUE", "0": "FALSE"}[c.value]
		default:
			out[j] = c.value
		}
	}
	return out
}

// TestCSVToWorkbook scrubs a Windows-1252 CSV into a workbook: every cell
// text, decoded to UTF-8, leading zeros and all.
func TestCSVToWorkbook(t *testing.T) {
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	reg := loadRegistry(t, dir, norm, "0612345678")
	text := "id;tel;ville;montant\r\n1;0612345679;Orléans;12,50\r\n2;0612345678;Besançon;3\r\n3;06 12 34 56 80;Évry €;007\r\n"
	cp, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte(cp), 0o644); err != nil {
		t.Fatal(err)
	}
	clean, blocked := filepath.Join(dir, "clean.xlsx"), filepath.Join(dir, "blocked.xlsx")
	if _, err := Run(context.Background(), Options{Input: in, Out: clean, Blocked: blocked, Registry: reg, Normalizer: norm}); err != nil {
		t.Fatal(err)
	}
	text2 := func(s ...string) []xlCell {
		var out []xlCell
		for _, v := range s {
			out = append(out, xlCell{v, "text"})
		}
		return out
	}
	for _, tt := range []struct {
		path string
		want [][]xlCell
	}{
		{clean, [][]xlCell{
			text2("id", "tel", "ville", "montant"),
			text2("1", "0612345679", "Orléans", "12,50"),
			text2("3", "06 12 34 56 80", "Évry €", "007"),
		}},
		{blocked, [][]xlCell{
			text2("id", "tel", "ville", "montant", "scrub_reason", "scrub_source"),
			text2("2", "0612345678", "Besançon", "3", "registered", "reg"),
		}},
	} {
		got := readCells(t, tt.path, "")
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s:\n%v\nwant\n%v", filepath.Base(tt.path), got, tt.want)
		}
	}
}
