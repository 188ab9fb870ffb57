package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// listscrub returns a command running this test binary as listscrub.
func listscrub(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "LISTSCRUB_TEST_MAIN=1")
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// entries lists a directory's file names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestSignalRemovesOutputs interrupts a scrub that is reading a slow
// standard input: it must exit non-zero and leave no output, not even a
// temporary file. SIGHUP (the terminal closed) too.
func TestSignalRemovesOutputs(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			reg := filepath.Join(dir, "reg.txt")
			writeFile(t, reg, "0612345678\n")
			out := filepath.Join(dir, "out")
			os.Mkdir(out, 0o755)
			cmd := listscrub("scrub", "-r", reg, "-o", filepath.Join(out, "clean.csv"),
				"--blocked", filepath.Join(out, "blocked.csv"), "-")
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(stdin, "id;tel\n")
			// Wait until the scrub has created its temporary outputs.
			deadline := time.Now().Add(20 * time.Second)
			for len(entries(t, out)) < 2 {
				if time.Now().After(deadline) {
					t.Fatal("temporary outputs never appeared")
				}
				stdin.Write(bytes.Repeat([]byte("1;0612345679\n"), 1000))
				time.Sleep(10 * time.Millisecond)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			stdin.Close()
			if code := exitCode(t, err); code != 1 {
				t.Errorf("exit code %d, want 1; stderr: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stderr does not say it was interrupted: %s", stderr.String())
			}
			if left := entries(t, out); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// TestBrokenPipe scrubs to a standard output whose reader is gone (as with
// `| head -1`), with the other outputs in a folder of their own and the
// spool of standard output in a TMPDIR of its own: the SIGPIPE must not kill
// the process before it removes its temporary files. It exits 1, no
// temporary file is left in either place, and the other outputs are not
// replaced (standard output failed before they were committed).
func TestBrokenPipe(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.txt")
	writeFile(t, reg, "0612345678\n")
	var in strings.Builder
	in.WriteString("id;tel\n")
	for i := range 20000 {
		fmt.Fprintf(&in, "%d;06%08d\n", i, i)
	}
	input := filepath.Join(dir, "in.csv")
	writeFile(t, input, in.String())
	out := filepath.Join(dir, "out")
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(out, 0o755)
	os.Mkdir(tmp, 0o755)
	blocked := filepath.Join(out, "blocked.csv")
	writeFile(t, blocked, "previous\n")
	for _, stats := range []bool{false, true} {
		args := []string{"scrub", "-r", reg, "-o", "-", "--blocked", blocked, input}
		if stats {
			args = append(args, "--stats", filepath.Join(out, "stats.json"))
		}
		cmd := listscrub(args...)
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		pr.Close() // the reader is gone before the first write
		cmd.Stdout = pw
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		pw.Close()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("stats=%v: %v (killed by a signal: exit code -1), want exit 1; stderr: %s", stats, err, stderr.String())
		}
		if left := entries(t, out); len(left) != 1 || left[0] != "blocked.csv" {
			t.Errorf("stats=%v: the output folder holds %v, want blocked.csv only", stats, left)
		}
		if b, _ := os.ReadFile(blocked); string(b) != "previous\n" {
			t.Errorf("stats=%v: blocked.csv replaced although standard output failed: %.40q", stats, b)
		}
		if left := entries(t, tmp); len(left) != 0 {
			t.Errorf("stats=%v: TMPDIR holds %v", stats, left)
		}
	}
}

// TestDiskFull scrubs onto a 64 KiB tmpfs: the write error must exit 1 and
// leave the destination as it was (an earlier output survives) with no
// temporary file. It needs root (mount); it is skipped elsewhere.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	os.Mkdir(full, 0o755)
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full).Run(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v): disk-full test skipped", err)
	}
	defer exec.Command("umount", full).Run()
	reg := filepath.Join(dir, "reg.txt")
	writeFile(t, reg, "0612345678\n")
	var in strings.Builder
	in.WriteString("id;tel;note\n")
	for i := range 20000 {
		fmt.Fprintf(&in, "%d;06%08d;some padding to make the file larger than the disk\n", i, i)
	}
	input := filepath.Join(dir, "in.csv")
	writeFile(t, input, in.String())
	old := filepath.Join(full, "clean.csv")
	writeFile(t, old, "previous output\n")
	cmd := listscrub("scrub", "-r", reg, "-o", old, input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if code := exitCode(t, cmd.Run()); code != 1 {
		t.Fatalf("exit code %d, want 1; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "no space left") {
		t.Errorf("stderr does not name the cause: %s", stderr.String())
	}
	if b, _ := os.ReadFile(old); string(b) != "previous output\n" {
		t.Errorf("earlier output changed: %.40q", b)
	}
	if left := entries(t, full); len(left) != 1 {
		t.Errorf("left behind: %v", left)
	}
}

// TestConcurrentWritersDoNotInterleave runs two scrubs of different inputs
// onto one output at once: the result is exactly one of the two.
func TestConcurrentWritersDoNotInterleave(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.txt")
	writeFile(t, reg, "0612345678\n")
	var want [2]string
	for k := range 2 {
		var b strings.Builder
		b.WriteString("id;tel\n")
		for i := range 30000 {
			fmt.Fprintf(&b, "%d;06%d%07d\n", i, 3+k, i)
		}
		want[k] = b.String()
		writeFile(t, filepath.Join(dir, fmt.Sprintf("in%d.csv", k)), want[k])
	}
	out := filepath.Join(dir, "clean.csv")
	for range 3 {
		cmds := []*exec.Cmd{
			listscrub("scrub", "-r", reg, "-o", out, "-j", "1", filepath.Join(dir, "in0.csv")),
			listscrub("scrub", "-r", reg, "-o", out, "-j", "1", filepath.Join(dir, "in1.csv")),
		}
		for _, c := range cmds {
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := os.ReadFile(out)
		if string(got) != want[0] && string(got) != want[1] {
			t.Fatalf("output is neither input's clean rows (%d bytes)", len(got))
		}
		if n := len(entries(t, dir)); n != 4 {
			t.Fatalf("left behind: %v", entries(t, dir))
		}
	}
}

// TestGzipBomb feeds 256 MiB of one endless line, gzipped to a few hundred
// KiB: the row-size limit stops it with exit 1, and memory stays bounded.
func TestGzipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.txt")
	writeFile(t, reg, "0612345678\n")
	bomb := filepath.Join(dir, "bomb.csv.gz")
	f, err := os.Create(bomb)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	io.WriteString(zw, "tel;")
	chunk := bytes.Repeat([]byte("0"), 1<<20)
	for range 256 {
		zw.Write(chunk)
	}
	zw.Close()
	f.Close()
	cmd := listscrub("scrub", "-r", reg, "--max-row-size", "8MiB", "-o", filepath.Join(dir, "out.csv"), bomb)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if code := exitCode(t, cmd.Run()); code != 1 {
		t.Fatalf("exit code %d, want 1; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "exceeds") {
		t.Errorf("stderr: %s", stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if rss := ru.Maxrss << 10; rss > 200<<20 {
			t.Errorf("peak RSS %d MiB for an 8 MiB row limit", rss>>20)
		}
		t.Logf("peak RSS %d MiB", ru.Maxrss>>10)
	}
}

// TestSignalWhileBlocked signals runs blocked where no context reaches by
// itself: a registry that is a named pipe with no writer, or whose writer
// is silent, a silent standard input, an output that is a named pipe
// nobody reads (its open waits), a registry build from a named pipe. Every
// signal that stops a run (SIGQUIT included) must make it exit 1, saying it
// was interrupted, with no file left in its output folder or in TMPDIR
// (the spool of standard output). The waits are hang guards, not timing
// assertions: a run that has not returned by itself within the grace
// period has its temporary files removed by the signal path.
func TestSignalWhileBlocked(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.txt")
	writeFile(t, reg, "0612345678\n")
	input := filepath.Join(dir, "in.csv")
	writeFile(t, input, "id;tel\n1;0612345678\n")
	noWriter, quiet, unread := filepath.Join(dir, "no-writer"), filepath.Join(dir, "quiet"), filepath.Join(dir, "unread")
	for _, p := range []string{noWriter, quiet, unread} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := os.OpenFile(quiet, os.O_RDWR, 0) // a writer that sends a line, then nothing
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.WriteString("0612345678\n")
	type tc struct {
		name string
		sig  syscall.Signal
		args func(out string) []string
	}
	var cases []tc
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT} {
		cases = append(cases, tc{"registry pipe without writer", sig, func(out string) []string {
			return []string{"scrub", "-r", noWriter, "-o", filepath.Join(out, "clean.csv"), "--blocked", filepath.Join(out, "blocked.csv"), "-"}
		}})
	}
	cases = append(cases,
		tc{"silent registry pipe", syscall.SIGTERM, func(out string) []string {
			return []string{"scrub", "-r", quiet, "-o", filepath.Join(out, "clean.csv"), input}
		}},
		tc{"silent stdin", syscall.SIGTERM, func(out string) []string {
			return []string{"scrub", "-r", reg, "--invalid", filepath.Join(out, "invalid.csv"), "-"}
		}},
		tc{"output pipe nobody reads", syscall.SIGTERM, func(out string) []string {
			return []string{"scrub", "-r", reg, "-o", filepath.Join(out, "clean.csv"), "--blocked", unread, input}
		}},
		tc{"registry build from a pipe", syscall.SIGTERM, func(out string) []string {
			return []string{"registry", "build", "-o", filepath.Join(out, "reg.snap"), noWriter}
		}},
	)
	for _, c := range cases {
		t.Run(c.name+"/"+c.sig.String(), func(t *testing.T) {
			out, tmp := t.TempDir(), t.TempDir()
			cmd := listscrub(c.args(out)...)
			cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
			stdin, err := cmd.StdinPipe() // open and silent
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for len(entries(t, out)) == 0 { // the run has started: its temporary output exists
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("temporary output never appeared")
				}
				time.Sleep(10 * time.Millisecond)
			}
			// Time to reach the wait (the temporary outputs are made before
			// the registries and the input are opened): a run is then stuck
			// there when signalled, and only the signal path can remove its
			// temporary files. A signal at any point must pass.
			time.Sleep(300 * time.Millisecond)
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err = <-exited:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("still running 30 s after %v; stderr: %s", c.sig, stderr.String())
			}
			if code := exitCode(t, err); code != 1 {
				t.Errorf("exit code %d, want 1; stderr: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stderr does not say it was interrupted: %s", stderr.String())
			}
			if c.sig == syscall.SIGQUIT && !strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("SIGQUIT: no goroutine dump on stderr: %s", stderr.String())
			}
			if left := entries(t, out); len(left) != 0 {
				t.Errorf("left in the output folder: %v", left)
			}
			if left := entries(t, tmp); len(left) != 0 {
				t.Errorf("left in TMPDIR: %v", left)
			}
		})
	}
}
