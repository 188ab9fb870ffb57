package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeSignals runs listscrub serve as a process: SIGHUP reloads (the
// reload counter moves, the log says why), SIGTERM stops it with exit 0;
// the log lines are JSON (standard error is no terminal) and hold no number.
func TestServeSignals(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.txt")
	writeFile(t, reg, "0612345678\n")
	cmd := listscrub("serve", "-r", "bloctel="+reg, "--listen", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan map[string]any, 100)
	var logged strings.Builder
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logged.WriteString(sc.Text() + "\n")
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) != nil {
				t.Errorf("a log line that is not JSON: %q", sc.Text())
				continue
			}
			lines <- rec
		}
	}()
	next := func(msg string) map[string]any {
		t.Helper()
		for rec := range lines {
			if rec["msg"] == msg {
				return rec
			}
		}
		t.Fatalf("no %q log line", msg)
		return nil
	}
	base := "http://" + next("listening")["addr"].(string)
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if a := get("/v1/check?number=0612345678"); !strings.Contains(a, `"status":"blocked"`) {
		t.Fatalf("check: %s", a)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if rec := next("reloading"); rec["why"] != "signal" {
		t.Errorf("reloading: %v, want why signal", rec)
	}
	next("reloaded")
	if m := get("/metrics"); !strings.Contains(m, "\nlistscrub_serve_reloads_total 1\n") {
		t.Errorf("after SIGHUP, no reload counted")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	next("stopped")
	for range lines {
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCode(t, err); code != 0 {
			t.Errorf("exit %d after SIGTERM, want 0", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not exit after SIGTERM")
	}
	if strings.Contains(logged.String(), "612345678") {
		t.Errorf("a log line holds the number:\n%s", logged.String())
	}
}

// TestServeUnloadable: a registry that cannot be loaded at start is exit 1.
func TestServeUnloadable(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.snap")
	writeFile(t, bad, "LSCRUBSNAP garbage")
	for _, args := range [][]string{
		{"serve", "-r", filepath.Join(dir, "missing.txt"), "--listen", "127.0.0.1:0"},
		{"serve", "-r", bad, "--listen", "127.0.0.1:0"},
	} {
		out, err := listscrub(args...).CombinedOutput()
		if code := exitCode(t, err); code != 1 {
			t.Errorf("%v: exit %d, want 1: %s", args, code, out)
		}
	}
}
