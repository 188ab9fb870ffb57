package report

import (
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/listscrub/listscrub/normalize"
)

func TestPlaces(t *testing.T) {
	codes := phonenumbers.GetSupportedCallingCodes()
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in        string
		cc        int
		zone      string
		territory string
	}{
		{"01 45 67 89 01", 33, "01", ""},
		{"02 99 12 34 56", 33, "02", ""},
		{"03 88 12 34 56", 33, "03", ""},
		{"04 91 12 34 56", 33, "04", ""},
		{"05 56 12 34 56", 33, "05", ""},
		{"06 12 34 56 78", 33, "06-07", ""},
		{"07 81 23 45 67", 33, "06-07", ""},
		{"08 00 12 34 56", 33, "08", ""},
		{"09 51 12 34 56", 33, "09", ""},
		{"0262 21 12 34", 262, "", "RE"},
		{"0692 80 27 96", 262, "", "RE"},
		{"0269 61 12 34", 262, "", "YT"},
		{"0639 01 23 45", 262, "", "YT"},
		{"0590 81 12 34", 590, "", "GP"},
		{"0690 18 11 15", 590, "", "GP"},
		{"0590 27 12 34", 590, "", "BL"},
		{"0590 43 12 34", 590, "", "MF"},
		{"0594 30 12 34", 594, "", "GF"},
		{"0596 60 12 34", 596, "", "MQ"},
		{"+508 41 12 34", 508, "", "PM"},
		{"+681 72 12 34", 681, "", "WF"},
		{"+687 25 12 34", 687, "", "NC"},
		{"+689 87 12 34 56", 689, "", "PF"},
		{"+44 20 7946 0958", 44, "", ""},
		{"+1 201 555 0123", 1, "", ""},
	} {
		res := norm.Normalize([]byte(tc.in))
		if !res.Valid() {
			t.Errorf("%s: not valid: %s", tc.in, res.Reason)
			continue
		}
		cc, nsn, ok := splitKey(res.Key, codes)
		if !ok || cc != tc.cc {
			t.Errorf("%s (%s): calling code %d %v, want %d", tc.in, res.Key, cc, ok, tc.cc)
			continue
		}
		z, _ := frenchZone(nsn)
		if cc != 33 {
			z = zone{}
		}
		if z.key != tc.zone {
			t.Errorf("%s: zone %q, want %q", tc.in, z.key, tc.zone)
		}
		if got := territoryOf(cc, nsn); got != tc.territory {
			t.Errorf("%s: territory %q, want %q", tc.in, got, tc.territory)
		}
	}
}

func TestTerritoryNamesCoverCodes(t *testing.T) {
	for cc := range overseasCodes {
		for _, r := range phonenumbers.GetRegionCodesForCountryCode(cc) {
			if territoryName(r) == r {
				t.Errorf("+%d region %s has no name", cc, r)
			}
		}
	}
}
