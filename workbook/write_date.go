package workbook

import "github.com/listscrub/listscrub/civil"

// The cellXfs of styles.xml that a date cell refers to (s="1"): the number
// formats a date serial is shown with.
const (
	styleDate     = 1 // yyyy-mm-dd
	styleDateTime = 2 // yyyy-mm-dd hh:mm:ss
	styleTime     = 3 // hh:mm:ss
)

// excelSerial converts an ISO 8601 date or time, as Kind Date holds them
// (2026-12-01, 2026-12-01T14:30:00, 2026-12-01T14:30:00.250, 14:30:00; a
// space may stand for the T, the fraction has 1 to 9 digits) to its Excel
// serial in the 1900 date system (days since 1899-12-30, the day's time as
// a fraction; before 1900-03-01 one more, as Excel counts a 29 February
// 1900 that never was) and the style to show it with. ok is false for a
// text that is not such a date, or one Excel cannot show (before
// 1900-01-01, after 9999-12-31).
func excelSerial(v []byte) (serial float64, style byte, ok bool) {
	var days int64
	rest := v
	hasDate := len(v) >= 10 && v[4] == '-'
	if hasDate {
		y, ok1 := digitsN(v[0:4])
		m, ok2 := digitsN(v[5:7])
		d, ok3 := digitsN(v[8:10])
		if !ok1 || !ok2 || !ok3 || v[7] != '-' || m < 1 || m > 12 || d < 1 || d > int64(civil.DaysIn(int(y), int(m))) || y < 1900 {
			return 0, 0, false
		}
		days = daysFromCivil(y, m, d) - daysFromCivil(1899, 12, 30)
		if days < 61 {
			days-- // Excel's 1900-02-29
		}
		if len(v) == 10 {
			return float64(days), styleDate, true
		}
		if v[10] != 'T' && v[10] != ' ' {
			return 0, 0, false
		}
		rest = v[11:]
	}
	// hh:mm:ss[.f...]
	if len(rest) < 8 || rest[2] != ':' || rest[5] != ':' {
		return 0, 0, false
	}
	h, ok1 := digitsN(rest[0:2])
	mi, ok2 := digitsN(rest[3:5])
	s, ok3 := digitsN(rest[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
		return 0, 0, false
	}
	var frac int64 // nanoseconds
	if len(rest) > 8 {
		f := rest[9:]
		if rest[8] != '.' || len(f) < 1 || len(f) > 9 {
			return 0, 0, false
		}
		n, ok := digitsN(f)
		if !ok {
			return 0, 0, false
		}
		frac = n
		for range 9 - len(f) {
			frac *= 10
		}
	}
	ns := (h*3600+mi*60+s)*1e9 + frac
	serial = float64(days) + float64(ns)/86400e9
	if hasDate {
		return serial, styleDateTime, true
	}
	return serial, styleTime, true
}

// digitsN returns the decimal value of b, all digits.
func digitsN(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, len(b) > 0
}
