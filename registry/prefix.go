package registry

// CountRange returns how many of the set's numbers are in [lo, hi) as
// keys (E.164 digits read as an integer, normalize.Key).
func (s *Set) CountRange(lo, hi uint64) int {
	if hi <= lo {
		return 0
	}
	return s.p.rank(hi) - s.p.rank(lo)
}

// CountPrefix returns how many of the set's numbers start with the E.164
// digits prefix (a calling code such as 32, or a longer prefix such as
// 1201). A prefix of L digits is one key range per number length D > L,
// [prefix·10^(D−L), (prefix+1)·10^(D−L)), since a key is its number's
// digits. It costs a few bucket searches per length, not a pass over the
// set: it is meant to be asked once per calling code at the end of a run.
func (s *Set) CountPrefix(prefix uint64) int {
	if prefix == 0 {
		return s.Len()
	}
	return countPrefix(&s.p, prefix)
}

// countPrefix is CountPrefix over one packed set of keys (nil: none).
func countPrefix(p *packed, prefix uint64) int {
	if p == nil {
		return 0
	}
	L := 1
	for L < len(pow10)-1 && prefix >= pow10[L] {
		L++
	}
	n := 0
	for D := L + 1; D <= maxE164Digits; D++ {
		m := pow10[D-L]
		lo, hi := prefix*m, (prefix+1)*m
		n += p.rank(hi) - p.rank(lo)
	}
	return n
}

// maxE164Digits is the longest E.164 number: 15 digits, calling code included.
const maxE164Digits = 15
