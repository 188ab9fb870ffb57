//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReplaceKeepsOwner replaces a file of another owner and group, mode
// 0600, directly and through a symbolic link: the new file has the old
// one's owner, group and mode. As root any owner is kept; otherwise the
// process can give only a group it belongs to, and that is what is
// asserted (an owner it cannot give is let be).
func TestReplaceKeepsOwner(t *testing.T) {
	uid, gid := 1234, 1234
	root := os.Geteuid() == 0
	if !root {
		uid = os.Geteuid()
		gid = -1
		groups, _ := os.Getgroups()
		for _, g := range groups {
			if g != os.Getegid() {
				gid = g
				break
			}
		}
		if gid < 0 {
			t.Skip("not root and in no group but the primary one: nothing to keep")
		}
	}
	for _, viaLink := range []bool{false, true} {
		dir := t.TempDir()
		dst := filepath.Join(dir, "out.csv")
		if err := os.WriteFile(dst, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dst, uid, gid); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dst, 0o600)
		path := dst
		if viaLink {
			path = filepath.Join(dir, "link.csv")
			os.Symlink("out.csv", path)
		}
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("new")
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(dst)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if b, _ := os.ReadFile(dst); string(b) != "new" {
			t.Errorf("link=%v: content %q", viaLink, b)
		}
		if int(st.Uid) != uid || int(st.Gid) != gid || fi.Mode().Perm() != 0o600 {
			t.Errorf("link=%v: replaced file is %d:%d mode %v, want %d:%d mode 0600", viaLink, st.Uid, st.Gid, fi.Mode().Perm(), uid, gid)
		}
	}
}
