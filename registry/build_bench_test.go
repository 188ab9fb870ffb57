package registry

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// writeUS writes n random US numbers as "AAA,NNNNNNN" lines (half of them)
// and 10-digit lines (the other half), in random order.
func writeUS(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(8, 8))
	buf := make([]byte, 0, 16)
	for i := range n {
		a := 200 + r.IntN(800)
		x := 2_000_000 + r.IntN(8_000_000)
		buf = strconv.AppendInt(buf[:0], int64(a), 10)
		if i%2 == 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(x), 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkBuildUS(b *testing.B) {
	n := 10_000_000
	if s := os.Getenv("LISTSCRUB_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	p := filepath.Join(dir, "dnc.txt")
	if f := os.Getenv("LISTSCRUB_BENCH_FILE"); f != "" {
		p = f // an existing file, as bench/cmd/benchreg -keep leaves it
	} else {
		writeUS(b, p, n)
	}
	us := normalizer(b, "US")
	for b.Loop() {
		s, err := Load(context.Background(), []Spec{{Label: "dnc", Path: p}}, LoadOptions{Normalizer: us})
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteSnapshotFile(filepath.Join(dir, "o.snap"), s, SnapshotMeta{Country: "US"}); err != nil {
			b.Fatal(err)
		}
		_ = s.Checksum()
	}
}

// BenchmarkReadUS measures the stages of a raw source's read that this
// package's build owns, on generated US lines (LISTSCRUB_BENCH_N, default
// 10M) or an existing file (LISTSCRUB_BENCH_FILE, as bench/cmd/benchreg -keep leaves
// one): parse (reading, hashing, normalizing into key blocks) and sort
// (radix sort and dedup into one array), with the process's peak RSS.
func BenchmarkReadUS(b *testing.B) {
	n := 10_000_000
	if s := os.Getenv("LISTSCRUB_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	p := os.Getenv("LISTSCRUB_BENCH_FILE")
	if p == "" {
		p = filepath.Join(b.TempDir(), "dnc.txt")
		writeUS(b, p, n)
	}
	us := normalizer(b, "US")
	var parse, total time.Duration
	timed := func(tp *textParser, ctx context.Context, lr *lineReader, lf lineFormat) error {
		t := time.Now()
		err := tp.parseRest(ctx, lr, lf)
		parse += time.Since(t)
		return err
	}
	keys := 0
	for b.Loop() {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		st, _ := f.Stat()
		sd, err := readTextWith(context.Background(), bufio.NewReaderSize(f, 1<<20), p, st.Size(), LoadOptions{Normalizer: us}, timed)
		total += time.Since(t)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		keys = len(sd.keys)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(parse.Seconds()/float64(b.N), "parse-s/op")
	b.ReportMetric((total-parse).Seconds()/float64(b.N), "sort-s/op")
	b.ReportMetric(float64(ru.Maxrss)/(1<<10), "peak-RSS-MiB")
	b.ReportMetric(float64(keys), "keys")
}
