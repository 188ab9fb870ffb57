package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGroupAllOrNone commits groups of three outputs (two existing, one
// new) where one part fails: a write error in a stream, a rename that fails
// (first, middle, last). Every failure leaves every destination as it was and
// no temporary or backup file; success replaces all three.
func TestGroupAllOrNone(t *testing.T) {
	for _, failAt := range []int{-1, 0, 1, 2} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("rename%d-stream%v", failAt, stream), func(t *testing.T) {
				dir := t.TempDir()
				names := []string{"a.csv", "b.csv", "c.csv"}
				for _, n := range names[:2] {
					os.WriteFile(filepath.Join(dir, n), []byte("old "+n), 0o644)
				}
				var stdout bytes.Buffer
				var sink *failWriter
				g := &Group{Stdout: &stdout}
				if stream {
					sink = &failWriter{}
					g.Stdout = sink
				}
				renames := 0
				g.rename = func(o, n string) error {
					if renames == failAt && strings.Contains(o, ".tmp-") && !strings.HasSuffix(o, ".old") {
						renames++
						return errors.New("injected rename failure")
					}
					if !strings.HasSuffix(o, ".old") {
						renames++
					}
					return os.Rename(o, n)
				}
				for _, n := range names {
					f, err := g.Create(filepath.Join(dir, n))
					if err != nil {
						t.Fatal(err)
					}
					f.WriteString("new " + n)
				}
				out, err := g.Create("-")
				if err != nil {
					t.Fatal(err)
				}
				out.WriteString("rows")
				err = g.Commit()
				wantFail := failAt >= 0 || stream
				if (err != nil) != wantFail {
					t.Fatalf("Commit: %v, want failure %v", err, wantFail)
				}
				for i, n := range names {
					b, rerr := os.ReadFile(filepath.Join(dir, n))
					switch {
					case !wantFail && string(b) != "new "+n:
						t.Errorf("%s = %q after success", n, b)
					case wantFail && i < 2 && string(b) != "old "+n:
						t.Errorf("%s = %q after a failure, want the old content", n, b)
					case wantFail && i == 2 && !os.IsNotExist(rerr):
						t.Errorf("%s exists after a failure", n)
					}
				}
				if stream && renames != 0 {
					t.Errorf("%d renames after the stream failed", renames)
				}
				if !stream && failAt < 0 && stdout.String() != "rows" {
					t.Errorf("standard output got %q", stdout.String())
				}
				if failAt >= 0 && !stream && stdout.String() != "rows" {
					t.Errorf("standard output got %q (streams are written before the renames)", stdout.String())
				}
				want := names[:2]
				if !wantFail {
					want = names
				}
				assertOnly(t, dir, want...)
			})
		}
	}
}

type failWriter struct{}

func (*failWriter) Write([]byte) (int, error) { return 0, errors.New("injected stream failure") }

// TestGroupCreateFails: a directory, a missing directory, and "-" with no
// standard output fail at Create, before anything is written.
func TestGroupCreateFails(t *testing.T) {
	dir := t.TempDir()
	var g Group
	for _, p := range []string{dir, filepath.Join(dir, "nope", "x.csv"), "-"} {
		if _, err := g.Create(p); err == nil {
			t.Errorf("Create(%s) succeeded", p)
		}
	}
	assertOnly(t, dir)
}

// TestGroupAbortedFile: a group one of whose files was aborted cannot be
// committed, and commits nothing.
func TestGroupAbortedFile(t *testing.T) {
	dir := t.TempDir()
	var g Group
	a, _ := g.Create(filepath.Join(dir, "a"))
	b, _ := g.Create(filepath.Join(dir, "b"))
	a.WriteString("a")
	b.Abort()
	if err := g.Commit(); err == nil {
		t.Fatal("commit with an aborted file succeeded")
	}
	if err := a.Commit(); err == nil {
		t.Fatal("a file of a group committed alone")
	}
	assertOnly(t, dir)
}

// TestSymlinkWrittenThrough: the target is replaced, the link stays a link;
// a dangling link gets its target created.
func TestSymlinkWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "t"), 0o755)
	target := filepath.Join(dir, "t", "out.csv")
	os.WriteFile(target, []byte("old"), 0o600)
	link := filepath.Join(dir, "link.csv")
	os.Symlink("t/out.csv", link)
	dangling := filepath.Join(dir, "dangling.csv")
	os.Symlink("t/new.csv", dangling)
	var g Group
	for _, p := range []string{link, dangling} {
		f, err := g.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("new")
	}
	if err := g.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, dangling} {
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link", p)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("target's mode %v, want 0600 kept", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "t", "new.csv")); string(b) != "new" {
		t.Errorf("dangling link's target holds %q", b)
	}
	assertOnly(t, filepath.Join(dir, "t"), "new.csv", "out.csv")
}

// TestDescriptorWrittenInPlace: /proc/self/fd/N is written through the
// descriptor (its offset kept: appended after what it already wrote), not
// replaced.
func TestDescriptorWrittenInPlace(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	p := filepath.Join(t.TempDir(), "redirected")
	fd, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	fd.WriteString("before;")
	fi0, _ := os.Stat(p)
	f, err := Create(fmt.Sprintf("/proc/self/fd/%d", fd.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("rows")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	fd.WriteString(";after") // the descriptor is still open
	fi1, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "before;rows;after" || !os.SameFile(fi0, fi1) {
		t.Fatalf("file holds %q (same inode %v)", b, os.SameFile(fi0, fi1))
	}
}
