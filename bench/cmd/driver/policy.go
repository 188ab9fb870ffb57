package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// policyStats is what the driver reads of a policy run's --stats.
type policyStats struct {
	RowsClean       int              `json:"rows_clean"`
	BlockedByReason map[string]int64 `json:"blocked_by_reason"`
	History         *struct {
		Lines   int `json:"lines"`
		Numbers int `json:"numbers"`
		Bytes   int `json:"bytes"`
	} `json:"history"`
}

// printPolicy prints, for each policy run, its overhead over its plain
// peer (wall and peak RSS, of the median runs and of each round), the
// history's memory per line, and the checks of its result: the rows it kept
// are a subsequence of its peer's (the policy only blocks more), and its
// blocked_by_reason holds the generator's counts exactly. It reports
// whether a check failed.
func printPolicy(tools []tool, results []result, done [][]result, d dataSet) (bad bool) {
	idx := map[string]int{}
	for i, t := range tools {
		idx[t.key] = i
	}
	for i, t := range tools {
		if t.peer == "" {
			continue
		}
		r := results[i]
		if r.missing != "" || r.err != nil {
			fmt.Printf("\n%s: did not run\n", t.name)
			continue
		}
		fmt.Printf("\n%s:\n", t.name)
		p := results[idx[t.peer]]
		if p.missing == "" && p.err == nil {
			var rounds []string
			dr, dp := done[i], done[idx[t.peer]]
			for k := range min(len(dr), len(dp)) {
				rounds = append(rounds, fmt.Sprintf("%+.0f%%", 100*(dr[k].wall/dp[k].wall-1)))
			}
			fmt.Printf("- policy overhead over %q: %+.1f%% wall (median runs; each round: %s), %+.0f MiB peak RSS (%.0f → %.0f MiB)\n",
				p.name, 100*(r.wall/p.wall-1), strings.Join(rounds, ", "),
				float64(r.rssKiB-p.rssKiB)/1024, float64(p.rssKiB)/1024, float64(r.rssKiB)/1024)
		}
		st, err := readPolicyStats(t.stats)
		if err != nil {
			fmt.Printf("- **FAIL**: %v\n", err)
			bad = true
			continue
		}
		h := st.History
		if h.Lines != d.hist.Lines {
			fmt.Printf("- **FAIL**: the history holds %d lines, the file %d\n", h.Lines, d.hist.Lines)
			bad = true
		}
		fmt.Printf("- history: %d lines (%d numbers), %d bytes held (%.1f bytes/line)", h.Lines, h.Numbers, h.Bytes, float64(h.Bytes)/float64(h.Lines))
		if p.missing == "" && p.err == nil {
			fmt.Printf("; peak RSS over the plain run: %.1f bytes/line", float64(r.rssKiB-p.rssKiB)*1024/float64(h.Lines))
		}
		fmt.Println()
		if msg, ok := checkReasons(st, d); ok {
			fmt.Printf("- blocked_by_reason as the generator's model: %s ✓\n", msg)
		} else {
			fmt.Printf("- **FAIL**: blocked_by_reason %s\n", msg)
			bad = true
		}
		if p.missing != "" || p.err != nil {
			continue
		}
		n, err := subsequence(r.out, p.out)
		if err != nil {
			fmt.Printf("- **FAIL**: clean rows with the policy ⊆ without: %v\n", err)
			bad = true
			continue
		}
		fmt.Printf("- clean rows with the policy ⊆ without ✓ (%d of %d rows, in order)\n", n, p.kept)
	}
	return bad
}

// readPolicyStats reads a policy run's --stats file.
func readPolicyStats(path string) (*policyStats, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st policyStats
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if st.History == nil {
		return nil, fmt.Errorf("%s: no history in the stats", path)
	}
	return &st, nil
}

// checkReasons compares the run's blocked_by_reason with the generator's
// model: registered, refused-recently and attempt-limit exactly, every
// other reason 0 (at gen.At the hours allow every row).
func checkReasons(st *policyStats, d dataSet) (string, bool) {
	want := map[string]int64{
		"registered":       int64(d.meta.Registered),
		"refused-recently": int64(d.hist.RefusedRecently),
		"attempt-limit":    int64(d.hist.AttemptLimit),
	}
	ok := true
	var parts []string
	for _, k := range []string{"registered", "refused-recently", "attempt-limit"} {
		got := st.BlockedByReason[k]
		if got != want[k] {
			ok = false
			parts = append(parts, fmt.Sprintf("%s %d **≠ %d**", k, got, want[k]))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d", k, got))
	}
	for k, n := range st.BlockedByReason {
		if _, known := want[k]; !known && n != 0 {
			ok = false
			parts = append(parts, fmt.Sprintf("%s %d **≠ 0**", k, n))
		}
	}
	if st.RowsClean != d.hist.Kept {
		ok = false
		parts = append(parts, fmt.Sprintf("rows_clean %d **≠ %d**", st.RowsClean, d.hist.Kept))
	}
	return strings.Join(parts, ", "), ok
}

// subsequence checks that the rows of CSV file sub are rows of file of, in
// the same order (the scrub keeps the input's order), with the same header,
// and returns how many rows sub has.
func subsequence(sub, of string) (int, error) {
	fs, err := os.Open(sub)
	if err != nil {
		return 0, err
	}
	defer fs.Close()
	fo, err := os.Open(of)
	if err != nil {
		return 0, err
	}
	defer fo.Close()
	s, o := bufio.NewScanner(bufio.NewReaderSize(fs, 1<<20)), bufio.NewScanner(bufio.NewReaderSize(fo, 1<<20))
	n := -1 // the header
	for s.Scan() {
		for {
			if !o.Scan() {
				if err := o.Err(); err != nil {
					return 0, err
				}
				return 0, fmt.Errorf("line %d of %s is not a row of %s (or out of order)", n+2, sub, of)
			}
			if bytes.Equal(s.Bytes(), o.Bytes()) {
				break
			}
			if n < 0 {
				return 0, fmt.Errorf("%s and %s have different headers", sub, of)
			}
		}
		n++
	}
	return n, s.Err()
}
