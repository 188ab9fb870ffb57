package policy

import (
	"slices"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestZoneNames(t *testing.T) {
	cases := []struct {
		e164 string
		want []string
	}{
		{"+262269601234", []string{"Indian/Mayotte"}},     // Mayotte fixed
		{"+262639123456", []string{"Indian/Mayotte"}},     // Mayotte mobile
		{"+262262123456", []string{"Indian/Reunion"}},     // Réunion fixed
		{"+262692123456", []string{"Indian/Reunion"}},     // Réunion mobile
		{"+590590123456", []string{"America/Guadeloupe"}}, // Guadeloupe
		{"+590690123456", []string{"America/Guadeloupe"}}, // Guadeloupe mobile
		{"+596596123456", []string{"America/Martinique"}}, // Martinique
		{"+596696123456", []string{"America/Martinique"}}, // Martinique mobile
		{"+594594123456", []string{"America/Cayenne"}},    // French Guiana
		{"+508411234", []string{"America/Miquelon"}},      // Saint-Pierre-et-Miquelon
		{"+33145678901", []string{"Europe/Paris"}},
		{"+33612345678", []string{"Europe/Paris"}},
		{"+12125550123", []string{"America/New_York"}},                  // Eastern
		{"+13125550123", []string{"America/Chicago"}},                   // Central
		{"+13035550123", []string{"America/Denver"}},                    // Mountain
		{"+16025550123", []string{"America/Phoenix"}},                   // Mountain, no DST
		{"+14155550123", []string{"America/Los_Angeles"}},               // Pacific
		{"+18085550123", []string{"Pacific/Honolulu"}},                  // Hawaii
		{"+19075550123", []string{"America/Adak", "America/Anchorage"}}, // Alaska: two zones
		{"+80012345678", nil},                                           // international freephone: none known
		{"+88213123456", nil},
	}
	for _, c := range cases {
		k := mustKey(t, c.e164)
		if got := ZoneNames(k); !slices.Equal(got, c.want) {
			t.Errorf("ZoneNames(%s) = %v, want %v", c.e164, got, c.want)
		}
		// The key path is phonenumbers' GetTimezonesForNumber for the parsed number.
		n, err := phonenumbers.Parse(c.e164, "ZZ")
		if err != nil {
			t.Fatal(err)
		}
		byNumber, err := phonenumbers.GetTimezonesForNumber(n)
		if err != nil {
			t.Fatal(err)
		}
		if c.want == nil {
			c.want = []string{unknownZone}
		}
		if !slices.Equal(byNumber, c.want) {
			t.Errorf("GetTimezonesForNumber(%s) = %v, want %v", c.e164, byNumber, c.want)
		}
		if k2, err := KeyOfNumber(n); err != nil || k2 != k {
			t.Errorf("KeyOfNumber(%s) = %v, %v; want %v", c.e164, k2, err, k)
		}
	}
}

func TestKeyOf(t *testing.T) {
	for _, s := range []string{"", "+", "33612345678", "+0612345678", "+33 612345678", "+3361234567890123", "+33a"} {
		if k, err := KeyOf(s); err == nil {
			t.Errorf("KeyOf(%q) = %v, want an error", s, k)
		}
	}
	if k, err := KeyOf("+33612345678"); err != nil || k != 33612345678 {
		t.Errorf("KeyOf = %v, %v", k, err)
	}
}
