package gen

import (
	"fmt"
	"math/rand/v2"
)

// model draws a data set: the list first, then the prospect rows one at a
// time. Generate writes what it draws; GenerateHistory draws the same data
// set again (the same seed gives the same draws) to learn each row's
// numbers without parsing the files it wrote.
type model struct {
	r    *rand.Rand
	seen bitset // the list's numbers
	reg  []uint32
}

// rowNums are the numbers of one row's two phone fields: the NSN of a valid
// number, 0 for an empty or invalid field (no valid NSN is 0).
type rowNums [2]uint32

func (n rowNums) valid() bool { return n[0] != 0 || n[1] != 0 }

// registered reports whether one of the row's numbers is on the list.
func (m *model) registered(n rowNums) bool {
	return (n[0] != 0 && m.seen.has(n[0])) || (n[1] != 0 && m.seen.has(n[1]))
}

// newModel draws the data set's list of regSize numbers, calling each (when
// not nil) with every number in list order, and returns the model ready to
// draw the rows of a data set of rows rows.
func newModel(rows, regSize int, each func(n uint32)) *model {
	m := &model{
		r:    rand.New(rand.NewPCG(2026, uint64(rows))),
		seen: make(bitset, 1_000_000_000/64+1),
		reg:  make([]uint32, 0, regSize),
	}
	for len(m.reg) < regSize {
		n := mobile(m.r)
		if m.r.IntN(10) == 0 {
			n = fixed(m.r)
		}
		if m.seen.has(n) {
			continue
		}
		m.seen.set(n)
		m.reg = append(m.reg, n)
		if each != nil {
			each(n)
		}
	}
	return m
}

// row draws the next prospect row, appends it to line (CRLF-terminated)
// and returns it with the row's numbers.
func (m *model) row(line []byte) ([]byte, rowNums) {
	r := m.r
	var nums rowNums
	line = append(line, noms[r.IntN(len(noms))]...)
	line = append(line, ';')
	line = append(line, prenoms[r.IntN(len(prenoms))]...)
	line = fmt.Appendf(line, ";%05d;", 1000+r.IntN(94000))
	// Fixed line in a third of the rows.
	if r.IntN(3) == 0 {
		n := fixed(r)
		if r.IntN(10) < 1 {
			n = m.reg[r.IntN(len(m.reg))]
		}
		line = spell(line, n, []int{0, 3}[r.IntN(2)])
		nums[0] = n
	}
	line = append(line, ';')
	switch k := r.IntN(100); {
	case k < 3: // empty mobile
	case k < 6:
		line = append(line, bad[r.IntN(len(bad))]...)
	default:
		n := mobile(r)
		if r.IntN(100) < 28 {
			n = m.reg[r.IntN(len(m.reg))]
		}
		line = spell(line, n, r.IntN(12))
		nums[1] = n
	}
	return append(line, '\r', '\n'), nums
}
