//go:build unix

package registry

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// mapping is a read-only memory map of a whole file. Sets whose arrays are
// views into it hold it; it is unmapped when none does any more.
type mapping struct {
	data []byte
}

// mapFile maps the regular file f of size bytes read-only, populating the
// page tables at once (one system call instead of a page fault every 4 KiB:
// on a virtual machine the faults cost more than reading the file).
func mapFile(f *os.File, size int64) (*mapping, error) {
	if size <= 0 || int64(int(size)) != size {
		return nil, fmt.Errorf("cannot map %d bytes", size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE|mapPopulate)
	if err != nil {
		return nil, err
	}
	m := &mapping{data: data}
	runtime.AddCleanup(m, func(d []byte) { syscall.Munmap(d) }, data)
	return m, nil
}
