package normalize

import (
	"strings"
	"testing"
)

type tcase struct {
	in     string
	want   string // E.164, "" when invalid
	typ    Type
	reason Reason
}

func mustNew(t testing.TB, region string) *Normalizer {
	t.Helper()
	n, err := New(region)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func check(t *testing.T, n *Normalizer, cases []tcase) {
	t.Helper()
	for _, c := range cases {
		for _, path := range []string{"Normalize", "ref", "NormalizeString"} {
			var got Result
			switch path {
			case "Normalize":
				got = n.Normalize([]byte(c.in))
			case "NormalizeString":
				got = n.NormalizeString(c.in)
			default:
				got = n.normalizeRef(c.in)
			}
			if got.Key.String() != c.want || got.Reason != c.reason || (c.want != "" && got.Type != c.typ) {
				t.Errorf("%s %s(%q) = {%s %v %q}, want {%s %v %q}", n.Region(), path, c.in,
					got.Key, got.Type, got.Reason, c.want, c.typ, c.reason)
			}
			if got.Valid() != (c.reason == ReasonNone) {
				t.Errorf("%s(%q).Valid() = %v", path, c.in, got.Valid())
			}
		}
	}
}

func valid(in, want string, typ Type) tcase { return tcase{in: in, want: want, typ: typ} }
func bad(in string, r Reason) tcase         { return tcase{in: in, reason: r} }

func TestFRSpellings(t *testing.T) {
	n := mustNew(t, "FR")
	const m = "+33612345678"
	var cases []tcase
	for _, s := range []string{
		"06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
		"+33 (0)6 12 34 56 78", "0033612345678", "0033 6 12 34 56 78", "33612345678",
		"(06) 12 34 56 78", "612345678", "6 12 34 56 78", "0612345678", "+33612345678",
		"  06 12 34 56 78  ", "\t0612345678\t", "\u00a006 12 34 56 78\u00a0", "06\u00a012\u00a034\u00a056\u00a078",
		"tel:+33612345678", "tel: 06 12 34 56 78", "TEL:0612345678", "06/12/34/56/78",
		"+33-6-12-34-56-78", "+33.6.12.34.56.78", "(+33) 6 12 34 56 78", "+33(0)612345678",
		"00 33 6 12 34 56 78", "Tél : 06 12 34 56 78", "\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",
	} {
		cases = append(cases, valid(s, m, TypeMobile))
	}
	check(t, n, cases)
}

func TestFRTypes(t *testing.T) {
	n := mustNew(t, "FR")
	check(t, n, []tcase{
		valid("07 58 12 34 56", "+33758123456", TypeMobile),
		valid("01 42 68 53 00", "+33142685300", TypeFixedLine),
		valid("02 99 12 34 56", "+33299123456", TypeFixedLine),
		valid("03 88 12 34 56", "+33388123456", TypeFixedLine),
		valid("04 91 12 34 56", "+33491123456", TypeFixedLine),
		valid("05 56 12 34 56", "+33556123456", TypeFixedLine),
		valid("09 51 12 34 56", "+33951123456", TypeVoIP),
		valid("0800 12 34 56", "+33800123456", TypeTollFree),
		valid("0805 12 34 56", "+33805123456", TypeTollFree),
		valid("0891 23 45 67", "+33891234567", TypePremiumRate),
		valid("0899 23 45 67", "+33899234567", TypePremiumRate),
		valid("0810 12 34 56", "+33810123456", TypeOther), // shared cost
		valid("0806 12 34 56", "+33806123456", TypeOther), // UAN, stays +33
		valid("0806123456", "+33806123456", TypeOther),
		valid("806123456", "+33806123456", TypeOther),
	})
}

func TestFROverseas(t *testing.T) {
	n := mustNew(t, "FR")
	check(t, n, []tcase{
		valid("0692 12 34 56", "+262692123456", TypeMobile),
		valid("0692123456", "+262692123456", TypeMobile),
		valid("692123456", "+262692123456", TypeMobile),
		valid("+33 6 92 12 34 56", "+262692123456", TypeMobile),
		valid("0033692123456", "+262692123456", TypeMobile),
		valid("33692123456", "+262692123456", TypeMobile),
		valid("+262 692 12 34 56", "+262692123456", TypeMobile),
		valid("+262 (0)692 12 34 56", "+262692123456", TypeMobile),
		valid("00262692123456", "+262692123456", TypeMobile),
		valid("0693 01 23 45", "+262693012345", TypeMobile),
		valid("0639 01 23 45", "+262639012345", TypeMobile),
		valid("0262 12 34 56", "+262262123456", TypeFixedLine),
		valid("262123456", "+262262123456", TypeFixedLine),
		valid("0263 01 23 45", "+262263012345", TypeFixedLine),
		valid("0269 60 12 34", "+262269601234", TypeFixedLine),
		valid("0268 81 23 45", "+262268812345", TypeFixedLine),
		valid("0268 91 23 45", "+262268912345", TypeFixedLine),
		valid("0690 12 34 56", "+590690123456", TypeMobile),
		valid("0691 22 34 56", "+590691223456", TypeMobile),
		valid("0590 27 12 34", "+590590271234", TypeFixedLine),
		valid("0590 81 12 34", "+590590811234", TypeFixedLine),
		valid("0598 71 23 45", "+590598712345", TypeFixedLine),
		valid("0709 01 23 45", "+590709012345", TypeMobile),
		valid("0694 12 34 56", "+594694123456", TypeMobile),
		valid("0594 20 12 34", "+594594201234", TypeFixedLine),
		valid("0598 81 23 45", "+594598812345", TypeFixedLine),
		valid("0709 31 23 45", "+594709312345", TypeMobile),
		valid("0709 36 23 45", "+262709362345", TypeMobile),
		valid("0696 12 34 56", "+596696123456", TypeMobile),
		valid("0697 12 34 56", "+596697123456", TypeMobile),
		valid("0596 30 12 34", "+596596301234", TypeFixedLine),
		valid("0598 91 23 45", "+596598912345", TypeFixedLine),
		valid("0976 27 12 34", "+262976271234", TypeVoIP),
		valid("0976 01 12 34", "+590976011234", TypeVoIP),
		valid("0976 60 12 34", "+596976601234", TypeVoIP),
		valid("0976 61 12 34", "+596976611234", TypeVoIP),
		valid("0976 74 12 34", "+596976741234", TypeFixedLine),
		valid("0976 41 12 34", "+594976411234", TypeVoIP),
		valid("0939 51 23 45", "+590939512345", TypeVoIP),
		valid("0976 50 12 34", "+594976501234", TypeVoIP),
		valid("0951 12 34 56", "+33951123456", TypeVoIP),
		valid("0800 12 34 56", "+33800123456", TypeTollFree),
		valid("0891 23 45 67", "+33891234567", TypePremiumRate),
		bad("0263 99 12 34", ReasonInvalidForRegion),
		bad("0691 00 00 00", ReasonInvalidForRegion),
		bad("0596 12 34 56", ReasonInvalidForRegion),
		bad("+33 2 63 99 12 34", ReasonInvalidForRegion),
		// With another default region, national overseas forms are not French.
	})
	be := mustNew(t, "BE")
	check(t, be, []tcase{
		valid("+33 6 92 12 34 56", "+262692123456", TypeMobile),
		valid("0033 262 12 34 56", "+262262123456", TypeFixedLine),
	})
}

func TestFRReasons(t *testing.T) {
	n := mustNew(t, "FR")
	check(t, n, []tcase{
		bad("", ReasonEmpty),
		bad("   ", ReasonEmpty),
		bad("\t \u00a0 ", ReasonEmpty),
		// Two numbers, or a number and an extension, in one cell: never
		// read as the first number alone (the second could be registered).
		bad("0612345678;0145678901", ReasonNotANumber),
		bad("06 12 34 56 78 / 01 45 67 89 01", ReasonTooLong),
		bad("06 12 34 56 78 x12", ReasonNotANumber),
		bad("6.12345678E+8", ReasonExcelScientific),
		bad("6,12345678E+08", ReasonExcelScientific),
		bad("3.3612345678E+10", ReasonExcelScientific),
		bad("6.12345678e8", ReasonExcelScientific),
		bad(" 6,12345678E+08 ", ReasonExcelScientific),
		bad("6.1234567E+8", ReasonExcelScientific), // would be a valid +33 number if guessed
		bad("N/A", ReasonNotANumber),
		bad("abc", ReasonNotANumber),
		bad("jean.dupont@example.com", ReasonNotANumber),
		bad("06 12 34 56 78 abc", ReasonNotANumber),
		bad("06 12 AB", ReasonNotANumber),
		bad("--", ReasonNotANumber),
		bad("+", ReasonNotANumber),
		bad("#06*12", ReasonNotANumber),
		bad("1", ReasonTooShort),
		bad("12", ReasonTooShort),
		bad("06 12 34", ReasonTooShort),
		bad("06 12 34 56 7", ReasonTooShort),
		bad("+33 6 12 34 56 7", ReasonTooShort),
		bad("06 12 34 56 78 9", ReasonTooLong),
		bad("06 12 34 56 78 90 12 34 56 78 12", ReasonTooLong),
		bad("+33 6 12 34 56 78 9", ReasonTooLong),
		bad("00 12 34 56 78", ReasonTooShort), // +1 234 5678
		bad("0870 12 34 56", ReasonInvalidForRegion),
		bad("+999 12 34 56 78", ReasonInvalidForRegion),
		bad("0612 34 56 78 0612 34 56 78", ReasonTooLong),
		bad("0000000000", ReasonInvalidForRegion),
	})
}

func TestOtherRegions(t *testing.T) {
	us := mustNew(t, "US")
	check(t, us, []tcase{
		valid("(201) 555-0123", "+12015550123", TypeOther),
		valid("201-555-0123", "+12015550123", TypeOther),
		valid("2015550123", "+12015550123", TypeOther),
		valid("1 201 555 0123", "+12015550123", TypeOther),
		valid("+1 201 555 0123", "+12015550123", TypeOther),
		valid("011 33 6 12 34 56 78", "+33612345678", TypeMobile),
		valid("+33 6 12 34 56 78", "+33612345678", TypeMobile),
		valid("(800) 555-0123", "+18005550123", TypeTollFree),
		valid("900 555 0123", "+19005550123", TypePremiumRate),
		valid("1-800-FLOWERS", "+18003569377", TypeTollFree),
		valid("+1 416 555 0123", "+14165550123", TypeOther), // Canada
		bad("555-0123", ReasonTooShort),
		bad("(201) 555-012", ReasonTooShort),
		bad("(201) 555-01234", ReasonTooLong),
		bad("(101) 555-0123", ReasonInvalidForRegion),
		bad("0692123456", ReasonInvalidForRegion),
	})
	be := mustNew(t, "BE")
	check(t, be, []tcase{
		valid("0471 12 34 56", "+32471123456", TypeMobile),
		valid("+32 471 12 34 56", "+32471123456", TypeMobile),
		valid("02 223 45 67", "+3222234567", TypeFixedLine),
		valid("0800 12 345", "+3280012345", TypeTollFree),
		valid("0903 12 345", "+3290312345", TypePremiumRate),
		bad("06 12 34 56 78", ReasonInvalidForRegion), // national: Belgian, not French
		valid("0033 6 12 34 56 78", "+33612345678", TypeMobile),
	})
	gb := mustNew(t, "GB")
	check(t, gb, []tcase{
		valid("07400 123456", "+447400123456", TypeMobile),
		valid("+44 7400 123456", "+447400123456", TypeMobile),
		valid("+44 (0)7400 123456", "+447400123456", TypeMobile),
		valid("020 7946 0018", "+442079460018", TypeFixedLine),
		valid("0800 123 4567", "+448001234567", TypeTollFree),
		valid("0909 876 5432", "+449098765432", TypePremiumRate),
		valid("+44 1624 756789", "+441624756789", TypeFixedLine), // Isle of Man
		bad("07400 12345", ReasonInvalidForRegion),
	})
}

func TestNewErrors(t *testing.T) {
	for _, r := range []string{"", "XX", "001", "France"} {
		if _, err := New(r); err == nil {
			t.Errorf("New(%q) succeeded", r)
		}
	}
	n, err := New(" fr ")
	if err != nil || n.Region() != "FR" {
		t.Fatalf("New(\" fr \") = %v, %v", n, err)
	}
}

func TestParseE164(t *testing.T) {
	for _, c := range []struct {
		in string
		k  Key
		ok bool
	}{
		{"+33612345678", 33612345678, true},
		{"+1", 1, true},
		{"+9999999999999999999", 9999999999999999999, true},
		{"+99999999999999999999", 0, false},
		{"33612345678", 0, false},
		{"+033612345678", 0, false},
		{"+", 0, false},
		{"", 0, false},
		{"+3361234567a", 0, false},
		{"+33 612345678", 0, false},
	} {
		k, ok := ParseE164(c.in)
		if k != c.k || ok != c.ok {
			t.Errorf("ParseE164(%q) = %d, %v; want %d, %v", c.in, k, ok, c.k, c.ok)
		}
	}
	var sink Key
	if n := testing.AllocsPerRun(100, func() { sink, _ = ParseE164("+33612345678") }); n != 0 {
		t.Errorf("ParseE164 allocates %v times", n)
	}
	if sink != 33612345678 {
		t.Errorf("ParseE164 = %d", sink)
	}
}

// Thin, narrow no-break and figure spaces between digit groups (French
// typography, word processors) are separators like a space, in UTF-8 and as
// the raw bytes of a Windows-1252 field (0xA0 is its no-break space, 0x96 its
// en dash): never too-short.
func TestUnicodeSpaceSeparators(t *testing.T) {
	fr := mustNew(t, "FR")
	const m = "+33612345678"
	var cases []tcase
	for _, sep := range []string{"\u2009", "\u202f", "\u00a0", "\u2007", "\u2002", "\u205f", "\xa0", " \u202f", "\u202f-\u202f"} {
		for _, s := range []string{"06%s12%s34%s56%s78", "+33%s6%s12%s34%s56%s78", "+33%s(0)6%s12%s34%s56%s78", "0033%s6%s12%s34%s56%s78"} {
			cases = append(cases, valid(strings.ReplaceAll(s, "%s", sep), m, TypeMobile))
		}
		cases = append(cases,
			valid(sep+"06 12 34 56 78"+sep, m, TypeMobile),
			valid("01"+sep+"42"+sep+"68"+sep+"53"+sep+"00", "+33142685300", TypeFixedLine),
			valid("0692"+sep+"12"+sep+"34"+sep+"56", "+262692123456", TypeMobile),
			bad("06"+sep+"12"+sep+"34", ReasonTooShort),
			bad("06"+sep+"12"+sep+"34"+sep+"56"+sep+"78"+sep+"9", ReasonTooLong),
		)
	}
	cases = append(cases,
		valid("06\x9612\x9634\x9656\x9678", m, TypeMobile), // Windows-1252 en dashes
		valid("T\xe9l\xa0: 06\xa012\xa034\xa056\xa078", m, TypeMobile),
		// Two numbers: as with spaces ("06 12 34 56 78 / 01 45 67 89 01"), never one.
		bad("06\u202f12\u202f34\u202f56\u202f78\u202f/\u202f01\u202f45\u202f67\u202f89\u202f01", ReasonTooLong),
	)
	check(t, fr, cases)
	us := mustNew(t, "US")
	check(t, us, []tcase{
		valid("(201)\u2009555\u20090123", "+12015550123", TypeOther),
		valid("201\u202f555\u202f0123", "+12015550123", TypeOther),
	})
}
