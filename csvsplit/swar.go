package csvsplit

import (
	"encoding/binary"
	"math/bits"
)

// Byte searches eight or 64 bytes at a time, for the reader's hot loops.

// Bytes broadcast to the eight bytes of a word, for scanning eight bytes at a
// time (SWAR).
const (
	ones  = 0x0101010101010101
	low7  = 0x7f7f7f7f7f7f7f7f
	highs = 0x8080808080808080
	quots = '"' * ones
)

// match returns the high bit of each byte of w that equals the byte
// broadcast in c, and no other bit: the mask is exact, so its set bits can be
// taken one by one, lowest (first in memory) first.
func match(w, c uint64) uint64 {
	x := w ^ c
	// The high bit of a byte of (x&low7 + low7) | x is set iff the byte of x
	// is not zero (the sum never carries into the next byte).
	return ^((x&low7 + low7) | x) & highs
}

// match2 returns the high bit of each byte of w that equals the byte
// broadcast in c1 or the one in c2, and no other bit: the mask is exact, so
// its set bits can be taken one by one, lowest (first in memory) first.
func match2(w, c1, c2 uint64) uint64 {
	x, y := w^c1, w^c2
	// The high bit of a byte of (v&low7 + low7) | v is set iff the byte of v is
	// not zero (the sum never carries into the next byte).
	tx := (x&low7 + low7) | x
	ty := (y&low7 + low7) | y
	return ^(tx & ty) & highs
}

// word returns the eight bytes of d at i (i+8 <= len(d)) as a little-endian
// word, so that lower bits are earlier bytes.
func word(d []byte, i int) uint64 { return binary.LittleEndian.Uint64(d[i : i+8]) }

// index2 returns the offset of the first byte of d at or after i that is c1
// or c2, or -1.
func index2(d []byte, i int, c1, c2 byte) int {
	w1, w2 := uint64(c1)*ones, uint64(c2)*ones
	for ; i+8 <= len(d); i += 8 {
		if m := match2(word(d, i), w1, w2); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(d); i++ {
		if c := d[i]; c == c1 || c == c2 {
			return i
		}
	}
	return -1
}

// blockMasksGo is blockMasks in Go, eight bytes at a time (SWAR), for the
// architectures without an assembly version (and to test that one).
func blockMasksGo(b *[64]byte, comma, nl byte) (c, l, q uint64) {
	cw, nw := uint64(comma)*ones, uint64(nl)*ones
	for k := 0; k < 64; k += 8 {
		w := binary.LittleEndian.Uint64(b[k : k+8])
		c |= gather(match(w, cw)) << k
		l |= gather(match(w, nw)) << k
		q |= gather(match(w, quots)) << k
	}
	return c, l, q
}

// gather packs the high bits of the eight bytes of m, the only bits it may
// have set, into its low eight bits, byte k's into bit k.
func gather(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}
