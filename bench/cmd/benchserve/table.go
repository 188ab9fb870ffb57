package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one scenario on one target.
type row struct {
	scenario, target string
	res              result
	cpu, client      time.Duration // the server's and the load generator's CPU time over the measured phase
	mem              memory        // the server's after the scenario
}

// table collects the rows and the load figures.
type table struct {
	rows                 []row
	serveLoad, redisLoad time.Duration
	serveMem, redisMem   memory // after loading, before the scenarios
	tally                string
	snapBytes            int64
}

// measure runs one scenario against the server of process pid (its
// warm-up, then its measured phase) and adds its row; the server's CPU time
// is read around the measured phase only.
func (t *table) measure(ctx context.Context, scenario, target string, pid int, l limits, do op) error {
	logf("%s: %s ...", scenario, target)
	if l.warmup > 0 {
		if _, err := phase(ctx, l.conc, 0, l.warmup, l.max, do, false); err != nil {
			return fmt.Errorf("%s, %s: warm-up: %w", scenario, target, err)
		}
	}
	cpu0, err := readCPU(pid)
	if err != nil {
		return err
	}
	self0 := selfCPU()
	res, err := phase(ctx, l.conc, l.warmup, l.count, l.max, do, true)
	if err != nil {
		return fmt.Errorf("%s, %s: %w", scenario, target, err)
	}
	self1 := selfCPU()
	cpu1, err := readCPU(pid)
	if err != nil {
		return err
	}
	mem, err := readMemory(pid)
	if err != nil {
		return err
	}
	t.rows = append(t.rows, row{scenario: scenario, target: target, res: res, cpu: cpu1 - cpu0, client: self1 - self0, mem: mem})
	return nil
}

// find returns the row of scenario and target, or nil.
func (t *table) find(scenario, target string) *row {
	for i := range t.rows {
		if t.rows[i].scenario == scenario && t.rows[i].target == target {
			return &t.rows[i]
		}
	}
	return nil
}

// print writes the table and the goals of issue #17.
func (t *table) print(w io.Writer, c config, ncpu int, loadBefore, loadAfter string) {
	fmt.Fprintf(w, "\nlistscrub serve vs a Redis set, 10M-number list, loopback, %d CPUs (shared with the load generator)\n", ncpu)
	fmt.Fprintf(w, "load average before: %s; after: %s\n", loadBefore, loadAfter)
	fmt.Fprintf(w, "samples: %d phone fields of the large prospect file; cross-check of the first %d: %s\n\n", c.samples, c.check, t.tally)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\ttarget\tops\trate\tnumbers/s\tp50\tp99\tp99.9\tserver CPU/op\tclient CPU/op\tRSS\t")
	for _, r := range t.rows {
		rate := fmt.Sprintf("%.0f req/s", r.res.opsPerSec())
		if strings.HasPrefix(r.scenario, "batch") {
			rate = fmt.Sprintf("%.0f batch/s", r.res.opsPerSec())
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.scenario, r.target, r.res.ops, rate,
			millions(r.res.numbersPerSec()), dur(r.res.quantile(0.50)), dur(r.res.quantile(0.99)), dur(r.res.quantile(0.999)),
			perOp(r.cpu, r.res.ops), perOp(r.client, r.res.ops), mib(r.mem.rss))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nmemory after loading, VmRSS (anonymous + file-backed) / VmHWM:\n")
	fmt.Fprintf(w, "  listscrub serve  %s (%s + %s) / %s; snapshot %s; ready %.1fs after start\n",
		mib(t.serveMem.rss), mib(t.serveMem.anon), mib(t.serveMem.file), mib(t.serveMem.hwm), mib(t.snapBytes), t.serveLoad.Seconds())
	fmt.Fprintf(w, "  redis-server     %s (%s + %s) / %s; loaded in %.1fs (pipelined SADD)\n",
		mib(t.redisMem.rss), mib(t.redisMem.anon), mib(t.redisMem.file), mib(t.redisMem.hwm), t.redisLoad.Seconds())
	fmt.Fprintln(w, "CPU/op: CPU time (user + system) over the measured phase divided by its operations; the load generator shares the CPUs.")
	fmt.Fprintln(w, "\ngoals (issue #17):")
	for _, g := range t.goals(c) {
		verdict := "NOT MET"
		if g.met {
			verdict = "MET"
		}
		fmt.Fprintf(w, "  %-7s  %s: %s\n", verdict, g.goal, g.got)
	}
}

// goal is one of issue #17's goals with what was measured.
type goal struct {
	goal, got string
	met       bool
}

// goals judges issue #17's goals from the rows; a goal whose rows are
// missing (another -conc) is NOT MET with "not measured".
func (t *table) goals(c config) []goal {
	var gs []goal
	single := "single, concurrency 64"
	bname := fmt.Sprintf("batch of %d, concurrency %d", batchLen, c.batchConc)
	if r := t.find(single, "listscrub serve"); r != nil {
		rps, p99 := r.res.opsPerSec(), r.res.quantile(0.99)
		gs = append(gs, goal{"single checks >= 50,000 req/s at concurrency 64 with p99 <= 2 ms",
			fmt.Sprintf("%.0f req/s, p99 %s", rps, dur(p99)), rps >= 50_000 && p99 <= 2*time.Millisecond})
		if rr := t.find(single, "Redis SISMEMBER"); rr != nil {
			gs = append(gs, goal{"single checks ahead of Redis at concurrency 64",
				fmt.Sprintf("%.0f vs %.0f req/s (x%.2f)", rps, rr.res.opsPerSec(), rps/rr.res.opsPerSec()), rps > rr.res.opsPerSec()})
		}
	} else {
		gs = append(gs, goal{"single checks >= 50,000 req/s at concurrency 64 with p99 <= 2 ms", "not measured", false})
	}
	redis := t.find(bname, "Redis pipeline")
	for _, f := range []string{"text/plain", "JSON"} {
		r := t.find(bname, "listscrub serve "+f)
		if r == nil {
			continue
		}
		nps := r.res.numbersPerSec()
		gs = append(gs, goal{"batches (" + f + ") >= 5M numbers/s", millions(nps) + " numbers/s", nps >= 5e6})
		if redis != nil {
			gs = append(gs, goal{"batches (" + f + ") ahead of Redis pipelines",
				fmt.Sprintf("%s vs %s numbers/s (x%.2f)", millions(nps), millions(redis.res.numbersPerSec()), nps/redis.res.numbersPerSec()),
				nps > redis.res.numbersPerSec()})
		}
	}
	ratio := float64(t.serveMem.rss) / float64(t.redisMem.rss)
	gs = append(gs, goal{"memory <= a tenth of Redis's (VmRSS after loading)",
		fmt.Sprintf("%s vs %s (%.1f%%)", mib(t.serveMem.rss), mib(t.redisMem.rss), 100*ratio), ratio <= 0.1})
	return gs
}

// dur formats a latency in µs or ms with three significant digits.
func dur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f us", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// perOp formats a CPU time spread over ops operations.
func perOp(d time.Duration, ops int) string { return dur(d / time.Duration(max(ops, 1))) }

// millions formats a rate in millions with two decimals.
func millions(x float64) string { return fmt.Sprintf("%.2fM", x/1e6) }

// mib formats bytes in MiB.
func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
