// Package pathcheck decides whether two paths of a command line name the same
// file, so that no output replaces an input or another output, and where a
// write to a path lands (through symbolic links, onto a descriptor).
//
// A command registers every path it will read or write, each with the flag
// that gave it, then calls Check before it reads anything:
//
//	var s pathcheck.Set
//	s.Input("INPUT", "in.csv")
//	s.Output("-o", "./in.csv")
//	err := s.Check() // -o and INPUT are the same file (./in.csv, in.csv): ...
//
// Two paths are the same file when both exist and are the same device and
// inode (os.SameFile: hard links, symbolic links, "./x" and "dir/../x"
// included), or, when one does not exist yet, when they resolve to the same
// path (Resolve: symbolic links followed, the last one even when dangling).
// Sharing is allowed where it destroys nothing: two outputs to the null
// device, and an input and an output on one terminal (or other character
// device) or socket, whose reads and writes are separate streams. One pipe
// (a named pipe, or /dev/fd/N of an anonymous one) read and written is not:
// the run would read back its own output, or wait for ever for data it
// has not written yet.
//
// An output may not be the process's standard error either: /dev/stderr
// (any path of descriptor 2), or, when Set.Stderr is given, the regular file
// standard error is redirected to. The messages listscrub writes there would
// be mixed into the output, or lost when the output replaces the file.
package pathcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Use is one path given on a command line.
type Use struct {
	Flag   string // how the user gave it: "-o", "--blocked", "INPUT", "-r"
	Path   string // as given; "-" is standard input (inputs) or output (outputs)
	Output bool   // written (true) or read (false)
}

// name returns the path as messages show it.
func (u Use) name() string {
	if u.Path == "-" {
		if u.Output {
			return "standard output"
		}
		return "standard input"
	}
	return u.Path
}

// Conflict is the error Check returns: A is an output, B an input or an
// output given after A, or standard error (Flag "standard error").
type Conflict struct {
	A, B Use
	pipe bool // A and B are one pipe
}

func (c *Conflict) Error() string {
	files := c.A.name()
	if b := c.B.name(); b != files {
		files += ", " + b
	}
	what := "the output would replace the input"
	switch {
	case c.B.Flag == stderrFlag:
		what = "standard error carries listscrub's messages"
	case c.pipe:
		what = "one pipe cannot be both read and written by one run"
	case c.B.Output:
		what = "one output would overwrite the other"
	}
	return fmt.Sprintf("%s and %s are the same file (%s): %s; give each output a path of its own", c.A.Flag, c.B.Flag, files, what)
}

// stderrFlag is the Flag of the Use a Conflict gives for standard error.
const stderrFlag = "standard error"

// Set is the paths of one command line. The zero value is ready to use;
// Stdin and Stdout, when set, are what "-" reads and writes, so that "-"
// and /dev/stdout are seen to be one file, and so is standard output
// redirected onto an input (`> in.csv`). Stderr, when set, is standard
// error, which no output path may be (see the package comment); "-" may,
// as with `2>&1` onto a terminal or a pipe, where the messages follow the
// data, written at the end.
type Set struct {
	Stdin, Stdout, Stderr *os.File
	uses                  []Use
}

// Input registers paths read under flag; empty paths are skipped.
func (s *Set) Input(flag string, paths ...string) { s.add(flag, false, paths) }

// Output registers paths written under flag; empty paths are skipped.
func (s *Set) Output(flag string, paths ...string) { s.add(flag, true, paths) }

func (s *Set) add(flag string, output bool, paths []string) {
	for _, p := range paths {
		if p != "" {
			s.uses = append(s.uses, Use{Flag: flag, Path: p, Output: output})
		}
	}
}

// identity is what a path is compared by.
type identity struct {
	key string      // resolved path, or "fd:N" for a descriptor
	fi  os.FileInfo // nil when the file does not exist (or cannot be examined)
}

func (s *Set) identify(u Use) identity {
	if u.Path == "-" {
		fd, f := 0, s.Stdin
		if u.Output {
			fd, f = 1, s.Stdout
		}
		id := identity{key: "fd:" + strconv.Itoa(fd)}
		if f != nil {
			id.fi, _ = f.Stat()
		}
		return id
	}
	var id identity
	if t, err := Resolve(u.Path); err == nil {
		id.key = t.Path
		if t.FD >= 0 {
			id.key = "fd:" + strconv.Itoa(t.FD)
		}
	} else {
		abs, _ := filepath.Abs(u.Path)
		id.key = abs
	}
	id.fi, _ = os.Stat(u.Path)
	return id
}

func same(a, b identity) bool {
	if a.fi != nil && b.fi != nil {
		return os.SameFile(a.fi, b.fi)
	}
	return a.key == b.key
}

// isPipe reports whether fi is a pipe, named or not.
func isPipe(fi os.FileInfo) bool {
	return fi != nil && fi.Mode()&os.ModeNamedPipe != 0
}

// isDuplex reports whether fi is a terminal or other device, or a socket:
// a file written in place, never replaced, whose reads do not return what
// was written.
func isDuplex(fi os.FileInfo) bool {
	return fi != nil && fi.Mode()&(os.ModeCharDevice|os.ModeDevice|os.ModeSocket) != 0
}

// Check returns a *Conflict for the first output that is standard error,
// or the same file as an input or as another output, in the order they were
// registered, or nil.
func (s *Set) Check() error {
	ids := make([]identity, len(s.uses))
	for i, u := range s.uses {
		ids[i] = s.identify(u)
	}
	if err := s.checkStderr(ids); err != nil {
		return err
	}
	null, _ := os.Stat(os.DevNull)
	for i, a := range s.uses {
		for j := i + 1; j < len(s.uses); j++ {
			b := s.uses[j]
			if !a.Output && !b.Output || !same(ids[i], ids[j]) {
				continue
			}
			fi := ids[i].fi
			switch {
			case a.Output && b.Output:
				if fi != nil && null != nil && os.SameFile(fi, null) {
					continue // both discarded
				}
				return &Conflict{A: a, B: b}
			case isDuplex(fi):
				continue // an input and an output on one terminal or socket
			case a.Output:
				return &Conflict{A: a, B: b, pipe: isPipe(fi)}
			default:
				return &Conflict{A: b, B: a, pipe: isPipe(fi)}
			}
		}
	}
	return nil
}

// checkStderr returns a *Conflict for the first output path that is
// standard error: descriptor 2 by any of its names, or the regular file
// s.Stderr is (a terminal or pipe shared by standard output and error is
// the usual `2>&1`, and is reached through "-" or /dev/stdout, not here).
func (s *Set) checkStderr(ids []identity) error {
	var errFI os.FileInfo
	if s.Stderr != nil {
		if fi, err := s.Stderr.Stat(); err == nil && fi.Mode().IsRegular() {
			errFI = fi
		}
	}
	for i, u := range s.uses {
		if !u.Output || u.Path == "-" {
			continue
		}
		if ids[i].key == "fd:2" || errFI != nil && ids[i].fi != nil && os.SameFile(ids[i].fi, errFI) {
			return &Conflict{A: u, B: Use{Flag: stderrFlag, Path: "/dev/stderr", Output: true}}
		}
	}
	return nil
}

// Target is where a write to a path lands.
type Target struct {
	// Path is the path with every symbolic link followed, the last one
	// included even when its target does not exist yet.
	Path string
	// FD is the descriptor of this process the path names (/dev/stdout,
	// /dev/fd/N, /proc/self/fd/N on Linux), or -1. Such a path must be
	// written through the descriptor: opening it anew would reopen a
	// redirected file at offset 0, and a pipe whose reader is gone would
	// block.
	FD int
}

// maxLinks bounds the symbolic links Resolve follows, as the kernel does.
const maxLinks = 40

// Resolve returns where a write to path lands. The directories on the way
// must exist for links in them to be followed; when one does not, the path
// is returned cleaned (nothing can be created there anyway).
func Resolve(path string) (Target, error) {
	p := path
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return Target{}, fmt.Errorf("resolve %s: %w", path, err)
		}
		// Not filepath.Join: it would clean "link/.." lexically, where the
		// kernel goes up from the link's target.
		p = wd + string(filepath.Separator) + p
	}
	for range maxLinks {
		dir, base := filepath.Split(p)
		rdir, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return Target{Path: filepath.Clean(p), FD: -1}, nil
		}
		full := filepath.Join(rdir, base)
		fi, err := os.Lstat(full)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 || base == "." || base == ".." {
			return Target{Path: full, FD: -1}, nil
		}
		if fd, ok := procFD(rdir, base); ok {
			return Target{Path: full, FD: fd}, nil
		}
		link, err := os.Readlink(full)
		if err != nil {
			return Target{}, fmt.Errorf("resolve %s: %w", path, err)
		}
		if !filepath.IsAbs(link) {
			link = rdir + string(filepath.Separator) + link
		}
		p = link
	}
	return Target{}, fmt.Errorf("resolve %s: too many levels of symbolic links", path)
}

// procFD reports whether dir/base is one of this process's descriptors in
// Linux's /proc (dir fully resolved: /proc/self is /proc/PID there).
func procFD(dir, base string) (int, bool) {
	fd, err := strconv.Atoi(base)
	if err != nil || fd < 0 {
		return 0, false
	}
	self := "/proc/" + strconv.Itoa(os.Getpid())
	rest, ok := strings.CutPrefix(dir, self+"/")
	if !ok {
		return 0, false
	}
	if rest == "fd" {
		return fd, true
	}
	// /proc/thread-self/fd: /proc/PID/task/TID/fd
	parts := strings.Split(rest, "/")
	return fd, len(parts) == 3 && parts[0] == "task" && parts[2] == "fd"
}
