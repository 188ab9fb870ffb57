package registry

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// genKeys returns n distinct sorted French-mobile-like keys (+336/+337...).
func genKeys(n int, seed uint64) []uint64 {
	r := rand.New(rand.NewPCG(seed, 1))
	keys := make([]uint64, 0, n+n/8)
	for len(keys) < n {
		for len(keys) < cap(keys) {
			keys = append(keys, 33600000000+r.Uint64N(200_000_000))
		}
		keys = sortDedup(keys)
	}
	return keys[:n]
}

func benchSet(n int, withBloom bool) *Set {
	keys := genKeys(n, 42)
	s := newSet(keys, nil, 0, []SourceInfo{{Label: "gen"}}, withBloom)
	s.filter()
	return s
}

func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		for _, withBloom := range []bool{true, false} {
			s := benchSet(n, withBloom)
			keys := keysOf(s)
			r := rand.New(rand.NewPCG(7, 7))
			const q = 1 << 16
			hits := make([]normalize.Key, q)
			misses := make([]normalize.Key, 0, q)
			for i := range hits {
				hits[i] = normalize.Key(keys[r.IntN(len(keys))])
			}
			for len(misses) < q {
				k := 33600000000 + r.Uint64N(200_000_000)
				if s.find(k) < 0 {
					misses = append(misses, normalize.Key(k))
				}
			}
			bl := "bloom"
			if !withBloom {
				bl = "nobloom"
			}
			for _, c := range []struct {
				name string
				keys []normalize.Key
				want bool
			}{{"hit", hits, true}, {"miss", misses, false}} {
				b.Run(fmt.Sprintf("n=%dM/%s/%s", n/1_000_000, bl, c.name), func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					lookup := s.Lookup
					if withBloom {
						lookup = func(k normalize.Key) uint64 { return lookupBloomFirst(s, k) }
					}
					for b.Loop() {
						if (lookup(c.keys[i&(q-1)]) != 0) != c.want {
							b.Fatal("wrong answer")
						}
						i++
					}
				})
			}
		}
	}
}

// writeList writes n generated numbers in national French format, one a line.
func writeList(b testing.TB, dir string, n int) string {
	p := filepath.Join(dir, "gen.txt")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("numero\n")
	r := rand.New(rand.NewPCG(3, 3))
	for range n {
		fmt.Fprintf(w, "06%08d\n", r.IntN(100_000_000))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return p
}

func BenchmarkLoadRaw(b *testing.B) {
	p := writeList(b, b.TempDir(), 1_000_000)
	fr := normalizer(b, "FR")
	b.ReportAllocs()
	for b.Loop() {
		s, err := Load(context.Background(), []Spec{{Label: "gen", Path: p}}, LoadOptions{Normalizer: fr, Strict: true})
		if err != nil {
			b.Fatal(err)
		}
		if s.Sources()[0].Lines != 1_000_000 {
			b.Fatal("lines")
		}
	}
}

func BenchmarkLoadRawNANP(b *testing.B) {
	p := filepath.Join(b.TempDir(), "dnc.txt")
	f, _ := os.Create(p)
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(4, 4))
	for range 1_000_000 {
		fmt.Fprintf(w, "%03d,%07d\n", 200+r.IntN(800), r.IntN(10_000_000))
	}
	w.Flush()
	f.Close()
	us := normalizer(b, "US")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(context.Background(), []Spec{{Label: "dnc", Path: p}}, LoadOptions{Normalizer: us, Strict: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapshotLoad(b *testing.B) {
	s := benchSet(1_000_000, true)
	p := filepath.Join(b.TempDir(), "gen.snap")
	if err := WriteSnapshotFile(p, s, SnapshotMeta{Country: "FR"}); err != nil {
		b.Fatal(err)
	}
	fr := normalizer(b, "FR")
	b.ReportAllocs()
	for b.Loop() {
		l, err := Load(context.Background(), []Spec{{Label: "gen", Path: p}}, LoadOptions{Normalizer: fr})
		if err != nil {
			b.Fatal(err)
		}
		if l.Len() != s.Len() {
			b.Fatal("len")
		}
	}
}

// TestBytesPerNumber measures the heap a Set of 1.5M numbers from two sources
// keeps: at most 6 bytes per number (packed keys about 2.5, one mask byte,
// bloom filter 1.2).
func TestBytesPerNumber(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 1_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a := genKeys(n*3/4, 1)
	bk := genKeys(n*3/4, 2)
	keys, masks, width := mergeSources([][]uint64{a, bk})
	s := newSet(keys, masks, width, []SourceInfo{{Label: "a"}, {Label: "b"}}, true)
	a, bk = nil, nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / float64(s.Len())
	t.Logf("%d numbers, %.2f bytes per number (bloom %d bits, index %d buckets)", s.Len(), per, s.Bloom().Bits, len(s.p.index))
	if per > 6 {
		t.Fatalf("%.2f bytes per number, want <= 6", per)
	}
	if s.Bloom().FPRate > BloomFPRate*1.01 {
		t.Fatalf("bloom fp rate %g", s.Bloom().FPRate)
	}
	runtime.KeepAlive(s)
}

// TestLookupGenerated checks Lookup against the key array on a large set:
// every key and both neighbours, with and without the bloom filter.
func TestLookupGenerated(t *testing.T) {
	keys := genKeys(200_000, 9)
	// Add clustered outliers to stress the bucket index.
	keys = sortDedup(append(keys, 1, 2, 12025550123, 447700900123, 999_999_999_999_999))
	for _, withBloom := range []bool{true, false} {
		s := newSet(keys, nil, 0, []SourceInfo{{Label: "g"}}, withBloom)
		present := make(map[uint64]bool, len(keys))
		for _, k := range keys {
			present[k] = true
		}
		for _, k := range keys {
			if s.Lookup(normalize.Key(k)) != 1 {
				t.Fatalf("key %d missing", k)
			}
			for _, d := range []uint64{k - 1, k + 1} {
				if (s.Lookup(normalize.Key(d)) != 0) != present[d] {
					t.Fatalf("neighbour %d wrong", d)
				}
			}
		}
		if s.Lookup(0) != 0 || s.Lookup(1<<62) != 0 {
			t.Fatal("out of range")
		}
	}
	small := newSet([]uint64{33612345678}, nil, 0, []SourceInfo{{Label: "x"}}, true)
	if a := testing.AllocsPerRun(100, func() { small.Lookup(33612345678) }); a != 0 {
		t.Fatalf("Lookup allocates %v", a)
	}
}

// BenchmarkLookupBatch compares one Lookup after another with LookupBatch on
// a batch of 8,192 random keys (30% registered), as a scrub batch probes them,
// then LookupBatch on hits only and misses only, and the same with the bloom
// filter probed before the exact set.
func BenchmarkLookupBatch(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		s := benchSet(n, true)
		benchBatches(b, fmt.Sprintf("n=%dM", n/1_000_000), s, func(r *rand.Rand) uint64 { return 33600000000 + r.Uint64N(200_000_000) })
	}
}

// benchBatches runs the LookupBatch sub-benchmarks on s; miss draws a random
// key of the set's range.
func benchBatches(b *testing.B, name string, s *Set, miss func(*rand.Rand) uint64) {
	sk := keysOf(s)
	r := rand.New(rand.NewPCG(9, 9))
	const q = 8192
	mix := make([]normalize.Key, q)
	hits := make([]normalize.Key, q)
	misses := make([]normalize.Key, 0, q)
	for i := range mix {
		if r.IntN(10) < 3 {
			mix[i] = normalize.Key(sk[r.IntN(len(sk))])
		} else {
			mix[i] = normalize.Key(miss(r))
		}
		hits[i] = normalize.Key(sk[r.IntN(len(sk))])
	}
	for len(misses) < q {
		if k := miss(r); s.find(k) < 0 {
			misses = append(misses, normalize.Key(k))
		}
	}
	sk = nil
	masks := make([]uint64, q)
	var sc bloomScratch
	bloomFirst := false // batches behind the bloom filter (lookupBatchBloomFirst)
	run := func(sub string, keys []normalize.Key, batch bool) {
		b.Run(name+"/"+sub, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bloomFirst {
					lookupBatchBloomFirst(s, keys, masks, &sc)
				} else if batch {
					s.LookupBatch(keys, masks)
				} else {
					for i, k := range keys {
						masks[i] = s.Lookup(k)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(keys)), "ns/key")
			for i, k := range keys {
				if masks[i] != s.Lookup(k) {
					b.Fatalf("key %d: batch %d, Lookup %d", k, masks[i], s.Lookup(k))
				}
			}
		})
	}
	run("single", mix, false)
	run("batch", mix, true)
	// runPool looks pool up batch keys at a time, the next batch at each
	// iteration, so that a key's lows and index entry are not still cached
	// from the previous iteration (as they are when the same 8,192 keys are
	// looked up over and over).
	runPool := func(sub string, pool []normalize.Key, batch int) {
		b.Run(name+"/"+sub, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.LookupBatch(pool[i:i+batch], masks)
				i = (i + batch) & (len(pool) - 1)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/key")
		})
	}
	// stream: 1,024 keys (one batch of rows) at a time from a pool of 2^20
	// keys of the mix's kind.
	pool := make([]normalize.Key, 1<<20)
	for i := range pool {
		pool[i] = mix[r.IntN(len(mix))]
		if r.IntN(10) >= 3 {
			pool[i] = normalize.Key(miss(r))
		}
	}
	runPool("stream", pool, 1024)
	// scrub: a scrub's look-ups: a batch of 1,024 rows of two phone
	// columns (2,048 keys, a third of them 0 for an empty or invalid field,
	// as in make bench's file), fresh keys every batch from a pool of 2^21,
	// so that neither the caches nor the branch predictors have seen them.
	pool = make([]normalize.Key, 1<<21)
	for i := range pool {
		switch x := r.IntN(100); {
		case x < 36:
		case x < 55:
			pool[i] = mix[r.IntN(len(mix))]
		default:
			pool[i] = normalize.Key(miss(r))
		}
	}
	runPool("scrub", pool, 2048)
	run("batch-hit", hits, true)
	run("batch-miss", misses, true)
	if s.filter() != nil {
		bloomFirst = true
		run("bloom-batch", mix, true)
		run("bloom-batch-hit", hits, true)
		run("bloom-batch-miss", misses, true)
		bloomFirst = false
	}
}

// usLike returns n distinct sorted US-like keys (1NPANXXXXXX, NXX from 200):
// a random subset of 300 area codes, each holding about n/300 numbers.
func usLike(n int, seed uint64) []uint64 {
	r := rand.New(rand.NewPCG(seed, 2))
	npas := r.Perm(800)[:300]
	slices.Sort(npas)
	keys := make([]uint64, 0, n+n/100)
	const per = 8_000_000 // 200 0000 ... 999 9999
	p := float64(n) / float64(len(npas)*per)
	lq := math.Log1p(-p)
	for _, a := range npas {
		base := uint64(1_000_0000000) + uint64(200+a)*10_000_000 + 2_000_000
		for x := int64(math.Log(1-r.Float64()) / lq); x < per; x += 1 + int64(math.Log(1-r.Float64())/lq) {
			keys = append(keys, base+uint64(x))
		}
	}
	return keys
}

// BenchmarkNational measures the exact set at national scale on US-like keys:
// encoding, bytes per number, snapshot write and load, look-ups with and
// without the bloom filter. It needs LISTSCRUB_BENCH_N (e.g. 250000000: about
// 3 GiB of memory and 1 GiB of temporary disk) and is skipped otherwise;
// LISTSCRUB_BENCH_KEEP names a folder to keep the snapshot in.
func BenchmarkNational(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("LISTSCRUB_BENCH_N"))
	if n == 0 {
		b.Skip("set LISTSCRUB_BENCH_N")
	}
	t0 := time.Now()
	keys := usLike(n, 1)
	gen := time.Since(t0)
	t0 = time.Now()
	s := newSet(keys, nil, 0, []SourceInfo{{Label: "dnc"}}, true)
	enc := time.Since(t0)
	n = len(keys)
	keys = nil
	runtime.GC()
	b.Logf("%d keys: generated in %v, packed in %v: shift %d, %d segments, %.3f bytes/number (exact set)",
		n, gen, enc, s.p.shift, len(s.p.segFst), float64(s.p.bytes())/float64(n))
	t0 = time.Now()
	bf := s.filter()
	b.Logf("bloom built in %v: %d bits (%.2f bytes/number), %d hashes", time.Since(t0), bf.Cap(), float64(bf.Cap())/8/float64(n), bf.K())
	t0 = time.Now()
	sum := s.Checksum()
	b.Logf("checksum in %v", time.Since(t0))
	dir := os.Getenv("LISTSCRUB_BENCH_KEEP") // keep the snapshot there
	if dir == "" {
		dir = b.TempDir()
	}
	p := filepath.Join(dir, "national.snap")
	t0 = time.Now()
	if err := WriteSnapshotFile(p, s, SnapshotMeta{Country: "US"}); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(p)
	b.Logf("snapshot written in %v: %d bytes (%.3f bytes/number)", time.Since(t0), st.Size(), float64(st.Size())/float64(n))
	s = nil
	runtime.GC()
	us := normalizer(b, "US")
	t0 = time.Now()
	l, err := Load(context.Background(), []Spec{{Label: "dnc", Path: p}}, LoadOptions{Normalizer: us})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("snapshot loaded and verified in %v", time.Since(t0))
	if l.Len() != n || l.Checksum() == "" || sum == "" {
		b.Fatal("loaded set differs")
	}
	benchBatches(b, fmt.Sprintf("n=%dM", n/1_000_000), l, func(r *rand.Rand) uint64 {
		return uint64(1_000_0000000) + uint64(200+r.IntN(800))*10_000_000 + 2_000_000 + r.Uint64N(8_000_000)
	})
}

// BenchmarkLoadHistory reads a history of 1M lines (two numbers in ten
// refused) into a builder: per line, the time and the bytes allocated.
func BenchmarkLoadHistory(b *testing.B) {
	const lines = 1 << 20
	var sb strings.Builder
	sb.WriteString("phone;called_at;outcome\n")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range lines {
		out := "no answer"
		if i%10 == 0 {
			out = "refused"
		}
		fmt.Fprintf(&sb, "06%08d;%s;%s\n", i%5000000, base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), out)
	}
	p := writeFile(b, b.TempDir(), "h.csv", []byte(sb.String()))
	opts := LoadOptions{Normalizer: normalizer(b, "FR")}
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		var hb policy.HistoryBuilder
		if _, err := LoadHistory(context.Background(), []Spec{{Path: p}}, opts, &hb); err != nil {
			b.Fatal(err)
		}
		if hb.Len() != lines {
			b.Fatalf("%d attempts", hb.Len())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/lines, "ns/line")
}
