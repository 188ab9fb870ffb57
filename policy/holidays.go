package policy

import (
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// Easter returns the date of Western (Gregorian) Easter Sunday of year, by
// the anonymous Gregorian algorithm (Meeus/Jones/Butcher), valid for every
// Gregorian year.
func Easter(year int) (time.Month, int) {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Month(month), day
}

// frPlace is a set of the French regional holiday rules that apply to a
// number, as bits.
type frPlace uint8

const (
	frNational   frPlace = 1 << iota // the eleven national holidays
	frAlsace                         // Good Friday and 26 December
	frMayotte                        // 27 April
	frReunion                        // 20 December
	frGuadeloupe                     // 27 May, 28 May, 9 October (with Saint-Martin, Saint-Barthélemy)
	frMartinique                     // 22 May
	frGuyane                         // 10 June
)

// alsaceMoselle are the first three digits of the geographic +33 numbers
// that may be in Alsace-Moselle: the contract's 3 87, 3 88 and 3 89, and
// the ranges opened there since (3 67, 3 68, 3 69 and 3 90 in Alsace, 3 72
// in Moselle), which the stricter reading counts too: a day blocked too
// many is a call not made, a day missed a call made on a holiday.
var alsaceMoselle = map[uint64]bool{387: true, 388: true, 389: true, 367: true, 368: true, 369: true, 390: true, 372: true}

// inMayotteZone reports whether phonenumbers places k in Mayotte's zone.
func inMayotteZone(k normalize.Key) bool {
	s := zoneSetOf(k)
	for _, m := range zoneSetMembers[zoneSetStart[s]:zoneSetStart[s+1]] {
		if zoneNameTable[m] == "Indian/Mayotte" {
			return true
		}
	}
	return false
}

// frPlaceOf returns the French holiday rules of a number's key, or 0 for a
// number of another country. The rules are those of the contract: a +33
// number gets the Alsace-Moselle days unless it is a geographic number
// (national significant number starting 1–5) outside alsaceMoselle, since a mobile or non-geographic number's place is unknown and the
// stricter reading applies. +508 (Saint-Pierre-et-Miquelon, where the
// French public holidays are law) gets the national days.
func frPlaceOf(k normalize.Key) frPlace {
	v := uint64(k)
	n := numDigits(v)
	lead := func(d int) uint64 { // the first d ≤ n digits
		return dropDigits(v, n-d)
	}
	if n >= 2 && lead(2) == 33 {
		if n < 5 {
			return frNational | frAlsace // too short to tell: the stricter reading
		}
		nsn3 := lead(5) - 33000
		if first := nsn3 / 100; first >= 1 && first <= 5 && !alsaceMoselle[nsn3] {
			return frNational
		}
		return frNational | frAlsace
	}
	if n < 3 {
		return 0
	}
	switch lead(3) {
	case 262:
		if n >= 6 {
			if nsn3 := lead(6) - 262000; nsn3 == 269 || nsn3 == 639 {
				return frNational | frMayotte
			}
		}
		if inMayotteZone(k) {
			// A +262 number that phonenumbers places in Mayotte's zone
			// (VoIP ranges, 80 toll-free numbers of both islands): the
			// contract gives it Réunion's day, and its place says Mayotte's
			// may apply too: both (the stricter reading).
			return frNational | frReunion | frMayotte
		}
		return frNational | frReunion
	case 590:
		return frNational | frGuadeloupe
	case 596:
		return frNational | frMartinique
	case 594:
		return frNational | frGuyane
	case 508:
		return frNational
	}
	return 0
}

// HolidayFR reports whether the local date y-m-d is a French public holiday
// for the number k under the contract's rules: 1 January, Easter Monday,
// 1 May, 8 May, Ascension Day, Whit Monday, 14 July, 15 August, 1 November,
// 11 November and 25 December for French numbers; Good Friday and
// 26 December where Alsace-Moselle's law could apply; the abolition-of-
// slavery day of each overseas department for its numbers. A number of
// another country has no French holiday.
func HolidayFR(k normalize.Key, y int, m time.Month, d int) bool {
	return frHoliday(frPlaceOf(k), y, m, d)
}

func frHoliday(p frPlace, y int, m time.Month, d int) bool {
	if p&frNational == 0 {
		return false
	}
	switch {
	case m == time.January && d == 1,
		m == time.May && (d == 1 || d == 8),
		m == time.July && d == 14,
		m == time.August && d == 15,
		m == time.November && (d == 1 || d == 11),
		m == time.December && d == 25:
		return true
	}
	em, ed := Easter(y)
	easter := time.Date(y, em, ed, 0, 0, 0, 0, time.UTC)
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch int(day.Sub(easter).Hours()) / 24 {
	case 1, 39, 50: // Easter Monday, Ascension Day, Whit Monday
		return true
	case -2: // Good Friday
		if p&frAlsace != 0 {
			return true
		}
	}
	switch {
	case p&frAlsace != 0 && m == time.December && d == 26,
		p&frMayotte != 0 && m == time.April && d == 27,
		p&frReunion != 0 && m == time.December && d == 20,
		p&frGuadeloupe != 0 && (m == time.May && (d == 27 || d == 28) || m == time.October && d == 9),
		p&frMartinique != 0 && m == time.May && d == 22,
		p&frGuyane != 0 && m == time.June && d == 10:
		return true
	}
	return false
}
