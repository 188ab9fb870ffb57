package registry

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
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
	writeUS(b, p, n)
	us := normalizer(b, "US")
	for b.Loop() {
		s, err := Load(context.Background(), []Spec{{"dnc", p}}, LoadOptions{Normalizer: us})
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteSnapshotFile(filepath.Join(dir, "o.snap"), s, SnapshotMeta{Country: "US"}); err != nil {
			b.Fatal(err)
		}
		_ = s.Checksum()
	}
}
