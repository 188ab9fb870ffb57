package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// runOnPty runs listscrub with standard error on a pseudo-terminal and
// returns what the terminal received.
func runOnPty(t *testing.T, args ...string) string {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(ptmx) // ends with EIO once the tty side is closed
		got <- b
	}()
	var out bytes.Buffer
	code := Main(args, IO{In: strings.NewReader(""), Out: &out, ErrOut: tty})
	tty.Close()
	term := string(<-got)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, term)
	}
	return term
}

// runOnFile runs listscrub with standard error on a regular file, as in CI.
func runOnFile(t *testing.T, args ...string) string {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if code := Main(args, IO{In: strings.NewReader(""), Out: &out, ErrOut: f}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// barLine matches one drawing of the bar.
var barLine = regexp.MustCompile("\r[^\r\n\x1b]+\x1b\\[K")

// phoneLike matches anything that could be a phone number.
// (not inside a hexadecimal checksum).
var phoneLike = regexp.MustCompile(`(?:^|[^0-9a-f])\+?\d[\d .]{8,}\d(?:$|[^0-9a-f])`)

// The progress bar appears on a terminal, never on a file, and never with
// --quiet; it shows counts, not numbers.
func TestProgressOnTerminal(t *testing.T) {
	sample := filepath.Join("..", "..", "..", "testdata", "sample")
	dir := t.TempDir()
	regs := []string{"-r", "bloctel=" + filepath.Join(sample, "bloctel.csv"), "-r", "optout=" + filepath.Join(sample, "optout.txt")}
	input := filepath.Join(sample, "prospects.csv")
	snap := filepath.Join(dir, "reg.snap")
	for _, tc := range []struct {
		name string
		args []string
		cmd  int    // how many args name the command (--quiet goes after them)
		bar  string // what the bar shows on a terminal
	}{
		{"scrub", append(append([]string{"scrub", "-o", filepath.Join(dir, "clean.csv")}, regs...), input), 1, `scrub \[=+\] 100% 125\.9 kB/125\.9 kB  1,000 rows`},
		{"coverage", append(append([]string{"coverage", "-o", filepath.Join(dir, "r.json"), "--format", "json"}, regs...), input), 1, `coverage \[=+\] 100% 125\.9 kB/125\.9 kB  1,000 rows`},
		{"registry build", []string{"registry", "build", "-o", snap, "bloctel=" + filepath.Join(sample, "bloctel.csv")}, 2, `registry build reading 1 source\(s\), \d+\.\d kB  0:00`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := runOnPty(t, tc.args...)
			if !regexp.MustCompile(`\r` + tc.bar).MatchString(term) {
				t.Errorf("terminal got no progress bar matching %q:\n%q", tc.bar, term)
			}
			if !strings.Contains(term, "\r\x1b[K") {
				t.Errorf("the bar is not erased at the end:\n%q", term)
			}
			lines := barLine.FindAllString(term, -1)
			if len(lines) == 0 {
				t.Errorf("no bar line found in %q", term)
			}
			for _, line := range lines {
				if m := phoneLike.FindString(line); m != "" {
					t.Errorf("the bar shows something like a phone number: %q", m)
				}
			}

			// (The terminal turns each \n into \r\n: look for the bar itself.)
			args := append(append(append([]string{}, tc.args[:tc.cmd]...), "--quiet"), tc.args[tc.cmd:]...)
			if quiet := runOnPty(t, args...); strings.Contains(quiet, "\x1b") || strings.Contains(quiet, "[=") {
				t.Errorf("--quiet on a terminal still drew:\n%q", quiet)
			}

			file := runOnFile(t, tc.args...)
			if strings.ContainsAny(file, "\r\x1b") || strings.Contains(file, "[=") {
				t.Errorf("stderr on a file got terminal output:\n%q", file)
			}
		})
	}
}
