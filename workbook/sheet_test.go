package workbook

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestSheetHandMade reads sheets written by hand, with what excelize does
// not write: no r attributes, prefixes, CDATA, entities, escapes, rich
// text with phonetic runs, t="d", formulas with cached values.
func TestSheetHandMade(t *testing.T) {
	tests := []struct {
		name  string
		data  string // the sheetData's content
		want  string // the rows, as rowsText prints them
		empty int
	}{
		{"shared strings and numbers",
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>612345678</v></c></row>`,
			"1:[text:Nom text:Portable]\n2:[text:0612345678 number:612345678]\n", 0},
		{"no r attributes",
			`<row><c t="s"><v>0</v></c><c><v>1</v></c></row><row><c><v>2</v></c></row>`,
			"1:[text:Nom number:1]\n2:[number:2]\n", 0},
		{"namespace prefixes",
			`<x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>`,
			"1:[empty: text:a]\n", 0},
		{"numbers as their exact text",
			`<row><c><v>6.12345678E+8</v></c><c><v>0.1</v></c><c><v>33612345678</v></c><c><v>6.5</v></c><c><v>1E+21</v></c><c><v>-0</v></c><c><v>0612</v></c><c><v>1E-7</v></c></row>`,
			"1:[number:612345678 number:0.1 number:33612345678 number:6.5 number:1e+21 number:0 number:612 number:1e-07]\n", 0},
		{"entities and character references",
			`<row><c t="inlineStr"><is><t>a&amp;b&lt;&gt;&quot;&apos;&#233;&#xE9;</t></is></c></row>`,
			"1:[text:a&b<>\"'éé]\n", 0},
		{"CDATA, comments, processing instructions",
			`<!-- c --><row><?pi x?><c t="inlineStr"><is><t><![CDATA[<06 12>]]>&amp;</t></is></c></row>`,
			"1:[text:<06 12>&]\n", 0},
		{"OOXML escapes",
			`<row><c t="inlineStr"><is><t>a_x000D_b_x005F_x0041_c_xD83D__xDE00_</t></is></c></row>`,
			"1:[text:a\rb_x0041_c😀]\n", 0},
		{"rich text without phonetic runs",
			`<row><c t="inlineStr"><is><r><rPr><b/></rPr><t>06</t></r><r><t xml:space="preserve"> 12</t></r><rPh sb="0" eb="1"><t>ゼロ</t></rPh></is></c></row>`,
			"1:[text:06 12]\n", 0},
		{"formulas by their cached value",
			`<row><c t="str"><f>"0612345678"</f><v>0612345678</v></c><c><f>1+1</f><v>2</v></c><c><f>A1</f></c><c t="b"><f>TRUE</f><v>1</v></c><c t="e"><f>1/0</f><v>#DIV/0!</v></c></row>`,
			"1:[text:0612345678 number:2 formula:=A1 bool:TRUE error:#DIV/0!]\n", 0},
		{"formulas with an empty cached value (openpyxl's)",
			`<row><c><f>"0612345678"</f><v></v></c><c t="str"><f>CONCAT("06","12345678")</f><v/></c><c t="inlineStr"><f>B1</f><is><t>x</t></is></c></row>`,
			"1:[formula:=\"0612345678\" formula:=CONCAT(\"06\",\"12345678\") text:x]\n", 0},
		{"booleans, errors and ISO dates",
			`<row><c t="b"><v>0</v></c><c t="e"><v>#N/A</v></c><c t="d"><v>2026-12-01T14:30:00</v></c></row>`,
			"1:[bool:FALSE error:#N/A date:2026-12-01T14:30:00]\n", 0},
		{"dates by style",
			`<row><c s="1"><v>46357</v></c><c s="2"><v>46357.604166666664</v></c><c s="3"><v>0.6041666666666666</v></c><c s="1"><v>60</v></c><c s="1"><v>61</v></c><c s="1"><v>59</v></c><c s="1"><v>-1</v></c><c s="1"><v>2958466</v></c><c s="2"><v>46357.000002893519</v></c></row>`,
			"1:[date:2026-12-01 date:2026-12-01T14:30:00 date:14:30:00 number:60 date:1900-03-01 date:1900-02-28 number:-1 number:2958466 date:2026-12-01T00:00:00.250]\n", 0},
		{"empty cells in the middle and at the end",
			`<row r="1"><c r="A1"><v>1</v></c><c r="D1"><v>4</v></c><c r="E1"/><c r="F1" t="s"><v></v></c><c r="G1" t="inlineStr"><is><t></t></is></c></row>`,
			"1:[number:1 empty: empty: number:4]\n", 0},
		{"empty rows and gaps",
			`<row r="2"/><row r="3"><c r="A3"/></row><row r="5"><c r="A5"><v>5</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>`,
			"5:[number:5]\n1048576:[" + strings.Repeat("empty: ", 16383) + "number:1]\n", 1 + 2 + 1 + 1048570},
		{"attributes in single quotes, spaces",
			`<row r='1' ><c r = 'A1' t = 's' ><v >0</v ></c ></row >`,
			"1:[text:Nom]\n", 0},
		{"other elements in rows and cells",
			`<row r="1"><extLst><ext><c><v>9</v></c></ext></extLst><c r="A1"><extLst/><v>1</v></c></row>`,
			"1:[number:1]\n", 0},
		{"line ends",
			"<row><c t=\"inlineStr\"><is><t>a\r\nb\rc</t></is></c></row>",
			"1:[text:a\nb\nc]\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, empty, err := readSheet(handBook(t, sheetDoc(tt.data)), 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsText(rows); got != tt.want {
				t.Errorf("rows\n%q\nwant\n%q", got, tt.want)
			}
			if empty != tt.empty {
				t.Errorf("EmptyRows %d, want %d", empty, tt.empty)
			}
			// The same XML, given one byte at a time: every token cut
			// across reads.
			rows, empty, err = readSheetXML(t, sheetDoc(tt.data), iotest.OneByteReader)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsText(rows); got != tt.want || empty != tt.empty {
				t.Errorf("one byte at a time: rows\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// readSheetXML reads the sheet XML of a hand-made book (its shared
// strings and styles those of handBook) through wrap, without a zip.
func readSheetXML(t *testing.T, xml string, wrap func(io.Reader) io.Reader) ([]gotRow, int, error) {
	data := handBook(t, sheetDoc(""))
	b, err := openBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rs := &Rows{ctx: context.Background(), b: b, sheet: &b.sheets[0], x: newXMLReader(wrap(strings.NewReader(xml))), merged: true}
	var rows []gotRow
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

// TestSheetDamage: a sheet damaged or ambiguous is an error naming the file,
// the sheet and the row, never a shorter sheet, and never quoting a value.
func TestSheetDamage(t *testing.T) {
	tests := []struct {
		name  string
		sheet string
		want  string
	}{
		{"cut before </sheetData>", `<worksheet><sheetData><row r="1"><c><v>1</v></c></row>`, `test.xlsx: sheet "Feuil1"`},
		{"cut inside a row", `<worksheet><sheetData><row r="1"><c><v>612345678`, `sheet "Feuil1" row 1: cell A1: malformed XML: the document ends early`},
		{"no end of worksheet", `<worksheet><sheetData><row r="1"><c><v>1</v></c></row></sheetData>`, "malformed XML: the document ends early"},
		{"no sheetData", `<worksheet></worksheet>`, "without <sheetData>"},
		{"not a worksheet", `<chartsheet><sheetData></sheetData></chartsheet>`, "not a worksheet"},
		{"an unclosed tag", sheetDoc(`<row r="1"><c><v>1</c></row>`), "does not match"},
		{"a < in a value", sheetDoc(`<row r="1"><c><v>06<12</v></c></row>`), "malformed XML: a tag with an invalid name"},
		{"an undefined entity", sheetDoc(`<row r="1"><c t="inlineStr"><is><t>&nbsp;</t></is></c></row>`), "undefined entity"},
		{"a DTD", `<!DOCTYPE x [<!ENTITY a "b">]>` + sheetDoc(``), "document type"},
		{"a value that is not a number", sheetDoc(`<row r="3"><c r="C3"><v>0612 345</v></c></row>`), `row 3: cell C3: a numeric cell whose value is not a number`},
		{"NaN", sheetDoc(`<row><c><v>NaN</v></c></row>`), "not a number"},
		{"hex float", sheetDoc(`<row><c><v>0x1p3</v></c></row>`), "not a number"},
		{"rows out of order", sheetDoc(`<row r="2"><c><v>1</v></c></row><row r="1"><c><v>1</v></c></row>`), "row 1 after row 2"},
		{"a row twice", sheetDoc(`<row r="2"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row>`), "row 2 after row 2"},
		{"a row past the last", sheetDoc(`<row r="1048577"><c><v>1</v></c></row>`), "past the last row"},
		{"cells out of order", sheetDoc(`<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>`), "cell A1: cells out of order"},
		{"a cell twice", sheetDoc(`<row r="1"><c r="B1"><v>1</v></c><c r="B1"><v>2</v></c></row>`), "cell B1: cells out of order"},
		{"a cell past XFD", sheetDoc(`<row r="1"><c r="XFE1"><v>1</v></c></row>`), "past the last column"},
		{"a cell of another row", sheetDoc(`<row r="1"><c r="A2"><v>1</v></c></row>`), "a cell of row 2 in row 1"},
		{"a cell of row 0", sheetDoc(`<row r="1"><c r="B0"><v>1</v></c></row>`), "cell"},
		{"a cell with two values", sheetDoc(`<row r="1"><c><v>6012</v><v>345678</v></c></row>`), "cell A1: a cell with two values"},
		{"a cell with a value and an inline string", sheetDoc(`<row r="1"><c t="inlineStr"><v>6012</v><is><t>345678</t></is></c></row>`), "cell A1: a cell with two values"},
		{"a shared string out of range", sheetDoc(`<row r="1"><c t="s"><v>3</v></c></row>`), "out of range"},
		{"a bad boolean", sheetDoc(`<row r="1"><c t="b"><v>2</v></c></row>`), "boolean"},
		{"an unknown type", sheetDoc(`<row r="1"><c t="x"><v>2</v></c></row>`), "unknown type"},
		{"text after the end", sheetDoc(``) + "x", "text outside"},
		{"a second root", sheetDoc(``) + "<worksheet/>", "second root"},
		{"a second sheetData", strings.Replace(sheetDoc(``), "</worksheet>", `<sheetData><row><c><v>612345678</v></c></row></sheetData></worksheet>`, 1), "a second <sheetData>"},
		{"rows in another element", sheetDoc(`<x><row><c><v>612345678</v></c></row></x>`), "an element other than <row> in <sheetData>"},
		{"cells in another element", sheetDoc(`<row r="2"><x><c><v>612345678</v></c></x></row>`), "row 2: an element other than <c> in a <row>"},
		{"nested too deep", strings.Replace(sheetDoc(``), "<sheetData>", strings.Repeat("<a>", 300), 1), "nested more than 256 deep"},
		{"a row too long", sheetDoc(`<row r="7"><c><v>` + strings.Repeat("1", 17<<20) + `</v></c></row>`), "row 7: cell A7: a row of more than 16 MiB"},
		{"a string too long", sheetDoc(`<row r="7"><c t="inlineStr"><is><t>` + strings.Repeat("1", 17<<20) + `</t></is></c></row>`), "row 7: cell A7: a string of more than 16 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readSheet(handBook(t, tt.sheet), 0)
			wantErr(t, err, tt.want)
			if len(tt.sheet) < 1<<16 {
				_, _, err1 := readSheetXML(t, tt.sheet, iotest.OneByteReader)
				wantErr(t, err1, strings.TrimPrefix(tt.want, `test.xlsx: sheet "Feuil1"`))
			}
			if !strings.HasPrefix(err.Error(), `test.xlsx: sheet "Feuil1"`) {
				t.Errorf("error %q does not name the file and sheet", err)
			}
			for _, v := range []string{"612345678", "0612 345", "06<12"} {
				if strings.Contains(err.Error(), v) {
					t.Errorf("error %q quotes a value", err)
				}
			}
		})
	}
}

// TestSheetBOM checks that a part may start with a UTF-8 byte-order mark,
// as XML allows, read whole or one byte at a time.
func TestSheetBOM(t *testing.T) {
	doc := "\xef\xbb\xbf" + sheetDoc(`<row r="1"><c><v>612345678</v></c></row>`)
	for name, wrap := range map[string]func(io.Reader) io.Reader{
		"whole":     func(r io.Reader) io.Reader { return r },
		"byte-wise": iotest.OneByteReader,
	} {
		rows, _, err := readSheetXML(t, doc, wrap)
		if err != nil || len(rows) != 1 {
			t.Errorf("%s: rows %v, error %v; want one row", name, rows, err)
		}
	}
}
