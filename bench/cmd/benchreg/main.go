// Command benchreg measures registry build and load at scale on generated
// data. It writes N distinct random US numbers as an area-code file, area
// code by area code in random order as the US registry ships them, about
// half the lines "AAA,NNNNNNN" and half ten digits, over the few hundred area
// codes the US normalizer accepts, to a temporary folder. Then it runs
//
//   - `listscrub registry build` (wall time, CPU time, peak RSS),
//   - the snapshot's size and bytes per number,
//   - `listscrub registry info` twice (load + verify; the second, from the
//     page cache, is reported),
//   - a scrub of a prospect file of -rows rows and of a 1-row file (start-up:
//     load + verify) against the snapshot, with their peak RSS,
//
// and prints one table, with the goals of issue #3 where there is one. Wall
// time and peak RSS come from wait4's rusage; no external tool is needed.
// The folder is removed afterwards, also on Ctrl-C.
//
//	go run ./cmd/benchreg -bin ../bin/listscrub -n 10000000
//	go run ./cmd/benchreg -bin ../bin/listscrub -n 250000000 -lock /tmp/listscrub-bench.lock
//
// With -lock, every measured run holds an exclusive flock on that file, so
// that timed runs of several people on one machine do not overlap; data
// generation does not hold it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

func main() {
	bin := flag.String("bin", "../bin/listscrub", "listscrub binary")
	n := flag.Int("n", 10_000_000, "numbers in the generated registry")
	rows := flag.Int("rows", 1_000_000, "rows in the generated prospect file")
	keep := flag.Bool("keep", false, "keep the temporary folder")
	lock := flag.String("lock", "", "hold an exclusive flock on this file during each measured run")
	dir := flag.String("dir", "", "parent of the temporary folder (default: the system's)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b := &bench{n: *n, rows: *rows, lock: *lock}
	if err := b.run(ctx, *bin, *dir, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "benchreg:", err)
		os.Exit(1)
	}
}

// bench is one benchmark run.
type bench struct {
	n, rows int
	lock    string
	dir     string
	bin     string
}

// result is one measured run.
type result struct {
	wall, cpu time.Duration
	rss       int64
}

func (b *bench) run(ctx context.Context, bin, parent string, keep bool) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	b.bin = bin
	b.dir, err = os.MkdirTemp(parent, "benchreg-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(b.dir)
	}
	src := filepath.Join(b.dir, "dnc.txt")
	pros := filepath.Join(b.dir, "prospects.csv")
	t0 := time.Now()
	areas, err := usAreas()
	if err != nil {
		return err
	}
	sample, err := generate(ctx, src, b.n, areas)
	if err != nil {
		return err
	}
	if err := prospects(pros, b.rows, sample); err != nil {
		return err
	}
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	fmt.Printf("generated %d numbers over %d area codes (%.0f MiB of text) and %d prospect rows in %s\n\n",
		b.n, len(areas), float64(st.Size())/(1<<20), b.rows, time.Since(t0).Round(time.Millisecond))

	fmt.Printf("| N | step | wall | CPU | peak RSS | goal |\n|---|---|---|---|---|---|\n")
	row := func(step string, r result, goal string) {
		fmt.Printf("| %s | %s | %.2f s | %.2f s | %d MiB | %s |\n", human(b.n), step, r.wall.Seconds(), r.cpu.Seconds(), r.rss>>20, goal)
	}
	snap := filepath.Join(b.dir, "dnc.snap")
	r, err := b.measure(ctx, "registry", "build", "--country", "US", "-o", snap, "dnc="+src)
	if err != nil {
		return err
	}
	row("registry build", r, b.buildGoal(r))
	st, err = os.Stat(snap)
	if err != nil {
		return err
	}
	snapSize := st.Size()
	fmt.Printf("| %s | snapshot size | %.0f MiB (%.2f bytes/number) | | | |\n", human(b.n), float64(snapSize)/(1<<20), float64(snapSize)/float64(b.n))
	exact, err := b.exactSetBytes(ctx, snap)
	if err != nil {
		return err
	}
	perNumber := float64(exact) / float64(b.n)
	setGoal := "≤ 3 bytes/number: met"
	if perNumber > 3 {
		setGoal = "≤ 3 bytes/number: missed"
	}
	fmt.Printf("| %s | exact set (without the bloom filter) | %.0f MiB (%.2f bytes/number) | | | %s |\n", human(b.n), float64(exact)/(1<<20), perNumber, setGoal)
	// Load + verify, twice: the first read may come from disk, the second from the page cache.
	for range 2 {
		if r, err = b.measure(ctx, "registry", "info", snap); err != nil {
			return err
		}
	}
	row("registry info (load + verify, warm cache)", r, b.loadGoal(r))
	stats := filepath.Join(b.dir, "s.json")
	scrub := func(file string) (result, error) {
		return b.measure(ctx, "scrub", "--country", "US", "-r", snap, "-j", "2", "-o", os.DevNull, "--stats", stats, "--", file)
	}
	if r, err = scrub(pros); err != nil {
		return err
	}
	row(fmt.Sprintf("scrub %s rows (load + verify + scrub)", human(b.rows)), r, rssGoal(r, snapSize))
	if r, err = scrub(filepath.Join(b.dir, "tiny.csv")); err != nil {
		return err
	}
	goal := rssGoal(r, snapSize)
	if g := b.loadGoal(r); g != "" {
		goal = g + "; " + goal
	}
	row("scrub 1 row (start-up: load + verify)", r, goal)
	return nil
}

// buildGoal checks a build against issue #3: 10M in 5 s, 250M in 120 s
// within 6 GiB.
func (b *bench) buildGoal(r result) string {
	switch {
	case b.n <= 10_000_000:
		return verdict("≤ 5 s", r.wall <= 5*time.Second)
	case b.n >= 250_000_000:
		return verdict("≤ 120 s, ≤ 6 GiB", r.wall <= 120*time.Second && r.rss <= 6<<30)
	}
	return ""
}

// loadGoal checks load + verify of a national snapshot: 1 s.
func (b *bench) loadGoal(r result) string {
	if b.n < 250_000_000 {
		return ""
	}
	return verdict("≤ 1 s", r.wall <= time.Second)
}

// rssGoal checks a scrub's peak RSS: the snapshot's size and 100 MiB.
func rssGoal(r result, snapSize int64) string {
	return verdict(fmt.Sprintf("RSS ≤ %d MiB", (snapSize+100<<20)>>20), r.rss <= snapSize+100<<20)
}

func verdict(goal string, ok bool) string {
	if ok {
		return goal + ": met"
	}
	return goal + ": MISSED"
}

func human(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// measure runs the binary with args in the folder, holding the lock, and
// returns its wall time, CPU time (user + system) and peak RSS.
func (b *bench) measure(ctx context.Context, args ...string) (result, error) {
	if b.lock != "" {
		f, err := os.OpenFile(b.lock, os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			return result{}, fmt.Errorf("lock: %w", err)
		}
		defer f.Close()
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			return result{}, fmt.Errorf("lock %s: %w", b.lock, err)
		}
		defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Dir = b.dir
	var errOut strings.Builder
	cmd.Stderr = &errOut
	t := time.Now()
	err := cmd.Run()
	wall := time.Since(t)
	if err != nil {
		return result{}, fmt.Errorf("%s %v: %w\n%s", b.bin, args, err, errOut.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return result{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss: ru.Maxrss << 10}, nil
}

// exactSetBytes returns the size of snap's exact set, as registry info
// --json reports it.
func (b *bench) exactSetBytes(ctx context.Context, snap string) (int64, error) {
	out, err := exec.CommandContext(ctx, b.bin, "registry", "info", "--json", snap).Output()
	if err != nil {
		return 0, fmt.Errorf("registry info %s: %w", snap, err)
	}
	var info struct {
		ExactSetBytes int64 `json:"exact_set_bytes"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return 0, fmt.Errorf("registry info %s: %w", snap, err)
	}
	return info.ExactSetBytes, nil
}

// usAreas returns the area codes 200-999 whose numbers the US normalizer
// accepts (an exchange 234 and line 5678 stand for all), so that prospects
// of these areas are valid numbers, as real ones are.
func usAreas() ([]int, error) {
	us, err := normalize.New("US")
	if err != nil {
		return nil, err
	}
	var areas []int
	for a := 200; a <= 999; a++ {
		if us.Normalize([]byte(strconv.Itoa(a) + "2345678")).Valid() {
			areas = append(areas, a)
		}
	}
	if len(areas) == 0 {
		return nil, errors.New("the US normalizer accepts no area code")
	}
	return areas, nil
}

// generate writes n distinct US numbers, area code by area code in random
// order, each area's numbers ascending (exchanges 200-999), about half the
// lines "AAA,NNNNNNN" and half ten digits (the first line has the comma, so
// that the file is read as an area-code file), and returns a few of them.
func generate(ctx context.Context, path string, n int, areas []int) ([]string, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(areas), func(i, j int) { areas[i], areas[j] = areas[j], areas[i] })
	perArea := n / len(areas)
	const space = 800 * 10_000 // NXX 200..999, line 0000..9999
	if perArea+n%len(areas) > space {
		f.Close()
		return nil, fmt.Errorf("%d numbers do not fit in %d area codes", n, len(areas))
	}
	var sample []string
	written := 0
	buf := make([]byte, 0, 16)
	for i, a := range areas {
		if err := ctx.Err(); err != nil {
			f.Close()
			return nil, err
		}
		want := perArea
		if i == len(areas)-1 {
			want = n - written
		}
		gap := space / (want + 1)
		pos := -1
		for j := range want {
			pos += 1 + r.IntN(2*gap-1)
			if pos > space-(want-j) {
				pos = space - (want - j)
			}
			nxx, line := 200+pos/10_000, pos%10_000
			buf = strconv.AppendInt(buf[:0], int64(a), 10)
			if written+j == 0 || r.IntN(2) == 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendInt(buf, int64(nxx), 10)
			buf = append(buf, byte('0'+line/1000), byte('0'+line/100%10), byte('0'+line/10%10), byte('0'+line%10), '\n')
			w.Write(buf)
			if r.IntN(1000) == 0 && len(sample) < 100_000 {
				digits := strings.Replace(string(buf[:len(buf)-1]), ",", "", 1)
				sample = append(sample, digits)
			}
		}
		written += want
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return sample, f.Close()
}

// prospects writes rows prospect rows, one in ten a registered number, and
// tiny.csv, one row.
func prospects(path string, rows int, registered []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(3, 4))
	fmt.Fprintln(w, "id,phone")
	for i := range rows {
		if r.IntN(10) == 0 && len(registered) > 0 {
			fmt.Fprintf(w, "%d,%s\n", i, registered[r.IntN(len(registered))])
		} else {
			// A number of a registered area code (so valid, like real
			// prospects), an exchange 200-999 and four digits.
			area := "201"
			if len(registered) > 0 {
				area = registered[r.IntN(len(registered))][:3]
			}
			fmt.Fprintf(w, "%d,%s%d%04d\n", i, area, 200+r.IntN(800), r.IntN(10_000))
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(filepath.Dir(path), "tiny.csv"), []byte("id,phone\n1,2015550123\n"), 0o644)
}
