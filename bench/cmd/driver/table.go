package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/listscrub/listscrub/bench/internal/gen"
)

// printTable prints the data's description and the Markdown table, one row
// per tool, and reports whether a tool failed or kept another number of rows
// than the generator's model.
func printTable(results []result, meta *gen.Meta, hist *gen.HistoryMeta, rows, regSize, ncpu, runs int) (bad bool) {
	floor := wallOf(results, "scanfloor")
	lsN := wallOf(results, "listscrubN")
	mb := float64(meta.InputBytes) / 1e6
	fmt.Printf("%s rows (%.0f MB, ';' CSV, French spellings, %.1f%% registered, %.1f%% invalid) against a %s-number list (%.0f MB); %d cores, %s\n\n",
		human(rows), mb, 100*float64(meta.Registered)/float64(rows), 100*float64(meta.Invalid)/float64(rows),
		human(regSize), float64(meta.RegBytes)/1e6, ncpu, runtime.Version())
	fmt.Println("| tool | wall s | CPU s | rows/s | MB/s | peak RSS MiB | × scan floor | × listscrub | kept rows | every run's wall s |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
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
			if r.kept != r.want {
				kept += fmt.Sprintf(" **≠ %d**", r.want)
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
	fmt.Printf("\nkept rows expected (generator's model): %d, with the policy %d; wall = elapsed time of the whole process, registry load included, of the run of median wall time when a tool ran more than once (-runs %d rounds, tools under %.0f s; the rounds alternate the tools); CPU = user + system; × = wall time divided by the scan floor's / by listscrub -j %d's (raw list); the snapshot rows scrub against the snapshot built in the row above them, whose time is not included; the policy rows (--policy fr --at %s --history, %s lines) read the history in their wall time.\n", meta.Kept, hist.Kept, runs, repeatBelow, ncpu, gen.At.Format(time.RFC3339), human(hist.Lines))
	return bad
}

// printScaling prints the -j N speed-up over -j 1, against the raw list and
// against the snapshot: the ratio of the median runs, and each round's own
// (its two runs were taken a few seconds apart, in the same phase of the
// machine).
func printScaling(tools []tool, results []result, done [][]result, ncpu int) {
	idx := map[string]int{}
	for i, t := range tools {
		idx[t.key] = i
	}
	for _, pair := range [][3]string{{"listscrub1", "listscrubN", "raw list"}, {"listscrub1snap", "listscrubNsnap", "snapshot"}} {
		one, all := wallOf(results, pair[0]), wallOf(results, pair[1])
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
}

// wallOf returns the wall time of the tool's row, 0 when it did not run.
func wallOf(results []result, key string) float64 {
	for _, r := range results {
		if r.key == key && r.missing == "" && r.err == nil {
			return r.wall
		}
	}
	return 0
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

func human(n int) string {
	switch {
	case n >= 1e6:
		return strconv.FormatFloat(float64(n)/1e6, 'g', 3, 64) + "M"
	case n >= 1e3:
		return strconv.Itoa(n/1e3) + "k"
	}
	return strconv.Itoa(n)
}
