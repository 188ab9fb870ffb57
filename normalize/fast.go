package normalize

import (
	"math/bits"

	"github.com/nyaruka/phonenumbers"
)

// The fast path reproduces, for the common spellings, what parseHelper,
// maybeExtractCountryCode, maybeStripNationalPrefixAndCarrierCode,
// GetRegionCodeForNumber and getNumberTypeHelper of phonenumbers compute,
// with digit DFAs instead of regexps. It answers only for valid numbers; it
// returns ok=false (the reference path decides) for everything else. The
// tables it reads are built once, by fasttables.go.

// overseasAndType is the end of fastPath, which the quick table's builder
// shares: the overseas rule (calling code 33, nine digits: the first three
// digits, or the overseas patterns, may give a department's calling code),
// then GetRegionCodeForNumber and getNumberTypeHelper. p3 is the national
// number's first three digits and l its length; maskOf gives a region's DFA
// mask of the number, or false when it cannot tell. It returns the calling
// code and the type, or a type < 0 when the number is not valid for any of
// the calling code's regions or a mask could not be told.
func (ft *fastTables) overseasAndType(cc int32, p3, l int, maskOf func(*regionTable) (uint32, bool)) (int32, int) {
	t := ft.byCC[cc]
	if t == nil {
		return cc, -1
	}
	var mask uint32
	masked := false
	if cc == 33 && l == 9 {
		ov := ft.prefixCC[p3]
		if ov == 0 && p3/100 != 8 {
			m, ok := maskOf(t.regions[0])
			if !ok {
				return cc, -1
			}
			mask, masked = m, true
			if ob := mask >> bOverseas & (1<<len(overseasRegions) - 1); ob != 0 {
				ov = ft.ovCC[bits.TrailingZeros32(ob)]
			}
		}
		if ov != 0 {
			cc = ov
			t = ft.byCC[cc]
			masked = false
		}
	}
	typ := -1
	for ri, r := range t.regions {
		if ri > 0 || !masked {
			m, ok := maskOf(r)
			if !ok {
				return cc, -1
			}
			mask = m
		}
		if len(t.regions) > 1 && r.lead {
			if mask&(1<<bLeading) == 0 {
				continue
			}
			typ = r.typeOf(mask, l)
			break
		}
		if typ = r.typeOf(mask, l); typ >= 0 || len(t.regions) == 1 {
			break
		}
	}
	return cc, typ
}

// hasPrefix is bytes.HasPrefix for the short prefixes of the fast path,
// without a call to memequal.
func hasPrefix(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for k := 0; k < len(p); k++ {
		if b[k] != p[k] {
			return false
		}
	}
	return true
}

// typeOf is getNumberTypeHelper on the mask of a national significant
// number of length l. The result is a Type, or -1 for UNKNOWN.
func (r *regionTable) typeOf(mask uint32, l int) int {
	return int(r.types[mask&r.lenOK[l]&descBits])
}

// lastWalk remembers, during one fastPath call, the last full walk: the
// national prefix check, the overseas rule and the typing look at the same
// digits. Every digit string fastPath walks is a suffix of its digit buffer,
// so a string is known by its length.
type lastWalk struct {
	d    *digitDFA
	l    int
	mask uint32
}

// full is d.full(suffix), remembered.
func (w *lastWalk) full(d *digitDFA, suffix []byte) uint32 {
	if w.d == d && w.l == len(suffix) {
		return w.mask
	}
	m := d.full(suffix)
	*w = lastWalk{d, len(suffix), m}
	return m
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode for a
// literal national prefix for parsing. num is a suffix of the digit buffer.
func (r *regionTable) stripNationalPrefix(w *lastWalk, num []byte) []byte {
	p := r.npfp
	if len(p) == 0 || !hasPrefix(num, p) {
		return num
	}
	// phonenumbers keeps the prefix when the number is valid with it and
	// not without; testing without it first skips a DFA walk in the common
	// case (a valid national number after the 0).
	if w.full(r.dfa, num[len(p):])&(1<<bGeneral) == 0 && r.dfa.general(num) {
		return num
	}
	return num[len(p):]
}

func (r *regionTable) lengthResult(l int) phonenumbers.ValidationResult {
	if l >= len(r.lenRes) {
		return phonenumbers.TOO_LONG // only used to compare with TOO_LONG; see callers
	}
	return r.lenRes[l]
}

// noDigitWord reports whether s, trimmed of spaces, tabs and no-break spaces
// and not empty, certainly holds no number: ASCII and Latin-1 letters
// (UTF-8 U+00C0-U+00FF) only, no digit, and not only Unicode blanks.
// phonenumbers starts a number at a "+" or a digit and needs digits; the
// reference path then says not-a-number ("N/A", "inconnu", "néant", "-").
func noDigitWord[T ~string | ~[]byte](s T) bool {
	blank := true
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case c >= '0' && c <= '9':
			return false
		case c < 0x80:
			if c != ' ' && (c < '\t' || c > '\r') {
				blank = false
			}
		case c == 0xC3 && k+1 < len(s) && s[k+1] >= 0x80 && s[k+1] <= 0xBF:
			k++
			blank = false
		default:
			return false
		}
	}
	return !blank
}

// skipBlank returns the index of the first byte of raw[i:j] that is not a
// space, a tab or a UTF-8 no-break space (C2 A0), or j.
func skipBlank[T ~string | ~[]byte](raw T, i, j int) int {
	for i < j {
		if c := raw[i]; c == ' ' || c == '\t' {
			i++
		} else if c == 0xC2 && i+1 < j && raw[i+1] == 0xA0 {
			i += 2
		} else {
			break
		}
	}
	return i
}

// zsE2 reports whether E2 b1 b2 is the UTF-8 encoding of a space separator
// that readBlanks turns into a space: U+2000-U+200A (E2 80 80-8A, the figure
// space U+2007 and thin space U+2009 among them), U+202F (E2 80 AF, narrow
// no-break space) or U+205F (E2 81 9F).
func zsE2(b1, b2 byte) bool {
	return b1 == 0x80 && (b2 <= 0x8A && b2 >= 0x80 || b2 == 0xAF) || b1 == 0x81 && b2 == 0x9F
}

// pow10 holds the powers of ten a national significant number can need.
var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17}

// digitsValue reads ASCII digits as a number, two at a time.
func digitsValue(b []byte) uint64 {
	var v uint64
	k := 0
	if len(b)&1 != 0 {
		v = uint64(b[0] - '0')
		k = 1
	}
	for ; k+1 < len(b); k += 2 {
		v = v*100 + uint64(b[k]-'0')*10 + uint64(b[k+1]-'0')
	}
	return v
}

// Classes of fastTables.class: a byte of the digit loop is a separator the
// fast path skips, a digit, or anything else (left to the careful loop).
const (
	clSep   = 0
	clDigit = 1
	clOther = 2
)

// digitBufLen is the size of fastPath's digit buffer: a power of two above
// maxFastDigits, so that the digit loop needs no bounds check.
const digitBufLen = 32

// fastPath normalizes raw if it is a common spelling of a valid number, or
// of a frequent invalid input.
func fastPath[T ~string | ~[]byte](n *Normalizer, raw T) (Result, bool) {
	ft := n.fast
	if ft == nil || len(raw) > 250 { // phonenumbers' MAX_INPUT_STRING_LENGTH
		return Result{}, false
	}
	i, j := skipBlank(raw, 0, len(raw)), len(raw)
	for j > i {
		if c := raw[j-1]; c == ' ' || c == '\t' {
			j--
		} else if c == 0xA0 && j-2 >= i && raw[j-2] == 0xC2 {
			j -= 2
		} else {
			break
		}
	}
	if i == j {
		return Result{Reason: ReasonEmpty}, true
	}
	tel := false
	if j-i > 4 && raw[i+3] == ':' && raw[i]|0x20 == 't' && raw[i+1]|0x20 == 'e' && raw[i+2]|0x20 == 'l' {
		i = skipBlank(raw, i+4, j)
		tel = true
	}
	var buf [digitBufLen]byte
	nd := 0
	plus := false
	k := i
	if k < j && raw[k] == '+' {
		plus = true
		k++
	}
	// Digits and plain separators, without a branch on which it is, two
	// bytes a step.
	class := &ft.class
	for ; k+1 < j; k += 2 {
		c0, c1 := raw[k], raw[k+1]
		cl0, cl1 := class[c0], class[c1]
		if cl0|cl1 >= clOther {
			break
		}
		buf[nd&(digitBufLen-1)] = c0
		nd += int(cl0)
		buf[nd&(digitBufLen-1)] = c1
		nd += int(cl1)
	}
	for ; k < j; k++ {
		c := raw[k]
		cl := class[c]
		if cl == clOther {
			break
		}
		buf[nd&(digitBufLen-1)] = c
		nd += int(cl)
	}
	if nd > maxFastDigits {
		return Result{}, false
	}
	// The rest, from the first byte that is neither.
	for ; k < j; k++ {
		c := raw[k]
		switch {
		case c >= '0' && c <= '9':
			if nd == maxFastDigits {
				return Result{}, false
			}
			buf[nd] = c
			nd++
		case ft.class[c] == clSep:
		case c == '+':
			if nd > 0 || plus {
				return Result{}, false
			}
			plus = true
		case c == 0xC2 && k+1 < j && raw[k+1] == 0xA0 && nd > 0:
			k++
		case c == 0xE2 && k+2 < j && zsE2(raw[k+1], raw[k+2]) && nd > 0:
			// A thin, narrow no-break or figure space (see readBlanks).
			k += 2
		case c == 0xA0 && nd > 0:
			// Not after C2 (that was taken above) nor inside a sequence
			// (each is taken whole): invalid UTF-8, which readBlanks reads
			// as Windows-1252, where 0xA0 is the no-break space.
		default:
			if nd == 0 && noDigitWord(raw[i:j]) {
				return Result{Reason: ReasonNotANumber}, true
			}
			return Result{}, false
		}
	}
	if nd == 0 && !tel {
		// Only separators and "+": phonenumbers finds no number.
		return Result{Reason: ReasonNotANumber}, true
	}
	idd := hasPrefix(buf[:nd], ft.idd)
	if !plus && !tel && nd < ft.def.minLen && ft.defMain && !idd {
		// Fewer digits than any number of the region, in national format:
		// whatever phonenumbers strips, it is too short.
		return Result{Reason: ReasonTooShort}, true
	}
	return ft.digits(&buf, nd, plus, idd)
}

// digits is fastPath after the digit loop: buf[:nd] holds the digits of the
// input, plus says whether they came after "+", idd whether they start with
// the international prefix.
func (ft *fastTables) digits(buf *[digitBufLen]byte, nd int, plus, idd bool) (Result, bool) {
	if nd < 3 {
		return Result{}, false
	}
	if q := ft.quick; q != nil && nd >= q.quickLen && nd-q.quickLen <= maxQuickPrefix {
		lp := nd - q.quickLen
		nat := buf[lp:nd]
		if hasPrefix(buf[:lp], q.pre[b2i(plus)][lp]) && nat[0] != '0' {
			if e := q.byPrefix3[int(nat[0]-'0')*100+int(nat[1]-'0')*10+int(nat[2]-'0')]; e != 0 {
				return Result{Key: Key(uint64(e&0xffff)*pow10[len(nat)] + digitsValue(nat)), Type: Type(e>>16 - 1)}, true
			}
		}
	}
	return ft.parse(buf[:nd], plus, idd)
}

// parse is fastPath for the digits d the quick table did not answer; idd
// says whether they start with the international prefix.
func (ft *fastTables) parse(d []byte, plus, idd bool) (Result, bool) {
	nd := len(d)
	var w lastWalk

	// maybeExtractCountryCode.
	cc := int32(0)
	var national []byte
	intl := plus
	if !plus && idd {
		if nd == len(ft.idd) {
			return Result{}, false // phonenumbers: too short after IDD
		}
		if d[len(ft.idd)] != '0' {
			d = d[len(ft.idd):]
			intl = true
		}
	}
	if intl {
		if len(d) <= 2 || d[0] == '0' {
			return Result{}, false
		}
		e := ft.ccOf3[int(d[0]-'0')*100+int(d[1]-'0')*10+int(d[2]-'0')]
		if e == 0 {
			return Result{}, false
		}
		cc = int32(e & 0xffff)
		national = d[e>>16:]
	} else if hasPrefix(d, ft.defCCStr) {
		def := ft.def
		pot := def.stripNationalPrefix(&w, d[len(ft.defCCStr):])
		if def.lengthResult(len(d)) == phonenumbers.TOO_LONG || (!def.dfa.general(d) && def.dfa.general(pot)) {
			cc = ft.defCC
			national = pot
		}
	}

	// parseHelper: the metadata used to strip the national prefix.
	var pm *regionTable
	if cc == 0 {
		cc = ft.defCC
		national = d
		pm = ft.def
	} else if cc == ft.defCC && ft.defMain {
		pm = ft.def
	} else {
		t := ft.byCC[cc]
		if t == nil {
			return Result{}, false
		}
		pm = t.regions[0]
	}
	if len(national) < 2 {
		return Result{}, false
	}
	if pot := pm.stripNationalPrefix(&w, national); len(pot) != len(national) {
		switch pm.lengthResult(len(pot)) {
		case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY, phonenumbers.INVALID_LENGTH:
		default:
			national = pot
		}
	}
	if len(national) < 2 || len(national) > 17 {
		return Result{}, false
	}
	if national[0] == '0' {
		return keptPrefix(ft, cc, pm, national)
	}

	// The overseas rule, GetRegionCodeForNumber, getNumberTypeHelper.
	p3 := 0 // the first three digits: only read for nine-digit numbers
	if len(national) >= 3 {
		p3 = int(national[0]-'0')*100 + int(national[1]-'0')*10 + int(national[2]-'0')
	}
	cc, typ := ft.overseasAndType(cc, p3, len(national), func(r *regionTable) (uint32, bool) {
		return w.full(r.dfa, national), true
	})
	if typ < 0 {
		return Result{}, false
	}
	return Result{Key: Key(uint64(cc)*pow10[len(national)] + digitsValue(national)), Type: Type(typ)}, true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// keptPrefix answers for a national number that still starts with a 0 after
// parsing: phonenumbers kept the national prefix because the rest had an
// impossible length ("06 12 34 56 7"), and records it as an Italian leading
// zero, so the overseas rule does not apply. When no region of the calling
// code accepts the number, it is invalid, and classifyInvalid's reason
// depends only on the lengths of the main region: this reproduces it. pm is
// the region whose national prefix was tried. Anything else is left to the
// reference path (ok=false).
func keptPrefix(ft *fastTables, cc int32, pm *regionTable, national []byte) (Result, bool) {
	t := ft.byCC[cc]
	if t == nil || len(national) < 2 || national[1] == '0' {
		return Result{}, false
	}
	main := t.regions[0]
	if pm != main || !main.ndd0 {
		return Result{}, false
	}
	// IsValidNumber: the general description of whichever region
	// GetRegionCodeForNumber picks must not match.
	for _, r := range t.regions {
		if r.lenOK[len(national)]&(1<<bGeneral) != 0 && r.dfa.general(national) {
			return Result{}, false
		}
	}
	// classifyInvalid: the length without the kept prefix, then with it.
	for _, l := range [2]int{len(national) - 1, len(national)} {
		switch main.lengthResult(l) {
		case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
			return Result{Reason: ReasonTooShort}, true
		case phonenumbers.TOO_LONG:
			return Result{Reason: ReasonTooLong}, true
		}
	}
	return Result{Reason: ReasonInvalidForRegion}, true
}
