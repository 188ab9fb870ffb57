// Command driver runs the comparison bench: it generates the data (once,
// cached), runs every tool on it (the quick ones several times, in rounds
// that alternate them), and prints one table with wall time,
// CPU time, rows/s, MB/s, peak RSS and the ratios to the scan floor and to
// listscrub, then checks that every tool kept the same rows. listscrub runs
// against the raw list and against a snapshot of it (the snapshot's build has
// a row of its own).
//
//	go run ./cmd/driver -size small    # 2M rows, 1M-number list
//	go run ./cmd/driver -size large    # 23M rows, 10M-number list
package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/listscrub/listscrub/bench/internal/gen"
)

var sizes = map[string][2]int{
	"small": {2_000_000, 1_000_000},
	"large": {23_000_000, 10_000_000},
	"tiny":  {100_000, 50_000}, // for trying the driver itself
}

type tool struct {
	key     string // for -skip
	name    string
	argv    []string
	out     string // clean output, counted after the run; "" when the tool does not write one
	missing string // why the tool cannot run here
	scrubs  bool   // a scrubber (as opposed to a floor), whose kept rows are checked
	needs   string // key of a tool whose output this one reads (run before it)
	noRate  bool   // does not read the prospect file: no rows/s, MB/s or ratios
}

type result struct {
	tool
	wall, cpu float64
	rssKiB    int64
	kept      int
	err       error
	walls     []float64 // every run's wall time, in run order
}

// repeatBelow is the first run's wall time under which a tool is run -runs
// times: the quick rows vary by up to a third from one run to the next on
// a shared VM (listscrub -j 1 on the large data: 5.9 to 8.5 s, CPU time
// alike), the minutes-long ones much less.
const repeatBelow = 30.0

func main() {
	size := flag.String("size", "small", "small (2M rows / 1M list), large (23M / 10M) or tiny")
	data := flag.String("data", filepath.Join(os.TempDir(), "listscrub-bench"), "directory for the generated data (reused while current)")
	bin := flag.String("bin", "bin", "directory holding scanfloor and normfloor")
	ls := flag.String("listscrub", "../bin/listscrub", "the listscrub binary")
	scripts := flag.String("scripts", "scripts", "directory holding antijoin.awk, scrub.py, duckdb.cjs")
	nodeModules := flag.String("node-modules", ".cache/npm/node_modules", "node_modules holding @duckdb/node-api")
	runs := flag.Int("runs", 3, "runs of each tool whose first run takes under 30 s; its row shows the run of median wall time")
	skip := flag.String("skip", "", "comma-separated tools not to run: scanfloor, normfloor, listscrub1, listscrubN, snapshot, listscrub1snap, listscrubNsnap, mawk, gawk, duckdb, python")
	flag.Parse()
	sz, ok := sizes[*size]
	if !ok {
		fatalf("unknown -size %q", *size)
	}
	rows, regSize := sz[0], sz[1]
	dir := filepath.Join(*data, *size)
	meta, err := gen.ReadMeta(dir, rows, regSize)
	if err != nil {
		fmt.Fprintf(os.Stderr, "generating %d rows and a %d-number list in %s ...\n", rows, regSize, dir)
		t := time.Now()
		if meta, err = gen.Generate(dir, rows, regSize); err != nil {
			fatalf("generate: %v", err)
		}
		fmt.Fprintf(os.Stderr, "  done in %.1fs\n", time.Since(t).Seconds())
	}
	input, reg, _ := gen.Paths(dir)
	outDir := filepath.Join(dir, "out")
	os.RemoveAll(outDir)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		fatalf("%v", err)
	}
	out := func(name string) string { return filepath.Join(outDir, name) }
	skipped := map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		skipped[strings.TrimSpace(s)] = true
	}
	ncpu := runtime.NumCPU()

	snap := out("registry.snap")
	lsArgs := func(j int, reg, stats, csv string) []string {
		return []string{*ls, "scrub", "-j", strconv.Itoa(j), "-r", reg, "--stats", out(stats), "-o", out(csv), input}
	}
	tools := []tool{
		{key: "scanfloor", name: "scan floor (read + count lines)", argv: []string{filepath.Join(*bin, "scanfloor"), input}},
		{key: "normfloor", name: "split + normalize floor (1 core)", argv: []string{filepath.Join(*bin, "normfloor"), input}},
		{key: "listscrub1", name: "listscrub scrub -j 1, raw list", argv: lsArgs(1, "bloctel="+reg, "ls1.json", "ls1.csv"), out: out("ls1.csv"), scrubs: true},
		{key: "listscrubN", name: fmt.Sprintf("listscrub scrub -j %d, raw list", ncpu), argv: lsArgs(ncpu, "bloctel="+reg, "lsN.json", "lsN.csv"), out: out("lsN.csv"), scrubs: true},
		{key: "snapshot", name: "listscrub registry build (snapshot of the list)", argv: []string{*ls, "registry", "build", "-o", snap, "bloctel=" + reg}, noRate: true},
		{key: "listscrub1snap", name: "listscrub scrub -j 1, snapshot", argv: lsArgs(1, snap, "ls1s.json", "ls1s.csv"), out: out("ls1s.csv"), scrubs: true, needs: "snapshot"},
		{key: "listscrubNsnap", name: fmt.Sprintf("listscrub scrub -j %d, snapshot", ncpu), argv: lsArgs(ncpu, snap, "lsNs.json", "lsNs.csv"), out: out("lsNs.csv"), scrubs: true, needs: "snapshot"},
		{key: "mawk", name: "mawk anti-join", argv: []string{"mawk", "-v", "out=" + out("mawk.csv"), "-f", filepath.Join(*scripts, "antijoin.awk"), reg, input}, out: out("mawk.csv"), scrubs: true},
		{key: "gawk", name: "gawk anti-join", argv: []string{"gawk", "-v", "out=" + out("gawk.csv"), "-f", filepath.Join(*scripts, "antijoin.awk"), reg, input}, out: out("gawk.csv"), scrubs: true},
		{key: "duckdb", name: fmt.Sprintf("DuckDB %s anti-join + regexp (%d threads)", duckdbVersion(*nodeModules), ncpu), argv: []string{"node", filepath.Join(*scripts, "duckdb.cjs"), reg, input, out("duckdb.csv")}, out: out("duckdb.csv"), scrubs: true},
		{key: "python", name: "Python csv + phonenumbers " + pyVersion(), argv: []string{"/usr/bin/python3", filepath.Join(*scripts, "scrub.py"), reg, input, out("python.csv")}, out: out("python.csv"), scrubs: true},
	}
	byKey := map[string]*tool{}
	for i := range tools {
		t := &tools[i]
		byKey[t.key] = t
		if skipped[t.key] {
			t.missing = "skipped (-skip)"
			continue
		}
		if _, err := exec.LookPath(t.argv[0]); err != nil {
			t.missing = "not installed (" + t.argv[0] + ")"
		}
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		fatalf("/usr/bin/time is needed (apt-get install time)")
	}
	if d := byKey["duckdb"]; d.missing == "" {
		if _, err := os.Stat(filepath.Join(*nodeModules, "@duckdb", "node-api")); err != nil {
			d.missing = "not installed (@duckdb/node-api: make bench installs it with npm)"
		}
	}
	if py := byKey["python"]; py.missing == "" {
		if out, err := exec.Command("/usr/bin/python3", "-c", "import phonenumbers").CombinedOutput(); err != nil {
			py.missing = "not installed (python3-phonenumbers): " + strings.TrimSpace(lastLine(string(out)))
		}
	}
	nodePath, _ := filepath.Abs(*nodeModules)

	// Warm the page cache: every tool reads the same files from memory.
	for _, p := range []string{input, reg} {
		if _, err := countLines(p); err != nil {
			fatalf("%v", err)
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(os.Stderr, "load average before: %s", load)

	// The tools run in rounds: every tool once, then again each round those
	// whose first run took under repeatBelow, in the same order. The runs of
	// -j 1 and -j N alternate, so that a slow phase of the machine weighs on
	// both instead of on the one that happened to run during it.
	results := make([]result, len(tools))
	done := make([][]result, len(tools))
	failed := map[string]bool{}
	for round := range max(*runs, 1) {
		for i, t := range tools {
			r := &results[i]
			if round == 0 {
				*r = result{tool: t}
				if t.missing == "" && t.needs != "" && (byKey[t.needs].missing != "" || failed[t.needs]) {
					r.missing = "no " + t.needs + " (its row did not run)"
				}
			} else if r.missing != "" || failed[t.key] || done[i][0].wall >= repeatBelow ||
				(t.needs != "" && failed[t.needs]) {
				continue
			}
			if r.missing != "" {
				continue
			}
			fmt.Fprintf(os.Stderr, "running %s (round %d) ...\n", t.name, round+1)
			x := result{tool: t}
			// Every run writes a new file and starts with nothing left to
			// write back: replacing the last run's output would time the
			// deletion of hundreds of MB (0.17 s for 580 MB on ext4), and its
			// dirty pages would be written during the next run.
			if t.out != "" {
				os.Remove(t.out)
			}
			syscall.Sync()
			x.wall, x.cpu, x.rssKiB, x.err = run(t.argv, "NODE_PATH="+nodePath)
			if x.err == nil && t.out != "" {
				n, err := countLines(t.out)
				x.kept, x.err = n-1, err
			}
			if x.err != nil {
				*r = x
				failed[t.key] = true
				fmt.Fprintf(os.Stderr, "  %s: %v\n", t.name, x.err)
				continue
			}
			fmt.Fprintf(os.Stderr, "  %.2fs\n", x.wall)
			done[i] = append(done[i], x)
		}
	}
	for i := range results {
		r := &results[i]
		if r.missing != "" || r.err != nil {
			continue
		}
		// The run of median wall time (the upper one of an even count).
		byWall := slices.Clone(done[i])
		slices.SortFunc(byWall, func(a, b result) int { return cmp.Compare(a.wall, b.wall) })
		*r = byWall[len(byWall)/2]
		for _, x := range done[i] {
			r.walls = append(r.walls, x.wall)
			if x.kept != r.kept {
				r.kept = -1 // runs disagree: reported as a mismatch
			}
		}
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Fprintf(os.Stderr, "load average after: %s", load)

	wallOf := func(key string) float64 {
		for _, r := range results {
			if r.key == key && r.missing == "" && r.err == nil {
				return r.wall
			}
		}
		return 0
	}
	floor := wallOf("scanfloor")
	lsN := wallOf("listscrubN")
	mb := float64(meta.InputBytes) / 1e6
	fmt.Printf("%s rows (%.0f MB, ';' CSV, French spellings, %.1f%% registered, %.1f%% invalid) against a %s-number list (%.0f MB); %d cores, %s\n\n",
		human(rows), mb, 100*float64(meta.Registered)/float64(rows), 100*float64(meta.Invalid)/float64(rows),
		human(regSize), float64(meta.RegBytes)/1e6, ncpu, runtime.Version())
	fmt.Println("| tool | wall s | CPU s | rows/s | MB/s | peak RSS MiB | × scan floor | × listscrub | kept rows | every run's wall s |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
	bad := false
	for _, r := range results {
		if r.missing != "" || r.err != nil {
			why := r.missing
			if r.err != nil {
				why = "failed: " + r.err.Error()
				bad = true
			}
			fmt.Printf("| %s | %s | | | | | | | | |\n", r.name, why)
			continue
		}
		kept := ""
		if r.scrubs {
			kept = strconv.Itoa(r.kept)
			if r.kept != meta.Kept {
				kept += fmt.Sprintf(" **≠ %d**", meta.Kept)
				bad = true
			} else {
				kept += " ✓"
			}
		}
		if r.noRate {
			fmt.Printf("| %s | %.2f | %.2f | | | %.0f | | | | %s |\n", r.name, r.wall, r.cpu, float64(r.rssKiB)/1024, wallList(r.walls))
			continue
		}
		fmt.Printf("| %s | %.2f | %.2f | %s | %.0f | %.0f | %s | %s | %s | %s |\n", r.name, r.wall, r.cpu,
			human(int(float64(rows)/r.wall)), mb/r.wall, float64(r.rssKiB)/1024,
			ratio(r.wall, floor), ratio(r.wall, lsN), kept, wallList(r.walls))
	}
	fmt.Printf("\nkept rows expected (generator's model): %d; wall = elapsed time of the whole process, registry load included, of the run of median wall time when a tool ran more than once (-runs %d rounds, tools under %.0f s; the rounds alternate the tools); CPU = user + system; × = wall time divided by the scan floor's / by listscrub -j %d's (raw list); the snapshot rows scrub against the snapshot built in the row above them, whose time is not included.\n", meta.Kept, *runs, repeatBelow, ncpu)
	// Scaling: the ratio of the median runs, and each round's own (its two
	// runs were taken a few seconds apart, in the same phase of the machine).
	idx := map[string]int{}
	for i, t := range tools {
		idx[t.key] = i
	}
	for _, pair := range [][3]string{{"listscrub1", "listscrubN", "raw list"}, {"listscrub1snap", "listscrubNsnap", "snapshot"}} {
		one, all := wallOf(pair[0]), wallOf(pair[1])
		if one == 0 || all == 0 {
			continue
		}
		var rounds []string
		d1, dN := done[idx[pair[0]]], done[idx[pair[1]]]
		for k := range min(len(d1), len(dN)) {
			rounds = append(rounds, fmt.Sprintf("%.2f", d1[k].wall/dN[k].wall))
		}
		fmt.Printf("\n-j %d over -j 1, %s: %.2f× (median runs); each round: %s", ncpu, pair[2], one/all, strings.Join(rounds, ", "))
	}
	fmt.Println()
	if bad {
		fmt.Println("\nFAIL: a tool failed or kept a different number of rows")
		os.Exit(1)
	}
}

func ratio(a, b float64) string {
	if b <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1f", a/b)
}

// wallList formats every run's wall time.
func wallList(walls []float64) string {
	var b strings.Builder
	for i, w := range walls {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%.2f", w)
	}
	return b.String()
}

// run runs argv under /usr/bin/time and returns its wall time, CPU time and
// peak RSS (KiB). (The rusage Go's os/exec gives is no good for peak RSS: the
// child is cloned with the parent's memory, so its high-water mark starts at
// the driver's.)
func run(argv []string, env ...string) (wall, cpu float64, rss int64, err error) {
	tf, err := os.CreateTemp("", "bench-time")
	if err != nil {
		return 0, 0, 0, err
	}
	tf.Close()
	defer os.Remove(tf.Name())
	cmd := exec.Command("/usr/bin/time", append([]string{"-o", tf.Name(), "-f", "%e %U %S %M"}, argv...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	t := time.Now()
	err = cmd.Run()
	wall = time.Since(t).Seconds()
	if err != nil {
		return wall, 0, 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(lastLine(stderr.String())))
	}
	b, err := os.ReadFile(tf.Name())
	if err != nil {
		return wall, 0, 0, err
	}
	var e, u, sys float64
	if _, err := fmt.Sscan(lastLine(string(b)), &e, &u, &sys, &rss); err != nil {
		return wall, 0, 0, fmt.Errorf("/usr/bin/time output %q: %v", b, err)
	}
	return wall, u + sys, rss, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func countLines(p string) (int, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func human(n int) string {
	switch {
	case n >= 1e6:
		return strconv.FormatFloat(float64(n)/1e6, 'g', 3, 64) + "M"
	case n >= 1e3:
		return strconv.Itoa(n/1e3) + "k"
	}
	return strconv.Itoa(n)
}

func duckdbVersion(nodeModules string) string {
	b, err := os.ReadFile(filepath.Join(nodeModules, "@duckdb", "node-api", "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Version string }
	json.Unmarshal(b, &p)
	return p.Version
}

func pyVersion() string {
	out, err := exec.Command("/usr/bin/python3", "-c", "import phonenumbers; print(phonenumbers.__version__)").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "driver: "+format+"\n", args...)
	os.Exit(1)
}
