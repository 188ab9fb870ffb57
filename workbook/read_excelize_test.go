package workbook

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// excelizeBook builds, with excelize, a workbook of three sheets:
// "Prospects" (shared strings, numbers, booleans, dates with built-in and
// custom formats, empty cells in the middle, a gap of rows, a merged header
// cell), "Caché" (hidden) and "Flux" (written by the stream writer: inline
// strings).
func excelizeBook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Prospects"))
	s := "Prospects"
	for cell, v := range map[string]any{
		"A1": "Nom", "B1": "Téléphones", "D1": "Inscrit", "E1": "Rappel", "F1": "Heure", "G1": "Montant",
		"A2": "Payet", "B2": 612345678, "C2": "0612345678", "D2": true, "E2": 46357, "F2": 0.6041666666666666, "G2": 6.5,
		"A3": "Garcia", "C3": "+33 6 00 53 52 61", "D3": false, "G3": 0.1,
		"A6": "Petit & fils <sarl>", "B6": 33612345678, "G6": -12.25,
	} {
		must(f.SetCellValue(s, cell, v))
	}
	must(f.MergeCell(s, "B1", "C1"))
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	custom := "dd/mm/yyyy hh:mm"
	dateTime, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	must(err)
	clock, err := f.NewStyle(&excelize.Style{NumFmt: 21})
	must(err)
	must(f.SetCellStyle(s, "E2", "E2", date))
	must(f.SetCellValue(s, "E3", 46357.604166666664))
	must(f.SetCellStyle(s, "E3", "E3", dateTime))
	must(f.SetCellStyle(s, "F2", "F2", clock))

	_, err = f.NewSheet("Caché")
	must(err)
	must(f.SetCellValue("Caché", "A1", "Portable"))
	must(f.SetCellValue("Caché", "A2", "0699999999"))
	must(f.SetSheetVisible("Caché", false))

	_, err = f.NewSheet("Flux")
	must(err)
	sw, err := f.NewStreamWriter("Flux")
	must(err)
	must(sw.SetRow("A1", []any{"Portable", "Nom"}))
	must(sw.SetRow("A2", []any{"0612345678", "Durand"}))
	must(sw.SetRow("A4", []any{612345678, nil, "x"}))
	must(sw.Flush())

	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

func TestExcelizeWorkbook(t *testing.T) {
	data := excelizeBook(t)
	b, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "test.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Sheets(); len(got) != 3 || got[0] != "Prospects" || got[1] != "Caché" || got[2] != "Flux" {
		t.Fatalf("Sheets %q", got)
	}
	if b.Hidden(0) || !b.Hidden(1) || b.Hidden(2) {
		t.Errorf("Hidden %v %v %v, want false true false", b.Hidden(0), b.Hidden(1), b.Hidden(2))
	}
	want := []string{
		"1:[text:Nom text:Téléphones text:Téléphones text:Inscrit text:Rappel text:Heure text:Montant]\n" +
			"2:[text:Payet number:612345678 text:0612345678 bool:TRUE date:2026-12-01 date:14:30:00 number:6.5]\n" +
			"3:[text:Garcia empty: text:+33 6 00 53 52 61 bool:FALSE date:2026-12-01T14:30:00 empty: number:0.1]\n" +
			"6:[text:Petit & fils <sarl> number:33612345678 empty: empty: empty: empty: number:-12.25]\n",
		"1:[text:Portable]\n2:[text:0699999999]\n",
		"1:[text:Portable text:Nom]\n2:[text:0612345678 text:Durand]\n4:[number:612345678 empty: text:x]\n",
	}
	wantEmpty := []int{2, 0, 1}
	ref, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	for i, name := range b.Sheets() {
		rows, empty, err := readBookSheet(b, i)
		if err != nil {
			t.Fatal(err)
		}
		if got := rowsText(rows); got != want[i] {
			t.Errorf("sheet %q:\n%s\nwant\n%s", name, got, want[i])
		}
		if empty != wantEmpty[i] {
			t.Errorf("sheet %q: EmptyRows %d, want %d", name, empty, wantEmpty[i])
		}
		compareExcelize(t, ref, name, rows)
	}
}

// compareExcelize checks rows against excelize's reading of the same sheet:
// the same rows, each cell's value and type (dates and merges aside, which
// excelize's raw values do not show).
func compareExcelize(t *testing.T, ref *excelize.File, sheet string, rows []gotRow) {
	t.Helper()
	all, err := ref.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for i, cells := range all {
		nonEmpty := false
		for _, c := range cells {
			nonEmpty = nonEmpty || c != ""
		}
		if !nonEmpty {
			continue
		}
		if k >= len(rows) || rows[k].Num != i+1 {
			t.Fatalf("sheet %q: excelize has row %d, we do not", sheet, i+1)
		}
		got := rows[k]
		k++
		for j, v := range cells {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			typ, err := ref.GetCellType(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			var gv string
			var gk Kind
			if j < len(got.Values) {
				gv, gk = got.Values[j], got.Kinds[j]
			}
			switch {
			case gk == Date || (i == 0 && v == "" && gv != ""):
				continue // a date (excelize gives the serial) or a merged header cell
			case v == "":
				if gk != Empty {
					t.Errorf("%s!%s: %s %q, excelize: empty", sheet, cell, gk, gv)
				}
			case typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString:
				if gk != Text || gv != v {
					t.Errorf("%s!%s: %s %q, excelize: text %q", sheet, cell, gk, gv, v)
				}
			case typ == excelize.CellTypeBool:
				if gk != Bool || (gv == "TRUE") != (v == "1") {
					t.Errorf("%s!%s: %s %q, excelize: bool %q", sheet, cell, gk, gv, v)
				}
			default:
				fg, err1 := strconv.ParseFloat(gv, 64)
				fv, err2 := strconv.ParseFloat(v, 64)
				if gk != Number || err1 != nil || err2 != nil || fg != fv {
					t.Errorf("%s!%s: %s %q, excelize: %v %q", sheet, cell, gk, gv, typ, v)
				}
			}
		}
		for j := len(cells); j < len(got.Values); j++ {
			if got.Kinds[j] != Empty && i != 0 {
				t.Errorf("%s row %d: a value in column %d, excelize has none", sheet, i+1, j+1)
			}
		}
	}
	if k != len(rows) {
		t.Errorf("sheet %q: %d rows, excelize %d", sheet, len(rows), k)
	}
}

// TestExcelizeSheetNamed: Find by name, case-insensitively, and by number.
func TestFindSheet(t *testing.T) {
	data := excelizeBook(t)
	b, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "test.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]int{"Prospects": 0, "prospects": 0, "CACHÉ": 1, "Flux": 2, "1": 0, "3": 2} {
		if got, err := b.Find(sel); err != nil || got != want {
			t.Errorf("Find(%q) = %d, %v; want %d", sel, got, err, want)
		}
	}
	for _, sel := range []string{"Clients", "0", "4", "-1", ""} {
		_, err := b.Find(sel)
		wantErr(t, err, `test.xlsx: no such sheet `+strconv.Quote(sel)+`: the sheets are "Prospects", "Caché", "Flux" (or give a number from 1 to 3)`, ErrNoSheet)
	}
}

// TestFindTabs checks that sheet numbers count the tabs as Excel shows
// them, chart sheets included, and that a number that is another sheet's
// name is refused rather than guessed.
func TestFindTabs(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Clients"))
	must(f.SetCellStr("Clients", "A1", "Tel"))
	if _, err := f.NewSheet("1"); err != nil {
		t.Fatal(err)
	}
	must(f.SetCellStr("1", "A1", "Tel"))
	// A chart sheet, in tab order: Clients, 1, Graph.
	must(f.AddChartSheet("Graph", &excelize.Chart{Type: excelize.Col, Series: []excelize.ChartSeries{{Name: "Clients!$A$1", Values: "Clients!$A$2:$A$3"}}}))
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := Open(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), "tabs.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Sheets(), ","); got != "Clients,1" {
		t.Fatalf("Sheets = %s, want Clients,1 (the chart sheet has no cells)", got)
	}
	if i, err := b.Find("2"); err != nil || b.Sheets()[i] != "1" {
		t.Errorf("Find(2) = %d, %v; want the sheet named 1, the second tab", i, err)
	}
	_, err = b.Find("1")
	wantErr(t, err, `tabs.xlsx: --sheet 1 is ambiguous: it is the name of sheet 2 and the number of sheet "Clients": rename one of them`, ErrNoSheet)
	_, err = b.Find("3")
	wantErr(t, err, `tabs.xlsx: sheet 3 ("Graph") is a chart or dialog sheet, with no cells`, ErrNoSheet)
	_, err = b.Find("graph")
	wantErr(t, err, `tabs.xlsx: sheet "Graph" is a chart or dialog sheet, with no cells`, ErrNoSheet)
	_, err = b.Find("4")
	wantErr(t, err, `tabs.xlsx: no such sheet "4": the sheets are "Clients", "1" (or give a number from 1 to 3)`, ErrNoSheet)
}
