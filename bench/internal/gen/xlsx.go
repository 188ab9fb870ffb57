package gen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// WorkbookVersion changes whenever the workbook made from the same CSV
// changes.
const WorkbookVersion = 1

// WorkbookPath is where Workbook writes a data set's workbook in dir.
func WorkbookPath(dir string) string { return filepath.Join(dir, "prospects.xlsx") }

// workbookStamp is the file beside the workbook that says what it was made
// from: a workbook without a current stamp is made again.
func workbookStamp(dir string, m *Meta) (path, want string) {
	return filepath.Join(dir, "prospects.xlsx.stamp"), fmt.Sprintf("gen %d workbook %d rows %d bytes %d\n", m.Version, WorkbookVersion, m.Rows, m.InputBytes)
}

// WorkbookCurrent reports whether dir holds the workbook of data set m.
func WorkbookCurrent(dir string, m *Meta) bool {
	p, want := workbookStamp(dir, m)
	b, err := os.ReadFile(p)
	if err != nil || string(b) != want {
		return false
	}
	_, err = os.Stat(WorkbookPath(dir))
	return err == nil
}

// Workbook writes the data set's prospect file (dir's prospects.csv, of
// Meta m) as a workbook of one sheet "Prospects", with excelize's
// StreamWriter: an independent writer, so that the bench reads a workbook
// as another program writes one. The cells are what an operations team's
// file holds: text, except the mobile numbers a spreadsheet ate the zero of
// (612345678) and the postcodes without a leading zero, which are number
// cells. Every value keeps its meaning, so Meta.Kept holds for it.
func Workbook(dir string, m *Meta) error {
	in, _, _ := Paths(dir)
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	out := WorkbookPath(dir)
	tmp := filepath.Join(dir, "prospects.tmp.xlsx") // SaveAs wants the extension
	defer os.Remove(tmp)

	book := excelize.NewFile()
	defer book.Close()
	if err := book.SetSheetName("Sheet1", "Prospects"); err != nil {
		return err
	}
	sw, err := book.NewStreamWriter("Prospects")
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bufio.NewReaderSize(f, 1<<20))
	row := make([]any, 0, 8)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSuffix(sc.Bytes(), []byte{'\r'})
		row = row[:0]
		for j, field := range bytes.Split(line, []byte{';'}) {
			row = append(row, cellValue(n, j, string(field)))
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("%s: row %d: %w", out, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := book.SaveAs(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	p, stamp := workbookStamp(dir, m)
	return os.WriteFile(p, []byte(stamp), 0o644)
}

// cellValue is the value of field j of line n (1 is the header) as the
// workbook holds it: nil for an empty field (no cell), an int64 for a
// mobile number of 9 digits or a postcode without a leading zero, else the
// text.
func cellValue(n, j int, field string) any {
	if field == "" {
		return nil
	}
	if n > 1 && (j == 4 && len(field) == 9 || j == 2 && field[0] != '0') {
		if v, err := strconv.ParseInt(field, 10, 64); err == nil {
			return v
		}
	}
	return field
}
