//go:build unix

package serve

import (
	"os"
	"syscall"
)

// inode returns the file's inode number: a file renamed into place has a
// new one.
func inode(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
