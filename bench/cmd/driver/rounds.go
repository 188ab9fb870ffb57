package main

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"syscall"
)

// result is a tool's run: the row's figures, or why it has none.
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
// a shared VM, CPU time alike, the minutes-long ones much less.
const repeatBelow = 30.0

// runRounds runs the tools in rounds: every tool once, then again each round
// those whose first run took under repeatBelow (a policy run: whose peer's
// did), in the same order. The runs of -j 1 and -j N, and of each policy
// run and its plain peer, alternate, so that a slow phase of the machine
// weighs on both instead of on the one that happened to run during it. It returns each
// tool's row (its run of median wall time) and every successful run of each
// tool, in run order.
func runRounds(tools []tool, runs int, env ...string) (results []result, done [][]result) {
	byKey := map[string]tool{}
	idx := map[string]int{}
	for i, t := range tools {
		byKey[t.key] = t
		idx[t.key] = i
	}
	results = make([]result, len(tools))
	done = make([][]result, len(tools))
	failed := map[string]bool{}
	for round := range max(runs, 1) {
		for i, t := range tools {
			r := &results[i]
			if round == 0 {
				*r = result{tool: t}
				if t.missing == "" && t.needs != "" && (byKey[t.needs].missing != "" || failed[t.needs]) {
					r.missing = "no " + t.needs + " (its row did not run)"
				}
			} else if r.missing != "" || failed[t.key] || !repeats(t, i, idx, done) ||
				(t.needs != "" && failed[t.needs]) {
				continue
			}
			if r.missing != "" {
				continue
			}
			fmt.Fprintf(os.Stderr, "running %s (round %d) ...\n", t.name, round+1)
			x := runOnce(t, env)
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
		if r := &results[i]; r.missing == "" && r.err == nil {
			*r = median(done[i])
		}
	}
	return results, done
}

// repeats reports whether tool t (at index i) runs again after its first
// round: when its first run took under repeatBelow, or, for a policy run,
// when its peer's did (so that the two have as many runs, side by side).
func repeats(t tool, i int, idx map[string]int, done [][]result) bool {
	if p, ok := idx[t.peer]; ok && len(done[p]) > 0 {
		return done[p][0].wall < repeatBelow
	}
	return done[i][0].wall < repeatBelow
}

// runOnce runs a tool and counts the rows it kept.
func runOnce(t tool, env []string) result {
	x := result{tool: t}
	// Every run writes a new file and starts with nothing left to write
	// back: replacing the last run's output would time the deletion of
	// hundreds of MB, and its dirty pages would be written during the next
	// run.
	if t.out != "" {
		os.Remove(t.out)
	}
	syscall.Sync()
	x.wall, x.cpu, x.rssKiB, x.err = timed(t.argv, env...)
	if x.err == nil && t.out != "" {
		n, err := countLines(t.out)
		x.kept, x.err = n-1, err
	}
	return x
}

// median returns the run of median wall time (the upper one of an even
// count), with every run's wall time; kept is -1 when the runs disagree on
// it, which the table reports as a mismatch.
func median(runs []result) result {
	byWall := slices.Clone(runs)
	slices.SortFunc(byWall, func(a, b result) int { return cmp.Compare(a.wall, b.wall) })
	r := byWall[len(byWall)/2]
	for _, x := range runs {
		r.walls = append(r.walls, x.wall)
		if x.kept != r.kept {
			r.kept = -1
		}
	}
	return r
}
