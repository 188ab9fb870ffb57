package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchHeader is the sample's columns the benchmark writes: text, numbers
// (a postcode, a mobile number whose zero Excel ate) and a date.
var benchHeader = []string{"Civilité", "Nom", "Prénom", "Code postal", "Ville", "Tél. fixe", "Portable", "Email", "Dernier contact"}

var (
	benchCivil  = []string{"M.", "Mme"}
	benchNoms   = []string{"Martin", "Bernard", "Thomas", "Petit", "Robert", "Lefèvre", "Garçon", "Dubois"}
	benchPrenom = []string{"Jean", "Marie", "François", "Hélène", "Zoé", "André"}
	benchVilles = []string{"Bordeaux", "Saint-Denis", "Lyon", "Marseille", "Lille"}
)

// benchRow returns the i-th row of the benchmark: values and kinds.
func benchRow(i int) ([][]byte, []Kind) {
	nom := benchNoms[i%len(benchNoms)]
	mobile := 600000000 + (i*7919)%100000000
	v := [][]byte{
		[]byte(benchCivil[i%2]),
		[]byte(nom),
		[]byte(benchPrenom[i%len(benchPrenom)]),
		strconv.AppendInt(nil, int64(1000+i%94000), 10),
		[]byte(benchVilles[i%len(benchVilles)]),
		fmt.Appendf(nil, "01 %02d %02d %02d %02d", i%100, (i/100)%100, (i/7)%100, (i/13)%100),
		strconv.AppendInt(nil, int64(mobile), 10),
		fmt.Appendf(nil, "%s.%d@example.fr", nom, i),
		fmt.Appendf(nil, "2026-%02d-%02d", 1+i%12, 1+i%28),
	}
	k := []Kind{Text, Text, Text, Number, Text, Text, Number, Text, Date}
	if i%3 == 0 { // a third of the mobiles as text, with the zero
		v[6] = fmt.Appendf(nil, "0%d", mobile)
		k[6] = Text
	}
	return v, k
}

const benchRows = 100_000

// BenchmarkWriter writes 100,000 rows of 9 cells: with this package's
// Writer, and with excelize's StreamWriter given the same values (numbers
// as float64, dates as time.Time with a date style), converted before the
// timer starts. MB/s is of the worksheet's XML as this Writer writes it.
func BenchmarkWriter(b *testing.B) {
	vals := make([][][]byte, benchRows)
	kinds := make([][]Kind, benchRows)
	for i := range benchRows {
		vals[i], kinds[i] = benchRow(i)
	}
	header := make([][]byte, len(benchHeader))
	for j, h := range benchHeader {
		header[j] = []byte(h)
	}
	write := func(out interface{ Write([]byte) (int, error) }) {
		w := NewWriter(out, "Prospects")
		if err := w.WriteRow(header, nil); err != nil {
			b.Fatal(err)
		}
		for i := range vals {
			if err := w.WriteRow(vals[i], kinds[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	var probe bytes.Buffer
	write(&probe)
	xmlBytes := sheetXMLSize(b, probe.Bytes())

	b.Run("listscrub", func(b *testing.B) {
		b.SetBytes(xmlBytes)
		b.ReportAllocs()
		for b.Loop() {
			write(discard{})
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
		b.ReportMetric(float64(probe.Len())/float64(benchRows), "zip-B/row")
	})

	b.Run("excelize", func(b *testing.B) {
		anyRows := make([][]any, benchRows)
		for i := range vals {
			r := make([]any, len(vals[i]))
			for j, v := range vals[i] {
				switch kinds[i][j] {
				case Number:
					f, _ := strconv.ParseFloat(string(v), 64)
					r[j] = f
				case Date:
					d, _ := time.Parse("2006-01-02", string(v))
					r[j] = d
				default:
					r[j] = string(v)
				}
			}
			anyRows[i] = r
		}
		anyHeader := make([]any, len(benchHeader))
		for j, h := range benchHeader {
			anyHeader[j] = h
		}
		b.SetBytes(xmlBytes)
		b.ReportAllocs()
		for b.Loop() {
			f := excelize.NewFile()
			sw, err := f.NewStreamWriter("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			if err := sw.SetRow("A1", anyHeader); err != nil {
				b.Fatal(err)
			}
			for i, r := range anyRows {
				cell, _ := excelize.CoordinatesToCellName(1, i+2)
				if err := sw.SetRow(cell, r); err != nil {
					b.Fatal(err)
				}
			}
			if err := sw.Flush(); err != nil {
				b.Fatal(err)
			}
			if _, err := f.WriteTo(discard{}); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
	})
}

// sheetXMLSize returns the decompressed size of a workbook's sheet.
func sheetXMLSize(b *testing.B, book []byte) int64 {
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == sheetPart {
			return int64(f.UncompressedSize64)
		}
	}
	b.Fatal("no sheet")
	return 0
}
