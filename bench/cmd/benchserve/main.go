// Command benchserve measures `listscrub serve` against the do-it-yourself
// alternative, a Redis set, on loopback (make bench-serve): the 10M-number
// list of the comparison bench's large data set as a snapshot held by
// listscrub serve, and the same numbers as a Redis set (redis-server
// started in a temporary folder, no persistence, stopped at the end) that a
// client checks with SISMEMBER after normalizing each number itself with
// listscrub's normalize package.
//
// Scenarios, each run on listscrub then on Redis, bounded in count and time:
// single checks (GET /v1/check; one SISMEMBER) at concurrency 1, 16 and 64,
// and batches of 1,000 numbers (POST /v1/check, text/plain and JSON; a
// pipeline of 1,000 SISMEMBERs). A floor row shows net/http alone (a
// constant answer from a server of a few lines, this program run again) at
// the highest concurrency: what any net/http service can reach here. Each operation's latency is recorded and
// the percentiles taken from the sorted samples; the servers' CPU time per
// operation comes from /proc/PID/stat and their memory from
// /proc/PID/status. Before the timed runs both answer the same numbers and
// must agree. The table ends with issue #17's goals, MET or NOT MET.
//
//	go run ./cmd/benchserve -bin ../bin/listscrub -data /tmp/listscrub-bench
//
// Jobs by file: load.go the load runner, serveclient.go and redis.go the two
// clients (and redis-server), serve.go listscrub serve, floor.go the floor server, data.go the data
// set and snapshot, proc.go /proc readings, table.go the table, loopback.go
// the loopback guard.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/listscrub/listscrub/bench/internal/gen"
	"github.com/listscrub/listscrub/normalize"
)

// config holds the flags.
type config struct {
	bin, data, redisBin string
	conc                []int
	singles, batches    int
	batchConc, samples  int
	check               int
	max                 time.Duration
}

const batchLen = 1000

func main() {
	var c config
	var conc string
	flag.StringVar(&c.bin, "bin", "../bin/listscrub", "the listscrub binary")
	flag.StringVar(&c.data, "data", filepath.Join(os.TempDir(), "listscrub-bench"), "the bench data folder (the large data set and the snapshot are cached there)")
	flag.StringVar(&c.redisBin, "redis-server", "redis-server", "the redis-server binary")
	flag.StringVar(&conc, "conc", "1,16,64", "concurrencies of the single-check scenarios")
	flag.IntVar(&c.singles, "singles", 200_000, "measured single checks per concurrency (after 5% of warm-up)")
	flag.IntVar(&c.batches, "batches", 400, "measured batches of 1,000 numbers per batch scenario")
	flag.IntVar(&c.batchConc, "batch-conc", 4, "concurrency of the batch scenarios")
	flag.IntVar(&c.samples, "samples", 100_000, "phone fields taken from the prospect file (cycled through)")
	flag.IntVar(&c.check, "check", 5000, "numbers both targets answer before the timed runs, compared")
	flag.DurationVar(&c.max, "max", 20*time.Second, "wall-time cap of each scenario's measured phase")
	floorListen := flag.String("floor-listen", "", "run as the net/http floor server on this loopback address (the bench starts it)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *floorListen != "" {
		if err := serveFloor(ctx, *floorListen); err != nil {
			fmt.Fprintln(os.Stderr, "benchserve:", err)
			os.Exit(1)
		}
		return
	}
	for _, s := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "benchserve: -conc: %q is not a positive number\n", s)
			os.Exit(2)
		}
		c.conc = append(c.conc, n)
	}
	if err := bench(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "benchserve:", err)
		os.Exit(1)
	}
}

// bench prepares the data, starts both servers, cross-checks their answers,
// runs the scenarios and prints the table.
func bench(ctx context.Context, c config) error {
	if c.samples < max(c.check, batchLen) {
		return fmt.Errorf("-samples %d is below -check %d or one batch", c.samples, c.check)
	}
	dir := filepath.Join(c.data, "large")
	meta, err := ensureData(dir)
	if err != nil {
		return err
	}
	input, list, _ := gen.Paths(dir)
	snap, err := ensureSnapshot(ctx, c.bin, list, filepath.Join(c.data, "serve"))
	if err != nil {
		return err
	}
	nums, err := sampleNumbers(input, c.samples)
	if err != nil {
		return err
	}
	conns := max(slices.Max(c.conc), c.batchConc)

	logf("starting listscrub serve -r %s ...", snap)
	t := time.Now()
	serveCmd, serveAddr, err := startServe(c.bin, snap, filepath.Join(c.data, "serve"), 100_000)
	if err != nil {
		return err
	}
	defer stopServe(serveCmd)
	sc, err := newServeClient(serveAddr, conns, nums, batchLen)
	if err != nil {
		return err
	}
	if err := sc.ready(ctx, 5*time.Minute); err != nil {
		return fmt.Errorf("%w (log: %s)", err, tail(filepath.Join(c.data, "serve", "serve.log")))
	}
	serveLoad := time.Since(t)
	logf("  ready in %.1fs", serveLoad.Seconds())

	logf("starting %s and loading %d numbers ...", c.redisBin, meta.Registry)
	rs, err := startRedis(ctx, c.redisBin)
	if err != nil {
		return err
	}
	defer rs.stop()
	norm, err := normalize.New("FR")
	if err != nil {
		return err
	}
	rc, err := newRedisChecker(rs.addr, conns, norm, nums, batchLen)
	if err != nil {
		return err
	}
	defer rc.close()
	t = time.Now()
	if _, err := rc.load(ctx, list); err != nil {
		return err
	}
	if n, err := rc.c.SCard(ctx, redisKey).Result(); err != nil || n != int64(meta.Registry) {
		return fmt.Errorf("redis set holds %d numbers, want %d (%v)", n, meta.Registry, err)
	}
	redisLoad := time.Since(t)
	logf("  loaded in %.1fs", redisLoad.Seconds())

	tally, err := crossCheck(ctx, sc, rc, nums[:c.check])
	if err != nil {
		return err
	}
	logf("cross-check: both answer the same for %d numbers (%s)", c.check, tally)

	servePID, redisPID := serveCmd.Process.Pid, rs.cmd.Process.Pid
	tb := &table{serveLoad: serveLoad, redisLoad: redisLoad, tally: tally}
	if fi, err := os.Stat(snap); err == nil {
		tb.snapBytes = fi.Size()
	}
	if tb.serveMem, err = readMemory(servePID); err != nil {
		return err
	}
	if tb.redisMem, err = readMemory(redisPID); err != nil {
		return err
	}
	load0, _ := os.ReadFile("/proc/loadavg")
	for _, n := range c.conc {
		l := limits{conc: n, count: c.singles, warmup: c.singles / 20, max: c.max}
		name := fmt.Sprintf("single, concurrency %d", n)
		if err := tb.measure(ctx, name, "listscrub serve", servePID, l, sc.single); err != nil {
			return err
		}
		if err := tb.measure(ctx, name, "Redis SISMEMBER", redisPID, l, rc.single); err != nil {
			return err
		}
	}
	// The floor: net/http alone, at the highest concurrency.
	floorCmd, floorAddr, err := startFloor()
	if err != nil {
		return err
	}
	defer stopProcess(floorCmd, 5*time.Second)
	fc, err := newServeClient(floorAddr, conns, nums, batchLen)
	if err != nil {
		return err
	}
	if err := fc.ready(ctx, 30*time.Second); err != nil {
		return fmt.Errorf("floor server: %w", err)
	}
	top := slices.Max(c.conc)
	lf := limits{conc: top, count: c.singles, warmup: c.singles / 20, max: c.max}
	if err := tb.measure(ctx, fmt.Sprintf("single, concurrency %d", top), "net/http floor", floorCmd.Process.Pid, lf, fc.single); err != nil {
		return err
	}
	stopProcess(floorCmd, 5*time.Second)

	lb := limits{conc: c.batchConc, count: c.batches, warmup: max(c.batches/20, 1), max: c.max}
	bname := fmt.Sprintf("batch of %d, concurrency %d", batchLen, c.batchConc)
	if err := tb.measure(ctx, bname, "listscrub serve text/plain", servePID, lb, sc.batchText); err != nil {
		return err
	}
	if err := tb.measure(ctx, bname, "listscrub serve JSON", servePID, lb, sc.batchJSON); err != nil {
		return err
	}
	if err := tb.measure(ctx, bname, "Redis pipeline", redisPID, lb, rc.batch); err != nil {
		return err
	}
	load1, _ := os.ReadFile("/proc/loadavg")
	tb.print(os.Stdout, c, runtime.NumCPU(), strings.TrimSpace(string(load0)), strings.TrimSpace(string(load1)))
	return nil
}

// crossCheck has both targets answer nums and returns how many were clean,
// blocked and invalid, or an error at the first disagreement (by position,
// never the number: numbers stay out of logs).
func crossCheck(ctx context.Context, sc *serveClient, rc *redisChecker, nums []string) (string, error) {
	count := map[string]int{}
	for i := 0; i < len(nums); i += batchLen {
		part := nums[i:min(i+batchLen, len(nums))]
		got, err := sc.statuses(ctx, part)
		if err != nil {
			return "", fmt.Errorf("cross-check: %w", err)
		}
		for j, raw := range part {
			want, err := rc.status(ctx, raw)
			if err != nil {
				return "", fmt.Errorf("cross-check: %w", err)
			}
			if got[j] != want {
				return "", fmt.Errorf("cross-check: sample %d: listscrub serve says %s, Redis %s", i+j, got[j], want)
			}
			count[want]++
		}
	}
	return fmt.Sprintf("%d clean, %d blocked, %d invalid", count["clean"], count["blocked"], count["invalid"]), nil
}
