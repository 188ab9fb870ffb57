// Command driver runs the comparison bench: it generates the data (once,
// cached), runs every tool on it (the quick ones several times, in rounds
// that alternate them), and prints one table with wall time,
// CPU time, rows/s, MB/s, peak RSS and the ratios to the scan floor and to
// listscrub, then checks that every tool kept the same rows. listscrub runs
// against the raw list and against a snapshot of it (the snapshot's build has
// a row of its own), and, against each, with the fr contact policy and a
// generated contact history beside the same scrub without it: what the
// policy costs, and the history's memory per line.
//
//	go run ./cmd/driver -size small    # 2M rows, 1M-number list
//	go run ./cmd/driver -size large    # 23M rows, 10M-number list
//
// Jobs by file: tools.go the rows of the table and whether each can run,
// rounds.go running them, table.go printing, policy.go the policy runs'
// overhead and checks, measure.go timing one process.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/listscrub/listscrub/bench/internal/gen"
)

var sizes = map[string][2]int{
	"small": {2_000_000, 1_000_000},
	"large": {23_000_000, 10_000_000},
	"tiny":  {100_000, 50_000}, // for trying the driver itself
}

// config holds the driver's flags.
type config struct {
	size, data, bin, listscrub, scripts, nodeModules string
	runs                                             int
	skip                                             map[string]bool
}

func main() {
	var c config
	var skip string
	flag.StringVar(&c.size, "size", "small", "small (2M rows / 1M list), large (23M / 10M) or tiny")
	flag.StringVar(&c.data, "data", filepath.Join(os.TempDir(), "listscrub-bench"), "directory for the generated data (reused while current)")
	flag.StringVar(&c.bin, "bin", "bin", "directory holding scanfloor and normfloor")
	flag.StringVar(&c.listscrub, "listscrub", "../bin/listscrub", "the listscrub binary")
	flag.StringVar(&c.scripts, "scripts", "scripts", "directory holding antijoin.awk, scrub.py, duckdb.cjs")
	flag.StringVar(&c.nodeModules, "node-modules", ".cache/npm/node_modules", "node_modules holding @duckdb/node-api")
	flag.IntVar(&c.runs, "runs", 3, "runs of each tool whose first run takes under 30 s; its row shows the run of median wall time")
	flag.StringVar(&skip, "skip", "", "comma-separated tools not to run: scanfloor, normfloor, listscrub1, listscrubN, snapshot, listscrub1snap, listscrubNsnap, policy, policysnap (and listscrub2, listscrub2snap when not 2 cores), mawk, gawk, duckdb, python")
	flag.Parse()
	c.skip = map[string]bool{}
	for _, s := range strings.Split(skip, ",") {
		c.skip[strings.TrimSpace(s)] = true
	}
	if err := bench(c); err != nil {
		if !errors.Is(err, errMismatch) { // the table already says so
			fmt.Fprintf(os.Stderr, "driver: %v\n", err)
		}
		os.Exit(1)
	}
}

// errMismatch is bench's error when a tool failed or kept another number of
// rows; the table names the tool.
var errMismatch = errors.New("a tool failed, kept a different number of rows, or a policy check failed")

// bench generates or reuses the data, runs the tools and prints the table.
// It fails when a tool failed or kept another number of rows than the
// generator's model.
func bench(c config) error {
	sz, ok := sizes[c.size]
	if !ok {
		return fmt.Errorf("unknown -size %q", c.size)
	}
	rows, regSize := sz[0], sz[1]
	dir := filepath.Join(c.data, c.size)
	d, err := ensureData(dir, rows, regSize)
	if err != nil {
		return err
	}
	meta := d.meta
	outDir := filepath.Join(dir, "out")
	os.RemoveAll(outDir)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	ncpu := runtime.NumCPU()
	tools := newTools(c, d, outDir, ncpu)
	if err := markMissing(tools, c); err != nil {
		return err
	}

	// Warm the page cache: every tool reads the same files from memory.
	for _, p := range []string{d.input, d.reg, d.history} {
		if _, err := countLines(p); err != nil {
			return err
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(os.Stderr, "load average before: %s", load)
	nodePath, _ := filepath.Abs(c.nodeModules)
	results, done := runRounds(tools, c.runs, "NODE_PATH="+nodePath)
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Fprintf(os.Stderr, "load average after: %s", load)

	bad := printTable(results, meta, d.hist, rows, regSize, ncpu, c.runs)
	printScaling(tools, results, done, ncpu)
	if printPolicy(tools, results, done, d) {
		bad = true
	}
	if bad {
		fmt.Println("\nFAIL: a tool failed, kept a different number of rows, or a policy check failed")
		return errMismatch
	}
	return nil
}

// ensureData returns the generated data set, generating the rows and list,
// then the history, first when dir holds none current for these sizes.
func ensureData(dir string, rows, regSize int) (dataSet, error) {
	var d dataSet
	d.input, d.reg, _ = gen.Paths(dir)
	d.history, _ = gen.HistoryPaths(dir)
	meta, err := gen.ReadMeta(dir, rows, regSize)
	if err != nil {
		fmt.Fprintf(os.Stderr, "generating %d rows and a %d-number list in %s ...\n", rows, regSize, dir)
		t := time.Now()
		if meta, err = gen.Generate(dir, rows, regSize); err != nil {
			return d, fmt.Errorf("generate: %v", err)
		}
		fmt.Fprintf(os.Stderr, "  done in %.1fs\n", time.Since(t).Seconds())
	}
	d.meta = meta
	lines := gen.HistoryLines(rows)
	if d.hist, err = gen.ReadHistoryMeta(dir, meta, lines); err != nil {
		fmt.Fprintf(os.Stderr, "generating a %d-line contact history in %s ...\n", lines, dir)
		t := time.Now()
		if d.hist, err = gen.GenerateHistory(dir, meta, lines); err != nil {
			return d, fmt.Errorf("generate the history: %v", err)
		}
		fmt.Fprintf(os.Stderr, "  done in %.1fs\n", time.Since(t).Seconds())
	}
	return d, nil
}
