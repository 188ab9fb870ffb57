package report

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/listscrub/listscrub/normalize"
)

// zone is one French numbering zone, from the first digit of a +33 number's
// national significant number.
type zone struct {
	key, label string
}

// frenchZones maps the first digit after +33 to its zone. 6 and 7 are both
// mobile and share one zone.
var frenchZones = [10]zone{
	1: {"01", "01 Île-de-France"},
	2: {"02", "02 Nord-Ouest"},
	3: {"03", "03 Nord-Est"},
	4: {"04", "04 Sud-Est"},
	5: {"05", "05 Sud-Ouest"},
	6: {"06-07", "06/07 mobile"},
	7: {"06-07", "06/07 mobile"},
	8: {"08", "08 special rate"},
	9: {"09", "09 internet (VoIP)"},
}

// zoneOrder is the order zones are reported in.
var zoneOrder = []string{"01", "02", "03", "04", "05", "06-07", "08", "09"}

// territory is one French overseas territory: its libphonenumber region and name.
type territory struct {
	region, name string
}

// territories are the French overseas territories with their own country
// calling code, in report order. Réunion and Mayotte share +262, Guadeloupe,
// Saint-Barthélemy and Saint-Martin share +590: libphonenumber's metadata
// tells them apart by prefix.
var territories = []territory{
	{"RE", "Réunion"},
	{"YT", "Mayotte"},
	{"GP", "Guadeloupe"},
	{"BL", "Saint-Barthélemy"},
	{"MF", "Saint-Martin"},
	{"GF", "Guyane"},
	{"MQ", "Martinique"},
	{"PM", "Saint-Pierre-et-Miquelon"},
	{"WF", "Wallis-et-Futuna"},
	{"NC", "Nouvelle-Calédonie"},
	{"PF", "Polynésie française"},
}

// overseasCodes are the calling codes of the territories.
var overseasCodes = map[int]bool{262: true, 590: true, 594: true, 596: true, 508: true, 681: true, 687: true, 689: true}

// splitKey splits an E.164 key into its country calling code and national
// significant number, using libphonenumber's list of calling codes (they
// form a prefix-free set of 1 to 3 digits). ok is false for a key whose
// prefix is no calling code.
func splitKey(k normalize.Key, codes map[int]bool) (cc int, nsn uint64, ok bool) {
	digits := strconv.FormatUint(uint64(k), 10)
	for n := 1; n <= 3 && n < len(digits); n++ {
		c, _ := strconv.Atoi(digits[:n])
		if codes[c] {
			rest, _ := strconv.ParseUint(digits[n:], 10, 64)
			return c, rest, true
		}
	}
	return 0, 0, false
}

// frenchZone returns the zone of a +33 number's national significant number.
func frenchZone(nsn uint64) (zone, bool) {
	d := nsn
	for d >= 10 {
		d /= 10
	}
	z := frenchZones[d]
	return z, z.key != ""
}

// territoryOf returns the region code of an overseas number, or "".
func territoryOf(cc int, nsn uint64) string {
	if !overseasCodes[cc] {
		return ""
	}
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	if len(regions) == 1 {
		return regions[0]
	}
	c, n := int32(cc), nsn
	return phonenumbers.GetRegionCodeForNumber(&phonenumbers.PhoneNumber{CountryCode: &c, NationalNumber: &n})
}

// territoryName returns the name of a territory's region code.
func territoryName(region string) string {
	for _, t := range territories {
		if t.region == region {
			return t.name
		}
	}
	return region
}

// countryLabel names a calling code by its regions: "+33 FR", "+1 US, CA, …".
func countryLabel(cc int) string {
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	label := "+" + strconv.Itoa(cc)
	if len(regions) == 0 {
		return label
	}
	if len(regions) > 3 {
		return label + " " + strings.Join(regions[:3], ", ") + ", …"
	}
	return label + " " + strings.Join(regions, ", ")
}
