package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
)

// benchBook is a workbook of n rows with the columns of
// testdata/sample/prospects.csv, made by excelize's stream writer, and its
// sheet's XML size.
func benchBook(tb testing.TB, n int, merge bool) ([]byte, int64) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	header := []any{"Civilité", "Nom", "Prénom", "Adresse", "Code postal", "Ville", "Tél. fixe", "Portable", "Email", "Campagne", "Commentaire"}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	if merge {
		if err := sw.MergeCell("G1", "H1"); err != nil {
			tb.Fatal(err)
		}
	}
	civ := []string{"M.", "Mme"}
	noms := []string{"Payet", "Garcia", "Petit", "Laurent", "Martin", "Bernard"}
	prenoms := []string{"Zoé", "François", "Gaëlle", "Jean", "Léa"}
	villes := []string{"Bordeaux", "Saint-Denis", "Lyon", "Paris", "Lille"}
	camp := []string{"Assurance-Habitation", "Fibre-Novembre", "Énergie-Q4"}
	row := make([]any, 11)
	for i := 0; i < n; i++ {
		row[0] = civ[i%2]
		row[1] = noms[i%len(noms)]
		row[2] = prenoms[i%len(prenoms)]
		row[3] = fmt.Sprintf("%d rue de la Paix", i%200+1)
		row[4] = 33000 + i%97
		row[5] = villes[i%len(villes)]
		if i%3 == 0 {
			row[6] = fmt.Sprintf("01 23 45 %02d %02d", i%100, i/100%100)
		} else {
			row[6] = nil
		}
		row[7] = 600000000 + i*7919%100000000
		row[8] = fmt.Sprintf("%s.%s%d@example.fr", prenoms[i%len(prenoms)], noms[i%len(noms)], i)
		row[9] = camp[i%len(camp)]
		row[10] = nil
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	data := buf.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			return data, int64(zf.UncompressedSize64)
		}
	}
	tb.Fatal("no sheet")
	return nil, 0
}

// benchCache keeps the benchmarks' workbook, made once.
var benchCache struct {
	once sync.Once
	data []byte
	size int64
}

func bench100k(b *testing.B) ([]byte, int64) {
	benchCache.once.Do(func() { benchCache.data, benchCache.size = benchBook(b, 100_000, false) })
	return benchCache.data, benchCache.size
}

// BenchmarkRows reads a 100,000-row sheet (in memory); MB/s are of the
// sheet's XML, inflating included.
func BenchmarkRows(b *testing.B) {
	data, size := bench100k(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		readAllRows(b, data, 100_001)
	}
}

// BenchmarkRowsSteady is BenchmarkRows without the Open and Rows calls
// and the merge pass: the per-row path alone, whose allocations should be
// none.
func BenchmarkRowsSteady(b *testing.B) {
	data, size := bench100k(b)
	book, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.xlsx", Limits{})
	if err != nil {
		b.Fatal(err)
	}
	rs, err := book.Rows(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := rs.Next(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size / 100_001)
	b.ReportAllocs()
	for b.Loop() {
		_, err := rs.Next()
		if err == io.EOF {
			b.StopTimer()
			rs.Close()
			rs, _ = book.Rows(context.Background(), 0)
			rs.Next()
			b.StartTimer()
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeScan is the cost of the pass over the sheet that looks
// for merged cells, alone.
func BenchmarkMergeScan(b *testing.B) {
	data, size := bench100k(b)
	book, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.xlsx", Limits{})
	if err != nil {
		b.Fatal(err)
	}
	rs, err := book.Rows(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rs.scanMerges(1); err != nil {
			b.Fatal(err)
		}
	}
}

func readAllRows(tb testing.TB, data []byte, want int) {
	book, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.xlsx", Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	rs, err := book.Rows(context.Background(), 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer rs.Close()
	n := 0
	for {
		_, err := rs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		n++
	}
	if n != want {
		tb.Fatalf("%d rows, want %d", n, want)
	}
}

// BenchmarkSheetXML reads the rows of the 100,000-row sheet's XML, already
// inflated: the parsing alone.
func BenchmarkSheetXML(b *testing.B) {
	data, size := bench100k(b)
	book, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.xlsx", Limits{})
	if err != nil {
		b.Fatal(err)
	}
	rc, err := book.sheets[0].file.Open()
	if err != nil {
		b.Fatal(err)
	}
	xml, err := io.ReadAll(rc)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rs := &Rows{ctx: context.Background(), b: book, sheet: &book.sheets[0], x: newXMLReader(bytes.NewReader(xml)), merged: true}
		n := 0
		for {
			_, err := rs.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_001 {
			b.Fatalf("%d rows", n)
		}
	}
}

// bench1M is a workbook of a full million rows, made once (about 20 s).
var bench1M struct {
	once sync.Once
	data []byte
	size int64
}

// BenchmarkRows1M reads a 1,000,000-row sheet (merge pass included), and
// BenchmarkMergeScan1M is the merge pass alone over it: what the pass
// costs on a full sheet.
func BenchmarkRows1M(b *testing.B) {
	bench1M.once.Do(func() { bench1M.data, bench1M.size = benchBook(b, 1_000_000, true) })
	b.SetBytes(bench1M.size)
	b.ReportAllocs()
	for b.Loop() {
		readAllRows(b, bench1M.data, 1_000_001)
	}
}

func BenchmarkMergeScan1M(b *testing.B) {
	bench1M.once.Do(func() { bench1M.data, bench1M.size = benchBook(b, 1_000_000, true) })
	book, err := Open(context.Background(), bytes.NewReader(bench1M.data), int64(len(bench1M.data)), "bench.xlsx", Limits{})
	if err != nil {
		b.Fatal(err)
	}
	rs, err := book.Rows(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	b.SetBytes(bench1M.size)
	b.ReportAllocs()
	for b.Loop() {
		m, err := rs.scanMerges(1)
		if err != nil || len(m) != 1 {
			b.Fatal(len(m), err)
		}
	}
}

// BenchmarkRowsWithoutMergePass is BenchmarkRows without the merge pass:
// the inflating (in the read-ahead goroutine) and the parsing.
func BenchmarkRowsWithoutMergePass(b *testing.B) {
	data, size := bench100k(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		book, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.xlsx", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		rs, err := book.Rows(context.Background(), 0)
		if err != nil {
			b.Fatal(err)
		}
		rs.merged = true
		n := 0
		for ; ; n++ {
			if _, err := rs.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		rs.Close()
		if n != 100_001 {
			b.Fatalf("%d rows", n)
		}
	}
}
