package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var testNums = []string{"06 12 34 56 78", "0145678901", "N/A", "+33 7 31 22 33 44", "612345679", "06 12 34", "0033612345670", "06.98.76.54.32"}

func TestCheckLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8080", true},
		{"127.3.4.5:1", true},
		{"[::1]:8080", true},
		{"[::ffff:127.0.0.1]:80", true},
		{"localhost:8080", true},
		{"10.0.0.1:8080", false},
		{"0.0.0.0:8080", false},
		{"[::]:8080", false},
		{"example.com:80", false},
		{"192.168.1.2:6379", false},
		{"127.0.0.1", false}, // no port
	} {
		err := checkLoopback(tc.addr)
		if (err == nil) != tc.ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", tc.addr, err, tc.ok)
		}
	}
	if _, err := newServeClient("10.1.2.3:80", 1, testNums, 2); err == nil {
		t.Error("newServeClient accepted a non-loopback address")
	}
	if _, err := newRedisChecker("8.8.8.8:6379", 1, nil, testNums, 2); err == nil {
		t.Error("newRedisChecker accepted a non-loopback address")
	}
}

func TestQuantile(t *testing.T) {
	var r result
	if got := r.quantile(0.99); got != 0 {
		t.Errorf("empty quantile = %v, want 0", got)
	}
	for i := 1; i <= 1000; i++ {
		r.lat = append(r.lat, time.Duration(i))
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500}, {0.99, 990}, {0.999, 999}, {1, 1000}, {0.0001, 1}} {
		if got := r.quantile(tc.q); got != tc.want {
			t.Errorf("quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestPhase(t *testing.T) {
	seen := make([]int, 130)
	res, err := phase(context.Background(), 4, 30, 100, time.Minute, func(_ context.Context, i int) (int, error) {
		seen[i]++ // each index is given to one worker only
		return 3, nil
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.ops != 100 || res.numbers != 300 || len(res.lat) != 100 || !slices.IsSorted(res.lat) {
		t.Errorf("ops %d numbers %d latencies %d sorted %v", res.ops, res.numbers, len(res.lat), slices.IsSorted(res.lat))
	}
	for i, n := range seen {
		if want := map[bool]int{true: 1, false: 0}[i >= 30]; n != want {
			t.Fatalf("index %d ran %d times, want %d", i, n, want)
		}
	}

	boom := errors.New("boom")
	if _, err := phase(context.Background(), 4, 0, 100, time.Minute, func(_ context.Context, i int) (int, error) {
		if i == 17 {
			return 0, boom
		}
		return 1, nil
	}, true); !errors.Is(err, boom) {
		t.Errorf("a failing operation: err %v, want boom", err)
	}

	// The time cap ends a phase whose operations never finish on their own,
	// without an error.
	res, err = phase(context.Background(), 2, 0, 1000, 10*time.Millisecond, func(ctx context.Context, i int) (int, error) {
		<-ctx.Done()
		return 0, ctx.Err()
	}, true)
	if err != nil || res.ops != 0 {
		t.Errorf("capped phase: ops %d err %v, want 0 and nil", res.ops, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := phase(ctx, 2, 0, 10, time.Minute, func(context.Context, int) (int, error) { return 1, nil }, true); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err %v, want context.Canceled", err)
	}
	if _, err := phase(context.Background(), 0, 0, 10, time.Minute, nil, true); err == nil {
		t.Error("concurrency 0 accepted")
	}
}

func TestServeClientAgainstStub(t *testing.T) {
	s, srv := newStub(t, "06 12 34 56 78", "+33 7 31 22 33 44")
	addr := strings.TrimPrefix(srv.URL, "http://")
	c, err := newServeClient(addr, 4, testNums, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.ready(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	got, err := c.statuses(ctx, testNums)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"blocked", "clean", "invalid", "blocked", "clean", "invalid", "clean", "clean"}
	if !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name  string
		do    op
		count int
		nums  int
	}{
		{"single", c.single, 20, 20},
		{"text", c.batchText, 8, 16},
		{"json", c.batchJSON, 8, 16},
	} {
		res, err := phase(ctx, 3, 0, tc.count, time.Minute, tc.do, true)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if res.ops != tc.count || res.numbers != tc.nums {
			t.Errorf("%s: ops %d numbers %d, want %d and %d", tc.name, res.ops, res.numbers, tc.count, tc.nums)
		}
	}
	if n := s.gets.Load(); n != 20 {
		t.Errorf("stub saw %d GETs, want 20", n)
	}

	s.short.Store(true)
	if _, err := c.batchText(ctx, 0); err == nil || !strings.Contains(err.Error(), "1 lines for 2 numbers") {
		t.Errorf("short text answer: err %v", err)
	}
	s.fail.Store(true)
	for name, do := range map[string]op{"single": c.single, "text": c.batchText, "json": c.batchJSON} {
		if _, err := do(ctx, 0); err == nil || !strings.Contains(err.Error(), "HTTP 500") {
			t.Errorf("%s against a failing server: err %v", name, err)
		}
	}
	s.ready.Store(false)
	if err := c.ready(ctx, 300*time.Millisecond); err == nil {
		t.Error("ready returned nil while /readyz answers 503")
	}
	if _, err := newServeClient(addr, 1, testNums[:1], 2); err == nil {
		t.Error("a batch larger than the samples accepted")
	}
}

func TestParseProc(t *testing.T) {
	status := "Name:\tredis-server\nVmPeak:\t  900 kB\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\nRssAnon:\t 1000 kB\nRssFile:\t 24 kB\nThreads:\t5\n"
	m, err := parseStatus([]byte(status))
	if err != nil || m.rss != 1024<<10 || m.hwm != 2048<<10 || m.anon != 1000<<10 || m.file != 24<<10 {
		t.Errorf("parseStatus = %+v, %v", m, err)
	}
	if _, err := parseStatus([]byte("VmRSS:\t1 kB\n")); err == nil {
		t.Error("parseStatus without VmHWM: no error")
	}
	// utime 150 and stime 50 ticks; the name holds a space and a parenthesis.
	stat := "1234 (my (srv) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 150 50 0 0 20 0 4 0 100 1000 200"
	d, err := parseStat([]byte(stat))
	if err != nil || d != 2*time.Second {
		t.Errorf("parseStat = %v, %v; want 2s", d, err)
	}
	if _, err := parseStat([]byte("1 (x) S 1 2")); err == nil {
		t.Error("parseStat of a short line: no error")
	}
	self, err := readMemory(os.Getpid())
	if err != nil || self.rss <= 0 || self.hwm < self.rss {
		t.Errorf("readMemory(self) = %+v, %v", self, err)
	}
}

func TestSampleNumbers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "prospects.csv")
	data := "Nom;Prénom;Code postal;Tél. fixe;Portable\r\n" +
		"Martin;Jean;75001;01 45 67 89 01;06 12 34 56 78\r\n" +
		"Petit;Zoé;13001;;N/A\r\n" +
		"Durand;René;69001;;\r\n" +
		"Moreau;Lucie;33000;0345678901;+33 7 31 22 33 44\r\n"
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := sampleNumbers(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"01 45 67 89 01", "06 12 34 56 78", "N/A", "0345678901"}; !slices.Equal(got, want) {
		t.Errorf("sampleNumbers = %q, want %q", got, want)
	}
	if _, err := sampleNumbers(p, 6); err == nil {
		t.Error("asking more numbers than the file holds: no error")
	}
	os.WriteFile(p, []byte("h\r\na;b\r\n"), 0o644)
	if _, err := sampleNumbers(p, 1); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a short row: err %v, want its line", err)
	}
}

func TestServeFloor(t *testing.T) {
	if err := serveFloor(context.Background(), "0.0.0.0:0"); err == nil {
		t.Error("the floor server accepted a non-loopback address")
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveFloor(ctx, addr) }()
	c, err := newServeClient(addr, 2, testNums, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ready(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	res, err := phase(ctx, 2, 0, 10, time.Minute, c.single, true)
	if err != nil || res.ops != 10 {
		t.Errorf("floor singles: ops %d err %v", res.ops, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("floor server after cancel: %v", err)
	}
}
