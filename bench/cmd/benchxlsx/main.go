// Command benchxlsx is `make bench-xlsx`: listscrub scrubbing a
// 1,000,000-row workbook (the French bench file's columns, written by
// excelize's StreamWriter) against a 10M-number list, beside Python's
// pandas.read_excel (openpyxl) merely reading the same workbook, in one run.
// Each row is one process timed by /usr/bin/time -v (wall seconds, CPU,
// peak RSS). The goals of issue #15: listscrub's whole scrub faster than
// pandas reading, and its peak RSS under 300 MiB.
//
//	go run ./cmd/benchxlsx -data /tmp/listscrub-bench -listscrub ../bin/listscrub
//
// A row that fails (a tool missing, listscrub without workbook input yet)
// is printed as failed and the others run; the exit status is then 1.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/listscrub/listscrub/bench/internal/gen"
)

// Issue #15's goals.
const (
	rssGoalMiB = 300
)

type config struct {
	data, listscrub, scripts string
	rows, list               int
}

func main() {
	var c config
	flag.StringVar(&c.data, "data", filepath.Join(os.TempDir(), "listscrub-bench"), "directory for the generated data (reused while current)")
	flag.StringVar(&c.listscrub, "listscrub", "../bin/listscrub", "the listscrub binary")
	flag.StringVar(&c.scripts, "scripts", "scripts", "directory holding read_excel.py")
	flag.IntVar(&c.rows, "rows", 1_000_000, "rows of the workbook")
	flag.IntVar(&c.list, "list", 10_000_000, "numbers of the do-not-call list")
	flag.Parse()
	if err := run(c); err != nil {
		if !errors.Is(err, errFailed) {
			fmt.Fprintf(os.Stderr, "benchxlsx: %v\n", err)
		}
		os.Exit(1)
	}
}

// errFailed is run's error when a row failed or missed its check; the table
// says which.
var errFailed = errors.New("a row failed")

// row is one line of the table: a process to time and what to check of it.
type row struct {
	name  string
	argv  []string
	check func(stdout string) (string, error) // the row's check column, or why it failed
	// results
	wall, cpu float64
	rssKiB    int64
	checked   string
	err       error
}

func run(c config) error {
	dir := filepath.Join(c.data, fmt.Sprintf("xlsx-%d-%d", c.rows, c.list))
	meta, err := ensureData(dir, c.rows, c.list)
	if err != nil {
		return err
	}
	book := gen.WorkbookPath(dir)
	_, list, _ := gen.Paths(dir)
	out := filepath.Join(dir, "out")
	os.RemoveAll(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	o := func(name string) string { return filepath.Join(out, name) }
	kept := func(stats string) func(string) (string, error) {
		return func(string) (string, error) { return checkKept(stats, meta.Kept) }
	}
	rows := []*row{
		{name: "pandas.read_excel(engine=\"openpyxl\"), reading only", argv: []string{"/usr/bin/python3", filepath.Join(c.scripts, "read_excel.py"), book},
			check: func(stdout string) (string, error) {
				n, err := strconv.Atoi(strings.TrimSpace(stdout))
				if err != nil || n != meta.Rows {
					return "", fmt.Errorf("read %q rows, want %d", strings.TrimSpace(stdout), meta.Rows)
				}
				return fmt.Sprintf("%d rows read ✓", n), nil
			}},
		{name: "listscrub scrub, workbook in, CSV out", argv: []string{c.listscrub, "scrub", "-r", "bloctel=" + list, "--stats", o("csv.json"), "-o", o("clean.csv"), book},
			check: kept(o("csv.json"))},
		{name: "listscrub scrub, workbook in, workbooks out (clean + blocked)", argv: []string{c.listscrub, "scrub", "-r", "bloctel=" + list, "--stats", o("xlsx.json"), "-o", o("clean.xlsx"), "--blocked", o("blocked.xlsx"), book},
			check: kept(o("xlsx.json"))},
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return fmt.Errorf("/usr/bin/time is needed (apt-get install time)")
	}
	for _, r := range rows {
		fmt.Fprintf(os.Stderr, "running %s ...\n", r.name)
		var stdout string
		r.wall, r.cpu, r.rssKiB, stdout, r.err = timed(r.argv)
		if r.err == nil {
			r.checked, r.err = r.check(stdout)
		}
		if r.err != nil {
			fmt.Fprintf(os.Stderr, "  failed: %v\n", r.err)
		} else {
			fmt.Fprintf(os.Stderr, "  %.2f s, %.0f MiB\n", r.wall, float64(r.rssKiB)/1024)
		}
	}
	fi, _ := os.Stat(book)
	return printTable(rows, meta, fi.Size())
}

// ensureData returns the data set in dir (the CSV and the list of
// bench/internal/gen, then the workbook made from the CSV), generating what
// is missing or stale, timed.
func ensureData(dir string, rows, list int) (*gen.Meta, error) {
	meta, err := gen.ReadMeta(dir, rows, list)
	if err != nil {
		fmt.Fprintf(os.Stderr, "generating %d rows and a %d-number list in %s ...\n", rows, list, dir)
		t := time.Now()
		if meta, err = gen.Generate(dir, rows, list); err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		fmt.Fprintf(os.Stderr, "  done in %.1fs\n", time.Since(t).Seconds())
	}
	if !gen.WorkbookCurrent(dir, meta) {
		fmt.Fprintf(os.Stderr, "writing %s with excelize's StreamWriter ...\n", gen.WorkbookPath(dir))
		t := time.Now()
		if err := gen.Workbook(dir, meta); err != nil {
			return nil, fmt.Errorf("generate the workbook: %w", err)
		}
		fmt.Fprintf(os.Stderr, "  done in %.1fs\n", time.Since(t).Seconds())
	}
	return meta, nil
}

// checkKept reads a listscrub stats file and checks its clean rows against
// the generator's model.
func checkKept(path string, want int) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var st struct {
		RowsClean int64 `json:"rows_clean"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if st.RowsClean != int64(want) {
		return "", fmt.Errorf("kept %d rows, want %d", st.RowsClean, want)
	}
	return fmt.Sprintf("%d rows kept ✓", st.RowsClean), nil
}

// timed runs argv under /usr/bin/time -v and returns its wall time, CPU
// time (user + system), peak RSS (KiB) and standard output.
func timed(argv []string) (wall, cpu float64, rssKiB int64, stdout string, err error) {
	tf, err := os.CreateTemp("", "benchxlsx-time")
	if err != nil {
		return 0, 0, 0, "", err
	}
	tf.Close()
	defer os.Remove(tf.Name())
	cmd := exec.Command("/usr/bin/time", append([]string{"-v", "-o", tf.Name()}, argv...)...)
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err = cmd.Run()
	if err != nil {
		return 0, 0, 0, "", fmt.Errorf("%v: %s", err, lastLine(se.String()))
	}
	b, err := os.ReadFile(tf.Name())
	if err != nil {
		return 0, 0, 0, "", err
	}
	wall, cpu, rssKiB, err = parseTimeV(string(b))
	return wall, cpu, rssKiB, so.String(), err
}

// parseTimeV reads GNU time -v's report.
func parseTimeV(s string) (wall, cpu float64, rssKiB int64, err error) {
	found := 0
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok {
			continue
		}
		switch {
		case k == "User time (seconds)" || k == "System time (seconds)":
			f, _ := strconv.ParseFloat(v, 64)
			cpu += f
			found++
		case strings.HasPrefix(k, "Elapsed (wall clock) time"):
			// h:mm:ss or m:ss.cc
			for _, part := range strings.Split(v, ":") {
				f, _ := strconv.ParseFloat(part, 64)
				wall = wall*60 + f
			}
			found++
		case k == "Maximum resident set size (kbytes)":
			rssKiB, _ = strconv.ParseInt(v, 10, 64)
			found++
		}
	}
	if found != 4 {
		return 0, 0, 0, fmt.Errorf("/usr/bin/time -v report without its figures: %q", lastLine(s))
	}
	return wall, cpu, rssKiB, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// printTable prints the Markdown table and the goals' verdicts; it returns
// errFailed when a row failed.
func printTable(rows []*row, meta *gen.Meta, bookBytes int64) error {
	fmt.Printf("\n%d-row workbook (%.1f MB, written by excelize's StreamWriter) against a %d-number list\n\n", meta.Rows, float64(bookBytes)/1e6, meta.Registry)
	fmt.Println("| run | wall s | CPU s | peak RSS MiB | rows/s | × pandas' read | check |")
	fmt.Println("|---|--:|--:|--:|--:|--:|---|")
	pandas := rows[0]
	failed := false
	for _, r := range rows {
		if r.err != nil {
			failed = true
			fmt.Printf("| %s | failed: %s | | | | | |\n", r.name, strings.ReplaceAll(r.err.Error(), "|", "/"))
			continue
		}
		ratio := ""
		if pandas.err == nil && pandas.wall > 0 {
			ratio = fmt.Sprintf("%.2f", r.wall/pandas.wall)
		}
		fmt.Printf("| %s | %.2f | %.2f | %.0f | %.0f | %s | %s |\n", r.name, r.wall, r.cpu, float64(r.rssKiB)/1024, float64(meta.Rows)/r.wall, ratio, r.checked)
	}
	fmt.Println()
	for _, r := range rows[1:] {
		if r.err != nil || pandas.err != nil {
			continue
		}
		fmt.Printf("- %s: %s than pandas reading (%.2f s vs %.2f s) %s; peak RSS %.0f MiB %s %d MiB %s\n", r.name,
			map[bool]string{true: "faster", false: "slower"}[r.wall < pandas.wall], r.wall, pandas.wall, verdict(r.wall < pandas.wall),
			float64(r.rssKiB)/1024, map[bool]string{true: "<", false: "≥"}[r.rssKiB < rssGoalMiB*1024], rssGoalMiB, verdict(r.rssKiB < rssGoalMiB*1024))
	}
	fmt.Println("\nwall = elapsed time of the whole process (registry load, workbook read, outputs written); CPU = user + system; one run each, by /usr/bin/time -v.")
	if failed {
		fmt.Println("\nFAIL: a row failed")
		return errFailed
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}
