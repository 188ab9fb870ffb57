package workbook

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzRows opens arbitrary bytes as a workbook and reads every sheet: an
// error, or rows that keep Row's promises; never a panic.
func FuzzRows(f *testing.F) {
	f.Add(excelizeBook(f))
	f.Add(handBook(f, sheetDoc(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>46357</v></c></row><row r="3"><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c></row>`)))
	f.Add(handBook(f, sheetDoc(`<row><c t="str"><f>x</f><v>_x000D_&amp;</v></c><c t="b"><v>1</v></c></row>`)+`<mergeCells><mergeCell ref="A1:C1"/></mergeCells>`))
	f.Add(storeEntries(f, handBook(f, sheetDoc(`<row><c><v>612345678</v></c></row>`))))
	if legacy, err := os.ReadFile("testdata/legacy.xls"); err == nil {
		f.Add(legacy)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "fuzz.xlsx", Limits{MaxSheetBytes: 1 << 20, MaxStringsBytes: 1 << 20, MaxPartBytes: 1 << 20})
		if err != nil {
			return
		}
		for i := range b.Sheets() {
			rs, err := b.Rows(context.Background(), i)
			if err != nil {
				continue
			}
			checkRows(t, rs)
			rs.Close()
		}
	})
}

// FuzzSheetXML reads arbitrary bytes as a sheet's XML, whole and one byte
// at a time: the same rows and the same error either way, and rows that
// keep Row's promises.
func FuzzSheetXML(f *testing.F) {
	for _, s := range []string{
		sheetDoc(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="2"><v>46357.5</v></c></row><row r="4"><c t="inlineStr"><is><t>a&amp;&#233;</t></is></c></row>`),
		sheetDoc(`<x:row><x:c t="str"><x:v><![CDATA[06]]></x:v></x:c><!-- c --><?p?></x:row>`),
		sheetDoc(`<row><c t='b'><v>1</v></c><c t="e"><v>#N/A</v></c><c t="d"><v>2026-12-01</v></c><c><v>6.12345678E+8</v></c></row>`),
		"<worksheet><sheetData><row><c><v>1</v></c></row>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, xml string) {
		if len(xml) > 4<<10 { // read one byte at a time, a long tag is parsed again at each byte
			return
		}
		whole, e1, err1 := readSheetXML(t, xml, func(r io.Reader) io.Reader { return r })
		bytewise, e2, err2 := readSheetXML(t, xml, iotest.OneByteReader)
		if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
			t.Fatalf("errors differ: %v / %v", err1, err2)
		}
		if rowsText(whole) != rowsText(bytewise) || e1 != e2 {
			t.Fatalf("rows differ:\n%s\n%s", rowsText(whole), rowsText(bytewise))
		}
		checkGot(t, whole)
	})
}

func checkRows(t *testing.T, rs *Rows) {
	prev := 0
	for n := 0; ; n++ {
		row, err := rs.Next()
		if err != nil {
			if err != io.EOF && strings.Contains(err.Error(), "612345678") {
				t.Fatalf("error %q quotes a value", err)
			}
			if err == io.EOF && n+rs.EmptyRows() > prev {
				t.Fatalf("%d rows and %d empty, the last row %d", n, rs.EmptyRows(), prev)
			}
			return
		}
		if row.Num <= prev || row.Num > MaxRows {
			t.Fatalf("row %d after %d", row.Num, prev)
		}
		prev = row.Num
		checkRow(t, row.Num, row.Kinds, len(row.Values), func(j int) int { return len(row.Values[j]) })
	}
}

func checkGot(t *testing.T, rows []gotRow) {
	prev := 0
	for _, r := range rows {
		if r.Num <= prev {
			t.Fatalf("row %d after %d", r.Num, prev)
		}
		prev = r.Num
		checkRow(t, r.Num, r.Kinds, len(r.Values), func(j int) int { return len(r.Values[j]) })
	}
}

// checkRow checks a row's promises: as many kinds as values, a last value
// that is not empty, and a value empty exactly when its kind is Empty.
func checkRow(t *testing.T, num int, kinds []Kind, n int, size func(int) int) {
	if len(kinds) != n || n == 0 || n > MaxColumns {
		t.Fatalf("row %d: %d values, %d kinds", num, n, len(kinds))
	}
	if kinds[n-1] == Empty {
		t.Fatalf("row %d ends with an empty cell", num)
	}
	for j, k := range kinds {
		if (k == Empty) != (size(j) == 0) || k > Error {
			t.Fatalf("row %d column %d: kind %v, %d bytes", num, j, k, size(j))
		}
	}
}
