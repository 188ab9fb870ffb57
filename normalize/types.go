package normalize

import "strconv"

// Key is a valid phone number's E.164 digits (country code then national
// significant number) read as an integer: +33612345678 is Key(33612345678).
// E.164 numbers never start with 0 and have at most 15 digits, so the mapping
// is one-to-one and fits in 50 bits. The zero Key means "no number".
type Key uint64

// AppendE164 appends the number's E.164 form ("+33612345678") to dst.
func (k Key) AppendE164(dst []byte) []byte {
	dst = append(dst, '+')
	return strconv.AppendUint(dst, uint64(k), 10)
}

// String returns the number's E.164 form, or "" for the zero Key.
func (k Key) String() string {
	if k == 0 {
		return ""
	}
	return string(k.AppendE164(make([]byte, 0, 16)))
}

// Type is the kind of line a valid number belongs to, as reported in the
// by_type statistics.
type Type uint8

// The number types reported by listscrub. Every phonenumbers type that is not
// one of the first five (shared cost, personal, pager, UAN, voicemail,
// fixed-line-or-mobile where the plan does not tell them apart) is TypeOther.
const (
	TypeOther Type = iota
	TypeMobile
	TypeFixedLine
	TypeVoIP
	TypeTollFree
	TypePremiumRate
	numTypes
)

// NumTypes is the number of distinct Type values; Type values are dense in [0, NumTypes).
const NumTypes = int(numTypes)

var typeNames = [numTypes]string{"other", "mobile", "fixed_line", "voip", "toll_free", "premium_rate"}

// String returns the stable name used in statistics: mobile, fixed_line, voip,
// toll_free, premium_rate or other.
func (t Type) String() string {
	if t < numTypes {
		return typeNames[t]
	}
	return "other"
}

// Reason says why an input is not a valid number. ReasonNone means it is valid.
type Reason uint8

// The reasons an input is not a valid number. Their String forms are stable:
// they appear in scrub_reason columns and invalid_by_reason statistics.
const (
	ReasonNone             Reason = iota
	ReasonEmpty                   // nothing but spaces
	ReasonNotANumber              // letters or symbols that are no phone spelling
	ReasonTooShort                // fewer digits than any number of the region
	ReasonTooLong                 // more digits than any number of the region
	ReasonInvalidForRegion        // the right length, but not a number of the plan
	ReasonExcelScientific         // 6.12345678E+8: digits were lost, never guessed
	numReasons
)

// NumReasons is the number of distinct Reason values, ReasonNone included.
const NumReasons = int(numReasons)

var reasonNames = [numReasons]string{"", "empty", "not-a-number", "too-short", "too-long", "invalid-for-region", "excel-scientific"}

// String returns the stable name of the reason ("" for ReasonNone).
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return "not-a-number"
}

// Result is the outcome of normalizing one raw spelling.
type Result struct {
	Key    Key    // the E.164 number; 0 when Reason != ReasonNone
	Type   Type   // meaningful only for valid numbers
	Reason Reason // ReasonNone for a valid number
}

// Valid reports whether the input was a valid number.
func (r Result) Valid() bool { return r.Reason == ReasonNone }
