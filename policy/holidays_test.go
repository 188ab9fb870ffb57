package policy

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// The hand-checked movable feasts of 2025–2030: Good Friday, Easter Sunday,
// Easter Monday, Ascension Day, Whit Monday.
var movable = map[int][5]string{
	2025: {"04-18", "04-20", "04-21", "05-29", "06-09"},
	2026: {"04-03", "04-05", "04-06", "05-14", "05-25"},
	2027: {"03-26", "03-28", "03-29", "05-06", "05-17"},
	2028: {"04-14", "04-16", "04-17", "05-25", "06-05"},
	2029: {"03-30", "04-01", "04-02", "05-10", "05-21"},
	2030: {"04-19", "04-21", "04-22", "05-30", "06-10"},
}

func TestEaster(t *testing.T) {
	for y, days := range movable {
		m, d := Easter(y)
		if got := fmt.Sprintf("%02d-%02d", int(m), d); got != days[1] {
			t.Errorf("Easter(%d) = %s, want %s", y, got, days[1])
		}
	}
}

// gaussEaster is Gauss's Easter algorithm with Lichtenberg's corrections,
// an independent formulation to check Easter against over the Gregorian
// centuries.
func gaussEaster(y int) (time.Month, int) {
	k := y / 100
	m := 15 + (3*k+3)/4 - (8*k+13)/25
	s := 2 - (3*k+3)/4
	a := y % 19
	d := (19*a + m) % 30
	r := (d + a/11) / 29
	og := 21 + d - r
	sz := 7 - (y+y/4+s)%7
	oe := 7 - (og-sz)%7
	os := og + oe // day of March, may exceed 31
	if os > 31 {
		return time.April, os - 31
	}
	return time.March, os
}

func TestEasterGauss(t *testing.T) {
	for y := 1583; y <= 4099; y++ {
		m1, d1 := Easter(y)
		m2, d2 := gaussEaster(y)
		if m1 != m2 || d1 != d2 {
			t.Fatalf("%d: Easter %v %d, Gauss %v %d", y, m1, d1, m2, d2)
		}
	}
}

// frExpected lists the holidays of year y for the place rules named, from
// the hand-checked table above.
func frExpected(y int, extra ...string) []string {
	mv := movable[y]
	days := []string{"01-01", mv[2], "05-01", "05-08", mv[3], mv[4], "07-14", "08-15", "11-01", "11-11", "12-25"}
	for _, e := range extra {
		switch e {
		case "alsace":
			days = append(days, mv[0], "12-26")
		case "mayotte":
			days = append(days, "04-27")
		case "reunion":
			days = append(days, "12-20")
		case "guadeloupe":
			days = append(days, "05-27", "05-28", "10-09")
		case "martinique":
			days = append(days, "05-22")
		case "guyane":
			days = append(days, "06-10")
		}
	}
	slices.Sort(days)
	return slices.Compact(days) // Whit Monday 2030 is 10 June
}

func TestHolidayFR(t *testing.T) {
	cases := []struct {
		e164  string
		place []string // nil: no French holiday at all
	}{
		{"+33145678901", []string{}},                      // Paris, geographic
		{"+33299123456", []string{}},                      // Rennes
		{"+33386123456", []string{}},                      // Nièvre, next to Moselle's ranges
		{"+33380123456", []string{}},                      // Dijon: geographic, outside Alsace-Moselle
		{"+33390123456", []string{"alsace"}},              // 03 90: Strasbourg, a range opened in Alsace since
		{"+33367123456", []string{"alsace"}},              // 03 67: Alsace
		{"+33372123456", []string{"alsace"}},              // 03 72: Moselle
		{"+33387123456", []string{"alsace"}},              // Moselle
		{"+33388123456", []string{"alsace"}},              // Bas-Rhin
		{"+33389123456", []string{"alsace"}},              // Haut-Rhin
		{"+33612345678", []string{"alsace"}},              // mobile: place unknown
		{"+33712345678", []string{"alsace"}},              // mobile
		{"+33912345678", []string{"alsace"}},              // VoIP
		{"+33812345678", []string{"alsace"}},              // special rate
		{"+262262123456", []string{"reunion"}},            // Réunion fixed
		{"+262692123456", []string{"reunion"}},            // Réunion mobile
		{"+262939801234", []string{"reunion", "mayotte"}}, // VoIP in Mayotte's zone: both days
		{"+262269601234", []string{"mayotte"}},            // Mayotte fixed
		{"+262639123456", []string{"mayotte"}},            // Mayotte mobile
		{"+590590123456", []string{"guadeloupe"}},         // Guadeloupe
		{"+590690123456", []string{"guadeloupe"}},         // Guadeloupe mobile
		{"+596596123456", []string{"martinique"}},         // Martinique
		{"+594594123456", []string{"guyane"}},             // French Guiana
		{"+508411234", []string{}},                        // Saint-Pierre-et-Miquelon
		{"+12125550123", nil},                             // New York
		{"+3225123456", nil},                              // Brussels
		{"+41446681800", nil},                             // Zürich
		{"+3312345678", []string{}},                       // short +33 key, still French
		{"+262", []string{"reunion", "mayotte"}},          // digits run out: either island (the stricter reading)
		{"+26226", []string{"reunion", "mayotte"}},        // idem
	}
	for _, c := range cases {
		k := mustKey(t, c.e164)
		for y := 2025; y <= 2030; y++ {
			var want []string
			if c.place != nil {
				want = frExpected(y, c.place...)
			}
			var got []string
			for d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
				if HolidayFR(k, d.Year(), d.Month(), d.Day()) {
					got = append(got, d.Format("01-02"))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %d:\n got %v\nwant %v", c.e164, y, got, want)
			}
		}
	}
}

func mustKey(t testing.TB, e164 string) normalize.Key {
	t.Helper()
	k, err := KeyOf(e164)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
