package normalize

import (
	"encoding/binary"
	"fmt"
	"regexp/syntax"
	"slices"
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
	nfa, err := newDigitNFA(pats)
	if err != nil {
		return nil, err
	}
	d := &digitDFA{next: make([][10]uint16, 2), mask: make([]uint32, 2)}
	// A DFA state is the sorted list of the NFA elements of its subset that
	// consume a digit, match or are sticky (the others carry no
	// information), stored in elems[start[s]:start[s+1]] and indexed by its
	// bytes.
	var elems []uint32
	start := []int{0, 0, 0} // state 0, the dead state, and state 1 are empty so far
	index := map[string]uint16{"": 0}
	var key []byte
	keyOf := func(subset []uint32) []byte {
		key = key[:0]
		for _, e := range subset {
			key = binary.LittleEndian.AppendUint32(key, e)
		}
		return key
	}
	nfa.clear()
	for i, p := range nfa.progs {
		if err := nfa.closure(i, uint32(p.Start)); err != nil {
			return nil, err
		}
	}
	subset := nfa.informative()
	elems = append(elems, subset...)
	start[2] = len(elems)
	d.mask[1] = nfa.mask(subset)
	index[string(keyOf(subset))] = 1
	for cur := 1; cur < len(start)-1; cur++ {
		for digit := range 10 {
			nfa.clear()
			for _, e := range elems[start[cur]:start[cur+1]] {
				if err := nfa.step(e, rune('0'+digit)); err != nil {
					return nil, err
				}
			}
			subset := nfa.informative()
			id, ok := index[string(keyOf(subset))]
			if !ok {
				if len(start)-1 >= maxDFAStates {
					return nil, fmt.Errorf("more than %d DFA states", maxDFAStates)
				}
				id = uint16(len(start) - 1)
				index[string(key)] = id
				elems = append(elems, subset...)
				start = append(start, len(elems))
				d.next = append(d.next, [10]uint16{})
				d.mask = append(d.mask, nfa.mask(subset))
			}
			d.next[cur][digit] = id
		}
	}
	d.buildTab()
	return d, nil
}

// digitNFA is the union of compiled patterns that compileDFA's subset
// construction walks, with one reusable subset. An NFA element is prog
// index << 16 | pc, or a sticky marker (1<<stickyShift | prog index) for a
// matched prefix pattern.
type digitNFA struct {
	pats   []dfaPattern
	progs  []*syntax.Prog
	base   []int    // base[i]: slot of prog i's instruction 0 in marked
	marked []uint32 // generation in which each element's slot was marked
	gen    uint32
	subset []uint32 // the elements marked in this generation
	stack  []uint32
}

// newDigitNFA compiles pats.
func newDigitNFA(pats []dfaPattern) (*digitNFA, error) {
	n := &digitNFA{pats: pats, progs: make([]*syntax.Prog, len(pats)), base: make([]int, len(pats))}
	slots := len(pats) // one sticky slot per pattern, then the instructions
	for i, p := range pats {
		re, err := syntax.Parse(p.re, syntax.Perl)
		if err != nil {
			return nil, fmt.Errorf("parsing %q: %w", p.re, err)
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			return nil, fmt.Errorf("compiling %q: %w", p.re, err)
		}
		if len(prog.Inst) > 1<<16 {
			return nil, fmt.Errorf("pattern %q too large", p.re)
		}
		n.progs[i] = prog
		n.base[i] = slots
		slots += len(prog.Inst)
	}
	n.marked = make([]uint32, slots)
	return n, nil
}

// clear starts a new, empty subset.
func (n *digitNFA) clear() {
	n.gen++
	n.subset = n.subset[:0]
}

// mark adds e to the subset; it reports false when e was there already.
func (n *digitNFA) mark(e uint32) bool {
	s := int(e & 0xffff) // a sticky marker's slot
	if e>>stickyShift == 0 {
		s = n.base[e>>16] + int(e&0xffff)
	}
	if n.marked[s] == n.gen {
		return false
	}
	n.marked[s] = n.gen
	n.subset = append(n.subset, e)
	return true
}

// closure adds to the subset the element prog, pc and every element reached
// from it without reading a digit.
func (n *digitNFA) closure(prog int, pc uint32) error {
	n.stack = append(n.stack[:0], uint32(prog)<<16|pc)
	for len(n.stack) > 0 {
		e := n.stack[len(n.stack)-1]
		n.stack = n.stack[:len(n.stack)-1]
		if !n.mark(e) {
			continue
		}
		in := &n.progs[prog].Inst[e&0xffff]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			n.stack = append(n.stack, uint32(prog)<<16|in.Arg, uint32(prog)<<16|in.Out)
		case syntax.InstCapture, syntax.InstNop:
			n.stack = append(n.stack, uint32(prog)<<16|in.Out)
		case syntax.InstMatch:
			if n.pats[prog].prefix {
				n.mark(1<<stickyShift | uint32(prog))
			}
		case syntax.InstFail, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		default: // InstEmptyWidth: anchors and word boundaries
			return fmt.Errorf("unsupported construct in %q", n.pats[prog].re)
		}
	}
	return nil
}

// step adds to the subset what element e leads to on reading digit c.
func (n *digitNFA) step(e uint32, c rune) error {
	if e>>stickyShift != 0 {
		n.mark(e)
		return nil
	}
	prog, pc := int(e>>16), e&0xffff
	in := &n.progs[prog].Inst[pc]
	switch in.Op {
	case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		if in.MatchRune(c) {
			return n.closure(prog, in.Out)
		}
	}
	return nil
}

// informative returns the subset's elements that consume a digit, match or
// are sticky, sorted: two subsets with the same informative elements behave
// the same. It reuses the subset's storage.
func (n *digitNFA) informative() []uint32 {
	out := n.subset[:0]
	for _, e := range n.subset {
		if e>>stickyShift == 0 {
			switch n.progs[e>>16].Inst[e&0xffff].Op {
			case syntax.InstAlt, syntax.InstAltMatch, syntax.InstCapture, syntax.InstNop, syntax.InstFail:
				continue // epsilon or dead: carries no information
			}
		}
		out = append(out, e)
	}
	slices.Sort(out)
	n.subset = out
	return out
}

// mask returns the patterns an informative subset matches (see digitDFA).
func (n *digitNFA) mask(subset []uint32) uint32 {
	var m uint32
	for _, e := range subset {
		if e>>stickyShift != 0 {
			m |= 1 << (e & 0xffff)
			continue
		}
		if n.progs[e>>16].Inst[e&0xffff].Op == syntax.InstMatch {
			m |= 1 << (e >> 16)
		}
	}
	return m
}
