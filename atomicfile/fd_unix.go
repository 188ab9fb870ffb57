//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// dupFD returns a new *os.File on a duplicate of this process's descriptor
// fd: it shares the descriptor's offset and flags (O_APPEND of `>>`), and
// closing it leaves fd open.
func dupFD(fd int, name string) (*os.File, error) {
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(nfd)
	return os.NewFile(uintptr(nfd), name), nil
}
