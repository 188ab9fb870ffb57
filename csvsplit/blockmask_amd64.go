//go:build amd64 && !purego

package csvsplit

// blockMasks returns, for the 64 bytes at p, a mask with bit k set when byte
// k is comma (c), LF (l) or a double quote (q). p must point at 64 readable
// bytes.
//
//go:noescape
func blockMasks(p *byte, comma byte) (c, l, q uint64)
