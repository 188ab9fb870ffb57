package workbook

import (
	"math"
	"strconv"
	"testing"
	"time"
)

func TestAppendNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"612345678", "612345678"},
		{"6.12345678E+8", "612345678"},
		{"6.12345678e8", "612345678"},
		{"0612345678", "612345678"},
		{"33612345678", "33612345678"},
		{"0.1", "0.1"},
		{"6.5", "6.5"},
		{"-12.25", "-12.25"},
		{"1E+21", "1e+21"},
		{"999999999999999900000", "999999999999999900000"},
		{"1E-6", "0.000001"},
		{"9.9E-7", "9.9e-07"},
		{"-0", "0"},
		{"0.0", "0"},
		{"123456789012345", "123456789012345"},
		{"1234567890123456789", "1234567890123456800"},
		{"0.30000000000000004", "0.30000000000000004"},
		{"+5", "5"},
	}
	for _, tt := range tests {
		got, _, err := appendNumber(nil, []byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("appendNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "-", "abc", "NaN", "Inf", "-Infinity", "1e400", "0x10", "1_000", "12 34", "1,5", "--1"} {
		if got, _, err := appendNumber(nil, []byte(bad)); err == nil {
			t.Errorf("appendNumber(%q) = %q, want an error", bad, got)
		}
	}
}

// TestAppendNumberRoundTrip: the text reads back as the same float64.
func TestAppendNumberRoundTrip(t *testing.T) {
	for _, f := range []float64{1.0 / 3, math.Pi * 1e10, 5e-324, math.MaxFloat64, 2.5e-7, 1e20, 123456.789} {
		in := strconv.FormatFloat(f, 'E', -1, 64)
		got, v, err := appendNumber(nil, []byte(in))
		if err != nil || v != f {
			t.Fatalf("appendNumber(%q): %v %v", in, v, err)
		}
		back, err := strconv.ParseFloat(string(got), 64)
		if err != nil || back != f {
			t.Errorf("appendNumber(%q) = %q, reads back as %v", in, got, back)
		}
	}
}

func TestAppendDate(t *testing.T) {
	tests := []struct {
		serial float64
		class  dateClass
		d1904  bool
		want   string // "" for not a date
	}{
		{46357, dateTime, false, "2026-12-01"},
		{46357.604166666664, dateTime, false, "2026-12-01T14:30:00"},
		{46357 + 0.25/86400, dateTime, false, "2026-12-01T00:00:00.250"},
		{46357 + 0.0004/86400, dateTime, false, "2026-12-01"},
		{0.6041666666666666, timeOnly, false, "14:30:00"},
		{0, timeOnly, false, "00:00:00"},
		{0.5, dateTime, false, ""},
		{1.5, timeOnly, false, "1900-01-01T12:00:00"},
		{1, dateTime, false, "1900-01-01"},
		{59, dateTime, false, "1900-02-28"},
		{60, dateTime, false, ""},
		{61, dateTime, false, "1900-03-01"},
		{2958465, dateTime, false, "9999-12-31"},
		{2958465.9999, dateTime, false, "9999-12-31T23:59:51.360"},
		{2958466, dateTime, false, ""},
		{-1, dateTime, false, ""},
		{0, dateTime, true, "1904-01-01"},
		{44895, dateTime, true, "2026-12-01"},
		{maxSerial1904, dateTime, true, "9999-12-31"},
		{maxSerial1904 + 1, dateTime, true, ""},
		{math.NaN(), dateTime, false, ""},
	}
	for _, tt := range tests {
		got, ok := appendDate(nil, tt.serial, tt.class, tt.d1904)
		if !ok {
			got = nil
		}
		if string(got) != tt.want {
			t.Errorf("appendDate(%v, %v, 1904=%v) = %q, want %q", tt.serial, tt.class, tt.d1904, got, tt.want)
		}
	}
}

// TestCivilDays checks the calendar against time's over every day from
// 1900 to 9999.
func TestCivilDays(t *testing.T) {
	base := daysFromCivil(1900, 1, 1)
	day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := int64(0); day.Year() < 10000; n++ {
		y, m, d := civilFromDays(base + n)
		if int(y) != day.Year() || time.Month(m) != day.Month() || int(d) != day.Day() {
			t.Fatalf("day %d: %d-%d-%d, want %v", n, y, m, d, day)
		}
		if got := daysFromCivil(y, m, d); got != base+n {
			t.Fatalf("daysFromCivil(%d-%d-%d) = %d, want %d", y, m, d, got, base+n)
		}
		day = day.AddDate(0, 0, 1)
	}
}

func TestDateClass(t *testing.T) {
	builtin := map[int]dateClass{0: notDate, 1: notDate, 13: notDate, 14: dateTime, 17: dateTime, 18: timeOnly, 21: timeOnly, 22: dateTime,
		23: notDate, 27: dateTime, 32: timeOnly, 36: dateTime, 44: notDate, 45: timeOnly, 47: timeOnly, 49: notDate, 50: dateTime, 55: timeOnly, 58: dateTime, 59: notDate}
	for id, want := range builtin {
		if got := builtinDateClass(id); got != want {
			t.Errorf("builtinDateClass(%d) = %v, want %v", id, got, want)
		}
	}
	custom := map[string]dateClass{
		"General":               notDate,
		"0.00":                  notDate,
		"#,##0.00 €":            notDate,
		"0.00E+00":              notDate,
		"##0.0e-0":              notDate,
		"@":                     notDate,
		`0" jours"`:             notDate,
		`\d0`:                   notDate,
		"[Red]0.00":             notDate,
		"[$-40C]0.00":           notDate,
		`_(* #,##0_)`:           notDate,
		"0 ;[Blue]-0":           notDate,
		"dd/mm/yyyy":            dateTime,
		"d-mmm-yy":              dateTime,
		"mmm":                   dateTime,
		"[$-40C]mmmm yyyy":      dateTime,
		"dd/mm/yyyy\\ hh:mm":    dateTime,
		"yyyy-mm-ddThh:mm:ss":   dateTime,
		"ggge\"年\"m\"月\"d\"日\"": dateTime,
		"hh:mm":                 timeOnly,
		"h:mm AM/PM":            timeOnly,
		"mm:ss":                 timeOnly,
		"[h]:mm:ss":             timeOnly,
		"[mm]:ss":               timeOnly,
		"[ss]":                  timeOnly,
		"ss.000":                timeOnly,
	}
	for code, want := range custom {
		if got := formatDateClass(code); got != want {
			t.Errorf("formatDateClass(%q) = %v, want %v", code, got, want)
		}
	}
}

func (c dateClass) String() string {
	return [...]string{"notDate", "dateTime", "timeOnly"}[c]
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in       string
		col, row int
		ok       bool
	}{
		{"A1", 0, 1, true}, {"B12", 1, 12, true}, {"Z3", 25, 3, true}, {"AA3", 26, 3, true},
		{"XFD1048576", 16383, 1048576, true}, {"xfd1", 16383, 1, true}, {"C", 2, 0, true},
		{"", 0, 0, false}, {"1", 0, 0, false}, {"A-1", 0, 0, false}, {"AAAAA1", 0, 0, false}, {"A99999999999", 0, 0, false},
	}
	for _, tt := range tests {
		col, row, ok := parseRef([]byte(tt.in))
		if ok != tt.ok || ok && (col != tt.col || row != tt.row) {
			t.Errorf("parseRef(%q) = %d, %d, %v; want %d, %d, %v", tt.in, col, row, ok, tt.col, tt.row, tt.ok)
		}
		if ok && row > 0 {
			if got := cellName(col, row); got != tt.in && got != "XFD1" {
				t.Errorf("cellName(%d, %d) = %q, want %q", col, row, got, tt.in)
			}
		}
	}
}
