package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The output-path property test: random configurations of scrub's six
// outputs over aliases (./x, dir/../x, hard links, symbolic links, dangling
// ones), the inputs themselves, streams (standard output, /dev/stdout,
// /dev/null, a named pipe), and outputs that fail (a directory, a missing
// directory, /dev/full). Each is run with the real command and must hold:
//
//   - it exits 2 exactly when an output is an input or another output (the
//     null device excepted), else 1 exactly when an output cannot be
//     written, else 0;
//   - exit != 0: no file that existed is changed (content, inode, link
//     target) and none is created;
//   - exit 0: every output holds exactly what a reference run wrote, every
//     link is still a link to where it pointed, and files that were not
//     outputs are unchanged;
//   - the inputs are never modified, and no temporary file is left in the
//     folder or in TMPDIR.

// pathChoice is one path an output may be given, and the file it is: two
// choices of one class are the same file.
type pathChoice struct {
	path, class string
}

// Classes of files that are inputs, and of outputs that cannot be written.
var (
	inputClasses   = map[string]bool{"in": true, "reg": true, "allow": true}
	failingClasses = map[string]bool{"dir": true, "missing": true, "full": true}
)

func outputChoices() []pathChoice {
	return []pathChoice{
		{"n1.csv", "n1"}, {"./n1.csv", "n1"}, {"n2.csv", "n2"}, {"n3.csv", "n3"}, {"sub/../n3.csv", "n3"},
		{"old1.csv", "old1"}, {"sub/../old1.csv", "old1"}, {"hard1.csv", "old1"},
		{"old2.csv", "old2"}, {"link2.csv", "old2"}, {"sublink/old2.csv", "old2sub"},
		{"dangling.csv", "dtarget"}, {"dtarget.csv", "dtarget"},
		{"in.csv", "in"}, {"./in.csv", "in"}, {"reg.txt", "reg"}, {"inlink.csv", "in"}, {"allow.txt", "allow"},
		{"-", "stdout"}, {"/dev/stdout", "stdout"}, {os.DevNull, "null"}, {"fifo", "fifo"},
		{"/dev/stderr", "stderr"}, {"/proc/self/fd/2", "stderr"},
		{"sub", "dir"}, {"nope/x.csv", "missing"}, {"/dev/full", "full"},
	}
}

// ownChoice returns a path no other output's own choice names: a new file
// (beside, in a folder, through a linked folder), an existing one, a link to
// one, a dangling link.
func ownChoice(rng *rand.Rand, i int) pathChoice {
	class := fmt.Sprintf("own%d", i)
	switch rng.IntN(6) {
	case 0:
		return pathChoice{fmt.Sprintf("o%d.csv", i), class}
	case 1:
		return pathChoice{fmt.Sprintf("./sub/o%d.csv", i), class + "sub"}
	case 2:
		return pathChoice{fmt.Sprintf("sublink/o%d.csv", i), class + "sub"}
	case 3:
		return pathChoice{fmt.Sprintf("e%d.csv", i), class + "e"}
	case 4:
		return pathChoice{fmt.Sprintf("elink%d.csv", i), class + "e"}
	}
	return pathChoice{fmt.Sprintf("edangling%d.csv", i), class + "t"}
}

var outputFlags = []string{"-o", "--blocked", "--invalid", "--duplicates", "--stats", "--receipt"}

const propInput = "id;tel\n1;0612345678\n2;0699999999\n3;12\n4;06 99 99 99 99\n5;0699999998\n6;0145678901\n"

// setupPropDir writes the inputs and the files outputs may alias.
func setupPropDir(t *testing.T, dir string) {
	t.Helper()
	for name, data := range map[string]string{
		"in.csv": propInput, "reg.txt": "0612345678\n0145678901\n", "allow.txt": "0145678901\n",
		"old1.csv": "old one\n", "old2.csv": "old two\n", "sub/keep": "",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		writeFile(t, filepath.Join(dir, name), data)
	}
	for i := range outputFlags {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("e%d.csv", i)), fmt.Sprintf("existing %d\n", i))
		if err := os.Symlink(fmt.Sprintf("e%d.csv", i), filepath.Join(dir, fmt.Sprintf("elink%d.csv", i))); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(fmt.Sprintf("sub/t%d.csv", i), filepath.Join(dir, fmt.Sprintf("edangling%d.csv", i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, err := range []error{
		os.Link(filepath.Join(dir, "old1.csv"), filepath.Join(dir, "hard1.csv")),
		os.Symlink("old2.csv", filepath.Join(dir, "link2.csv")),
		os.Symlink("dtarget.csv", filepath.Join(dir, "dangling.csv")),
		os.Symlink("in.csv", filepath.Join(dir, "inlink.csv")),
		os.Symlink("sub", filepath.Join(dir, "sublink")),
		syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// entry is what a file of the folder is, to tell whether it changed.
type entry struct {
	mode    fs.FileMode
	ino     uint64
	content string
	link    string
}

func snapshotDir(t *testing.T, dir string) map[string]entry {
	t.Helper()
	m := map[string]entry{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		e := entry{mode: fi.Mode()}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.ino = st.Ino
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			e.link, _ = os.Readlink(p)
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			e.content = string(b)
		}
		rel, _ := filepath.Rel(dir, p)
		m[rel] = e
		return nil
	})
	return m
}

// propReference runs one scrub with every output on a file of its own and
// returns what each flag's output held.
func propReference(t *testing.T) map[string]string {
	dir := t.TempDir()
	setupPropDir(t, dir)
	args := []string{"scrub", "-r", "reg.txt", "--allow", "allow.txt", "--dedupe"}
	for i, f := range outputFlags {
		args = append(args, f, fmt.Sprintf("ref%d", i))
	}
	cmd := listscrub(append(args, "in.csv")...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v: %s", err, out)
	}
	ref := map[string]string{}
	for i, f := range outputFlags {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("ref%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		ref[f] = string(b)
	}
	return ref
}

// sameOutput compares what an output got with the reference: row outputs
// byte for byte; stats and receipts (which hold times) by their counts.
func sameOutput(flag, got, want string) bool {
	switch flag {
	case "--stats", "--receipt":
		var g, w map[string]any
		if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
			return false
		}
		for _, k := range []string{"rows_in", "rows_clean", "rows_blocked", "rows_invalid", "rows_duplicate", "rows"} {
			if fmt.Sprint(g[k]) != fmt.Sprint(w[k]) {
				return false
			}
		}
		return true
	}
	return got == want
}

func runOutputCase(t *testing.T, seed uint64, ref map[string]string) {
	rng := rand.New(rand.NewPCG(seed, 0x6c69737473637262))
	dir := t.TempDir()
	setupPropDir(t, dir)
	tmp := t.TempDir()
	chosen, args := chooseOutputs(rng)
	want := expectedExit(chosen)

	before := snapshotDir(t, dir)
	// The named pipe's reader, open before the run (non-blocking, so that
	// the run's open does not wait and this one neither).
	fifo, err := os.OpenFile(filepath.Join(dir, "fifo"), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fifo.Close()

	cmd := listscrub(args...)
	cmd.Dir = dir
	cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := exitCode(t, cmd.Run())
	fifoData, _ := io.ReadAll(fifo)
	after := snapshotDir(t, dir)

	desc := fmt.Sprintf("seed %d: listscrub %s: exit %d", seed, strings.Join(args, " "), code)
	t.Log(desc)
	if code != want {
		t.Fatalf("%s, want %d; stderr: %s", desc, want, stderr.String())
	}
	for _, in := range []string{"in.csv", "reg.txt", "allow.txt"} {
		if after[in] != before[in] {
			t.Errorf("%s: input %s modified", desc, in)
		}
	}
	for name := range after {
		if strings.Contains(name, ".tmp-") {
			t.Errorf("%s: temporary file %s left", desc, name)
		}
	}
	if left := entries(t, tmp); len(left) != 0 {
		t.Errorf("%s: TMPDIR holds %v", desc, left)
	}
	if code != 0 {
		checkFailedRun(t, desc, before, after)
		return
	}
	written := checkOutputs(t, desc, dir, chosen, ref, stdout.String(), string(fifoData))
	for name, e := range before {
		a, ok := after[name]
		switch {
		case !ok:
			t.Errorf("%s: %s removed", desc, name)
		case e.mode&fs.ModeSymlink != 0 && a != e:
			t.Errorf("%s: link %s replaced or changed", desc, name)
		case !written[name] && name != "." && a != e && e.mode.IsRegular():
			t.Errorf("%s: %s, not an output, changed", desc, name)
		}
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s: %s is no longer a device", desc, os.DevNull)
	}
}

// chooseOutputs picks a random subset of the outputs, each on a random
// path (without -o the clean rows go to standard output), and returns them
// by flag with the command line.
func chooseOutputs(rng *rand.Rand) (map[string]pathChoice, []string) {
	choices := outputChoices()
	chosen := map[string]pathChoice{}
	args := []string{"scrub", "-r", "reg.txt", "--allow", "allow.txt", "--dedupe"}
	for _, f := range outputFlags {
		if rng.IntN(3) == 0 && f != "-o" {
			continue
		}
		if f == "-o" && rng.IntN(4) == 0 {
			chosen[f] = pathChoice{"-", "stdout"} // -o not given
			continue
		}
		c := choices[rng.IntN(len(choices))]
		if rng.IntN(5) < 3 {
			c = ownChoice(rng, len(chosen))
		}
		chosen[f] = c
		args = append(args, f, c.path)
	}
	return chosen, append(args, "in.csv")
}

// expectedExit returns the exit code the outputs chosen must give: 2 for an
// output on an input, on standard error or on another output; 1 for one
// that cannot be written; 0 otherwise.
func expectedExit(chosen map[string]pathChoice) int {
	want := 0
	classes := map[string]string{}
	for _, f := range outputFlags {
		c, ok := chosen[f]
		if !ok {
			continue
		}
		if inputClasses[c.class] || c.class == "stderr" { // standard error carries the messages
			want = 2
		}
		if _, dup := classes[c.class]; dup && c.class != "null" {
			want = 2
		}
		classes[c.class] = f
	}
	if want == 0 {
		for _, c := range chosen {
			if failingClasses[c.class] {
				want = 1
			}
		}
	}
	return want
}

// checkFailedRun: a failed run changed and created nothing.
func checkFailedRun(t *testing.T, desc string, before, after map[string]entry) {
	for name, e := range before {
		if after[name] != e {
			t.Errorf("%s: %s changed although the run failed", desc, name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: %s created although the run failed", desc, name)
		}
	}
}

// checkOutputs checks that every output chosen holds what the reference run
// wrote, and returns the files written (links resolved).
func checkOutputs(t *testing.T, desc, dir string, chosen map[string]pathChoice, ref map[string]string, stdout, fifoData string) map[string]bool {
	written := map[string]bool{}
	for _, f := range outputFlags {
		c, ok := chosen[f]
		if !ok {
			continue
		}
		var got string
		switch c.class {
		case "null":
			continue
		case "stdout":
			got = stdout
		case "fifo":
			got = fifoData
		default:
			p := c.path
			b, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Errorf("%s: %s %s: %v", desc, f, p, err)
				continue
			}
			got = string(b)
			t, _ := filepath.EvalSymlinks(filepath.Join(dir, p))
			r, _ := filepath.Rel(dir, t)
			written[r] = true
			if c.class == "old1" {
				written["old1.csv"], written["hard1.csv"] = true, true
			}
		}
		if !sameOutput(f, got, ref[f]) {
			t.Errorf("%s: %s (%s) holds %q, want %q", desc, f, c.path, got, ref[f])
		}
	}
	return written
}

// TestOutputPathsProperty runs the property on a fixed set of seeds.
func TestOutputPathsProperty(t *testing.T) {
	ref := propReference(t)
	n := uint64(60)
	if testing.Short() {
		n = 15
	}
	for seed := range n {
		runOutputCase(t, seed, ref)
	}
}

// FuzzOutputPaths explores more seeds: go test -fuzz FuzzOutputPaths ./cmd/listscrub.
func FuzzOutputPaths(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed)
	}
	var ref map[string]string
	f.Fuzz(func(t *testing.T, seed uint64) {
		if ref == nil {
			ref = propReference(t)
		}
		runOutputCase(t, seed, ref)
	})
}
