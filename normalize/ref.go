package normalize

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/encoding/charmap"
)

// The reference path: phonenumbers, plus the overseas rule and the reason
// classification. It defines the truth; the fast path (fast.go) must agree
// with it on every input.

// overseasRegions are the French overseas departments and collectivities
// numbered inside the French 10-digit plan, in the order the overseas rule
// tries them (GF last: its VoIP range 976xx is a catch-all that overlaps the
// more specific RE and MQ ranges).
var overseasRegions = [...]string{"RE", "YT", "GP", "BL", "MF", "MQ", "GF"}

// overseasPrefixes maps the first three digits of a French national
// significant number to the calling code of the overseas department the
// French plan allocates that whole prefix to (ARCEP plan; every fixed-line
// and mobile range of these regions in the phonenumbers metadata starts with
// one of them, except the newer 709x mobiles and the 5987-5989 fixed lines
// handled by the metadata clause).
var overseasPrefixes = [...]struct {
	prefix string
	cc     int32
}{
	{"262", 262}, {"263", 262}, {"269", 262}, {"639", 262}, {"692", 262}, {"693", 262},
	{"590", 590}, {"690", 590}, {"691", 590},
	{"594", 594}, {"694", 594},
	{"596", 596}, {"696", 596}, {"697", 596},
}

// refOverseas holds, for the metadata clause of the overseas rule, the
// regexps of the fixed-line, mobile and VoIP patterns of each overseas
// region (full match).
type refOverseas struct {
	cc       int32
	patterns []*regexp.Regexp
}

// overseasCCRef applies the overseas rule to a French national significant
// number (country code 33). It returns the overseas calling code, or 0 when
// the number stays French.
func (n *Normalizer) overseasCCRef(nsn string) int32 {
	if len(nsn) != 9 {
		return 0
	}
	for _, p := range overseasPrefixes {
		if strings.HasPrefix(nsn, p.prefix) {
			return p.cc
		}
	}
	if nsn[0] == '8' {
		return 0
	}
	for _, o := range n.refOverseas {
		for _, re := range o.patterns {
			if re.MatchString(nsn) {
				return o.cc
			}
		}
	}
	return 0
}

// isSpace reports whether r is blank for the "empty" reason and trimming.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\u2060' || r == '\uFEFF'
}

// excelScientific reports whether s (already trimmed) is a number that a
// spreadsheet turned into scientific notation, such as "6.12345678E+8" or
// "6,12345678E+08": the digits beyond the mantissa are lost.
func excelScientific(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	d := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		d++
	}
	if d == 0 {
		return false
	}
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i >= len(s) || (s[i] != 'E' && s[i] != 'e') {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	e := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		e++
	}
	return e > 0 && e <= 3 && i == len(s)
}

// phoneSpellingRune reports whether r may appear in a phone spelling: digits,
// blanks, plus signs and the separators phonenumbers accepts (dashes, dots,
// slashes, brackets, tildes).
func phoneSpellingRune(r rune) bool {
	if unicode.IsDigit(r) || isSpace(r) {
		return true
	}
	switch r {
	case '+', '\uFF0B', '-', '.', '/', '(', ')', '[', ']', '~',
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u30FC',
		'\uFF0D', '\uFF0E', '\uFF0F', '\u00AD', '\uFF08', '\uFF09', '\uFF3B', '\uFF3D',
		'\u2053', '\u223C', '\uFF5E':
		return true
	}
	return false
}

// trimTel removes a leading RFC 3966 "tel:" scheme (any case) and the blanks
// after it.
func trimTel(s string) string {
	if len(s) >= 4 && strings.EqualFold(s[:4], "tel:") {
		return strings.TrimLeftFunc(s[4:], isSpace)
	}
	return s
}

// readBlanks returns s as the reference path reads it, which is how
// people mean it rather than how phonenumbers reads it:
//
//   - a byte that is not part of valid UTF-8 is read as Windows-1252: scrub
//     normalizes a field's raw bytes without decoding them, and in a
//     Windows-1252 file 0xA0 is the no-break space a spreadsheet puts
//     between digit groups (0x96 an en dash);
//   - a Unicode space separator (category Zs: thin space U+2009, narrow
//     no-break space U+202F, figure space U+2007, U+2000-U+200A, U+205F,
//     U+1680) is a space. phonenumbers knows only the space, U+00A0 and
//     U+3000 as separators and reads "06\u202f12\u202f34\u202f56\u202f78",
//     as French typography writes it, as the too-short number 06.
//
// An ASCII string is returned as it is.
func readBlanks(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = charmap.Windows1252.DecodeByte(s[i])
		}
		if r != ' ' && r != '\u00A0' && r != '\u3000' && unicode.Is(unicode.Zs, r) {
			r = ' '
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// normalizeRef is the reference implementation of Normalize.
func (n *Normalizer) normalizeRef(s string) Result {
	s = readBlanks(s)
	t := strings.TrimFunc(s, isSpace)
	if t == "" {
		return Result{Reason: ReasonEmpty}
	}
	body := trimTel(t)
	if excelScientific(body) {
		return Result{Reason: ReasonExcelScientific}
	}
	num, err := phonenumbers.Parse(t, n.region)
	if err == nil {
		if num.GetCountryCode() == 33 && !num.GetItalianLeadingZero() {
			if cc := n.overseasCCRef(phonenumbers.GetNationalSignificantNumber(num)); cc != 0 {
				num = &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: num.NationalNumber}
			}
		}
		if phonenumbers.IsValidNumber(num) {
			if num.GetExtension() != "" || extraDigits(body, num) > maxExtraDigits {
				// "0612345678;0145678901", "06 12 34 56 78 x12": phonenumbers
				// keeps the first number and drops the rest, which could be a
				// registered number. One cell, one number: anything else is
				// not read as a number at all (fail closed).
				return Result{Reason: ReasonNotANumber}
			}
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			if k, ok := ParseE164(e164); ok {
				return Result{Key: k, Type: mapType(phonenumbers.GetNumberType(num))}
			}
			return Result{Reason: ReasonTooLong}
		}
	}
	return Result{Reason: classifyInvalid(body, num, err)}
}

// classifyInvalid gives the reason for an input phonenumbers (with the
// overseas rule) does not accept. body is the trimmed input without "tel:".
// maxExtraDigits is how many digits of a spelling may lie outside the
// national significant number: an international prefix (00, 011), a country
// code of up to 3 digits, and a trunk prefix written as "(0)".
const maxExtraDigits = 3 + 3 + 1

// extraDigits counts the digits of body that are not part of num's national
// significant number.
func extraDigits(body string, num *phonenumbers.PhoneNumber) int {
	d := 0
	for _, r := range body {
		if unicode.IsDigit(r) {
			d++
		}
	}
	return d - len(phonenumbers.GetNationalSignificantNumber(num))
}

func classifyInvalid(body string, num *phonenumbers.PhoneNumber, err error) Reason {
	digits := 0
	for _, r := range body {
		if !phoneSpellingRune(r) {
			return ReasonNotANumber
		}
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits == 0 {
		return ReasonNotANumber
	}
	switch err {
	case nil:
	case phonenumbers.ErrInvalidCountryCode:
		return ReasonInvalidForRegion
	case phonenumbers.ErrNumTooLong:
		return ReasonTooLong
	default: // ErrNotANumber (fewer than 2 digits), ErrTooShortNSN, ErrTooShortAfterIDD
		return ReasonTooShort
	}
	if nsn := phonenumbers.GetNationalSignificantNumber(num); len(nsn) > 1 && nsn[0] == '0' && nsn[1] != '0' &&
		phonenumbers.GetNddPrefixForRegion(phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode())), true) == "0" {
		// A national prefix phonenumbers kept because the rest had an
		// impossible length ("06 12 34 56 7"): judge the length without it.
		cc := num.GetCountryCode()
		short := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: num.NationalNumber}
		switch phonenumbers.IsPossibleNumberWithReason(short) {
		case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
			return ReasonTooShort
		case phonenumbers.TOO_LONG:
			return ReasonTooLong
		}
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return ReasonTooShort
	case phonenumbers.TOO_LONG:
		return ReasonTooLong
	}
	return ReasonInvalidForRegion
}

// mapType maps a phonenumbers type to a listscrub Type.
func mapType(t phonenumbers.PhoneNumberType) Type {
	switch t {
	case phonenumbers.MOBILE:
		return TypeMobile
	case phonenumbers.FIXED_LINE:
		return TypeFixedLine
	case phonenumbers.VOIP:
		return TypeVoIP
	case phonenumbers.TOLL_FREE:
		return TypeTollFree
	case phonenumbers.PREMIUM_RATE:
		return TypePremiumRate
	}
	return TypeOther
}

// ParseE164 parses a canonical E.164 string, "+" followed by 1 to 19 digits
// the first of which is not 0, such as Key.String returns. It does not
// allocate.
func ParseE164(s string) (Key, bool) {
	if len(s) < 2 || len(s) > 20 || s[0] != '+' || s[1] == '0' {
		return 0, false
	}
	var k uint64
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		k = k*10 + uint64(c-'0')
	}
	return Key(k), true
}
