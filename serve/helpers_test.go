package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// Numbers of the tests (French mobiles unless said).
const (
	numA = "0612345678" // registered in the first list
	numB = "0698765432" // registered in the replacement
	numC = "0611111111" // never registered
)

// writeList writes a raw registry list of numbers to path, renamed into
// place as registry build does.
func writeList(t testing.TB, path string, numbers ...string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(numbers, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// loader returns a Config.Load reading the registry at path (labelled
// bloctel) as FR, strictly, with pol (nil: none).
func loader(path string, pol *policy.Policy) func(context.Context) (scrub.Options, error) {
	return func(ctx context.Context) (scrub.Options, error) {
		norm, err := normalize.New("FR")
		if err != nil {
			return scrub.Options{}, err
		}
		set, err := registry.Load(ctx, []registry.Spec{{Label: "bloctel", Path: path}},
			registry.LoadOptions{Normalizer: norm, Strict: true, Checks: registry.Checks{RequireNumbers: true}})
		if err != nil {
			return scrub.Options{}, err
		}
		return scrub.Options{Registry: set, Normalizer: norm, Policy: pol}, nil
	}
}

// fixture is a Server running on a loopback port.
type fixture struct {
	t      testing.TB
	srv    *Server
	base   string // http://127.0.0.1:PORT
	client *http.Client
	stop   context.CancelFunc
	done   chan error
}

// start starts a Server of cfg on 127.0.0.1:0; it is stopped at the end
// of the test.
func start(t testing.TB, cfg Config) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	f := &fixture{t: t, srv: srv, base: "http://" + ln.Addr().String(), stop: cancel, done: make(chan error, 1),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	go func() { f.done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-f.done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return f
}

// do sends a request and returns the status and body.
func (f *fixture) do(method, path, ctype, body string, header ...string) (int, string) {
	f.t.Helper()
	code, b, err := f.try(method, path, ctype, body, header...)
	if err != nil {
		f.t.Fatal(err)
	}
	return code, b
}

func (f *fixture) try(method, path, ctype, body string, header ...string) (int, string, error) {
	req, err := http.NewRequest(method, f.base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// jsonAnswer is an answer as a client reads it.
type jsonAnswer struct {
	Number   string   `json:"number"`
	E164     string   `json:"e164"`
	Status   string   `json:"status"`
	Reason   string   `json:"reason"`
	Source   string   `json:"source"`
	Zones    []string `json:"zones"`
	Callable *bool    `json:"callable"`
	Next     *string  `json:"next"`
}

// check GETs one number and decodes the answer.
func (f *fixture) check(query string) (int, jsonAnswer) {
	f.t.Helper()
	code, body := f.do("GET", "/v1/check?"+query, "", "")
	var a jsonAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		f.t.Fatalf("GET /v1/check?%s: %d %q: %v", query, code, body, err)
	}
	return code, a
}

// metric returns the value of the metric line that starts with name
// (with its labels), or an error.
func (f *fixture) metric(name string) (string, error) {
	code, body := f.do("GET", "/metrics", "", "")
	if code != 200 {
		return "", fmt.Errorf("/metrics: %d", code)
	}
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			return v, nil
		}
	}
	return "", errors.New(name + ": no such metric line")
}

// eventually polls cond until it holds, failing after a minute: the
// watcher polls files every PollInterval.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func tempList(t testing.TB, numbers ...string) string {
	path := filepath.Join(t.TempDir(), "bloctel.txt")
	writeList(t, path, numbers...)
	return path
}
