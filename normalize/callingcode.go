package normalize

import "github.com/nyaruka/phonenumbers"

// CallingCode returns the country calling code of a valid number's key (33
// for +33612345678, 1 for +12015550123), or 0 for a key whose digits start
// no calling code (the zero Key, a key of fewer than three digits). It does
// not allocate: it reads the key's first three digits and looks them up.
func (n *Normalizer) CallingCode(k Key) int {
	v := uint64(k)
	if v < 100 {
		return 0
	}
	for v >= 1000_000 {
		v /= 1000
	}
	for v >= 1000 {
		v /= 10
	}
	return int(n.ccOf3[v])
}

// callingCodeTable maps every 3-digit string to the calling code it starts
// with: calling codes are prefix-free, so at most one of its 1-, 2- and
// 3-digit prefixes is one.
func callingCodeTable() (t [1000]uint16) {
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		switch {
		case cc <= 0 || cc >= 1000:
		case cc < 10:
			for p := cc * 100; p < cc*100+100; p++ {
				t[p] = uint16(cc)
			}
		case cc < 100:
			for p := cc * 10; p < cc*10+10; p++ {
				t[p] = uint16(cc)
			}
		default:
			t[cc] = uint16(cc)
		}
	}
	return t
}

// MainRegion returns the main region of a calling code ("BE" for 32, "US"
// for 1, "FR" for 33), or "" for a code that is none or belongs to no
// region (the non-geographic +800, +882, ...).
func MainRegion(cc int) string {
	r := phonenumbers.GetRegionCodeForCountryCode(cc)
	if r == "" || r == "ZZ" || r == "001" {
		return ""
	}
	return r
}

// NationalCallingCode reports whether national-format numbers read with
// region can have calling code cc: its own (32 for BE), and for FR the
// overseas departments' that the French rule reads French-written numbers
// as (0692 12 34 56 is +262, see the package doc).
func NationalCallingCode(region string, cc int) bool {
	if phonenumbers.GetCountryCodeForRegion(region) == cc {
		return true
	}
	if region == "FR" {
		for _, r := range overseasRegions {
			if phonenumbers.GetCountryCodeForRegion(r) == cc {
				return true
			}
		}
	}
	return false
}

// RegionCallingCode returns region's calling code (33 for FR), or 0.
func RegionCallingCode(region string) int { return phonenumbers.GetCountryCodeForRegion(region) }

// TrunkZero reports whether region's national format starts with the trunk
// prefix 0 (FR, BE, DE, GB: 01 45 67 89 01), so that a national-format
// number written without it is not how that country writes its numbers.
func TrunkZero(region string) bool { return phonenumbers.GetNddPrefixForRegion(region, true) == "0" }
