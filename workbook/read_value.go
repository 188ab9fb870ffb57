package workbook

import (
	"errors"
	"math"
	"strconv"
)

var errNotNumber = errors.New("a numeric cell whose value is not a number")

// appendNumber appends the exact decimal text of the number in v (the text
// of a <v>): the shortest text that reads back as the same float64, without
// an exponent when 1e-6 <= |v| < 1e21 (612345678, 0.1, 6.5), else with
// one (1e+21). It also returns the value.
func appendNumber(dst, v []byte) ([]byte, float64, error) {
	// A whole number of up to 15 digits is its own shortest text.
	if n := len(v); n > 0 && n <= 15 {
		var u int64
		i := 0
		if v[0] == '-' {
			i = 1
		}
		if i < n {
			for j := i; j < n; j++ {
				c := v[j]
				if c < '0' || c > '9' {
					goto general
				}
				u = u*10 + int64(c-'0')
			}
			f := float64(u)
			if i == 1 && u != 0 {
				f = -f
				dst = append(dst, '-')
			}
			return strconv.AppendInt(dst, u, 10), f, nil
		}
	}
general:
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return dst, 0, errNotNumber
		}
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || math.IsInf(f, 0) {
		return dst, 0, errNotNumber
	}
	if f == 0 {
		return append(dst, '0'), 0, nil
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(dst, f, 'f', -1, 64), f, nil
	}
	return strconv.AppendFloat(dst, f, 'e', -1, 64), f, nil
}

// Serial days of 9999-12-31 in the two date systems.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = maxSerial1900 - 1462
)

// appendDate appends a date serial as ISO 8601 text: 2026-12-01,
// 2026-12-01T14:30:00, 2026-12-01T14:30:00.250 (rounded to the
// millisecond), or 14:30:00 for a serial in [0,1) shown as a time only. It
// returns false for a serial that is no date Excel shows: negative, past
// 9999-12-31, the fictitious 1900-02-29 (60 in the 1900 system) or day 0
// of the 1900 system with a date format.
func appendDate(dst []byte, f float64, class dateClass, date1904 bool) ([]byte, bool) {
	max := float64(maxSerial1900 + 1)
	if date1904 {
		max = maxSerial1904 + 1
	}
	if !(f >= 0 && f < max) {
		return dst, false
	}
	ms := int64(math.Round(f * 86400000))
	days, msOfDay := ms/86400000, ms%86400000
	if float64(days) >= max {
		return dst, false
	}
	if f < 1 && class == timeOnly && days == 0 {
		return appendClock(dst, msOfDay), true
	}
	// Days since 0000-03-01 of the proleptic Gregorian calendar.
	var civil int64
	if date1904 {
		civil = days + daysFromCivil(1904, 1, 1)
	} else {
		switch {
		case days == 0 || days == 60:
			return dst, false
		case days < 60:
			civil = days + daysFromCivil(1899, 12, 31)
		default:
			civil = days + daysFromCivil(1899, 12, 30)
		}
	}
	y, m, d := civilFromDays(civil)
	dst = appendDigits(dst, y, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, m, 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, d, 2)
	if msOfDay != 0 {
		dst = append(dst, 'T')
		dst = appendClock(dst, msOfDay)
	}
	return dst, true
}

func appendClock(dst []byte, ms int64) []byte {
	s := ms / 1000
	dst = appendDigits(dst, s/3600, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, s/60%60, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, s%60, 2)
	if ms%1000 != 0 {
		dst = append(dst, '.')
		dst = appendDigits(dst, ms%1000, 3)
	}
	return dst
}

func appendDigits(dst []byte, v int64, width int) []byte {
	var b [20]byte
	i := len(b)
	for v > 0 || i > len(b)-width {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[i:]...)
}

// daysFromCivil and civilFromDays convert between a Gregorian date and a
// day count (Howard Hinnant's algorithms), without time.Time and its
// allocations-free but costlier machinery.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe
}

func civilFromDays(z int64) (y, m, d int64) {
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}
