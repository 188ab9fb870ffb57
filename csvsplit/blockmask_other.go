//go:build !amd64 || purego

package csvsplit

import "unsafe"

// blockMasks returns, for the 64 bytes at p, a mask with bit k set when byte
// k is comma (c), nl (l: LF, or CR in a file whose lines end with CR)
// or a double quote (q). p must point at 64 readable
// bytes.
//
// This is the version in Go, for the architectures without an assembly one
// and for builds with the purego tag (go test -tags purego tests it).
func blockMasks(p *byte, comma, nl byte) (c, l, q uint64) {
	return blockMasksGo((*[64]byte)(unsafe.Pointer(p)), comma, nl)
}
