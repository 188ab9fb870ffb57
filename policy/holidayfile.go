package policy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// maxHolidayLine bounds a line of a holidays file (a date and a label).
const maxHolidayLine = 64 << 10

// ReadHolidays reads a holidays file (--holidays): one date YYYY-MM-DD a
// line, optionally followed by a label after a comma, a semicolon or a tab;
// an optional first line whose first field is "date" (a header); blank
// lines and lines starting with # ignored; LF, CRLF or CR line ends; an
// optional UTF-8 byte-order mark. It returns the dates as YYYYMMDD, sorted,
// each once. An error names the file (name) and line. A file without any
// date is an error: holidays asked for and none found is more likely a
// wrong file than an intent.
//
//	# regional holidays
//	date,label
//	2026-12-24,Christmas Eve
//	2026-12-31;New Year's Eve
func ReadHolidays(r io.Reader, name string) ([]int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxHolidayLine)
	sc.Split(scanLines)
	var dates []int
	seen := false // a non-comment line was read: no header after it
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		field := line
		if i := bytes.IndexAny(line, ",;\t"); i >= 0 {
			field = line[:i]
		}
		field = bytes.TrimSpace(field)
		if len(field) >= 2 && field[0] == '"' && field[len(field)-1] == '"' {
			field = bytes.TrimSpace(field[1 : len(field)-1])
		}
		first := !seen
		seen = true
		if first && strings.EqualFold(string(field), "date") {
			continue
		}
		t, err := time.Parse(time.DateOnly, string(field))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s is not a YYYY-MM-DD date", name, n, quoteShort(field))
		}
		dates = append(dates, dateInt(t.Year(), t.Month(), t.Day()))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s: a line is longer than %d bytes", name, maxHolidayLine)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(dates) == 0 {
		return nil, fmt.Errorf("%s: no holiday date (want one YYYY-MM-DD a line)", name)
	}
	slices.Sort(dates)
	return slices.Compact(dates), nil
}

// quoteShort quotes a field for an error message, cut to 40 bytes.
func quoteShort(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%q...", b[:40])
	}
	return fmt.Sprintf("%q", b)
}

// scanLines is bufio.ScanLines that also ends a line at a lone CR.
func scanLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\n' {
			return i + 1, data[:i], nil
		}
		if i+1 < len(data) {
			if data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
			return i + 1, data[:i], nil
		}
		if atEOF {
			return i + 1, data[:i], nil
		}
		return 0, nil, nil // a CR at the end of the buffer: is an LF next?
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// WithDates returns a copy of p with dates (YYYYMMDD, as ReadHolidays
// gives them) added to its Dates: holidays for every number, so that a day
// with windows on one of them is Holiday. The copy shares p's windows,
// calendars and zone cache (all read-only or safe for concurrent use);
// Name and SHA256 stay p's, the file's own hash being the caller's to
// record.
func (p *Policy) WithDates(dates []int) *Policy {
	c := *p
	c.Dates = slices.Concat(p.Dates, dates)
	slices.Sort(c.Dates)
	c.Dates = slices.Clip(slices.Compact(c.Dates))
	c.Calendars = slices.Clip(p.Calendars)
	return &c
}
