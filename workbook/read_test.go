package workbook

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestOpenStructure: the parts are found as OPC says (relationships,
// case-insensitive names, '\' separators, absolute targets, Strict
// namespaces); chart sheets are not listed; the date system is the
// workbook's.
func TestOpenStructure(t *testing.T) {
	strictRels := `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/XL/Book.xml"/></Relationships>`
	strictBook := `<?xml version="1.0"?><x:workbook xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"><x:workbookPr date1904="1"/><x:sheets>` +
		`<x:sheet name="R&amp;D" sheetId="1" r:id="rId1"/><x:sheet name="Graphique" sheetId="2" r:id="rId2"/><x:sheet name='Masquée' sheetId="3" state="veryHidden" r:id="rId3"/></x:sheets></x:workbook>`
	strictBookRels := `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="/xl/worksheets/s1.xml"/>` +
		`<Relationship Id="rId2" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/chartsheet" Target="chartsheets/c1.xml"/>` +
		`<Relationship Id="rId3" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="../xl/worksheets/S3.XML"/>` +
		`<Relationship Id="rId4" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rId5" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/hyperlink" Target="http://example.com/" TargetMode="External"/></Relationships>`
	data := makeZip(t,
		zipEntry{`_rels\.rels`, strictRels},
		zipEntry{"xl/book.xml", strictBook},
		zipEntry{"xl/_rels/book.xml.rels", strictBookRels},
		zipEntry{"xl/styles.xml", testStylesXML},
		zipEntry{"xl/worksheets/s1.xml", `<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData><x:row r="1"><x:c r="A1" s="1"><x:v>44895</x:v></x:c></x:row></x:sheetData></x:worksheet>`},
		zipEntry{"xl/chartsheets/c1.xml", `<chartsheet/>`},
		zipEntry{"xl/worksheets/s3.xml", sheetDoc(`<row><c t="inlineStr"><is><t>caché</t></is></c></row>`)},
	)
	b, err := openBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Sheets(), "|"); got != "R&D|Masquée" {
		t.Fatalf("Sheets %q, want R&D|Masquée", got)
	}
	if b.Hidden(0) || !b.Hidden(1) {
		t.Errorf("Hidden %v %v", b.Hidden(0), b.Hidden(1))
	}
	rows, _, err := readBookSheet(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsText(rows); got != "1:[date:2026-12-01]\n" {
		t.Errorf("1904 date: %q", got)
	}
	rows, _, err = readBookSheet(b, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsText(rows); got != "1:[text:caché]\n" {
		t.Errorf("hidden sheet: %q", got)
	}
}

func TestOpenBroken(t *testing.T) {
	tests := []struct {
		name    string
		entries []zipEntry
		want    string
	}{
		{"a sheet's part missing", []zipEntry{{"_rels/.rels", relsXML}, {"xl/workbook.xml", workbookXML}, {"xl/_rels/workbook.xml.rels", workbookRelsXML}},
			`test.xlsx: xl/workbook.xml: sheet "Feuil1" is in xl/worksheets/sheet1.xml, which is not in the archive`},
		{"a sheet's relationship missing", []zipEntry{{"_rels/.rels", relsXML}, {"xl/workbook.xml", workbookXML}},
			`sheet "Feuil1" refers to relationship "rId1", which does not exist`},
		{"malformed workbook XML", []zipEntry{{"_rels/.rels", relsXML}, {"xl/workbook.xml", `<workbook><sheets><sheet name="a"></sheets></workbook>`}},
			"test.xlsx: xl/workbook.xml: malformed XML: an end tag that does not match"},
		{"malformed shared strings", []zipEntry{{"_rels/.rels", relsXML}, {"xl/workbook.xml", workbookXML}, {"xl/_rels/workbook.xml.rels", workbookRelsXML}, {"xl/sharedStrings.xml", `<sst><si><t>a</si></sst>`}},
			"test.xlsx: xl/sharedStrings.xml: string 0: malformed XML"},
		{"shared strings cut", []zipEntry{{"_rels/.rels", relsXML}, {"xl/workbook.xml", workbookXML}, {"xl/_rels/workbook.xml.rels", workbookRelsXML}, {"xl/sharedStrings.xml", `<sst><si><t>a</t></si>`}},
			"test.xlsx: xl/sharedStrings.xml: malformed XML: the document ends early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openBytes(makeZip(t, tt.entries...), Limits{})
			wantErr(t, err, tt.want, ErrCorrupt)
		})
	}
}

// TestSharedStrings: rich text runs, phonetic runs left out, escapes,
// entities, empty items.
func TestSharedStrings(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Nom</t></si>` +
		`<si><r><rPr><b/></rPr><t>06 12</t></r><r><t xml:space="preserve"> 34 56 78</t></r><rPh sb="0" eb="2"><t>ふりがな</t></rPh><phoneticPr fontId="1"/></si>` +
		`<si><t>a_x000D__x000A_b &amp; _x005F_x0031_</t></si><si><t/></si><si/><si><t><![CDATA[x<y]]></t></si></sst>`
	data := makeZip(t, zipEntry{"_rels/.rels", relsXML}, zipEntry{"xl/workbook.xml", workbookXML}, zipEntry{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		zipEntry{"xl/sharedStrings.xml", sst}, zipEntry{"xl/worksheets/sheet1.xml", sheetDoc(`<row><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c t="s"><v>3</v></c><c t="s"><v>4</v></c><c t="s"><v>5</v></c><c t="s"><v>0</v></c></row>`)})
	rows, _, err := readSheet(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rowsText(rows), "1:[text:06 12 34 56 78 text:a\r\nb & _x0031_ empty: empty: text:x<y text:Nom]\n"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestMerges: the first row returned has the value of each merge whose
// top row it is repeated across the merge's columns; other rows do not.
func TestMerges(t *testing.T) {
	sheet := `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Nom</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>Téléphones</x:t></x:is></x:c><x:c r="C2"><x:v>9</x:v></x:c><x:c r="E2" t="inlineStr"><x:is><x:t>Ville</x:t></x:is></x:c></x:row>` +
		`<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t>Payet</x:t></x:is></x:c><x:c r="B3"><x:v>612345678</x:v></x:c></x:row>` +
		`</x:sheetData><!-- <x:mergeCell ref="A2:D2"/> is not one --><x:mergeCells count="4"><x:mergeCell ref="B2:C2"/><x:mergeCell   ref='E2:G3' /><x:mergeCell ref="A3:B3"></x:mergeCell><x:mergeCell ref="A1:A2"/></x:mergeCells></x:worksheet>`
	rows, _, err := readSheet(handBook(t, sheet), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "2:[text:Nom text:Téléphones text:Téléphones empty: text:Ville text:Ville text:Ville]\n3:[text:Payet number:612345678]\n"
	if got := rowsText(rows); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMergeScanAcrossChunks: a <mergeCell> cut between two reads of the
// scan is found.
func TestMergeScanAcrossChunks(t *testing.T) {
	for _, pad := range []int{256<<10 - 40, 256<<10 - 20, 256<<10 - 12, 256<<10 - 5, 256<<10 + 3} {
		sheet := sheetDoc(`<row r="1"><c t="inlineStr"><is><t>Tel</t></is></c></row>`)
		sheet = strings.Replace(sheet, "</sheetData>", "</sheetData><!--"+strings.Repeat("x", pad)+`--><mergeCells><mergeCell ref="A1:B1"/></mergeCells>`, 1)
		rows, _, err := readSheet(handBook(t, sheet), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := rowsText(rows); got != "1:[text:Tel text:Tel]\n" {
			t.Errorf("pad %d: %q", pad, got)
		}
	}
}

// TestCancel: Next stops when its context is cancelled.
func TestCancel(t *testing.T) {
	var sheet strings.Builder
	for i := 0; i < 2*ctxEvery; i++ {
		sheet.WriteString(`<row><c><v>1</v></c></row>`)
	}
	data := handBook(t, sheetDoc(sheet.String()))
	b, err := openBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rs, err := b.Rows(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if _, err := rs.Next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	for i := 0; i < ctxEvery; i++ {
		if _, err = rs.Next(); err != nil {
			break
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestIsWorkbook(t *testing.T) {
	for head, want := range map[string]bool{
		"PK\x03\x04\x14\x00\x06\x00":       true,
		"PK\x05\x06\x00\x00\x00\x00":       true,
		"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1": true,
		"Nom;Portable\n":                   false,
		"\xEF\xBB\xBFNom;":                 false,
		"PK":                               false,
		"":                                 false,
		"\xD0\xCF\x11\xE0":                 false,
	} {
		if got := IsWorkbook([]byte(head)); got != want {
			t.Errorf("IsWorkbook(%q) = %v, want %v", head, got, want)
		}
	}
}

// TestConcurrentRows: several Rows read one Book at once (run with -race).
func TestConcurrentRows(t *testing.T) {
	data := excelizeBook(t)
	b, err := openBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := readBookSheet(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			rows, _, err := readBookSheet(b, 0)
			if err == nil && rowsText(rows) != rowsText(want) {
				err = errors.New("rows differ")
			}
			errs <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
