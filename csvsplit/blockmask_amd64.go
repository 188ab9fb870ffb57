//go:build amd64 && !purego

package csvsplit

// blockMasks returns, for the 64 bytes at p, a mask with bit k set when byte
// k is comma (c), nl (l: LF, or CR in a file whose lines end with CR)
// or a double quote (q). p must point at 64 readable
// bytes.
//
//go:noescape
func blockMasks(p *byte, comma, nl byte) (c, l, q uint64)
