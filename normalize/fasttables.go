package normalize

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// The fast path's tables, built once per Normalizer (New) from
// phonenumbers' metadata: which regions and calling codes get one, their
// digit DFAs and length rules, and the quick table of the default region.
// fastPath and its helpers in fast.go only read them.

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
