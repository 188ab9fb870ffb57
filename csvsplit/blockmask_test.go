package csvsplit

import (
	"fmt"
	"math/rand/v2"
	"strings"
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
		nl := []byte{'\n', '\r'}[rng.IntN(2)]
		var wc, wl, wq uint64
		for k, x := range b {
			if x == comma {
				wc |= 1 << k
			}
			if x == nl {
				wl |= 1 << k
			}
			if x == '"' {
				wq |= 1 << k
			}
		}
		if c, l, q := blockMasks(&b[0], comma, nl); c != wc || l != wl || q != wq {
			t.Fatalf("blockMasks(%q, %q, %q) = %x %x %x, want %x %x %x", b[:], comma, nl, c, l, q, wc, wl, wq)
		}
		if c, l, q := blockMasksGo(b, comma, nl); c != wc || l != wl || q != wq {
			t.Fatalf("blockMasksGo(%q, %q, %q) = %x %x %x, want %x %x %x", b[:], comma, nl, c, l, q, wc, wl, wq)
		}
	}
}

// TestFieldOutOfRangeMessage checks that Field panics, naming the index and
// the range, on an index out of the record's range (rather than returning
// another record's field).
func TestFieldOutOfRangeMessage(t *testing.T) {
	r := NewReader(strings.NewReader("a,b\nc,d,e\n"), Options{})
	var b Batch
	if err := r.ReadBatch(&b, 0, 0); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ i, j int }{{0, 2}, {0, -1}, {1, 3}} {
		func() {
			defer func() {
				want := fmt.Sprintf("csvsplit: field %d out of range [0:%d]", tt.j, b.NumFields(tt.i))
				if e, ok := recover().(error); !ok || e.Error() != want {
					t.Errorf("Field(%d, %d): panic %v, want %q", tt.i, tt.j, e, want)
				}
			}()
			t.Errorf("Field(%d, %d) = %q, want a panic", tt.i, tt.j, b.Field(tt.i, tt.j))
		}()
	}
}
