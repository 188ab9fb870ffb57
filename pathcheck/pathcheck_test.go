package pathcheck

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

// TestCheck registers an input and outputs under many spellings: each
// conflict is found and named by both flags; distinct files, /dev/null
// shared by outputs, and a terminal read and written are not conflicts; a
// pipe, named or not, read and written is.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, f := range []string{"in.csv", "other.csv"} {
		if err := os.WriteFile(f, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir("sub", 0o755))
	must(os.Mkdir("real", 0o755))
	must(os.Link("in.csv", "hard.csv"))
	must(os.Symlink("in.csv", "link.csv"))
	must(os.Symlink("link.csv", "link2.csv"))
	must(os.Symlink("new.csv", "dangling.csv"))
	must(os.Symlink("real", "dirlink"))
	must(os.Symlink(filepath.Join(dir, "real", "x.csv"), "abs-dangling.csv"))
	r, w, err := os.Pipe()
	must(err)
	defer r.Close()
	defer w.Close()
	must(syscall.Mkfifo("fifo", 0o600))
	must(os.Symlink("fifo", "fifolink"))
	ptmx, tty, err := pty.Open()
	must(err)
	defer ptmx.Close()
	defer tty.Close()
	ttyPath := tty.Name()
	stdout, err := os.Open("in.csv") // standard output redirected onto the input
	must(err)
	defer stdout.Close()

	type use struct {
		out        bool
		flag, path string
	}
	in := func(flag, path string) use { return use{false, flag, path} }
	out := func(flag, path string) use { return use{true, flag, path} }
	pipeFD := "/proc/self/fd/" + strconv.Itoa(int(w.Fd()))
	for _, tc := range []struct {
		name   string
		uses   []use
		stdout *os.File
		want   string // "" no conflict, else the flags named, "A and B"
	}{
		{"distinct", []use{in("INPUT", "in.csv"), out("-o", "other.csv"), out("--blocked", "new.csv")}, nil, ""},
		{"same name", []use{in("INPUT", "in.csv"), out("-o", "in.csv")}, nil, "-o and INPUT"},
		{"dot slash", []use{in("INPUT", "in.csv"), out("-o", "./in.csv")}, nil, "-o and INPUT"},
		{"dot dot", []use{in("INPUT", "in.csv"), out("-o", "sub/../in.csv")}, nil, "-o and INPUT"},
		{"absolute", []use{in("INPUT", "in.csv"), out("-o", filepath.Join(dir, "in.csv"))}, nil, "-o and INPUT"},
		{"hard link", []use{in("-r", "hard.csv"), out("--invalid", "in.csv")}, nil, "--invalid and -r"},
		{"symlink", []use{in("INPUT", "in.csv"), out("-o", "link2.csv")}, nil, "-o and INPUT"},
		{"outputs", []use{out("-o", "x.csv"), out("--stats", "x.csv")}, nil, "-o and --stats"},
		{"dangling", []use{out("-o", "new.csv"), out("--receipt", "dangling.csv")}, nil, "-o and --receipt"},
		{"dangling through dir link", []use{out("-o", "dirlink/x.csv"), out("--blocked", "abs-dangling.csv")}, nil, "-o and --blocked"},
		{"link dot dot", []use{out("-o", "dirlink/../x.csv"), out("--blocked", "x.csv")}, nil, "-o and --blocked"},
		{"missing dir", []use{out("-o", "nope/x.csv"), out("--blocked", "nope/./x.csv")}, nil, "-o and --blocked"},
		{"stdout twice", []use{out("-o", "-"), out("--blocked", "-")}, nil, "-o and --blocked"},
		{"stdout and its fd", []use{out("-o", "-"), out("--blocked", pipeFD)}, w, "-o and --blocked"},
		{"stdout onto the input", []use{in("INPUT", "in.csv"), out("-o", "-")}, stdout, "-o and INPUT"},
		{"null device", []use{in("-r", os.DevNull), out("-o", os.DevNull), out("--blocked", os.DevNull)}, nil, ""},
		{"pipe read and written", []use{in("INPUT", pipeFD), out("-o", pipeFD)}, nil, "-o and INPUT"},
		{"named pipe read and written", []use{in("-r", "fifo"), out("--blocked", "fifo")}, nil, "--blocked and -r"},
		{"named pipe through a link", []use{out("--invalid", "fifolink"), in("--allow", "fifo")}, nil, "--invalid and --allow"},
		{"terminal read and written", []use{in("INPUT", ttyPath), out("-o", ttyPath)}, nil, ""},
		{"input twice", []use{in("INPUT", "in.csv"), in("-r", "in.csv")}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Set{Stdout: tc.stdout}
			for _, u := range tc.uses {
				if u.out {
					s.Output(u.flag, u.path)
				} else {
					s.Input(u.flag, u.path)
				}
			}
			s.Output("--unused", "") // empty paths are skipped
			err := s.Check()
			var c *Conflict
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected conflict: %v", err)
			case tc.want == "":
			case !errors.As(err, &c):
				t.Fatalf("got %v, want a conflict of %s", err, tc.want)
			case !strings.HasPrefix(err.Error(), tc.want+" are the same file"):
				t.Fatalf("got %q, want it to start %q", err, tc.want)
			}
		})
	}
}

// TestCheckStderr: an output path that is standard error (descriptor 2
// by any name, or the regular file it is redirected to) is refused and
// named; "-" onto a standard output shared with standard error, and an
// output that is standard error's terminal by its own name, are not.
func TestCheckStderr(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	errLog, err := os.Create("err.log") // 2> err.log
	if err != nil {
		t.Fatal(err)
	}
	defer errLog.Close()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	for _, tc := range []struct {
		name           string
		stdout, stderr *os.File
		out, want      string
	}{
		{"/dev/stderr", nil, tty, "/dev/stderr", "--invalid and standard error"},
		{"/dev/fd/2", nil, tty, "/dev/fd/2", "--invalid and standard error"},
		{"/proc/self/fd/2", nil, nil, "/proc/self/fd/2", "--invalid and standard error"},
		{"redirected file", nil, errLog, "./err.log", "--invalid and standard error"},
		{"stdout is stderr", errLog, errLog, "-", ""},
		{"stdout is stderr's terminal", tty, tty, "-", ""},
		{"stderr's terminal by name", nil, tty, tty.Name(), ""},
		{"another file", nil, errLog, "other.csv", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Set{Stdout: tc.stdout, Stderr: tc.stderr}
			s.Input("INPUT", "in.csv")
			s.Output("--invalid", tc.out)
			err := s.Check()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected conflict: %v", err)
			case tc.want == "":
			case err == nil || !strings.HasPrefix(err.Error(), tc.want+" are the same file"):
				t.Fatalf("got %v, want it to start %q", err, tc.want)
			case !strings.Contains(err.Error(), "standard error carries listscrub's messages"):
				t.Errorf("the message does not say why: %v", err)
			}
		})
	}
}

// TestResolve follows links to where a write lands, the last one even when
// dangling, and recognizes this process's descriptors.
func TestResolve(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	os.Mkdir("a", 0o755)
	os.Symlink("a", "la")
	os.Symlink("../target.csv", "a/rel")
	os.Symlink("loop", "loop")
	for _, tc := range []struct{ path, want string }{
		{"x.csv", filepath.Join(dir, "x.csv")},
		{"la/rel", filepath.Join(dir, "target.csv")},
		{"la/../x.csv", filepath.Join(dir, "x.csv")},
		{"nope/../x.csv", filepath.Join(dir, "x.csv")},
	} {
		got, err := Resolve(tc.path)
		if err != nil || got.Path != tc.want || got.FD != -1 {
			t.Errorf("Resolve(%q) = %+v, %v; want %s", tc.path, got, err, tc.want)
		}
	}
	if _, err := Resolve("loop"); err == nil {
		t.Error("a link to itself resolved")
	}
	if _, err := os.Stat("/proc/self/fd"); err == nil {
		for _, p := range []string{"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"} {
			if got, err := Resolve(p); err != nil || got.FD != 1 {
				t.Errorf("Resolve(%s) = %+v, %v; want descriptor 1", p, got, err)
			}
		}
	}
}
