package normalize

import (
	"fmt"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
)

// A digitDFA runs several regular expressions over a string of ASCII digits
// at once. State 0 is the dead state; state 1 is the start state. mask[s] has
// bit i set when the string read so far is in the language of pattern i
// (full match), or, for a "prefix" pattern, when some prefix of it is.
//
// The walks of the fast path use tab, one row of rowLen entries per state
// (state s at offset s*rowLen): entry c < 10 is the offset of the row of
// next[s][c]; entry 10+r tells whether reading r more digits from s can still
// change the answer. When every string of r digits leads to states with the
// same mask, it is that mask (uniFull and uniGeneral clear); when they only
// agree on bit bGeneral, it is uniFull | that bit; otherwise uniFull |
// uniGeneral. A walk stops as soon as its answer is decided: a French number
// is usually decided by its first two or three digits.
type digitDFA struct {
	next [][10]uint16
	mask []uint32
	tab  []uint32
}

// Flags of the "decided" entries of digitDFA.tab; masks use the bits below
// stickyShift only.
const (
	uniFull    = 1 << 31 // the mask is not decided yet
	uniGeneral = 1 << 30 // bit bGeneral of the mask is not decided yet
)

// rowLen is the length of a row of digitDFA.tab: ten transitions, then the
// "decided" entries for remaining lengths 0 to maxFastDigits.
const rowLen = 10 + maxFastDigits + 1

// maxDFAStates bounds the subset construction; a pattern set that needs more
// states is not given a fast path.
const maxDFAStates = 1 << 14

// stickyElem is the pseudo NFA element that marks "a prefix pattern has
// matched": it survives every transition.
const stickyShift = 24

// run returns the mask of the state reached after reading digits, one
// transition per digit. The fast path uses full and general; run defines
// what they must return.
func (d *digitDFA) run(digits []byte) uint32 {
	s := uint16(1)
	for _, c := range digits {
		if s = d.next[s][c-'0']; s == 0 {
			return 0 // dead state
		}
	}
	return d.mask[s]
}

// full returns run(digits), stopping as soon as the rest of digits cannot
// change it. len(digits) must be at most maxFastDigits.
func (d *digitDFA) full(digits []byte) uint32 {
	tab := d.tab
	row, rem := rowLen, len(digits)
	for k := 0; ; k++ {
		if u := tab[row+10+rem-k]; u&uniFull == 0 {
			return u
		}
		row = int(tab[row+int(digits[k]-'0')])
	}
}

// general reports whether run(digits) has bit bGeneral, stopping as soon as
// the rest of digits cannot change it. len(digits) must be at most
// maxFastDigits.
func (d *digitDFA) general(digits []byte) bool {
	tab := d.tab
	row, rem := rowLen, len(digits)
	for k := 0; ; k++ {
		if u := tab[row+10+rem-k]; u&uniGeneral == 0 {
			return u&(1<<bGeneral) != 0
		}
		row = int(tab[row+int(digits[k]-'0')])
	}
}

// buildTab fills d.tab (see digitDFA). The "decided" entries are computed by
// remaining length: after 0 digits the answer is the state's mask; after r
// digits it is decided when the answers of the ten successors after r-1
// digits are decided and equal.
func (d *digitDFA) buildTab() {
	n := len(d.next)
	d.tab = make([]uint32, n*rowLen)
	uni := func(s, r int) *uint32 { return &d.tab[s*rowLen+10+r] }
	for s := 0; s < n; s++ {
		for c, t := range d.next[s] {
			d.tab[s*rowLen+c] = uint32(t) * rowLen
		}
		*uni(s, 0) = d.mask[s]
	}
	for r := 1; r <= maxFastDigits; r++ {
		for s := 0; s < n; s++ {
			v := *uni(int(d.next[s][0]), r-1)
			full, gen := v&uniFull == 0, v&uniGeneral == 0
			for c := 1; c < 10; c++ {
				w := *uni(int(d.next[s][c]), r-1)
				full = full && w == v
				gen = gen && w&uniGeneral == 0 && (w^v)&(1<<bGeneral) == 0
			}
			switch {
			case full:
				*uni(s, r) = v
			case gen:
				*uni(s, r) = uniFull | v&(1<<bGeneral)
			default:
				*uni(s, r) = uniFull | uniGeneral
			}
		}
	}
}

// dfaPattern is one input of compileDFA.
type dfaPattern struct {
	re     string // phonenumbers national-number pattern syntax (RE2 subset)
	prefix bool   // match when any prefix of the input matches
}

// compileDFA builds the digit DFA of up to 24 patterns by subset
// construction over the alphabet 0-9.
func compileDFA(pats []dfaPattern) (*digitDFA, error) {
	if len(pats) > stickyShift {
		return nil, fmt.Errorf("too many patterns (%d)", len(pats))
	}
	progs := make([]*syntax.Prog, len(pats))
	for i, p := range pats {
		re, err := syntax.Parse(p.re, syntax.Perl)
		if err != nil {
			return nil, fmt.Errorf("parsing %q: %w", p.re, err)
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			return nil, fmt.Errorf("compiling %q: %w", p.re, err)
		}
		progs[i] = prog
	}
	// An NFA element is prog index << 16 | pc, or a sticky marker
	// (1<<stickyShift | prog index) for a matched prefix pattern.
	type set []uint32
	var closure func(s map[uint32]bool, prog int, pc uint32) error
	closure = func(s map[uint32]bool, prog int, pc uint32) error {
		e := uint32(prog)<<16 | pc
		if s[e] {
			return nil
		}
		s[e] = true
		in := &progs[prog].Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			if err := closure(s, prog, in.Out); err != nil {
				return err
			}
			return closure(s, prog, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			return closure(s, prog, in.Out)
		case syntax.InstMatch:
			if pats[prog].prefix {
				s[1<<stickyShift|uint32(prog)] = true
			}
		case syntax.InstFail, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		default: // InstEmptyWidth: anchors and word boundaries
			return fmt.Errorf("unsupported construct in %q", pats[prog].re)
		}
		return nil
	}
	keyOf := func(s map[uint32]bool) (set, string) {
		var elems set
		for e := range s {
			if e>>stickyShift == 0 {
				switch progs[e>>16].Inst[e&0xffff].Op {
				case syntax.InstAlt, syntax.InstAltMatch, syntax.InstCapture, syntax.InstNop, syntax.InstFail:
					continue // epsilon or dead: carries no information
				}
			}
			elems = append(elems, e)
		}
		sort.Slice(elems, func(i, j int) bool { return elems[i] < elems[j] })
		var b strings.Builder
		for _, e := range elems {
			b.WriteString(strconv.FormatUint(uint64(e), 36))
			b.WriteByte(',')
		}
		return elems, b.String()
	}
	d := &digitDFA{next: make([][10]uint16, 2), mask: make([]uint32, 2)}
	index := map[string]uint16{"": 0}
	states := []set{nil, nil}
	start := map[uint32]bool{}
	for i, p := range progs {
		if err := closure(start, i, uint32(p.Start)); err != nil {
			return nil, err
		}
	}
	var startKey string
	states[1], startKey = keyOf(start)
	index[startKey] = 1
	maskOf := func(elems set) uint32 {
		var m uint32
		for _, e := range elems {
			if e>>stickyShift != 0 {
				m |= 1 << (e & 0xffff)
				continue
			}
			prog, pc := int(e>>16), e&0xffff
			if progs[prog].Inst[pc].Op == syntax.InstMatch {
				m |= 1 << prog
			}
		}
		return m
	}
	d.mask[1] = maskOf(states[1])
	for cur := 1; cur < len(states); cur++ {
		for digit := 0; digit < 10; digit++ {
			nx := map[uint32]bool{}
			for _, e := range states[cur] {
				if e>>stickyShift != 0 {
					nx[e] = true
					continue
				}
				prog, pc := int(e>>16), e&0xffff
				in := &progs[prog].Inst[pc]
				switch in.Op {
				case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
					if in.MatchRune(rune('0' + digit)) {
						if err := closure(nx, prog, in.Out); err != nil {
							return nil, err
						}
					}
				}
			}
			elems, key := keyOf(nx)
			id, ok := index[key]
			if !ok {
				if len(states) >= maxDFAStates {
					return nil, fmt.Errorf("more than %d DFA states", maxDFAStates)
				}
				id = uint16(len(states))
				index[key] = id
				states = append(states, elems)
				d.next = append(d.next, [10]uint16{})
				d.mask = append(d.mask, maskOf(elems))
			}
			d.next[cur][digit] = id
		}
	}
	d.buildTab()
	return d, nil
}
