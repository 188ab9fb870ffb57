package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/listscrub/listscrub/bench/internal/gen"
)

// tool is one row of the table: a command and what to check of its run.
type tool struct {
	key     string // for -skip
	name    string
	argv    []string
	out     string // clean output, counted after the run; "" when the tool does not write one
	missing string // why the tool cannot run here
	scrubs  bool   // a scrubber (as opposed to a floor), whose kept rows are checked
	want    int    // the clean rows a scrubber must keep (the generator's model)
	needs   string // key of a tool whose output this one reads (run before it)
	noRate  bool   // does not read the prospect file: no rows/s, MB/s or ratios
	// peer is, for a policy run, the key of the same scrub without the
	// policy: the policy's cost is the difference, and the run repeats
	// when its peer does.
	peer  string
	stats string // the --stats file of a listscrub scrub ("" for other tools)
}

// policyJobs is the -j of the policy runs and of their plain peers: the
// issue's goal is stated for a -j 2 scrub.
const policyJobs = 2

// dataSet is what the tools read: the prospect file, the list and the
// history, with what the generator's model says of them.
type dataSet struct {
	input, reg, history string
	meta                *gen.Meta
	hist                *gen.HistoryMeta
}

// newTools lists the table's rows, in the order they run and print: the
// floors, listscrub against the raw list, the snapshot build, listscrub
// against the snapshot, then the other tools. Each policy run (-j 2,
// --policy fr --at gen.At --history) follows its plain -j 2 peer, which is
// the -j N row when the machine has 2 cores, else a -j 2 row of its own:
// run next to each other, both feel the same phase of a shared machine.
func newTools(c config, d dataSet, outDir string, ncpu int) []tool {
	out := func(name string) string { return filepath.Join(outDir, name) }
	snap := out("registry.snap")
	ls := func(key, name string, j int, reg, base string) tool {
		return tool{key: key, name: name, out: out(base + ".csv"), stats: out(base + ".json"), scrubs: true, want: d.meta.Kept,
			argv: []string{c.listscrub, "scrub", "-j", strconv.Itoa(j), "-r", reg, "--stats", out(base + ".json"), "-o", out(base + ".csv"), d.input}}
	}
	policy := func(key, name, peer, reg, base string) tool {
		t := ls(key, name, policyJobs, reg, base)
		n := len(t.argv) - 1
		t.argv = append(t.argv[:n:n], "--policy", "fr", "--at", gen.At.Format(time.RFC3339), "--history", d.history, d.input)
		t.peer, t.want = peer, d.hist.Kept
		return t
	}
	// plain2 returns the plain -j 2 peer: the -j N row, or a row of its own.
	plain2 := func(nKey string, j2 tool) (string, []tool) {
		if ncpu == policyJobs {
			return nKey, nil
		}
		return j2.key, []tool{j2}
	}
	rawPeer, raw2 := plain2("listscrubN", ls("listscrub2", "listscrub scrub -j 2, raw list", 2, "bloctel="+d.reg, "ls2"))
	snapPeer, snap2 := plain2("listscrubNsnap", ls("listscrub2snap", "listscrub scrub -j 2, snapshot", 2, snap, "ls2s"))
	for i := range snap2 {
		snap2[i].needs = "snapshot"
	}
	polRaw := policy("policy", "listscrub scrub -j 2 --policy fr --history, raw list", rawPeer, "bloctel="+d.reg, "pol")
	polSnap := policy("policysnap", "listscrub scrub -j 2 --policy fr --history, snapshot", snapPeer, snap, "pols")
	polSnap.needs = "snapshot"
	snapshot := func(t tool) tool { t.needs = "snapshot"; return t }

	tools := []tool{
		{key: "scanfloor", name: "scan floor (read + count lines)", argv: []string{filepath.Join(c.bin, "scanfloor"), d.input}},
		{key: "normfloor", name: "split + normalize floor (1 core)", argv: []string{filepath.Join(c.bin, "normfloor"), d.input}},
		ls("listscrub1", "listscrub scrub -j 1, raw list", 1, "bloctel="+d.reg, "ls1"),
		ls("listscrubN", fmt.Sprintf("listscrub scrub -j %d, raw list", ncpu), ncpu, "bloctel="+d.reg, "lsN"),
	}
	tools = append(append(tools, raw2...), polRaw,
		tool{key: "snapshot", name: "listscrub registry build (snapshot of the list)", argv: []string{c.listscrub, "registry", "build", "-o", snap, "bloctel=" + d.reg}, noRate: true},
		snapshot(ls("listscrub1snap", "listscrub scrub -j 1, snapshot", 1, snap, "ls1s")),
		snapshot(ls("listscrubNsnap", fmt.Sprintf("listscrub scrub -j %d, snapshot", ncpu), ncpu, snap, "lsNs")),
	)
	return append(append(tools, snap2...), polSnap,
		tool{key: "mawk", name: "mawk anti-join", argv: []string{"mawk", "-v", "out=" + out("mawk.csv"), "-f", filepath.Join(c.scripts, "antijoin.awk"), d.reg, d.input}, out: out("mawk.csv"), scrubs: true, want: d.meta.Kept},
		tool{key: "gawk", name: "gawk anti-join", argv: []string{"gawk", "-v", "out=" + out("gawk.csv"), "-f", filepath.Join(c.scripts, "antijoin.awk"), d.reg, d.input}, out: out("gawk.csv"), scrubs: true, want: d.meta.Kept},
		tool{key: "duckdb", name: fmt.Sprintf("DuckDB %s anti-join + regexp (%d threads)", duckdbVersion(c.nodeModules), ncpu), argv: []string{"node", filepath.Join(c.scripts, "duckdb.cjs"), d.reg, d.input, out("duckdb.csv")}, out: out("duckdb.csv"), scrubs: true, want: d.meta.Kept},
		tool{key: "python", name: "Python csv + phonenumbers " + pyVersion(), argv: []string{"/usr/bin/python3", filepath.Join(c.scripts, "scrub.py"), d.reg, d.input, out("python.csv")}, out: out("python.csv"), scrubs: true, want: d.meta.Kept},
	)
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
