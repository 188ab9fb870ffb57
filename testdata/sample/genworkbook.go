//go:build ignore

// Command genworkbook writes testdata/sample/prospects.xlsx, the sample
// workbook, from the rows of testdata/sample/prospects.csv (';', Windows-1252),
// with excelize: a writer independent of listscrub's, so that reading it tests
// listscrub's reader against another program's output.
//
//	go run ./testdata/sample/genworkbook.go    (or: make sample-xlsx)
//
// It looks like an operations team's file: a first sheet "Lisez-moi" of a few
// lines of text (no phone column: listscrub must pass over it), then the data
// sheet "Prospects", the header in bold, and the phone columns holding what
// such files hold: text ("06 12 34 56 78", as shared strings), number cells
// where Excel ate the zero (612345678), formulas ="0612345678" with their
// cached value, and a date column. Every value keeps the meaning it has in the
// CSV, so the workbook's rows scrub to the same categories as the CSV's
// (the CSV's "6,12E+08" stays that text: a number lost to scientific
// notation stays lost). The same CSV gives the same bytes.
package main

import (
	"archive/zip"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

func main() {
	if err := run(filepath.Join("testdata", "sample")); err != nil {
		fmt.Fprintln(os.Stderr, "genworkbook:", err)
		os.Exit(1)
	}
}

var (
	nineDigits = regexp.MustCompile(`^[1-9][0-9]{8}$`) // a number Excel ate the zero of
	tenDigits  = regexp.MustCompile(`^0[0-9]{9}$`)
	postcode   = regexp.MustCompile(`^[1-9][0-9]{4}$`)
)

// fixedTime is the workbook's creation and modification date, so that the
// same CSV gives the same bytes.
var fixedTime = "2026-01-05T09:00:00Z"

func run(dir string) error {
	in, err := os.Open(filepath.Join(dir, "prospects.csv"))
	if err != nil {
		return err
	}
	defer in.Close()
	cr := csv.NewReader(charmap.Windows1252.NewDecoder().Reader(in))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		return fmt.Errorf("prospects.csv: %w", err)
	}

	f := excelize.NewFile()
	defer f.Close()
	// The best compression: the sample is committed, and small is the goal.
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestCompression)
		})
		return zw
	})
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "Service opérations", LastModifiedBy: "Service opérations",
		Title: "Prospects", Created: fixedTime, Modified: fixedTime, Language: "fr-FR",
	}); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", "Lisez-moi"); err != nil {
		return err
	}
	for i, line := range []string{
		"Fichier de prospects, export du CRM",
		"Campagnes : Assurance-Habitation, Fibre-Novembre, Énergie-Q4.",
		"Les données sont dans l'onglet Prospects, une ligne par contact.",
		"Ne pas modifier les en-têtes des colonnes.",
	} {
		if err := f.SetCellStr("Lisez-moi", fmt.Sprintf("A%d", i+1), line); err != nil {
			return err
		}
	}
	if err := f.SetColWidth("Lisez-moi", "A", "A", 70); err != nil {
		return err
	}
	const sheet = "Prospects"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	if err := writeProspects(f, sheet, records); err != nil {
		return err
	}
	out := filepath.Join(dir, "prospects.xlsx")
	if err := f.SaveAs(out); err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d rows, %d bytes\n", out, len(records), fi.Size())
	return nil
}

// writeProspects writes the CSV's records to sheet: the header in bold,
// then the rows, with a "Dernier contact" date column added.
func writeProspects(f *excelize.File, sheet string, records [][]string) error {
	header := records[0]
	phone := map[int]bool{}
	for j, h := range header {
		if h == "Tél. fixe" || h == "Portable" {
			phone[j] = true
		}
	}
	if len(phone) != 2 {
		return fmt.Errorf("prospects.csv: header %q without its two phone columns", header)
	}
	dateCol := len(header) // after the CSV's columns
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	set := func(col, row int, fn func(ref string) error) error {
		ref, err := excelize.CoordinatesToCellName(col+1, row)
		if err != nil {
			return err
		}
		return fn(ref)
	}
	for j, h := range append(append([]string{}, header...), "Dernier contact") {
		if err := set(j, 1, func(ref string) error { return f.SetCellStr(sheet, ref, h) }); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(dateCol + 1)
	if err := f.SetCellStyle(sheet, "A1", last+"1", bold); err != nil {
		return err
	}
	formulas := 0
	for i, rec := range records[1:] {
		row := i + 2
		if len(rec) > len(header) {
			return fmt.Errorf("prospects.csv: record %d: %d fields, the header has %d", i+2, len(rec), len(header))
		}
		for j, v := range rec {
			if v == "" {
				continue
			}
			var err error
			switch {
			case phone[j] && nineDigits.MatchString(v): // Excel ate the zero
				err = set(j, row, func(ref string) error { return f.SetCellInt(sheet, ref, parseInt(v)) })
			case phone[j] && tenDigits.MatchString(v) && formulas%2 == 0:
				// ="0612345678", the text a team types to keep the zero,
				// with its cached value (the value, then the formula:
				// SetCellFormula keeps it and marks it a string).
				err = set(j, row, func(ref string) error {
					if err := f.SetCellDefault(sheet, ref, v); err != nil {
						return err
					}
					return f.SetCellFormula(sheet, ref, `"`+v+`"`)
				})
				formulas++
			case phone[j] && tenDigits.MatchString(v):
				formulas++
				err = set(j, row, func(ref string) error { return f.SetCellStr(sheet, ref, v) })
			case j == 4 && postcode.MatchString(v):
				err = set(j, row, func(ref string) error { return f.SetCellInt(sheet, ref, parseInt(v)) })
			default:
				err = set(j, row, func(ref string) error { return f.SetCellStr(sheet, ref, v) })
			}
			if err != nil {
				return fmt.Errorf("row %d: %w", row, err)
			}
		}
		d := time.Date(2025, time.Month(1+i%12), 1+(i*7)%28, 0, 0, 0, 0, time.UTC)
		if err := set(dateCol, row, func(ref string) error { return f.SetCellValue(sheet, ref, d) }); err != nil {
			return err
		}
	}
	ref, _ := excelize.CoordinatesToCellName(dateCol+1, len(records))
	if err := f.SetCellStyle(sheet, last+"2", ref, dateStyle); err != nil {
		return err
	}
	for j, width := range []float64{9, 14, 14, 34, 11, 16, 18, 18, 32, 22, 28, 15} {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func parseInt(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}
