package normalize

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// The fast path reproduces, for the common spellings, what parseHelper,
// maybeExtractCountryCode, maybeStripNationalPrefixAndCarrierCode,
// GetRegionCodeForNumber and getNumberTypeHelper of phonenumbers compute,
// with digit DFAs instead of regexps. It answers only for valid numbers; it
// returns ok=false (the reference path decides) for everything else.

// Bits of a region DFA mask: one per number description, in the order
// getNumberTypeHelper tests them, then the region's leading digits (prefix
// match), then, for FR only, the overseas rule's patterns (one bit per entry
// of overseasRegions).
const (
	bGeneral = iota
	bPremium
	bToll
	bShared
	bVoip
	bPersonal
	bPager
	bUan
	bVoicemail
	bFixed
	bMobile
	bLeading
	bOverseas // first of len(overseasRegions) bits
)

// descBits are the bits gated by the descriptions' possible lengths.
const descBits = 1<<bLeading - 1

// maxFastDigits bounds the digits the fast path accepts.
const maxFastDigits = 24

// fastCCs are the calling codes given a fast path besides the default
// region's and the ones the overseas rule needs: frequent in European
// prospect lists, with metadata simple enough.
var fastCCs = [...]int{33, 262, 590, 594, 596, 32, 41, 44, 49, 34, 39, 352, 377, 31, 351, 43, 212, 213, 216, 1}

// regionTable holds what the fast path needs of one region's metadata.
type regionTable struct {
	id     string
	cc     int32
	dfa    *digitDFA
	lenOK  [maxFastDigits + 1]uint32 // bits allowed for a national number of that length
	lenRes [maxFastDigits + 1]phonenumbers.ValidationResult
	same   bool   // SameMobileAndFixedLinePattern
	lead   bool   // has leading digits
	npfp   string // national prefix for parsing, a literal digit string or ""
	parse  bool   // npfp is literal and there is no transform rule
	// minLen is the smallest length, possible or local-only, of the
	// general description: a national number with fewer digits is too short.
	minLen int
	// ndd0 is true when the region's national prefix (its NDD, digits
	// only) is "0" and its general description has a pattern: what
	// classifyInvalid needs to judge a kept national prefix ("06 12 34 56 7").
	ndd0 bool
	// types is typeOfDescs by description bits.
	types [descBits + 1]int8
}

// ccTable is one calling code's regions, in phonenumbers' order.
type ccTable struct {
	regions []*regionTable
}

// fastTables is the immutable state of the fast path.
type fastTables struct {
	def      *regionTable
	defCC    int32
	defCCStr string
	defMain  bool   // the default region is its calling code's main region
	idd      string // international prefix of the default region (digits)
	validCC  [1000]bool
	byCC     [1000]*ccTable
	prefixCC [1000]int32 // overseas rule, clause 1, by 3-digit prefix
	ovCC     [len(overseasRegions)]int32
	// ccOf3 is maybeExtractCountryCode's answer by the first three digits
	// after "+" or the IDD: the calling code | its length << 16, or 0.
	ccOf3 [1000]uint32
	class [256]uint8 // clSep, clDigit or clOther
	// quick is the shortcut for a national significant number of the
	// default region written after one of the prefixes phonenumbers strips
	// to it (see buildQuick); nil when the region does not qualify.
	quick *quickTable
}

// quickTable answers, without walking a DFA, for the quickLen digits of a
// national significant number of the default region when the written
// prefix before them is one of pre[plus][len] ("", "0", "33", "330",
// "0033", "00330", "+33", "+330" for FR) and the number does not start with
// 0: byPrefix3 gives, by its first three digits, the calling code and type
// that fastPath computes for every number with those first digits, when
// they are decided by those digits alone.
type quickTable struct {
	quickLen int
	pre      [2][maxQuickPrefix + 1]string // "-" when no prefix of that length
	// byPrefix3: 0 when not decided, else calling code | (type+1) << 16.
	byPrefix3 [1000]uint32
}

// maxQuickPrefix bounds the length of quickTable prefixes.
const maxQuickPrefix = 7

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// buildFastTables compiles the fast path for region, or returns nil when the
// region's metadata is not simple enough.
func buildFastTables(region string, metas map[string]*phonenumbers.PhoneMetadata) (*fastTables, error) {
	dm := metas[region]
	if dm == nil {
		return nil, fmt.Errorf("no metadata for region %s", region)
	}
	ft := &fastTables{
		defCC:    dm.GetCountryCode(),
		defCCStr: strconv.Itoa(int(dm.GetCountryCode())),
		defMain:  phonenumbers.GetRegionCodeForCountryCode(int(dm.GetCountryCode())) == region,
		idd:      dm.GetInternationalPrefix(),
	}
	if ft.idd == "" || !allDigits(ft.idd) {
		return nil, nil
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		if cc > 0 && cc < 1000 {
			ft.validCC[cc] = true
		}
	}
	for p := 100; p < 1000; p++ {
		for l, v := range [3]int{p / 100, p / 10, p} {
			if ft.validCC[v] {
				ft.ccOf3[p] = uint32(v) | uint32(l+1)<<16
				break
			}
		}
	}
	for c := range ft.class {
		switch {
		case c >= '0' && c <= '9':
			ft.class[c] = clDigit
		case strings.IndexByte(" .-()/", byte(c)) >= 0:
			ft.class[c] = clSep
		default:
			ft.class[c] = clOther
		}
	}
	ccs := append([]int{int(ft.defCC)}, fastCCs[:]...)
	for _, cc := range ccs {
		if ft.byCC[cc] != nil {
			continue
		}
		t, err := buildCCTable(cc, metas)
		if err != nil {
			return nil, err
		}
		ft.byCC[cc] = t // nil when unsupported
	}
	dt := ft.byCC[ft.defCC]
	if dt == nil {
		return nil, nil
	}
	for _, r := range dt.regions {
		if r.id == region {
			ft.def = r
		}
	}
	if ft.def == nil || !ft.def.parse {
		return nil, nil
	}
	for _, p := range overseasPrefixes {
		i, _ := strconv.Atoi(p.prefix)
		ft.prefixCC[i] = p.cc
	}
	for i, r := range overseasRegions {
		ft.ovCC[i] = metas[r].GetCountryCode()
	}
	for _, cc := range []int{33, 262, 590, 594, 596} {
		if ft.byCC[cc] == nil {
			return nil, fmt.Errorf("calling code %d needed by the overseas rule has no fast path", cc)
		}
	}
	ft.quick = buildQuick(ft, dm)
	return ft, nil
}

// buildQuick returns the quickTable of the default region, or nil when
// fastPath's answer for the prefixes of quickTable is not simply "the
// national number after the prefix, calling code of the region": that holds
// when the region is the only one of its calling code, its national prefix
// is "0", its international prefix "00", and its numbers have one possible
// length (so that the calling code without "+" is followed by too many
// digits to be a national number). Then, with a number N not starting with
// 0, fastPath strips "0" (when N is valid: the table only holds valid
// numbers), "00", "+" and the calling code, and decides N's calling code
// (overseas rule) and type from N alone.
func buildQuick(ft *fastTables, m *phonenumbers.PhoneMetadata) *quickTable {
	def := ft.def
	gd := m.GetGeneralDesc()
	if ft.idd != "00" || def.npfp != "0" || !ft.defMain || len(ft.byCC[ft.defCC].regions) != 1 ||
		len(gd.PossibleLength) != 1 || len(gd.PossibleLengthLocalOnly) != 0 {
		return nil
	}
	q := &quickTable{quickLen: int(gd.PossibleLength[0])}
	if q.quickLen < 3 || q.quickLen > 17 || def.minLen != q.quickLen {
		return nil
	}
	cc := ft.defCCStr
	for p := range q.pre {
		for l := range q.pre[p] {
			q.pre[p][l] = "-"
		}
	}
	for _, p := range []struct {
		plus bool
		s    string
	}{{false, ""}, {false, "0"}, {false, cc}, {false, cc + "0"}, {false, "00" + cc}, {false, "00" + cc + "0"}, {true, cc}, {true, cc + "0"}} {
		if len(p.s) > maxQuickPrefix || q.pre[b2i(p.plus)][len(p.s)] != "-" {
			return nil
		}
		q.pre[b2i(p.plus)][len(p.s)] = p.s
	}
	// After "+" or "00", the calling code must be read as the region's
	// whatever digit follows it.
	for p := 100; p < 1000; p++ {
		if strings.HasPrefix(strconv.Itoa(p), cc) && ft.ccOf3[p] != uint32(ft.defCC)|uint32(len(cc))<<16 {
			return nil
		}
	}
	for p := 100; p < 1000; p++ {
		q.byPrefix3[p] = ft.decide3(p, q.quickLen)
	}
	return q
}

// decidedAfter returns the mask of every number of length l that starts
// with the three digits of p in r's DFA, when they all have the same.
func (r *regionTable) decidedAfter(p, l int) (uint32, bool) {
	row := rowLen
	for _, c := range [3]int{p / 100, p / 10 % 10, p % 10} {
		row = int(r.dfa.tab[row+c])
	}
	u := r.dfa.tab[row+10+l-3]
	return u, u&uniFull == 0
}

// decide3 is what fastPath computes after the national prefix, for every
// national significant number of the default region of length l whose
// first three digits are p (the overseas rule and the typing), packed as in
// quickTable.byPrefix3, or 0 when those digits do not decide it or the
// number is not valid.
func (ft *fastTables) decide3(p, l int) uint32 {
	cc, typ := ft.overseasAndType(ft.defCC, p, l, func(r *regionTable) (uint32, bool) { return r.decidedAfter(p, l) })
	if typ < 0 {
		return 0
	}
	return uint32(cc) | uint32(typ+1)<<16
}

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

// buildCCTable compiles the regions of a calling code; nil when one of them
// cannot be compiled or the main region cannot be parsed by the fast path.
func buildCCTable(cc int, metas map[string]*phonenumbers.PhoneMetadata) (*ccTable, error) {
	ids := phonenumbers.GetRegionCodesForCountryCode(cc)
	if len(ids) == 0 || ids[0] == "001" {
		return nil, nil
	}
	t := &ccTable{}
	for _, id := range ids {
		m := metas[id]
		if m == nil {
			return nil, nil
		}
		r, err := buildRegionTable(m, metas)
		if err != nil {
			return nil, fmt.Errorf("region %s: %w", id, err)
		}
		if r == nil {
			return nil, nil
		}
		t.regions = append(t.regions, r)
	}
	if !t.regions[0].parse {
		return nil, nil
	}
	return t, nil
}

func descs(m *phonenumbers.PhoneMetadata) [bLeading]*phonenumbers.PhoneNumberDesc {
	return [bLeading]*phonenumbers.PhoneNumberDesc{
		bGeneral: m.GetGeneralDesc(), bPremium: m.GetPremiumRate(), bToll: m.GetTollFree(),
		bShared: m.GetSharedCost(), bVoip: m.GetVoip(), bPersonal: m.GetPersonalNumber(),
		bPager: m.GetPager(), bUan: m.GetUan(), bVoicemail: m.GetVoicemail(),
		bFixed: m.GetFixedLine(), bMobile: m.GetMobile(),
	}
}

// regionPatterns returns the patterns of a region's DFA: its number
// descriptions in the order of descs, its leading digits (a prefix
// pattern), then for FR the overseas regions' numbers. It returns nil when
// a description is missing.
func regionPatterns(m *phonenumbers.PhoneMetadata, metas map[string]*phonenumbers.PhoneMetadata) ([]dfaPattern, error) {
	var pats []dfaPattern
	for _, d := range descs(m) {
		if d == nil {
			return nil, nil
		}
		pats = append(pats, dfaPattern{re: d.GetNationalNumberPattern()})
	}
	pats = append(pats, dfaPattern{re: m.GetLeadingDigits(), prefix: true})
	if m.GetId() == "FR" {
		for _, id := range overseasRegions {
			if metas[id] == nil {
				return nil, fmt.Errorf("no metadata for overseas region %s", id)
			}
			re := ""
			for i, d := range overseasDescs(metas[id]) {
				if i > 0 {
					re += "|"
				}
				re += "(?:" + d.GetNationalNumberPattern() + ")"
			}
			pats = append(pats, dfaPattern{re: re})
		}
	}
	return pats, nil
}

func buildRegionTable(m *phonenumbers.PhoneMetadata, metas map[string]*phonenumbers.PhoneMetadata) (*regionTable, error) {
	r := &regionTable{
		id:   m.GetId(),
		cc:   m.GetCountryCode(),
		same: m.GetSameMobileAndFixedLinePattern(),
		lead: m.GetLeadingDigits() != "",
		npfp: m.GetNationalPrefixForParsing(),
	}
	r.parse = allDigits(r.npfp) && m.GetNationalPrefixTransformRule() == ""
	r.ndd0 = strings.ReplaceAll(m.GetNationalPrefix(), "~", "") == "0" &&
		m.GetGeneralDesc() != nil && m.GetGeneralDesc().GetNationalNumberPattern() != ""
	r.minLen = 0
	if gd := m.GetGeneralDesc(); gd != nil {
		for _, l := range append(append([]int32(nil), gd.PossibleLength...), gd.PossibleLengthLocalOnly...) {
			if l > 0 && (r.minLen == 0 || int(l) < r.minLen) {
				r.minLen = int(l)
			}
		}
	}
	ds := descs(m)
	for i, d := range ds {
		if d == nil {
			return nil, nil // phonenumbers itself would panic
		}
		var ok uint32
		for l := range r.lenOK {
			if len(d.PossibleLength) == 0 {
				ok |= 1 << l
			}
		}
		for _, l := range d.PossibleLength {
			if l >= 0 && int(l) < len(r.lenOK) {
				ok |= 1 << l
			}
		}
		for l := range r.lenOK {
			if ok&(1<<l) != 0 {
				r.lenOK[l] |= 1 << i
			}
		}
	}
	for l := range r.lenOK {
		r.lenOK[l] |= ^uint32(descBits)
		r.lenRes[l] = testLength(m, l)
	}
	pats, err := regionPatterns(m, metas)
	if err != nil || pats == nil {
		return nil, err
	}
	d, err := compileDFA(pats)
	if err != nil {
		return nil, err
	}
	r.dfa = d
	for m := range r.types {
		r.types[m] = int8(r.typeOfDescs(uint32(m)))
	}
	return r, nil
}

// testLength is phonenumbers' testNumberLength(number, metadata, UNKNOWN)
// for a number of length l.
func testLength(m *phonenumbers.PhoneMetadata, l int) phonenumbers.ValidationResult {
	gd := m.GetGeneralDesc()
	possible := gd.PossibleLength
	local := gd.PossibleLengthLocalOnly
	if len(possible) == 0 || possible[0] == -1 {
		return phonenumbers.INVALID_LENGTH
	}
	actual := int32(l)
	for _, x := range local {
		if x == actual {
			return phonenumbers.IS_POSSIBLE_LOCAL_ONLY
		}
	}
	if possible[0] == actual {
		return phonenumbers.IS_POSSIBLE
	} else if possible[0] > actual {
		return phonenumbers.TOO_SHORT
	} else if possible[len(possible)-1] < actual {
		return phonenumbers.TOO_LONG
	}
	for _, x := range possible[1:] {
		if x == actual {
			return phonenumbers.IS_POSSIBLE
		}
	}
	return phonenumbers.INVALID_LENGTH
}

// typeOf is getNumberTypeHelper on the mask of a national significant
// number of length l. The result is a Type, or -1 for UNKNOWN.
func (r *regionTable) typeOf(mask uint32, l int) int {
	return int(r.types[mask&r.lenOK[l]&descBits])
}

// typeOfDescs is getNumberTypeHelper on the description bits of a mask,
// already gated by the possible lengths; typeOf looks it up in r.types.
func (r *regionTable) typeOfDescs(m uint32) int {
	switch {
	case m&(1<<bGeneral) == 0:
		return -1
	case m&(1<<bPremium) != 0:
		return int(TypePremiumRate)
	case m&(1<<bToll) != 0:
		return int(TypeTollFree)
	case m&(1<<bShared) != 0:
		return int(TypeOther)
	case m&(1<<bVoip) != 0:
		return int(TypeVoIP)
	case m&(1<<bPersonal|1<<bPager|1<<bUan|1<<bVoicemail) != 0:
		return int(TypeOther)
	case m&(1<<bFixed) != 0:
		if r.same || m&(1<<bMobile) != 0 {
			return int(TypeOther) // FIXED_LINE_OR_MOBILE
		}
		return int(TypeFixedLine)
	case !r.same && m&(1<<bMobile) != 0:
		return int(TypeMobile)
	}
	return -1
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
