package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// TestRedisChecker runs the do-it-yourself side against a real redis-server
// (make bench-serve installs Debian's when missing) and cross-checks it
// with the stub of listscrub serve holding the same list.
func TestRedisChecker(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is needed (apt-get install redis-server, or make bench-serve): %v", err)
	}
	list := filepath.Join(t.TempDir(), "bloctel.txt")
	if err := os.WriteFile(list, []byte("0612345678\n0731223344\n0145678901\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rs, err := startRedis(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		rs.stop()
		if _, err := os.Stat(rs.dir); !os.IsNotExist(err) {
			t.Errorf("redis folder left behind: %v", err)
		}
	}()
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := newRedisChecker(rs.addr, 4, norm, testNums, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.close()
	if n, err := rc.load(ctx, list); err != nil || n != 3 {
		t.Fatalf("load = %d, %v; want 3 lines", n, err)
	}
	if n, err := rc.c.SCard(ctx, redisKey).Result(); err != nil || n != 3 {
		t.Fatalf("SCARD = %d, %v; want 3", n, err)
	}
	var got []string
	for _, raw := range testNums {
		s, err := rc.status(ctx, raw)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	want := []string{"blocked", "blocked", "invalid", "blocked", "clean", "invalid", "clean", "clean"}
	if !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	for name, tc := range map[string]struct {
		do          op
		count, nums int
	}{"single": {rc.single, 16, 16}, "batch": {rc.batch, 6, 24}} {
		res, err := phase(ctx, 2, 0, tc.count, time.Minute, tc.do, true)
		if err != nil || res.ops != tc.count || res.numbers != tc.nums {
			t.Errorf("%s: ops %d numbers %d err %v; want %d and %d", name, res.ops, res.numbers, err, tc.count, tc.nums)
		}
	}

	// The cross-check agrees with a server holding the same list and
	// names the first sample where one does not.
	_, srv := newStub(t, "0612345678", "0731223344", "0145678901")
	sc, err := newServeClient(strings.TrimPrefix(srv.URL, "http://"), 2, testNums, 4)
	if err != nil {
		t.Fatal(err)
	}
	tally, err := crossCheck(ctx, sc, rc, testNums)
	if err != nil || tally != "3 clean, 3 blocked, 2 invalid" {
		t.Errorf("crossCheck = %q, %v", tally, err)
	}
	_, other := newStub(t, "0612345678")
	sc, _ = newServeClient(strings.TrimPrefix(other.URL, "http://"), 2, testNums, 4)
	if _, err := crossCheck(ctx, sc, rc, testNums); err == nil || !strings.Contains(err.Error(), "sample 1:") {
		t.Errorf("crossCheck against another list: err %v, want sample 1", err)
	}

	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("0612345678\ninconnu\n"), 0o644)
	if _, err := rc.load(ctx, bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("loading a list with a bad line: err %v", err)
	}
}
