package workbook

import (
	"errors"
	"io"
	"strconv"
	"strings"
)

// dateClass says whether a number format shows a number as a date or time.
type dateClass uint8

const (
	notDate  dateClass = iota
	dateTime           // a date, or a date and time
	timeOnly           // a time of day or an elapsed time, without a date
)

// builtinDateClass classifies the built-in number formats (ECMA-376
// 18.8.30, and the CJK locale ids 27-36 and 50-58).
func builtinDateClass(id int) dateClass {
	switch {
	case id >= 18 && id <= 21, id >= 45 && id <= 47, id >= 32 && id <= 35, id == 55, id == 56:
		return timeOnly
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return dateTime
	}
	return notDate
}

// formatDateClass classifies a custom number format code by its letters
// outside quoted text, backslash escapes, padding (_x), fills (*x) and
// brackets ([Red], [$-409]), except the elapsed-time brackets [h], [mm],
// [ss]. d, y and the era letters e, g, b are date letters; h, s and AM/PM
// time ones; m is either, so alone it makes a date.
func formatDateClass(code string) dateClass {
	if strings.EqualFold(strings.TrimSpace(code), "general") {
		return notDate
	}
	var date, tim, month bool
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return notDate
			}
			i += j + 1
			continue
		case '\\', '_', '*':
			i++
			continue
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				return notDate
			}
			in := strings.ToLower(code[i+1 : i+1+j])
			if in != "" && strings.Trim(in, "hms") == "" && strings.Count(in, in[:1]) == len(in) {
				tim = true
			}
			i += j + 1
			continue
		}
		switch c | 0x20 {
		case 'e':
			// An exponent (0.0E+00) is not the era year.
			if i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-') {
				i++
				continue
			}
			date = true
		case 'd', 'y', 'g', 'b':
			date = true
		case 'h', 's':
			tim = true
		case 'm':
			month = true
		case 'a':
			if l := strings.ToLower(code[i:]); strings.HasPrefix(l, "am/pm") || strings.HasPrefix(l, "a/p") {
				tim = true
			}
		}
	}
	switch {
	case date || (month && !tim):
		return dateTime
	case tim:
		return timeOnly
	}
	return notDate
}

// readStyles reads a styles part into the date class of each cell format
// (cellXfs), the index a cell's s attribute gives.
func readStyles(x *xmlReader) ([]dateClass, error) {
	custom := map[int]dateClass{}
	var xfs []dateClass
	if err := x.next(); err != nil {
		return nil, noEOF(err)
	}
	if x.kind != tokStart || string(x.name) != "styleSheet" {
		return nil, errors.New("not a style sheet (no <styleSheet>)")
	}
	for {
		if err := x.next(); err != nil {
			return nil, noEOF(err)
		}
		if x.kind == tokEnd && x.depth() == 0 {
			break
		}
		if x.kind != tokStart {
			continue
		}
		switch string(x.name) {
		case "numFmts":
			if err := readNumFmts(x, custom); err != nil {
				return nil, err
			}
		case "cellXfs":
			d := x.depth()
			for {
				if err := x.next(); err != nil {
					return nil, noEOF(err)
				}
				if x.kind == tokEnd && x.depth() < d {
					break
				}
				if x.kind != tokStart {
					continue
				}
				if string(x.name) == "xf" && x.depth() == d+1 {
					id := -1
					if v, ok := x.attr("numFmtId"); ok {
						id, _ = strconv.Atoi(string(v))
					}
					c, ok := custom[id]
					if !ok {
						c = builtinDateClass(id)
					}
					xfs = append(xfs, c)
				}
				if err := x.skip(); err != nil {
					return nil, err
				}
			}
		default:
			if err := x.skip(); err != nil {
				return nil, err
			}
		}
	}
	if err := x.next(); err != io.EOF {
		if err == nil {
			err = errors.New("content after </styleSheet>")
		}
		return nil, err
	}
	return xfs, nil
}

func readNumFmts(x *xmlReader, custom map[int]dateClass) error {
	d := x.depth()
	for {
		if err := x.next(); err != nil {
			return noEOF(err)
		}
		if x.kind == tokEnd && x.depth() < d {
			return nil
		}
		if x.kind != tokStart {
			continue
		}
		if string(x.name) == "numFmt" {
			idv, _ := x.attr("numFmtId")
			code, _ := x.attr("formatCode")
			if id, err := strconv.Atoi(string(idv)); err == nil {
				custom[id] = formatDateClass(string(code))
			}
		}
		if err := x.skip(); err != nil {
			return err
		}
	}
}
