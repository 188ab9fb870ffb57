package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/listscrub/listscrub/normalize"
)

// coverage is the set of number prefixes a registry screens. Its zero value
// covers nothing; newCoverage(nil), for a registry built without a coverage
// list, covers every number.
type coverage struct {
	all      bool
	prefixes []string // canonical "+33", sorted, for reporting
	// byLen[L] holds the prefixes of L digits, as integers.
	byLen [16]map[uint64]struct{}
	lens  []int // the L with a non-empty byLen[L], ascending
}

// ParseCoverage parses prefixes given to --covers: E.164 prefixes such as
// "+33" or "+1 201" (spaces, dots, dashes and the leading "+" are optional).
// It returns them canonical ("+1201"), sorted and without repeats.
func ParseCoverage(list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, p := range list {
		var b strings.Builder
		b.WriteByte('+')
		s := strings.TrimSpace(p)
		s = strings.TrimPrefix(s, "+")
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9':
				b.WriteRune(r)
			case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
			default:
				return nil, fmt.Errorf("coverage prefix %q: want digits, such as +33 or +1201", p)
			}
		}
		c := b.String()
		if len(c) < 2 || len(c) > 16 || c[1] == '0' {
			return nil, fmt.Errorf("coverage prefix %q: want 1 to 15 digits after the +, not starting with 0", p)
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// newCoverage compiles canonical prefixes; nil means every number.
func newCoverage(prefixes []string) coverage {
	if prefixes == nil {
		return coverage{all: true}
	}
	c := coverage{prefixes: slices.Clone(prefixes)}
	for _, p := range prefixes {
		var v uint64
		for _, d := range p[1:] {
			v = 10*v + uint64(d-'0')
		}
		L := len(p) - 1
		if c.byLen[L] == nil {
			c.byLen[L] = map[uint64]struct{}{}
			c.lens = append(c.lens, L)
		}
		c.byLen[L][v] = struct{}{}
	}
	slices.Sort(c.lens)
	return c
}

// coverageOf returns the union of the sources' coverage: a source without a
// coverage list covers every number.
func coverageOf(sources []SourceInfo) coverage {
	var all []string
	for _, s := range sources {
		if s.Covers == nil {
			return newCoverage(nil)
		}
		all = append(all, s.Covers...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if all == nil {
		all = []string{}
	}
	return newCoverage(all)
}

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16}

// covers reports whether k starts with one of the prefixes.
func (c *coverage) covers(k normalize.Key) bool {
	if c.all {
		return true
	}
	v := uint64(k)
	d := 1
	for d < len(pow10)-1 && v >= pow10[d] {
		d++
	}
	for _, L := range c.lens {
		if L > d {
			break
		}
		if _, ok := c.byLen[L][v/pow10[d-L]]; ok {
			return true
		}
	}
	return false
}

// list returns the canonical prefixes, nil for every number.
func (c *coverage) list() []string {
	if c.all {
		return nil
	}
	return slices.Clone(c.prefixes)
}
