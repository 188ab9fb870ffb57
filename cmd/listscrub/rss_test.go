package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkScrubRSS scrubs generated files of 2 and 20 million rows (French
// Excel style, two phone columns, about 30% registered) against 100,000
// registered numbers in a child process, and reports its peak RSS: it must
// not grow with the row count. With --dedupe (6.35M rows, about 6.2M
// distinct numbers) it grows by the set of numbers seen: at most 32 bytes
// a number at the peak of the last doubling (see scrub.keySet). Run it with `make bench-rss`; the 20M file
// (about 1.3 GB) is written to a temporary folder and removed after.
func BenchmarkScrubRSS(b *testing.B) {
	if os.Getenv("LISTSCRUB_BENCH_RSS") == "" {
		b.Skip("writes a 1.3 GB file: run with LISTSCRUB_BENCH_RSS=1 (make bench-rss)")
	}
	dir := b.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	reg := filepath.Join(dir, "reg.txt")
	registered := make([]int, 100_000)
	{
		f, _ := os.Create(reg)
		w := bufio.NewWriter(f)
		for i := range registered {
			registered[i] = r.IntN(100_000_000)
			fmt.Fprintf(w, "+336%08d\n", registered[i])
		}
		w.Flush()
		f.Close()
	}
	for _, c := range []struct {
		rows   int
		dedupe bool
	}{{2_000_000, false}, {20_000_000, false}, {6_350_000, true}} {
		rows, name := c.rows, fmt.Sprintf("rows=%dM", c.rows/1_000_000)
		if c.dedupe {
			name = fmt.Sprintf("rows=%.2fM/dedupe", float64(c.rows)/1e6)
		}
		b.Run(name, func(b *testing.B) {
			input := filepath.Join(dir, "prospects.csv")
			f, err := os.Create(input)
			if err != nil {
				b.Fatal(err)
			}
			w := bufio.NewWriterSize(f, 1<<20)
			w.WriteString("Civilité;Nom;Prénom;Ville;Tél. fixe;Portable;Email\r\n")
			for i := range rows {
				m := r.IntN(100_000_000)
				if r.IntN(10) < 3 {
					m = registered[r.IntN(len(registered))]
				}
				fmt.Fprintf(w, "M.;Martin;Jean;Paris;;06 %02d %02d %02d %02d;jean%d@example.fr\r\n",
					m/1000000, m/10000%100, m/100%100, m%100, i)
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
			f.Close()
			defer os.Remove(input)
			for b.Loop() {
				args := []string{"scrub", "-r", reg, "-o", filepath.Join(dir, "clean.csv"),
					"--blocked", filepath.Join(dir, "blocked.csv"), "--stats", filepath.Join(dir, "s.json"), input}
				if c.dedupe {
					args = append(args, "--dedupe")
				}
				cmd := listscrub(args...)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
