package normalize

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// genNumbers yields national significant numbers with their calling code:
// valid example numbers of many regions and types, their one-digit
// mutations, random French and overseas numbers of every length, random
// numbers of other calling codes.
type genNum struct {
	cc  int
	nsn string
}

var genRegions = []string{"FR", "RE", "YT", "GP", "BL", "MF", "GF", "MQ", "PM", "US", "CA", "BE", "GB", "IM", "DE", "ES", "IT", "CH", "LU", "MC", "NL", "PT", "MA", "DZ", "TN", "AT", "BR", "AR", "MX", "CN", "JP", "IN", "RU", "KZ", "SN", "CI"}

var genTypes = []phonenumbers.PhoneNumberType{
	phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
	phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER,
	phonenumbers.UAN, phonenumbers.VOICEMAIL,
}

func exampleNumbers() []genNum {
	var out []genNum
	for _, r := range genRegions {
		for _, t := range genTypes {
			if ex := phonenumbers.GetExampleNumberForType(r, t); ex != nil {
				out = append(out, genNum{int(ex.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(ex)})
			}
		}
	}
	return out
}

func randDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

var frPrefixes = []string{"6", "7", "1", "2", "3", "4", "5", "9", "80", "81", "82", "83", "84", "85", "86", "87", "88", "89",
	"262", "263", "268", "269", "639", "690", "691", "692", "693", "694", "695", "696", "697", "698", "699",
	"590", "594", "596", "598", "709", "939", "947", "976", "806", "807", "808", "809"}

func genNumber(rng *rand.Rand, examples []genNum) genNum {
	switch rng.IntN(10) {
	case 0, 1, 2:
		e := examples[rng.IntN(len(examples))]
		if rng.IntN(2) == 0 && len(e.nsn) > 0 {
			b := []byte(e.nsn)
			switch rng.IntN(4) {
			case 0: // change a digit
				b[rng.IntN(len(b))] = byte('0' + rng.IntN(10))
			case 1: // drop a digit
				i := rng.IntN(len(b))
				b = append(b[:i], b[i+1:]...)
			case 2: // add a digit
				i := rng.IntN(len(b) + 1)
				b = append(b[:i], append([]byte{byte('0' + rng.IntN(10))}, b[i:]...)...)
			case 3: // randomize the tail
				i := rng.IntN(len(b))
				copy(b[i:], randDigits(rng, len(b)-i))
			}
			e.nsn = string(b)
		}
		return e
	case 3, 4, 5, 6:
		p := frPrefixes[rng.IntN(len(frPrefixes))]
		l := 9
		if rng.IntN(8) == 0 {
			l = 6 + rng.IntN(6)
		}
		if l < len(p) {
			l = len(p)
		}
		return genNum{33, p + randDigits(rng, l-len(p))}
	case 7:
		ccs := []int{1, 32, 44, 49, 262, 590, 594, 596, 508, 41, 352, 212, 39, 7, 86, 999, 800, 882}
		return genNum{ccs[rng.IntN(len(ccs))], strconv.Itoa(1+rng.IntN(9)) + randDigits(rng, 5+rng.IntN(8))}
	default:
		return genNum{1 + rng.IntN(999), randDigits(rng, 1+rng.IntN(14))}
	}
}

var separators = []string{"", " ", ".", "-", "/", " - ", "\u00a0", "  ", "\u202f", "\u2009", "\u2007", "\xa0", "\x96"}

func group(rng *rand.Rand, s string) string {
	sep := separators[rng.IntN(len(separators))]
	var b strings.Builder
	for i := 0; i < len(s); {
		n := 1 + rng.IntN(3)
		if rng.IntN(3) > 0 {
			n = 2
		}
		if i+n > len(s) {
			n = len(s) - i
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

const junkChars = "0123456789 +-./()[]~#*,;:xXeEaAtTl\t\u00a0\u00e9\uff10\u0663\u202f\u2009\u3000\u1680\xa0\x80\xe2"

// spell renders a number the ways people write it.
func spell(rng *rand.Rand, g genNum) string {
	cc := strconv.Itoa(g.cc)
	var s string
	switch rng.IntN(16) {
	case 0, 1, 2:
		s = "0" + group(rng, g.nsn)
	case 3:
		s = "(0" + g.nsn[:min(1, len(g.nsn))] + ") " + group(rng, g.nsn[min(1, len(g.nsn)):])
	case 4, 5:
		s = "+" + cc + " " + group(rng, g.nsn)
	case 6:
		s = "+" + cc + " (0)" + group(rng, g.nsn)
	case 7:
		s = "00" + cc + group(rng, " "+g.nsn)
	case 8:
		s = cc + g.nsn
	case 9:
		s = group(rng, g.nsn)
	case 10:
		s = "tel:+" + cc + g.nsn
	case 11:
		s = "tel: 0" + group(rng, g.nsn)
	case 12:
		s = "011 " + cc + " " + group(rng, g.nsn)
	case 13: // spreadsheet scientific notation
		all := cc + g.nsn
		s = all[:1] + "." + all[1:min(len(all), 9)] + "E+" + strconv.Itoa(len(all)-1)
		if rng.IntN(2) == 0 {
			s = strings.Replace(s, ".", ",", 1)
		}
	case 14: // junk
		r := []rune(junkChars)
		var b strings.Builder
		for n := rng.IntN(20); n >= 0; n-- {
			b.WriteRune(r[rng.IntN(len(r))])
		}
		s = b.String()
	default: // mutate a spelling
		b := []byte("0" + group(rng, g.nsn))
		if len(b) > 0 {
			b[rng.IntN(len(b))] = junkChars[rng.IntN(40)]
		}
		s = string(b)
	}
	switch rng.IntN(10) {
	case 0:
		s = "  " + s + " "
	case 1:
		s = "\t" + s + "\u00a0"
	case 2:
		s = "\u202f" + s + "\u2009"
	}
	return s
}

// plainE164 is plain phonenumbers: Parse, IsValidNumber, Format E164.
func plainE164(s, region string) (string, *phonenumbers.PhoneNumber) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", num
	}
	return phonenumbers.Format(num, phonenumbers.E164), num
}

func TestDifferential(t *testing.T) {
	// 120,000 spellings take about 8 s of CPU (2 cores: 4 s); the race
	// detector makes the reference path ~15x slower, so it gets 12,000
	// (the fuzz target and the full run without -race cover the rest).
	total := 120000
	if raceEnabled || testing.Short() {
		total = 12000
	}
	regions := []string{"FR", "FR", "FR", "FR", "FR", "US", "BE", "GB", "RE", "DE"}
	ns := map[string]*Normalizer{}
	for _, r := range regions {
		ns[r] = mustNew(t, r)
	}
	examples := exampleNumbers()
	const shards = 4
	for shard := 0; shard < shards; shard++ {
		t.Run("shard"+strconv.Itoa(shard), func(t *testing.T) {
			t.Parallel()
			differentialShard(t, ns, regions, examples, uint64(shard), total/shards)
		})
	}
}

func differentialShard(t *testing.T, ns map[string]*Normalizer, regions []string, examples []genNum, seed uint64, total int) {
	rng := rand.New(rand.NewPCG(seed, 2))
	fast, valid, overseas := 0, 0, 0
	for i := 0; i < total; i++ {
		region := regions[i%len(regions)]
		n := ns[region]
		s := spell(rng, genNumber(rng, examples))
		ref := n.normalizeRef(s)
		if got := n.NormalizeString(s); got != ref {
			t.Fatalf("%s NormalizeString(%q) = %+v, reference %+v", region, s, got, ref)
		}
		if got := n.Normalize([]byte(s)); got != ref {
			t.Fatalf("%s Normalize(%q) = %+v, reference %+v", region, s, got, ref)
		}
		if _, ok := fastPath(n, s); ok {
			fast++
		}
		if ref.Valid() {
			valid++
		}
		// The reference agrees with plain phonenumbers unless the overseas
		// rule or the scientific-notation rule applies.
		if ref.Reason == ReasonExcelScientific || ref.Reason == ReasonEmpty {
			continue
		}
		// phonenumbers is given the input as readBlanks reads it (Unicode
		// space separators and Windows-1252 bytes), the one rule by which
		// the reference departs from it before parsing.
		plain, num := plainE164(strings.TrimFunc(readBlanks(s), isSpace), region)
		if num != nil && num.GetCountryCode() == 33 && !num.GetItalianLeadingZero() &&
			n.overseasCCRef(phonenumbers.GetNationalSignificantNumber(num)) != 0 {
			overseas++
			continue
		}
		if num != nil && plain != "" && (num.GetExtension() != "" || extraDigits(trimTel(strings.TrimFunc(readBlanks(s), isSpace)), num) > maxExtraDigits) {
			// One cell, one number: phonenumbers keeps the first of two
			// numbers (or drops an extension); the reference refuses.
			if ref.Reason != ReasonNotANumber {
				t.Fatalf("%s: %q: reference %+v, want not-a-number (several numbers)", region, s, ref)
			}
			continue
		}
		if plain != ref.Key.String() {
			t.Fatalf("%s: %q: reference %+v (%s), plain phonenumbers %q", region, s, ref, ref.Key, plain)
		}
	}
	t.Logf("%d inputs: %d valid, %d answered by the fast path, %d moved by the overseas rule", total, valid, fast, overseas)
}
