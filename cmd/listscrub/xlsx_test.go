package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

// The xlsx command makes and reads workbooks for the scripts. Inputs are
// built by hand (archive/zip and SpreadsheetML written from ECMA-376 Part 1,
// §18), not with package workbook, so that the reader is tested against
// files it did not write; outputs are read with excelize, an independent
// reader.
//
//	xlsx make [-nor] [-strings=inline] [-abs] [-1904] [-bomb] [-cut] OUT.xlsx SHEET.txt...
//	xlsx cells FILE.xlsx [SHEET]
//	xlsx encrypt IN.xlsx OUT.xlsx
//	xlsx ods OUT.ods
//	xlsx xlsb OUT.xlsb
//	xlsx xls OUT.xls
//	xlsx zip OUT FILE...
//
// A sheet's text: directive lines first or anywhere ("# sheet: NAME",
// "# hidden", "# merge A1:B1", "# hide N": row N is hidden (filtered out
// in Excel), "# gap N": the next row is N row numbers further on), then one line per row number (an empty line is a row number
// without a row element), cells separated by '|', each "KIND:VALUE" or a
// bare value (a shared string): s: shared string, i: inline string, n:
// number (written as given), r: a shared rich-text string, its runs
// separated by '~' (plus a phonetic reading, not part of the value), d: date (2026-12-01, written as its serial with
// a yyyy-mm-dd style), D: an ISO 8601 date cell (t="d", written as given),
// b: boolean 1/0, e: error, f:FORMULA=CACHED (string
// result), fn:FORMULA=CACHED (numeric result), f:=FORMULA (a formula never
// calculated: no cached value), "_" an empty cell element, nothing an
// absent cell.
//
// Options of make: -nor omits the r attributes of rows and cells (an absent
// cell is then an empty cell element, an empty line an empty row element,
// since positions are implicit); -strings=inline writes every bare value as
// an inline string; -abs writes the sheets' relationship targets as
// absolute part names (/xl/worksheets/sheet1.xml), as some producers do;
// -1904 uses the 1904 date system (workbookPr date1904, as old Mac Excel
// files do), d: cells written as its serials; -bomb declares the first sheet's entry as 5 GiB
// uncompressed (a zip bomb's size lie; its data is the real sheet); -cut
// stores the first sheet's XML cut in the middle of its sheetData (a sound
// zip entry whose XML ends early).
//
// cells prints each cell with a value, one a line: "A2 number 612345678",
// kinds number, date (a number with a date format), text (shared, inline
// or formula string), bool, error; values raw (RawCellValue), quoted with
// Go escapes when they hold control characters. SHEET is a name, default
// the first sheet.
func cmdXlsx(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! xlsx")
	}
	if len(args) < 1 {
		ts.Fatalf("usage: xlsx make|cells|encrypt|ods|xlsb ...")
	}
	switch args[0] {
	case "make":
		xlsxMake(ts, args[1:])
	case "cells":
		xlsxCells(ts, args[1:])
	case "encrypt":
		if len(args) != 3 {
			ts.Fatalf("usage: xlsx encrypt IN.xlsx OUT.xlsx")
		}
		f, err := excelize.OpenFile(ts.MkAbs(args[1]))
		ts.Check(err)
		ts.Check(f.SaveAs(ts.MkAbs(args[2]), excelize.Options{Password: "secret"}))
		ts.Check(f.Close())
	case "ods":
		if len(args) != 2 {
			ts.Fatalf("usage: xlsx ods OUT.ods")
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), odsBytes(ts), 0o644))
	case "xlsb":
		if len(args) != 2 {
			ts.Fatalf("usage: xlsx xlsb OUT.xlsb")
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), xlsbBytes(ts), 0o644))
	case "zip":
		if len(args) < 2 {
			ts.Fatalf("usage: xlsx zip OUT FILE...")
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range args[2:] {
			w, err := zw.Create(name)
			ts.Check(err)
			io.WriteString(w, ts.ReadFile(name))
		}
		ts.Check(zw.Close())
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), buf.Bytes(), 0o644))
	case "xls":
		if len(args) != 2 {
			ts.Fatalf("usage: xlsx xls OUT.xls")
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), xlsBytes(), 0o644))
	default:
		ts.Fatalf("xlsx: unknown subcommand %q", args[0])
	}
}

// sheetSpec is one sheet of xlsx make, parsed from its text.
type sheetSpec struct {
	name   string
	hidden bool
	merges []string
	rows   []rowSpec
	hide   map[int]bool // row numbers written hidden="1"
}

// rowSpec is a row: its number and its cells (nil cells: no row element).
type rowSpec struct {
	num   int
	cells []string
	none  bool // an empty line: no row element
}

// makeOpts are the options of xlsx make.
type makeOpts struct {
	noR, inline, bomb, cut, abs, d1904 bool
}

func xlsxMake(ts *testscript.TestScript, args []string) {
	var o makeOpts
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-nor":
			o.noR = true
		case "-strings=inline":
			o.inline = true
		case "-bomb":
			o.bomb = true
		case "-cut":
			o.cut = true
		case "-abs":
			o.abs = true
		case "-1904":
			o.d1904 = true
		default:
			ts.Fatalf("xlsx make: unknown option %q", args[0])
		}
		args = args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: xlsx make [-nor] [-strings=inline] [-abs] [-1904] [-bomb] [-cut] OUT.xlsx SHEET.txt...")
	}
	var sheets []sheetSpec
	for i, p := range args[1:] {
		sheets = append(sheets, parseSheet(ts, ts.ReadFile(p), i+1))
	}
	b, err := buildXlsx(sheets, o)
	if err != nil {
		ts.Fatalf("xlsx make: %v", err)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
}

// parseSheet parses a sheet's text (see cmdXlsx); n is its 1-based place.
func parseSheet(ts *testscript.TestScript, text string, n int) sheetSpec {
	s := sheetSpec{name: fmt.Sprintf("Sheet%d", n)}
	text = strings.TrimSuffix(text, "\n")
	num := 1
	for _, line := range strings.Split(text, "\n") {
		if d, ok := strings.CutPrefix(line, "#"); ok {
			d = strings.TrimSpace(d)
			switch {
			case strings.HasPrefix(d, "sheet:"):
				s.name = strings.TrimSpace(strings.TrimPrefix(d, "sheet:"))
			case d == "hidden":
				s.hidden = true
			case strings.HasPrefix(d, "merge "):
				s.merges = append(s.merges, strings.TrimSpace(strings.TrimPrefix(d, "merge ")))
			case strings.HasPrefix(d, "hide "):
				h, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(d, "hide ")))
				ts.Check(err)
				if s.hide == nil {
					s.hide = map[int]bool{}
				}
				s.hide[h] = true
			case strings.HasPrefix(d, "gap "):
				g, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(d, "gap ")))
				ts.Check(err)
				num += g
			default:
				ts.Fatalf("xlsx make: unknown directive %q", line)
			}
			continue
		}
		if line == "" {
			s.rows = append(s.rows, rowSpec{num: num, none: true})
		} else {
			s.rows = append(s.rows, rowSpec{num: num, cells: strings.Split(line, "|")})
		}
		num++
	}
	return s
}

// colName returns the letters of 0-based column j: A, B, ... Z, AA...
func colName(j int) string {
	s := ""
	for j++; j > 0; j = (j - 1) / 26 {
		s = string(rune('A'+(j-1)%26)) + s
	}
	return s
}

// excelSerial returns the serial of a date in the 1900 date system.
func excelSerial(d time.Time) int {
	return int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// esc returns s escaped as XML character data or attribute value.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// tText returns a <t> element holding s, spaces preserved.
func tText(s string) string {
	return `<t xml:space="preserve">` + esc(s) + `</t>`
}

// sheetXML returns a worksheet part, adding its strings to sst.
func sheetXML(s sheetSpec, o makeOpts, sst *[]string, sstIdx map[string]int) (string, error) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	b.WriteString(`<sheetData>`)
	// shared returns the index of a string item, its XML body si.
	sharedXML := func(si string) int {
		i, ok := sstIdx[si]
		if !ok {
			i = len(*sst)
			*sst = append(*sst, si)
			sstIdx[si] = i
		}
		return i
	}
	shared := func(v string) int { return sharedXML(tText(v)) }
	for _, row := range s.rows {
		if row.none {
			if o.noR {
				b.WriteString(`<row/>`)
			}
			continue
		}
		hidden := ""
		if s.hide[row.num] {
			hidden = ` hidden="1"`
		}
		if o.noR {
			fmt.Fprintf(&b, `<row%s>`, hidden)
		} else {
			fmt.Fprintf(&b, `<row r="%d"%s>`, row.num, hidden)
		}
		for j, cell := range row.cells {
			r := ""
			if !o.noR {
				r = fmt.Sprintf(` r="%s%d"`, colName(j), row.num)
			}
			kind, val, hasKind := strings.Cut(cell, ":")
			switch kind {
			case "s", "i", "n", "d", "D", "b", "e", "f", "fn", "r":
			default:
				hasKind = false
			}
			if !hasKind {
				kind, val = "s", cell
				if o.inline {
					kind = "i"
				}
				switch cell {
				case "":
					if o.noR {
						fmt.Fprintf(&b, `<c/>`)
					}
					continue
				case "_":
					fmt.Fprintf(&b, `<c%s/>`, r)
					continue
				}
			}
			switch kind {
			case "s":
				fmt.Fprintf(&b, `<c%s t="s"><v>%d</v></c>`, r, shared(val))
			case "r":
				// Rich text: runs split at '~', and a phonetic reading
				// (not part of the value) after them.
				var si strings.Builder
				for _, run := range strings.Split(val, "~") {
					si.WriteString(`<r><rPr><b/></rPr>` + tText(run) + `</r>`)
				}
				si.WriteString(`<rPh sb="0" eb="1"><t>ヨミ</t></rPh>`)
				fmt.Fprintf(&b, `<c%s t="s"><v>%d</v></c>`, r, sharedXML(si.String()))
			case "i":
				fmt.Fprintf(&b, `<c%s t="inlineStr"><is>%s</is></c>`, r, tText(val))
			case "n":
				fmt.Fprintf(&b, `<c%s><v>%s</v></c>`, r, esc(val))
			case "d":
				d, err := time.Parse(time.DateOnly, val)
				if err != nil {
					return "", err
				}
				serial := excelSerial(d)
				if o.d1904 {
					serial -= 1462 // days from 1899-12-30 to 1904-01-01
				}
				fmt.Fprintf(&b, `<c%s s="1"><v>%d</v></c>`, r, serial)
			case "D":
				fmt.Fprintf(&b, `<c%s t="d"><v>%s</v></c>`, r, esc(val))
			case "b":
				fmt.Fprintf(&b, `<c%s t="b"><v>%s</v></c>`, r, esc(val))
			case "e":
				fmt.Fprintf(&b, `<c%s t="e"><v>%s</v></c>`, r, esc(val))
			case "f", "fn":
				t := ` t="str"`
				if kind == "fn" {
					t = ""
				}
				i := strings.LastIndex(val, "=")
				if i <= 0 {
					// Never calculated: no cached value.
					fmt.Fprintf(&b, `<c%s%s><f>%s</f></c>`, r, t, esc(strings.TrimPrefix(val, "=")))
					break
				}
				formula, cached := strings.TrimPrefix(val[:i], "="), val[i+1:]
				fmt.Fprintf(&b, `<c%s%s><f>%s</f><v>%s</v></c>`, r, t, esc(formula), esc(cached))
			}
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData>`)
	if len(s.merges) > 0 {
		fmt.Fprintf(&b, `<mergeCells count="%d">`, len(s.merges))
		for _, m := range s.merges {
			fmt.Fprintf(&b, `<mergeCell ref="%s"/>`, esc(m))
		}
		b.WriteString(`</mergeCells>`)
	}
	b.WriteString(`</worksheet>`)
	return b.String(), nil
}

// stylesXML has two cell formats: 0 General, 1 the date format yyyy-mm-dd
// (custom number format 164).
const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`

// buildXlsx returns the bytes of a workbook of sheets.
func buildXlsx(sheets []sheetSpec, o makeOpts) ([]byte, error) {
	var sst []string
	sstIdx := map[string]int{}
	parts := make([]string, len(sheets))
	for i, s := range sheets {
		x, err := sheetXML(s, o, &sst, sstIdx)
		if err != nil {
			return nil, err
		}
		parts[i] = x
	}
	var ct, wb, rels strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	if o.d1904 {
		wb.WriteString(`<workbookPr date1904="1"/>`)
	}
	wb.WriteString(`<sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, s := range sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		state := ""
		if s.hidden {
			state = ` state="hidden"`
		}
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, esc(s.name), i+1, state, i+1)
		target := fmt.Sprintf("worksheets/sheet%d.xml", i+1)
		if o.abs {
			target = "/xl/" + target
		}
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="%s"/>`, i+1, target)
	}
	n := len(sheets)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, n+1)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, n+2)
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)

	var sb strings.Builder
	fmt.Fprintf(&sb, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, s := range sst {
		sb.WriteString(`<si>` + s + `</si>`)
	}
	sb.WriteString(`</sst>`)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, body)
		return err
	}
	files := []struct{ name, body string }{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", stylesXML},
		{"xl/sharedStrings.xml", sb.String()},
	}
	for _, f := range files {
		if err := add(f.name, f.body); err != nil {
			return nil, err
		}
	}
	for i, p := range parts {
		name := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		switch {
		case i == 0 && o.bomb:
			if err := addBomb(zw, name, p); err != nil {
				return nil, err
			}
		case i == 0 && o.cut:
			k := strings.Index(p, "<sheetData>") + len("<sheetData>")
			end := strings.Index(p, "</sheetData>")
			if err := add(name, p[:k+(end-k)/2]); err != nil {
				return nil, err
			}
		default:
			if err := add(name, p); err != nil {
				return nil, err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addBomb adds the entry name holding body stored, its header declaring
// 5 GiB uncompressed: what a zip bomb's sheet says of itself.
func addBomb(zw *zip.Writer, name, body string) error {
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               name,
		Method:             zip.Store,
		CRC32:              crc32.ChecksumIEEE([]byte(body)),
		CompressedSize64:   uint64(len(body)),
		UncompressedSize64: 5 << 30,
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, body)
	return err
}

// odsBytes returns a minimal OpenDocument spreadsheet: its mimetype entry
// first and stored, as the OpenDocument package format requires.
func odsBytes(ts *testscript.TestScript) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	ts.Check(err)
	io.WriteString(w, "application/vnd.oasis.opendocument.spreadsheet")
	w, err = zw.Create("META-INF/manifest.xml")
	ts.Check(err)
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`)
	w, err = zw.Create("content.xml")
	ts.Check(err)
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Feuille1"><table:table-row><table:table-cell office:value-type="string"><text:p>tel</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>0612345678</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`)
	ts.Check(zw.Close())
	return buf.Bytes()
}

// xlsbBytes returns the package of an Excel binary workbook: its parts are
// BIFF12 records (the workbook part here is an empty stand-in), its
// relationships and content types those of an .xlsb.
func xlsbBytes(ts *testscript.TestScript) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>`},
		{"xl/_rels/workbook.bin.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>`},
		{"xl/workbook.bin", "\x83\x01\x00\x84\x01\x00"},
		{"xl/worksheets/sheet1.bin", "\x81\x01\x00\x82\x01\x00"},
	} {
		w, err := zw.Create(f.name)
		ts.Check(err)
		io.WriteString(w, f.body)
	}
	ts.Check(zw.Close())
	return buf.Bytes()
}

// xlsxCells prints a workbook's cells as excelize reads them (see cmdXlsx).
func xlsxCells(ts *testscript.TestScript, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: xlsx cells FILE.xlsx [SHEET]")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	sheet := f.GetSheetName(0)
	if len(args) == 2 {
		sheet = args[1]
	}
	lines, err := cellLines(f, sheet)
	ts.Check(err)
	fmt.Fprint(ts.Stdout(), lines)
}

// cellLines returns the cells of sheet with a value, one a line.
func cellLines(f *excelize.File, sheet string) (string, error) {
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for r, row := range rows {
		for c := range row {
			ref, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return "", err
			}
			v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			if err != nil {
				return "", err
			}
			if v == "" {
				continue
			}
			kind, err := cellKind(f, sheet, ref)
			if err != nil {
				return "", err
			}
			if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
				v = strconv.Quote(v)
			}
			fmt.Fprintf(&b, "%s %s %s\n", ref, kind, v)
		}
	}
	return b.String(), nil
}

// cellKind names a cell's kind: number, date, text, bool or error.
func cellKind(f *excelize.File, sheet, ref string) (string, error) {
	t, err := f.GetCellType(sheet, ref)
	if err != nil {
		return "", err
	}
	switch t {
	case excelize.CellTypeBool:
		return "bool", nil
	case excelize.CellTypeDate:
		return "date", nil
	case excelize.CellTypeError:
		return "error", nil
	case excelize.CellTypeFormula, excelize.CellTypeInlineString, excelize.CellTypeSharedString:
		return "text", nil
	}
	date, err := isDateStyle(f, sheet, ref)
	if err != nil {
		return "", err
	}
	if date {
		return "date", nil
	}
	return "number", nil
}

// isDateStyle reports whether a cell's number format is a date or time
// one: a built-in date format (14-22, 45-47) or a custom format with a date
// or time part outside quotes and brackets.
func isDateStyle(f *excelize.File, sheet, ref string) (bool, error) {
	idx, err := f.GetCellStyle(sheet, ref)
	if err != nil || idx == 0 {
		return false, err
	}
	st, err := f.GetStyle(idx)
	if err != nil {
		return false, err
	}
	if st.CustomNumFmt != nil {
		return customIsDate(*st.CustomNumFmt), nil
	}
	n := st.NumFmt
	return (n >= 14 && n <= 22) || (n >= 45 && n <= 47), nil
}

// customIsDate reports whether a custom number format shows a date or time.
func customIsDate(code string) bool {
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '[':
			inBracket = true
		case c == ']':
			inBracket = false
		case inBracket:
		case strings.IndexByte("ymdhsYMDHS", c) >= 0:
			return true
		}
	}
	return false
}

// xlsBytes returns an Excel 97-2003 file's container: an OLE compound file
// (MS-CFB, version 3, 512-byte sectors) whose one stream is "Workbook"
// (4096 bytes of BIFF8 stand-in: a BOF record, then zeros). Sector 0 is the
// FAT, sector 1 the directory, sectors 2-9 the stream.
func xlsBytes() []byte {
	const (
		free, endChain, fatSect, noStream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
	)
	le := binary.LittleEndian
	b := make([]byte, 512*11)
	h := b[:512]
	copy(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	le.PutUint16(h[24:], 0x3E)     // minor version
	le.PutUint16(h[26:], 3)        // major version
	le.PutUint16(h[28:], 0xFFFE)   // byte order
	le.PutUint16(h[30:], 9)        // sector shift: 512
	le.PutUint16(h[32:], 6)        // mini sector shift: 64
	le.PutUint32(h[44:], 1)        // FAT sectors
	le.PutUint32(h[48:], 1)        // first directory sector
	le.PutUint32(h[56:], 4096)     // mini stream cutoff
	le.PutUint32(h[60:], endChain) // first mini FAT sector
	le.PutUint32(h[68:], endChain) // first DIFAT sector
	le.PutUint32(h[76:], 0)        // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(h[76+4*i:], free)
	}
	sector := func(n int) []byte { return b[512*(n+1) : 512*(n+2)] }
	fat := sector(0)
	for i := range 128 {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endChain)
	for n := 2; n < 9; n++ {
		le.PutUint32(fat[4*n:], uint32(n+1))
	}
	le.PutUint32(fat[4*9:], endChain)
	dir := sector(1)
	entry := func(i int, name string, typ byte, child, start uint32, size uint64) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for k, c := range u {
			le.PutUint16(e[2*k:], c)
		}
		le.PutUint16(e[64:], uint16(2*(len(u)+1)))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint64(e[120:], size)
	}
	entry(0, "Root Entry", 5, 1, endChain, 0)
	entry(1, "Workbook", 2, noStream, 2, 4096)
	for i := 2; i < 4; i++ {
		e := dir[128*i : 128*(i+1)]
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
	}
	// BIFF8 BOF record: type 0x0809, length 16, version 0x0600, workbook globals.
	copy(sector(2), "\x09\x08\x10\x00\x00\x06\x05\x00")
	return b
}
