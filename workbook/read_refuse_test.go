package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func openBytes(data []byte, lim Limits) (*Book, error) {
	return Open(context.Background(), bytes.NewReader(data), int64(len(data)), "test.xlsx", lim)
}

// TestOpenRefuses: files that are not workbooks listscrub reads are refused
// at Open, with an error naming the file and saying what they are.
func TestOpenRefuses(t *testing.T) {
	legacy, err := os.ReadFile("testdata/legacy.xls") // made with Debian's python3-xlwt
	if err != nil {
		t.Fatal(err)
	}
	encrypted := encryptedBook(t)
	ods := makeZip(t, zipEntry{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, zipEntry{"content.xml", "<office:document-content/>"}, zipEntry{"META-INF/manifest.xml", "<manifest/>"})
	xlsb := makeZip(t, zipEntry{"_rels/.rels", strings.Replace(relsXML, "workbook.xml", "workbook.bin", 1)}, zipEntry{"xl/workbook.bin", "\x83\x01"})
	other := makeZip(t, zipEntry{"readme.txt", "hello"})
	dup := makeZip(t, zipEntry{"_rels/.rels", relsXML}, zipEntry{"xl/workbook.xml", workbookXML}, zipEntry{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		zipEntry{"xl/worksheets/sheet1.xml", sheetDoc("")}, zipEntry{"xl/worksheets/Sheet1.xml", sheetDoc(`<row><c><v>612345678</v></c></row>`)})
	dupSlash := makeZip(t, zipEntry{"_rels/.rels", relsXML}, zipEntry{"xl/workbook.xml", workbookXML}, zipEntry{`xl\workbook.xml`, workbookXML})
	good := handBook(t, sheetDoc(`<row><c><v>1</v></c></row>`))
	tests := []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{"an encrypted workbook", encrypted, "test.xlsx: the workbook is password-protected", ErrEncrypted},
		{"an .xls", legacy, "test.xlsx: an Excel 97-2003 workbook (.xls)", ErrLegacyExcel},
		{"another OLE file", oleWithout(t, legacy), "an OLE compound file", ErrNotWorkbook},
		{"an .ods", ods, "test.xlsx: an OpenDocument spreadsheet (.ods)", ErrOpenDoc},
		{"an .xlsb", xlsb, "test.xlsx: an Excel binary workbook (.xlsb)", ErrBinaryExcel},
		{"another zip", other, "test.xlsx: not an Excel workbook", ErrNotWorkbook},
		{"not a zip", []byte("Nom;Portable\nPayet;0612345678\n"), "test.xlsx: not an Excel workbook", ErrNotWorkbook},
		{"a truncated zip", good[:len(good)-30], "test.xlsx: corrupt or truncated zip archive", ErrCorrupt},
		{"two entries of one name", dup, `two zip entries named "xl/worksheets/sheet1.xml"`, ErrCorrupt},
		{"two entries of one name, with \\", dupSlash, `two zip entries named "xl/workbook.xml"`, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openBytes(tt.data, Limits{})
			wantErr(t, err, tt.want, tt.is)
		})
	}
}

// encryptedBook is a workbook saved by excelize with a password.
func encryptedBook(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "0612345678"); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "enc.xlsx")
	if err := f.SaveAs(p, excelize.Options{Password: "x"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// oleWithout returns a copy of an OLE file whose Workbook stream is renamed.
func oleWithout(t *testing.T, ole []byte) []byte {
	name := []byte("W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00")
	i := bytes.Index(ole, name)
	if i < 0 {
		t.Fatal("no Workbook stream in the .xls")
	}
	out := bytes.Clone(ole)
	copy(out[i:], "X\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00")
	return out
}

// TestDamagedEntry: a sheet entry whose compressed bytes are cut or whose
// content does not match its checksum is an error, never a shorter sheet.
func TestDamagedEntry(t *testing.T) {
	var sheet strings.Builder
	for i := 1; i <= 3000; i++ {
		sheet.WriteString(`<row><c t="inlineStr"><is><t>0612345678</t></is></c><c><v>` + strings.Repeat("7", i%13+1) + `</v></c></row>`)
	}
	good := handBook(t, sheetDoc(sheet.String()))
	off, size := entryData(t, good, "xl/worksheets/sheet1.xml")
	if _, _, err := readSheet(good, 0); err != nil {
		t.Fatal(err)
	}
	t.Run("compressed bytes cut", func(t *testing.T) {
		cut := bytes.Clone(good)
		// Zero the second half of the deflate stream: it no longer inflates
		// to the declared content.
		clear(cut[off+size/2 : off+size])
		_, _, err := readSheet(cut, 0)
		wantErr(t, err, `test.xlsx: sheet "Feuil1"`, ErrCorrupt)
	})
	t.Run("a byte flipped", func(t *testing.T) {
		// In a stored (uncompressed) entry a digit changed is still a
		// well-formed sheet: only the checksum tells.
		stored := storeEntries(t, good)
		off, _ := entryData(t, stored, "xl/worksheets/sheet1.xml")
		k := bytes.Index(stored[off:], []byte("0612345678")) + off + 9
		stored[k] = '9'
		_, _, err := readSheet(stored, 0)
		wantErr(t, err, `test.xlsx: sheet "Feuil1": corrupt or truncated zip entry: zip: checksum error`, ErrCorrupt, zip.ErrChecksum)
		// archive/zip checks no checksum recorded as 0: a damaged entry
		// whose CRC was zeroed too must still fail.
		_, _, err = readSheet(zeroCRC(t, stored, "xl/worksheets/sheet1.xml"), 0)
		wantErr(t, err, `test.xlsx: sheet "Feuil1": corrupt or truncated zip entry: zip: checksum error`, ErrCorrupt, zip.ErrChecksum)
	})
}

// zeroCRC rewrites a zip with the CRC-32 of entry name recorded as 0, its
// bytes unchanged.
func zeroCRC(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		fh := f.FileHeader
		fh.Flags &^= 0x8 // no data descriptor: the sizes and CRC are in the headers
		if f.Name == name {
			fh.CRC32 = 0
		}
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// storeEntries rewrites a zip with its entries stored, not deflated.
func storeEntries(t testing.TB, data []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		body, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// entryData returns where an entry's compressed data is in a zip.
func entryData(t *testing.T, data []byte, name string) (off, size int) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			o, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			return int(o), int(f.CompressedSize64)
		}
	}
	t.Fatalf("no %s", name)
	return 0, 0
}

// TestLimits: a part whose declared size is past its limit fails before it
// is inflated; one that lies about its size fails when it inflates past
// it.
func TestLimits(t *testing.T) {
	var sheet strings.Builder
	for i := 0; i < 2000; i++ {
		sheet.WriteString(`<row><c><v>612345678</v></c></row>`)
	}
	data := handBook(t, sheetDoc(sheet.String()))
	t.Run("sheet", func(t *testing.T) {
		b, err := openBytes(data, Limits{MaxSheetBytes: 10000})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = readBookSheet(b, 0)
		wantErr(t, err, `test.xlsx: sheet "Feuil1": 68168 bytes once decompressed, over the limit of 10000: too large once decompressed`, ErrTooLarge)
	})
	t.Run("strings", func(t *testing.T) {
		_, err := openBytes(data, Limits{MaxStringsBytes: 100})
		wantErr(t, err, "test.xlsx: xl/sharedStrings.xml: 228 bytes once decompressed, over the limit of 100", ErrTooLarge)
	})
	t.Run("styles", func(t *testing.T) {
		_, err := openBytes(data, Limits{MaxPartBytes: 300})
		wantErr(t, err, "test.xlsx: xl/_rels/workbook.xml.rels: 565 bytes once decompressed, over the limit of 300", ErrTooLarge)
	})
	t.Run("declared size false", func(t *testing.T) {
		lied := lieSize(t, data, "xl/worksheets/sheet1.xml", 5000)
		b, err := openBytes(lied, Limits{MaxSheetBytes: 10000})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = readBookSheet(b, 0)
		wantErr(t, err, `test.xlsx: sheet "Feuil1": corrupt or truncated zip entry: zip: not a valid zip file`, ErrCorrupt)
	})
}

// lieSize sets the declared uncompressed size of an entry, in its local
// header and in the central directory.
func lieSize(t *testing.T, data []byte, name string, size uint32) []byte {
	out := bytes.Clone(data)
	n := 0
	for i := 0; i+46 < len(out); i++ {
		switch {
		case bytes.HasPrefix(out[i:], []byte("PK\x03\x04")) && string(out[i+30:i+30+len(name)]) == name:
			binary.LittleEndian.PutUint32(out[i+22:], size)
			n++
		case bytes.HasPrefix(out[i:], []byte("PK\x01\x02")) && string(out[i+46:min(len(out), i+46+len(name))]) == name:
			binary.LittleEndian.PutUint32(out[i+24:], size)
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no entry %s", name)
	}
	return out
}
