package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// gotRow is a row as read, copied out of the reader's buffers, printed as
// 3:[text:Nom number:612345678].
type gotRow struct {
	Num    int
	Values []string
	Kinds  []Kind
}

func (r gotRow) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:[", r.Num)
	for i, v := range r.Values {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:%s", r.Kinds[i], v)
	}
	b.WriteByte(']')
	return b.String()
}

// readSheet reads sheet i of a workbook in full.
func readSheet(data []byte, i int) (rows []gotRow, empty int, err error) {
	ctx := context.Background()
	b, err := Open(ctx, bytes.NewReader(data), int64(len(data)), "test.xlsx", Limits{})
	if err != nil {
		return nil, 0, err
	}
	return readBookSheet(b, i)
}

func readBookSheet(b *Book, i int) (rows []gotRow, empty int, err error) {
	rs, err := b.Rows(context.Background(), i)
	if err != nil {
		return nil, 0, err
	}
	defer rs.Close()
	for {
		row, err := rs.Next()
		if err == io.EOF {
			return rows, rs.EmptyRows(), nil
		}
		if err != nil {
			return rows, rs.EmptyRows(), err
		}
		g := gotRow{Num: row.Num, Kinds: append([]Kind(nil), row.Kinds...)}
		for _, v := range row.Values {
			g.Values = append(g.Values, string(v))
		}
		rows = append(rows, g)
	}
}

func rowsText(rows []gotRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// zipEntry is one file of a hand-made archive.
type zipEntry struct {
	name string
	body string
}

// makeZip builds an archive of entries, deflated.
func makeZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	relsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRelsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	sstXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>Nom</t></si><si><t>Portable</t></si><si><t>0612345678</t></si></sst>`
	testStylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\ hh:mm"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="21"/></cellXfs></styleSheet>`
)

// sheetDoc wraps sheetData content in a worksheet.
func sheetDoc(data string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + data + `</sheetData></worksheet>`
}

// handBook builds a one-sheet workbook (shared strings sstXML and styles
// testStylesXML) whose sheet part is sheet.
func handBook(t testing.TB, sheet string) []byte {
	return makeZip(t,
		zipEntry{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		zipEntry{"_rels/.rels", relsXML},
		zipEntry{"xl/workbook.xml", workbookXML},
		zipEntry{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		zipEntry{"xl/sharedStrings.xml", sstXML},
		zipEntry{"xl/styles.xml", testStylesXML},
		zipEntry{"xl/worksheets/sheet1.xml", sheet},
	)
}

// wantErr fails unless err is an error whose message holds want.
func wantErr(t *testing.T, err error, want string, is ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one with %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q, want one with %q", err, want)
	}
	for _, target := range is {
		if !errors.Is(err, target) {
			t.Fatalf("error %q is not %v", err, target)
		}
	}
}
