package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// tool is one row of the table: a command and what to check of its run.
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

// newTools lists the table's rows, in the order they run and print: the
// floors, listscrub against the raw list, the snapshot build, listscrub
// against the snapshot, then the other tools.
func newTools(c config, input, reg, outDir string, ncpu int) []tool {
	out := func(name string) string { return filepath.Join(outDir, name) }
	snap := out("registry.snap")
	lsArgs := func(j int, reg, stats, csv string) []string {
		return []string{c.listscrub, "scrub", "-j", strconv.Itoa(j), "-r", reg, "--stats", out(stats), "-o", out(csv), input}
	}
	return []tool{
		{key: "scanfloor", name: "scan floor (read + count lines)", argv: []string{filepath.Join(c.bin, "scanfloor"), input}},
		{key: "normfloor", name: "split + normalize floor (1 core)", argv: []string{filepath.Join(c.bin, "normfloor"), input}},
		{key: "listscrub1", name: "listscrub scrub -j 1, raw list", argv: lsArgs(1, "bloctel="+reg, "ls1.json", "ls1.csv"), out: out("ls1.csv"), scrubs: true},
		{key: "listscrubN", name: fmt.Sprintf("listscrub scrub -j %d, raw list", ncpu), argv: lsArgs(ncpu, "bloctel="+reg, "lsN.json", "lsN.csv"), out: out("lsN.csv"), scrubs: true},
		{key: "snapshot", name: "listscrub registry build (snapshot of the list)", argv: []string{c.listscrub, "registry", "build", "-o", snap, "bloctel=" + reg}, noRate: true},
		{key: "listscrub1snap", name: "listscrub scrub -j 1, snapshot", argv: lsArgs(1, snap, "ls1s.json", "ls1s.csv"), out: out("ls1s.csv"), scrubs: true, needs: "snapshot"},
		{key: "listscrubNsnap", name: fmt.Sprintf("listscrub scrub -j %d, snapshot", ncpu), argv: lsArgs(ncpu, snap, "lsNs.json", "lsNs.csv"), out: out("lsNs.csv"), scrubs: true, needs: "snapshot"},
		{key: "mawk", name: "mawk anti-join", argv: []string{"mawk", "-v", "out=" + out("mawk.csv"), "-f", filepath.Join(c.scripts, "antijoin.awk"), reg, input}, out: out("mawk.csv"), scrubs: true},
		{key: "gawk", name: "gawk anti-join", argv: []string{"gawk", "-v", "out=" + out("gawk.csv"), "-f", filepath.Join(c.scripts, "antijoin.awk"), reg, input}, out: out("gawk.csv"), scrubs: true},
		{key: "duckdb", name: fmt.Sprintf("DuckDB %s anti-join + regexp (%d threads)", duckdbVersion(c.nodeModules), ncpu), argv: []string{"node", filepath.Join(c.scripts, "duckdb.cjs"), reg, input, out("duckdb.csv")}, out: out("duckdb.csv"), scrubs: true},
		{key: "python", name: "Python csv + phonenumbers " + pyVersion(), argv: []string{"/usr/bin/python3", filepath.Join(c.scripts, "scrub.py"), reg, input, out("python.csv")}, out: out("python.csv"), scrubs: true},
	}
}

// markMissing sets the missing reason of every tool that is skipped or not
// installed here. /usr/bin/time, which times every run, must be.
func markMissing(tools []tool, c config) error {
	byKey := map[string]*tool{}
	for i := range tools {
		t := &tools[i]
		byKey[t.key] = t
		if c.skip[t.key] {
			t.missing = "skipped (-skip)"
			continue
		}
		if _, err := exec.LookPath(t.argv[0]); err != nil {
			t.missing = "not installed (" + t.argv[0] + ")"
		}
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return fmt.Errorf("/usr/bin/time is needed (apt-get install time)")
	}
	if d := byKey["duckdb"]; d.missing == "" {
		if _, err := os.Stat(filepath.Join(c.nodeModules, "@duckdb", "node-api")); err != nil {
			d.missing = "not installed (@duckdb/node-api: make bench installs it with npm)"
		}
	}
	if py := byKey["python"]; py.missing == "" {
		if out, err := exec.Command("/usr/bin/python3", "-c", "import phonenumbers").CombinedOutput(); err != nil {
			py.missing = "not installed (python3-phonenumbers): " + strings.TrimSpace(lastLine(string(out)))
		}
	}
	return nil
}
