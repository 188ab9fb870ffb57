package csvsplit

import (
	"math/rand/v2"
	"testing"
)

// TestBlockMasks checks blockMasks (in assembly on amd64) and blockMasksGo
// against a byte-by-byte reference, on bytes drawn mostly from the special
// ones and their neighbours (a carry or a sign bit would show there).
func TestBlockMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte{';', ',', '\n', '"', '\r', 0, 0x80, 0xff, 0x0b, 0x09, 0x21, 0x23, 0x3a, 0x3c, 0xbb, 0x8a, 0xa2, 'a'}
	var buf [64 + 7]byte
	for range 20000 {
		for i := range buf {
			if rng.IntN(4) == 0 {
				buf[i] = byte(rng.Uint32())
			} else {
				buf[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		off := rng.IntN(8) // unaligned too
		b := (*[64]byte)(buf[off : off+64])
		comma := []byte{';', ',', '\t', '|'}[rng.IntN(4)]
		var wc, wl, wq uint64
		for k, x := range b {
			if x == comma {
				wc |= 1 << k
			}
			if x == '\n' {
				wl |= 1 << k
			}
			if x == '"' {
				wq |= 1 << k
			}
		}
		if c, l, q := blockMasks(&b[0], comma); c != wc || l != wl || q != wq {
			t.Fatalf("blockMasks(%q, %q) = %x %x %x, want %x %x %x", b[:], comma, c, l, q, wc, wl, wq)
		}
		if c, l, q := blockMasksGo(b, comma); c != wc || l != wl || q != wq {
			t.Fatalf("blockMasksGo(%q, %q) = %x %x %x, want %x %x %x", b[:], comma, c, l, q, wc, wl, wq)
		}
	}
}
