// Command benchreg measures registry build and load at scale on generated
// data: it writes N random US numbers as an area-code file ("AAA,NNNNNNN",
// area codes in random order, as the US registry ships them) to a temporary
// folder, runs `listscrub registry build`, `registry info` (load + verify the
// snapshot) and a scrub of a small prospect file (start-up + scrub), with and
// without the bloom filter, and prints wall time and peak RSS of each run
// (from wait4's rusage, no external tool needed). The folder is removed
// afterwards.
//
//	go run ./registry/benchreg -bin bin/listscrub -n 10000000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/listscrub", "listscrub binary")
	n := flag.Int("n", 10_000_000, "numbers in the generated registry")
	rows := flag.Int("rows", 1_000_000, "rows in the generated prospect file")
	keep := flag.Bool("keep", false, "keep the temporary folder")
	flag.Parse()
	if err := run(*bin, *n, *rows, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "benchreg:", err)
		os.Exit(1)
	}
}

func run(bin string, n, rows int, keep bool) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "benchreg-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	src := filepath.Join(dir, "dnc.txt")
	pros := filepath.Join(dir, "prospects.csv")
	t0 := time.Now()
	sample, err := generate(src, n)
	if err != nil {
		return err
	}
	if err := prospects(pros, rows, sample); err != nil {
		return err
	}
	st, _ := os.Stat(src)
	fmt.Printf("generated %d numbers (%.0f MiB of text) and %d prospect rows in %s\n\n",
		n, float64(st.Size())/(1<<20), rows, time.Since(t0).Round(time.Millisecond))

	snap := filepath.Join(dir, "dnc.snap")
	fmt.Printf("| N | step | wall | peak RSS |\n|---|---|---|---|\n")
	report := func(step string, wall time.Duration, rss int64) {
		fmt.Printf("| %s | %s | %.2f s | %d MiB |\n", human(n), step, wall.Seconds(), rss>>20)
	}
	wall, rss, err := measure(dir, bin, "registry", "build", "--country", "US", "-o", snap, "dnc="+src)
	if err != nil {
		return err
	}
	report("registry build", wall, rss)
	if st, err := os.Stat(snap); err == nil {
		fmt.Printf("| %s | snapshot size | %.0f MiB (%.2f bytes/number) | |\n", human(n), float64(st.Size())/(1<<20), float64(st.Size())/float64(n))
	}
	// Load + verify, twice: the first read may come from disk, the second from the page cache.
	for i := range 2 {
		wall, rss, err = measure(dir, bin, "registry", "info", snap)
		if err != nil {
			return err
		}
		if i == 1 {
			report("registry info (load + verify, warm cache)", wall, rss)
		}
	}
	wall, rss, err = measure(dir, bin, "scrub", "--country", "US", "-r", snap, "-j", "2", "-o", os.DevNull, "--stats", filepath.Join(dir, "s.json"), "--", pros)
	if err != nil {
		return err
	}
	report(fmt.Sprintf("scrub %s rows (load + verify + scrub)", human(rows)), wall, rss)
	wall, rss, err = measure(dir, bin, "scrub", "--country", "US", "-r", snap, "-j", "2", "-o", os.DevNull, "--stats", filepath.Join(dir, "s.json"), "--", filepath.Join(dir, "tiny.csv"))
	if err != nil {
		return err
	}
	report("scrub 1 row (start-up: load + verify)", wall, rss)
	return nil
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

// measure runs bin with args in dir and returns its wall time and peak RSS.
func measure(dir, bin string, args ...string) (time.Duration, int64, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout = nil
	errOut, _ := os.Create(filepath.Join(dir, "stderr.txt"))
	defer errOut.Close()
	cmd.Stderr = errOut
	t := time.Now()
	err := cmd.Run()
	wall := time.Since(t)
	if err != nil {
		msg, _ := os.ReadFile(filepath.Join(dir, "stderr.txt"))
		return 0, 0, fmt.Errorf("%s %v: %v\n%s", bin, args, err, msg)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return wall, ru.Maxrss << 10, nil
}

// generate writes n distinct US numbers, area code by area code in random
// order, each area's numbers ascending, and returns a few of them.
func generate(path string, n int) ([]string, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	areas := r.Perm(800) // NPA 200..999
	perArea := n / len(areas)
	space := 800 * 10_000 // NXX 200..999, line 0000..9999
	var sample []string
	written := 0
	buf := make([]byte, 0, 16)
	for i, a := range areas {
		want := perArea
		if i == len(areas)-1 {
			want = n - written
		}
		gap := space / (want + 1)
		pos := 0
		for j := range want {
			pos += 1 + r.IntN(2*gap-1)
			if pos >= space-(want-j) {
				pos = space - (want - j)
			}
			nxx, line := 200+pos/10_000, pos%10_000
			buf = strconv.AppendInt(buf[:0], int64(200+a), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(nxx), 10)
			buf = append(buf, byte('0'+line/1000), byte('0'+line/100%10), byte('0'+line/10%10), byte('0'+line%10), '\n')
			w.Write(buf)
			if r.IntN(1000) == 0 && len(sample) < 100_000 {
				sample = append(sample, string(buf[:3])+string(buf[4:len(buf)-1]))
			}
		}
		written += want
	}
	return sample, w.Flush()
}

// prospects writes rows prospect rows, one in ten a registered number.
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
