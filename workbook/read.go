package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"path"
	"strconv"
	"strings"
)

// Errors of reading, in addition to those of workbook.go.
var (
	// ErrCorrupt is the error of a damaged file: a zip archive or an entry
	// that cannot be read in full (truncated, a bad checksum, bad
	// compressed data), or a part that is not the XML it should be.
	ErrCorrupt = errors.New("corrupt or truncated")
	// ErrNoSheet is the error of Find for a sheet that does not exist.
	ErrNoSheet = errors.New("no such sheet")
)

// ReadError is the error of reading a workbook's part or a sheet's row,
// like prospects.xlsx: sheet "Feuil1" row 1234: a numeric cell whose value
// is not a number (cell C1234). It never quotes a cell's value.
type ReadError struct {
	File  string // the file's name, as given to Open
	Sheet string // the sheet's name, when reading a sheet
	Part  string // the zip entry, when reading another part
	Row   int    // the sheet's row number, 0 when not in a row
	Err   error
}

func (e *ReadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		b.WriteString(": sheet ")
		b.WriteString(strconv.Quote(e.Sheet))
	} else if e.Part != "" {
		b.WriteString(": ")
		b.WriteString(e.Part)
	}
	if e.Row > 0 {
		b.WriteString(" row ")
		b.WriteString(strconv.Itoa(e.Row))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ReadError) Unwrap() error { return e.Err }

// Book is an opened workbook: its sheets and what their cells refer to.
// It is not changed after Open: several Rows, in several goroutines, may
// read its sheets at once.
type Book struct {
	name     string
	lim      Limits
	files    map[string]*zip.File // by part name, lower case, without a leading /
	sheets   []sheetInfo
	tabs     []string // every sheet's name, in tab order (chart sheets too): --sheet N counts them
	strings  sharedStrings
	xfs      []dateClass // the date class of each cell format
	date1904 bool
}

type sheetInfo struct {
	name   string
	hidden bool
	file   *zip.File
	tab    int // its place among the tabs (Book.tabs)
}

// Open reads a workbook's structure (its sheets, shared strings and number
// formats) from r, size bytes. name is the file's name, for messages.
//
// It refuses, with an error naming the file, what it cannot read in full
// or should not read: a password-protected workbook (ErrEncrypted), an
// .xls (ErrLegacyExcel), an .ods (ErrOpenDoc), an .xlsb (ErrBinaryExcel),
// another zip or OLE file (ErrNotWorkbook), a damaged one (ErrCorrupt), a
// part larger than lim allows (ErrTooLarge), and a zip with two entries of
// the same name, which different readers would read differently.
func Open(ctx context.Context, r io.ReaderAt, size int64, name string, lim Limits) (*Book, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if lim.MaxSheetBytes <= 0 {
		lim.MaxSheetBytes = DefaultMaxSheetBytes
	}
	if lim.MaxStringsBytes <= 0 {
		lim.MaxStringsBytes = DefaultMaxStringsBytes
	}
	if lim.MaxPartBytes <= 0 {
		lim.MaxPartBytes = DefaultMaxPartBytes
	}
	var head [8]byte
	n, _ := r.ReadAt(head[:], 0)
	if bytes.HasPrefix(head[:n], oleMagic) {
		return nil, openOLE(r, name)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if !IsWorkbook(head[:n]) {
			return nil, fmt.Errorf("%s: %w (not a zip archive)", name, ErrNotWorkbook)
		}
		return nil, fmt.Errorf("%s: %w zip archive: %v", name, ErrCorrupt, err)
	}
	b := &Book{name: name, lim: lim, files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		key := partKey(f.Name)
		if _, dup := b.files[key]; dup {
			return nil, fmt.Errorf("%s: two zip entries named %q (readers would differ on which to read): %w", name, key, ErrCorrupt)
		}
		b.files[key] = f
	}
	if err := b.open(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// partKey is the name of a part as found in the map: OPC part names are
// case-insensitive, and some writers use '\' as the separator.
func partKey(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	return strings.ToLower(strings.TrimPrefix(path.Clean("/"+name), "/"))
}

func (b *Book) open(ctx context.Context) error {
	if f := b.files["mimetype"]; f != nil {
		data, err := b.readPart(f, 1024)
		if err == nil && bytes.HasPrefix(data, []byte("application/vnd.oasis.opendocument")) {
			return fmt.Errorf("%s: %w", b.name, ErrOpenDoc)
		}
	}
	wbPart := ""
	if f := b.files["_rels/.rels"]; f != nil {
		rels, err := b.readRels(f, "")
		if err != nil {
			return err
		}
		for _, rel := range rels {
			if strings.HasSuffix(rel.typ, "/officeDocument") {
				wbPart = rel.target
				break
			}
		}
	}
	if wbPart == "" || b.files[wbPart] == nil {
		switch {
		case b.files["xl/workbook.bin"] != nil || strings.HasSuffix(wbPart, ".bin"):
			return fmt.Errorf("%s: %w", b.name, ErrBinaryExcel)
		case b.files["content.xml"] != nil && b.files["meta-inf/manifest.xml"] != nil:
			return fmt.Errorf("%s: %w", b.name, ErrOpenDoc)
		case b.files["xl/workbook.xml"] != nil:
			wbPart = "xl/workbook.xml"
		default:
			return fmt.Errorf("%s: %w", b.name, ErrNotWorkbook)
		}
	}
	if strings.HasSuffix(wbPart, ".bin") {
		return fmt.Errorf("%s: %w", b.name, ErrBinaryExcel)
	}
	decl, err := b.readWorkbook(b.files[wbPart], wbPart)
	if err != nil {
		return err
	}
	dir := path.Dir(wbPart)
	relsPart := path.Join(dir, "_rels", path.Base(wbPart)+".rels")
	var rels []relationship
	if f := b.files[relsPart]; f != nil {
		if rels, err = b.readRels(f, dir); err != nil {
			return err
		}
	}
	byID := make(map[string]relationship, len(rels))
	for _, rel := range rels {
		byID[rel.id] = rel
		switch {
		case strings.HasSuffix(rel.typ, "/sharedStrings"):
			if err := b.readStrings(ctx, rel.target); err != nil {
				return err
			}
		case strings.HasSuffix(rel.typ, "/styles"):
			if err := b.readStylesPart(rel.target); err != nil {
				return err
			}
		}
	}
	for tab, s := range decl {
		b.tabs = append(b.tabs, s.name)
		rel, ok := byID[s.rid]
		if !ok {
			return b.partErr(wbPart, fmt.Errorf("sheet %q refers to relationship %q, which does not exist: %w", s.name, s.rid, ErrCorrupt))
		}
		if !strings.HasSuffix(rel.typ, "/worksheet") {
			continue // a chart sheet, dialog sheet or macro sheet: no cells
		}
		f := b.files[rel.target]
		if f == nil {
			return b.partErr(wbPart, fmt.Errorf("sheet %q is in %s, which is not in the archive: %w", s.name, rel.target, ErrCorrupt))
		}
		b.sheets = append(b.sheets, sheetInfo{name: s.name, hidden: s.hidden, file: f, tab: tab})
	}
	return nil
}

func (b *Book) partErr(part string, err error) error {
	return &ReadError{File: b.name, Part: part, Err: err}
}

// limitedPart reads a zip entry, failing with ErrTooLarge past limit bytes
// and with ErrCorrupt when the entry cannot be read in full.
type limitedPart struct {
	rc    io.ReadCloser
	n     int64
	limit int64
	// crc checks an entry whose recorded CRC-32 is 0 though it has bytes:
	// archive/zip takes 0 for "no checksum" and checks nothing, so a
	// damaged (or doctored) entry would read as good; nil otherwise.
	crc hash.Hash32
}

func (b *Book) openPart(f *zip.File, limit int64) (*limitedPart, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%d bytes once decompressed, over the limit of %d: %w", f.UncompressedSize64, limit, ErrTooLarge)
	}
	if f.Flags&1 != 0 {
		return nil, fmt.Errorf("an encrypted zip entry: %w", ErrEncrypted)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w zip entry: %w", ErrCorrupt, err)
	}
	l := &limitedPart{rc: rc, limit: limit}
	if f.CRC32 == 0 && f.UncompressedSize64 > 0 {
		l.crc = crc32.NewIEEE()
	}
	return l, nil
}

func (l *limitedPart) tooLarge() error {
	return fmt.Errorf("more than %d bytes once decompressed (the limit): %w", l.limit, ErrTooLarge)
}

func (l *limitedPart) Read(p []byte) (int, error) {
	if l.n > l.limit {
		return 0, l.tooLarge()
	}
	if max := l.limit - l.n + 1; int64(len(p)) > max {
		p = p[:max]
	}
	k, err := l.rc.Read(p)
	l.n += int64(k)
	if l.n > l.limit {
		return k, l.tooLarge()
	}
	if l.crc != nil {
		l.crc.Write(p[:k])
		if err == io.EOF && l.crc.Sum32() != 0 {
			return k, fmt.Errorf("%w zip entry: %w", ErrCorrupt, zip.ErrChecksum)
		}
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w zip entry: %w", ErrCorrupt, err)
	}
	return k, err
}

func (l *limitedPart) Close() error { return l.rc.Close() }

// readPart reads a whole small part.
func (b *Book) readPart(f *zip.File, limit int64) ([]byte, error) {
	p, err := b.openPart(f, limit)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	return io.ReadAll(p)
}

// parsePart reads a part with parse, its errors naming the part.
func (b *Book) parsePart(part string, limit int64, parse func(*xmlReader) error) error {
	f := b.files[part]
	p, err := b.openPart(f, limit)
	if err != nil {
		return b.partErr(f.Name, err)
	}
	defer p.Close()
	if err := parse(newXMLReader(p)); err != nil {
		return b.partErr(f.Name, err)
	}
	return nil
}

type relationship struct {
	id, typ, target string
}

// readRels reads a relationships part; targets are made part names,
// relative to dir unless absolute. External targets are left out.
func (b *Book) readRels(f *zip.File, dir string) ([]relationship, error) {
	var rels []relationship
	part := partKey(f.Name)
	err := b.parsePart(part, b.lim.MaxPartBytes, func(x *xmlReader) error {
		return forEachElement(x, "Relationships", func(x *xmlReader) error {
			if string(x.name) != "Relationship" || x.depth() != 2 {
				return nil
			}
			if mode, _ := x.attr("TargetMode"); string(mode) == "External" {
				return nil
			}
			id, _ := x.attr("Id")
			typ, _ := x.attr("Type")
			target, _ := x.attr("Target")
			t := strings.ReplaceAll(string(target), `\`, "/")
			if !strings.HasPrefix(t, "/") {
				t = path.Join("/", dir, t)
			}
			rels = append(rels, relationship{id: string(id), typ: string(typ), target: partKey(t)})
			return nil
		})
	})
	return rels, err
}

type sheetDecl struct {
	name, rid string
	hidden    bool
}

// readWorkbook reads the workbook part: its sheets and its date system.
func (b *Book) readWorkbook(f *zip.File, part string) ([]sheetDecl, error) {
	var decl []sheetDecl
	err := b.parsePart(part, b.lim.MaxPartBytes, func(x *xmlReader) error {
		return forEachElement(x, "workbook", func(x *xmlReader) error {
			switch string(x.name) {
			case "workbookPr":
				if v, _ := x.attr("date1904"); string(v) == "1" || string(v) == "true" {
					b.date1904 = true
				}
			case "sheet":
				name, _ := x.attr("name")
				rid, _ := x.attr("id")
				state, _ := x.attr("state")
				decl = append(decl, sheetDecl{name: string(name), rid: string(rid), hidden: len(state) > 0 && string(state) != "visible"})
			}
			return nil
		})
	})
	return decl, err
}

func (b *Book) readStylesPart(part string) error {
	if b.files[part] == nil {
		return nil
	}
	return b.parsePart(part, b.lim.MaxPartBytes, func(x *xmlReader) error {
		xfs, err := readStyles(x)
		b.xfs = xfs
		return err
	})
}

func (b *Book) readStrings(ctx context.Context, part string) error {
	if b.files[part] == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.parsePart(part, b.lim.MaxStringsBytes, func(x *xmlReader) error {
		ss, err := readSharedStrings(x)
		if ss != nil {
			b.strings = *ss
		}
		return err
	})
}

// forEachElement reads a document whose root is root, calling fn at each
// start tag inside it, and checks that the document ends there.
func forEachElement(x *xmlReader, root string, fn func(*xmlReader) error) error {
	if err := x.next(); err != nil {
		return noEOF(err)
	}
	if x.kind != tokStart || string(x.name) != root {
		return fmt.Errorf("no <%s> element", root)
	}
	for {
		err := x.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if x.kind == tokStart {
			if err := fn(x); err != nil {
				return err
			}
		}
	}
}

// Sheets returns the worksheets' names, in the workbook's order (chart
// sheets and dialog sheets are not listed; hidden sheets are).
func (b *Book) Sheets() []string {
	names := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		names[i] = s.name
	}
	return names
}

// Hidden reports whether sheet i (an index in Sheets) is hidden.
func (b *Book) Hidden(i int) bool { return b.sheets[i].hidden }

// Find returns the index in Sheets of the sheet sel names: a sheet name
// (exact, else case-insensitive), or a 1-based number in tab order, as
// Excel shows the tabs (chart sheets count, and are refused: they have no
// cells). A number that is also another sheet's name is refused as
// ambiguous. The error of a sheet that does not exist lists the sheets.
func (b *Book) Find(sel string) (int, error) {
	byName := -1
	for i, s := range b.sheets {
		if s.name == sel {
			byName = i
			break
		}
	}
	if byName < 0 {
		for i, s := range b.sheets {
			if strings.EqualFold(s.name, sel) {
				if byName >= 0 {
					return 0, noSheetf("%s: sheet %q: %q and %q differ only in case: give the exact name", b.name, sel, b.sheets[byName].name, s.name)
				}
				byName = i
			}
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(sel))
	isNum := err == nil && n >= 1 && n <= len(b.tabs)
	switch {
	case byName >= 0 && isNum && b.sheets[byName].tab != n-1:
		return 0, noSheetf("%s: --sheet %s is ambiguous: it is the name of sheet %d and the number of sheet %q: rename one of them",
			b.name, sel, b.sheets[byName].tab+1, b.tabs[n-1])
	case byName >= 0:
		return byName, nil
	case isNum:
		for i, s := range b.sheets {
			if s.tab == n-1 {
				return i, nil
			}
		}
		return 0, noSheetf("%s: sheet %d (%q) is a chart or dialog sheet, with no cells", b.name, n, b.tabs[n-1])
	}
	for _, name := range b.tabs {
		if strings.EqualFold(name, sel) {
			return 0, noSheetf("%s: sheet %q is a chart or dialog sheet, with no cells", b.name, name)
		}
	}
	var list strings.Builder
	for i, s := range b.sheets {
		if i > 0 {
			list.WriteString(", ")
		}
		list.WriteString(strconv.Quote(s.name))
	}
	return 0, fmt.Errorf("%s: %w %q: the sheets are %s (or give a number from 1 to %d)", b.name, ErrNoSheet, sel, list.String(), len(b.tabs))
}

// noSheetError is an error of Find that matches ErrNoSheet and says why in
// its own words.
type noSheetError string

func (e noSheetError) Error() string        { return string(e) }
func (e noSheetError) Is(target error) bool { return target == ErrNoSheet }

func noSheetf(format string, args ...any) error {
	return noSheetError(fmt.Sprintf(format, args...))
}
