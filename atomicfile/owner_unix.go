//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// chown gives tmp the owner and group of fi, the file it will replace, as
// far as the process may: root may give any; another process may give only
// a group it belongs to, and never another owner, so a refused owner (EPERM)
// falls back to the group alone, and a refused group is let be (the file is
// then the process's, as any file it creates), as is a file system that
// keeps no owners (EINVAL, EOPNOTSUPP).
func chown(tmp *os.File, fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	uid, gid := int(st.Uid), int(st.Gid)
	if uid == os.Geteuid() && gid == os.Getegid() {
		return nil
	}
	err := tmp.Chown(uid, gid)
	if errors.Is(err, syscall.EPERM) && uid != os.Geteuid() {
		err = tmp.Chown(-1, gid)
	}
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EOPNOTSUPP) {
		return nil
	}
	return err
}
