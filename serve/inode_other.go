//go:build !unix

package serve

import "os"

// inode is 0 where there is none: size and modification time tell a
// replacement.
func inode(os.FileInfo) uint64 { return 0 }
