package registry

import (
	"syscall"
	"unsafe"
)

// hugePageMin is the smallest array worth backing with huge pages.
const hugePageMin = 64 << 20

// adviseHugePages asks Linux to back a large, freshly allocated key array
// with transparent huge pages (where THP is enabled for madvise only, the
// default of many distributions): first writes then fault in 2 MiB at a time
// instead of 4 KiB, which measured 5.8 s against 3.6 s for 2 GiB on the
// reference VM. A refusal changes nothing but speed.
func adviseHugePages(keys []uint64) {
	if len(keys)*8 < hugePageMin {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(keys))), len(keys)*8)
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
