package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// writeSnapshot writes a snapshot of numbers to path (renamed into place).
func writeSnapshot(t testing.TB, path string, numbers ...string) {
	t.Helper()
	list := filepath.Join(t.TempDir(), "list.txt")
	writeList(t, list, numbers...)
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	set, err := registry.Load(context.Background(), []registry.Spec{{Label: "bloctel", Path: list}}, registry.LoadOptions{Normalizer: norm, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := registry.WriteSnapshotFile(path, set, registry.SnapshotMeta{Country: "FR"}); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptReplacementRefused: a snapshot replaced by one whose bytes
// fail verification is refused; the old numbers are still served, ready.
func TestCorruptReplacementRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bloctel.snap")
	writeSnapshot(t, path, numA)
	f := start(t, Config{Load: loader(path, nil), Watch: []string{path}, PollInterval: 10 * time.Millisecond})
	if _, a := f.check("number=" + numA); a.Status != StatusBlocked {
		t.Fatalf("before: %+v", a)
	}
	// A snapshot of numB with one byte of its numbers flipped.
	bad := filepath.Join(t.TempDir(), "bad.snap")
	writeSnapshot(t, bad, numA, numB)
	data, err := os.ReadFile(bad)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x55
	tmp := path + ".new"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a reload failure counted", func() bool {
		v, _ := f.metric("listscrub_serve_reload_failures_total")
		return v == "1"
	})
	if _, a := f.check("number=" + numA); a.Status != StatusBlocked {
		t.Errorf("after a refused reload numA: %+v, want still blocked", a)
	}
	if _, a := f.check("number=" + numB); a.Status != StatusClean {
		t.Errorf("after a refused reload numB: %+v, want clean (the old list)", a)
	}
	if code, _ := f.do("GET", "/readyz", "", ""); code != 200 {
		t.Errorf("/readyz after a refused reload: %d, want 200", code)
	}
	if err := f.srv.Reload(context.Background()); err == nil {
		t.Error("Reload of the corrupt snapshot: no error")
	}
	// A good replacement is then taken.
	writeSnapshot(t, path, numB)
	eventually(t, "the good replacement served", func() bool {
		_, a := f.check("number=" + numB)
		return a.Status == StatusBlocked
	})
	if v, _ := f.metric("listscrub_serve_reloads_total"); v != "1" {
		t.Errorf("reloads = %s, want 1", v)
	}
}

// TestGracefulShutdown: a request in flight when Run's context is done is
// answered in full; new connections are refused; Run returns nil.
func TestGracefulShutdown(t *testing.T) {
	f := start(t, Config{Load: loader(tempList(t, numA), nil)})
	addr := strings.TrimPrefix(f.base, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := numA + "\n" + numC + "\n"
	// The headers and half the body: the request is in flight.
	fmt.Fprintf(conn, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:5])
	eventually(t, "the request in flight", func() bool {
		v, _ := f.metric("listscrub_serve_checks_in_flight")
		return v == "1"
	})
	f.stop()
	eventually(t, "new connections refused", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if _, err := io.WriteString(conn, body[5:]); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	status, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
		t.Fatalf("in flight: %q %v", status, err)
	}
	rest, _ := io.ReadAll(r)
	if !strings.HasSuffix(string(rest), numA+",blocked,registered,bloctel\n"+numC+",clean,,\n") {
		t.Errorf("in flight: the answer %q", rest)
	}
	select {
	case err := <-f.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		f.done <- nil // for the cleanup
	case <-time.After(time.Minute):
		t.Fatal("Run did not return")
	}
}

// TestReloadInPlaceWrite: a raw list rewritten in place (cp over the live
// file) is loaded once its writer is done, never half-written: the number
// at its end, registered before and after, never answers clean while the
// file grows.
func TestReloadInPlaceWrite(t *testing.T) {
	var nums []string
	for i := range 2000 {
		nums = append(nums, fmt.Sprintf("06100%05d", i))
	}
	nums = append(nums, numA)
	path := tempList(t, nums...)
	f := start(t, Config{Load: loader(path, nil), Watch: []string{path}, PollInterval: 10 * time.Millisecond})
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range nums {
		fmt.Fprintln(w, n)
		if i%200 == 0 {
			time.Sleep(4 * time.Millisecond) // a writer slower than the polls
			if code, body := f.do("GET", "/v1/check?number="+numA, "", ""); code != 200 || !strings.Contains(body, `"status":"blocked"`) {
				t.Fatalf("while the list is rewritten: %d %s", code, body)
			}
		}
	}
	w.Close()
	time.Sleep(100 * time.Millisecond)
	if _, body := f.do("GET", "/v1/check?number="+numA, "", ""); !strings.Contains(body, `"status":"blocked"`) {
		t.Fatalf("after the rewrite: %s", body)
	}
}
