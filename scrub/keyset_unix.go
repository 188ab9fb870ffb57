//go:build unix

package scrub

import (
	"syscall"
	"unsafe"

	"github.com/listscrub/listscrub/normalize"
)

// allocSlots returns size zeroed slots in an anonymous memory mapping, out
// of the Go heap, and the function that unmaps them. On the heap, the
// tables a doubling leaves behind stay resident until a garbage collection,
// which a pipeline that allocates nothing per row rarely runs, and the
// collector lets the heap grow to twice the table (a 64 MiB table peaked at
// 227 MiB of RSS: docs/performance.md). Unmapped when the set is released
// or outgrown, a table costs its own size and no more. Where the mapping
// fails, the heap is used.
func allocSlots(size int) ([]normalize.Key, func()) {
	n := size * int(unsafe.Sizeof(normalize.Key(0)))
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]normalize.Key, size), func() {}
	}
	return unsafe.Slice((*normalize.Key)(unsafe.Pointer(&b[0])), size), func() { syscall.Munmap(b) }
}
