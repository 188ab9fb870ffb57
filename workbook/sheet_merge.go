package workbook

import (
	"bytes"
	"errors"
	"io"
)

// mergeRange is a merged range of cells, 0-based columns, 1-based rows.
type mergeRange struct {
	col1, col2 int
	row1, row2 int
}

// applyMerges repeats, in the row just read (the first one Next returns),
// the value of the top-left cell of each merge whose top row it is across
// the merge's columns. The merges are listed after the rows (<mergeCells>
// follows <sheetData>), so a second reader of the sheet's entry scans its
// bytes for <mergeCell> elements, without parsing rows.
func (r *Rows) applyMerges() error {
	merges, err := r.scanMerges(r.row.Num)
	if err != nil || len(merges) == 0 {
		return err
	}
	for _, m := range merges {
		if m.col1 >= len(r.cells) || r.cells[m.col1].kind == Empty {
			continue
		}
		top := r.cells[m.col1]
		for len(r.cells) <= m.col2 {
			r.cells = append(r.cells, cellSpan{})
		}
		for c := m.col1 + 1; c <= m.col2; c++ {
			r.cells[c] = top
		}
	}
	r.buildRow(r.row.Num)
	return nil
}

// mergeTag is what starts a merge's element, after '<' and any prefix.
var mergeTag = []byte("mergeCell")

// scanMerges returns the merges of the sheet whose top row is row.
func (r *Rows) scanMerges(row int) ([]mergeRange, error) {
	p, err := r.b.openPart(r.sheet.file, r.b.lim.MaxSheetBytes)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	var merges []mergeRange
	buf := make([]byte, 0, 256<<10)
	start := 0   // where in buf the matches not yet handled begin
	skipTo := "" // the end of the comment, CDATA section or PI being skipped
	for {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			if cap(buf) >= xmlMaxBuffer {
				return nil, errors.New("a <mergeCell> tag that does not end")
			}
			buf = append(buf, make([]byte, cap(buf))...)[:len(buf)]
		}
		n, err := p.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		eof := err == io.EOF
		if err != nil && !eof {
			return nil, err
		}
		keep := max(0, len(buf)-len(mergeTag)-32) // a tag cut at the end starts there or later
		i := start
		markup, looked := -1, false // where the next comment, CDATA or PI starts (-1: none)
		for {
			if skipTo != "" {
				k := bytes.Index(buf[i:], []byte(skipTo))
				if k < 0 {
					keep = max(0, len(buf)-len(skipTo)+1)
					i = keep
					break
				}
				i += k + len(skipTo)
				skipTo = ""
			}
			j := bytes.Index(buf[i:], mergeTag)
			if !looked || (markup >= 0 && markup < i) {
				markup, looked = indexMarkup(buf, i), true
			}
			if markup >= 0 && (j < 0 || markup < i+j) {
				at := markup
				if at+9 > len(buf) && !eof {
					keep = min(keep, at)
					i = at
					break
				}
				switch m := buf[at:]; {
				case bytes.HasPrefix(m, []byte("<!--")):
					skipTo, i = "-->", at+4
				case bytes.HasPrefix(m, []byte("<![CDATA[")):
					skipTo, i = "]]>", at+9
				default: // <?pi?> or <!DOCTYPE>
					skipTo, i = ">", at+2
				}
				continue
			}
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(mergeTag)
			from := max(0, at-32)
			lt := bytes.LastIndexByte(buf[from:at], '<')
			if lt < 0 {
				continue
			}
			lt += from
			name := buf[lt+1 : i]
			if !validName(name) || (lt+1 != at && buf[at-1] != ':') {
				continue
			}
			end := -1
			if i < len(buf) {
				if c := buf[i]; !isSpace(c) && c != '/' && c != '>' {
					continue // <mergeCells>, or another name
				}
				end = bytes.IndexByte(buf[i:], '>')
			}
			if end < 0 {
				if !eof {
					keep = min(keep, lt)
					i = lt
				}
				break
			}
			if m, ok := parseMerge(buf[lt : i+end+1]); ok && m.row1 == row && len(merges) < MaxColumns {
				merges = append(merges, m)
			}
		}
		if eof {
			return merges, nil
		}
		start = max(0, i-keep)
		n = copy(buf, buf[keep:])
		buf = buf[:n]
	}
}

// indexMarkup returns the offset of the first "<!" or "<?" in buf at or
// after i, or -1: a comment, CDATA section or processing instruction, whose
// content may look like a merge and is not one.
func indexMarkup(buf []byte, i int) int {
	a := bytes.Index(buf[i:], []byte("<!"))
	b := bytes.Index(buf[i:], []byte("<?"))
	switch {
	case a < 0 && b < 0:
		return -1
	case a < 0 || (b >= 0 && b < a):
		return i + b
	}
	return i + a
}

// parseMerge parses a <mergeCell ref="A1:C1"/> tag.
func parseMerge(tag []byte) (mergeRange, bool) {
	x := newXMLReader(bytes.NewReader(tag))
	if err := x.next(); err != nil || x.kind != tokStart {
		return mergeRange{}, false
	}
	ref, _ := x.attr("ref")
	a, b, ok := bytes.Cut(ref, []byte(":"))
	if !ok {
		return mergeRange{}, false
	}
	c1, r1, ok1 := parseRef(a)
	c2, r2, ok2 := parseRef(b)
	if !ok1 || !ok2 || r1 == 0 || r2 < r1 || c2 < c1 || c2 >= MaxColumns {
		return mergeRange{}, false
	}
	return mergeRange{col1: c1, col2: c2, row1: r1, row2: r2}, true
}
