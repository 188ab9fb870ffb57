package registry

import "github.com/listscrub/listscrub/civil"

// The dates of history and consent lines are parsed from the field's bytes
// without allocating (they are read on every line):
//
//	2026-11-30T14:05:00+01:00       RFC 3339, an offset
//	2026-11-30T13:05:00.250Z        Z, a fraction of 1 to 9 digits (dropped)
//	2026-11-30                      a day (consent dates only): 00:00 UTC
//	2026-11-30T14:05:00             refused: no offset, the instant is unknown
//
// parseRFC3339 accepts what time.Parse(time.RFC3339Nano, s) accepts, to the
// same second, but a fraction of more than 9 digits or after a comma (not
// RFC 3339): FuzzParseRFC3339 checks it.

// parseRFC3339 returns the Unix second of an RFC 3339 time with an offset
// (or Z), its fraction dropped; ok is false for anything else.
func parseRFC3339(b []byte) (sec int64, ok bool) {
	sec, _, ok = parseRFC3339Frac(b)
	return sec, ok
}

// parseRFC3339Up is parseRFC3339 rounding a fraction of a second up: the
// instant of an attempt or of a consent given, judged to the second the way
// that blocks (an attempt at 10:00:00.4 counts in a window that starts at
// 10:00:00; a consent given at T + 0.4 s is not given at T).
func parseRFC3339Up(b []byte) (int64, bool) {
	sec, frac, ok := parseRFC3339Frac(b)
	if frac {
		sec++
	}
	return sec, ok
}

// parseRFC3339Frac returns the Unix second of an RFC 3339 time with an
// offset (or Z), and whether it has a fraction that is not zero.
func parseRFC3339Frac(b []byte) (sec int64, frac, ok bool) {
	// YYYY-MM-DDTHH:MM:SS, then .F{1,9}, then Z or ±HH:MM.
	if len(b) < len("2006-01-02T15:04:05Z") || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return 0, false, false
	}
	day, ok := parseDay(b[:10])
	if !ok {
		return 0, false, false
	}
	hh, ok1 := num2(b[11:13])
	mm, ok2 := num2(b[14:16])
	ss, ok3 := num2(b[17:19])
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 59 {
		return 0, false, false
	}
	rest := b[19:]
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			frac = frac || rest[n] != '0'
			n++
		}
		if n == 1 || n > 10 {
			return 0, false, false
		}
		rest = rest[n:]
	}
	var off int64
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num2(rest[1:3])
		om, ok2 := num2(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false, false
		}
		off = int64(oh*3600 + om*60)
		if rest[0] == '-' {
			off = -off
		}
	default:
		return 0, false, false
	}
	return day + int64(hh*3600+mm*60+ss) - off, frac, true
}

// parseDay returns the Unix second of 00:00 UTC on a YYYY-MM-DD day
// (years 0000 to 9999, the day within its month).
func parseDay(b []byte) (sec int64, ok bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y1, ok1 := num2(b[0:2])
	y2, ok2 := num2(b[2:4])
	m, ok3 := num2(b[5:7])
	d, ok4 := num2(b[8:10])
	if !ok1 || !ok2 || !ok3 || !ok4 || m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	y := y1*100 + y2
	if d > civil.DaysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d) * 86400, true
}

// parseConsentDate returns the Unix second of a consent list's date: an
// RFC 3339 time with an offset, or a YYYY-MM-DD day (00:00 UTC); up rounds
// a fraction of a second up (a consent given), else down (a withdrawal):
// each the way that blocks.
func parseConsentDate(b []byte, up bool) (int64, bool) {
	if len(b) == 10 {
		return parseDay(b)
	}
	if up {
		return parseRFC3339Up(b)
	}
	return parseRFC3339(b)
}

// num2 reads two ASCII digits.
func num2(b []byte) (int, bool) {
	if !isDigit(b[0]) || !isDigit(b[1]) {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

// daysFromCivil returns the days from 1970-01-01 to y-m-d (Howard
// Hinnant's days_from_civil).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
