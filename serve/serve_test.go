package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/listscrub/listscrub/policy"
)

func TestCheck(t *testing.T) {
	f := start(t, Config{Load: loader(tempList(t, numA, "+12015550123"), nil)})
	tests := []struct {
		query                        string
		code                         int
		e164, status, reason, source string
	}{
		{"number=" + numA, 200, "+33612345678", StatusBlocked, "registered", "bloctel"},
		{"number=" + url.QueryEscape("+33 6 12 34 56 78"), 200, "+33612345678", StatusBlocked, "registered", "bloctel"},
		{"number=" + numC, 200, "+33611111111", StatusClean, "", ""},
		{"number=abc", 200, "", StatusInvalid, "not-a-number", ""},
		// country overrides --country's FR.
		{"number=" + url.QueryEscape("(201) 555-0123") + "&country=US", 200, "+12015550123", StatusBlocked, "registered", "bloctel"},
		{"number=2015550124&country=us", 200, "+12015550124", StatusClean, "", ""},
	}
	for _, tt := range tests {
		code, a := f.check(tt.query)
		if code != tt.code || a.E164 != tt.e164 || a.Status != tt.status || a.Reason != tt.reason || a.Source != tt.source {
			t.Errorf("%s: %d %+v, want %d %s %s %q %q", tt.query, code, a, tt.code, tt.e164, tt.status, tt.reason, tt.source)
		}
		if a.Callable != nil || a.Next != nil {
			t.Errorf("%s: callable or next without a policy: %+v", tt.query, a)
		}
	}
	_, a := f.check("number=" + url.QueryEscape("06 12 34 56 78"))
	if a.Number != "06 12 34 56 78" {
		t.Errorf("number = %q, want it as given", a.Number)
	}
}

func TestCheckBadRequests(t *testing.T) {
	f := start(t, Config{Load: loader(tempList(t, numA), nil)})
	for _, q := range []string{
		"",                               // no number
		"number=",                        // an empty one
		"number=" + numA + "&country=XX", // no such region
		"number=" + numA + "&at=2026-12-02T10:30:00Z", // at without a policy
	} {
		code, body := f.do("GET", "/v1/check?"+q, "", "")
		var e struct{ Error string }
		if code != 400 || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
			t.Errorf("?%s: %d %q, want 400 with a JSON error", q, code, body)
		}
		if strings.Contains(body, numA[1:]) {
			t.Errorf("?%s: the error holds the number: %q", q, body)
		}
	}
	if code, _ := f.do("DELETE", "/v1/check?number="+numA, "", ""); code != 405 {
		t.Errorf("DELETE: %d, want 405", code)
	}
	code, _ := f.do("POST", "/v1/check", "application/x-www-form-urlencoded", "number="+numA)
	if code != 415 {
		t.Errorf("form POST: %d, want 415", code)
	}
	for _, body := range []string{`{"number":"x"}`, `[1]`, `["a",]`, `["a"`, `["a"] x`} {
		if code, _ := f.do("POST", "/v1/check", "application/json", body); code != 400 {
			t.Errorf("POST %s: %d, want 400", body, code)
		}
	}
}

func TestCheckPolicy(t *testing.T) {
	pol, err := policy.Preset("fr")
	if err != nil {
		t.Fatal(err)
	}
	f := start(t, Config{Load: loader(tempList(t, numA), pol)})
	// Wednesday 2 December 2026, 10:30 in Paris: callable; 21:00: outside
	// hours until Thursday 10:00 (09:00Z); Christmas: a holiday.
	tests := []struct {
		number, at, status, reason string
		callable                   bool
		next                       string
	}{
		{numC, "2026-12-02T10:30:00+01:00", StatusClean, "", true, "2026-12-02T09:30:00Z"},
		{numC, "2026-12-02T21:00:00+01:00", StatusBlocked, "outside-hours", false, "2026-12-03T09:00:00Z"},
		{numC, "2026-12-25T10:30:00+01:00", StatusBlocked, "holiday", false, "2026-12-28T09:00:00Z"},
		{numA, "2026-12-02T10:30:00+01:00", StatusBlocked, "registered", false, ""},
		{"abc", "2026-12-02T10:30:00+01:00", StatusInvalid, "not-a-number", false, ""},
	}
	for _, tt := range tests {
		code, a := f.check("number=" + tt.number + "&at=" + url.QueryEscape(tt.at))
		if code != 200 || a.Status != tt.status || a.Reason != tt.reason || a.Callable == nil || *a.Callable != tt.callable || a.Next == nil || *a.Next != tt.next {
			t.Errorf("%s at %s: %d %+v, want %s %q callable %v next %q", tt.number, tt.at, code, a, tt.status, tt.reason, tt.callable, tt.next)
		}
		if tt.status != StatusInvalid && (len(a.Zones) != 1 || a.Zones[0] != "Europe/Paris") {
			t.Errorf("%s: zones %v, want [Europe/Paris]", tt.number, a.Zones)
		}
	}
	if code, _ := f.do("GET", "/v1/check?number="+numC+"&at=tomorrow", "", ""); code != 400 {
		t.Errorf("a bad at: %d, want 400", code)
	}
}

func TestBatch(t *testing.T) {
	f := start(t, Config{Load: loader(tempList(t, numA), nil)})
	in := []string{numC, numA, "a,b", `say "hi"`, "", "+33 6 12 34 56 78", "x"}
	body, _ := json.Marshal(in)
	code, out := f.do("POST", "/v1/check", "application/json", string(body))
	var got []jsonAnswer
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 200 {
		t.Fatalf("JSON batch: %d %q: %v", code, out, err)
	}
	want := []struct{ status, reason, source string }{
		{StatusClean, "", ""}, {StatusBlocked, "registered", "bloctel"}, {StatusInvalid, "not-a-number", ""},
		{StatusInvalid, "not-a-number", ""}, {StatusInvalid, "empty", ""}, {StatusBlocked, "registered", "bloctel"},
		{StatusInvalid, "not-a-number", ""},
	}
	if len(got) != len(in) {
		t.Fatalf("JSON batch: %d answers, want %d", len(got), len(in))
	}
	for i, w := range want {
		if g := got[i]; g.Number != in[i] || g.Status != w.status || g.Reason != w.reason || g.Source != w.source {
			t.Errorf("JSON answer %d: %+v, want %q %v", i, g, in[i], w)
		}
	}
	// The same as text, CRLF and LF mixed, no final line end.
	text := strings.Join(in[:6], "\r\n") + "\n" + in[6]
	code, out = f.do("POST", "/v1/check?country=FR", "text/plain; charset=windows-1252", text)
	wantText := "0611111111,clean,,\n0612345678,blocked,registered,bloctel\n\"a,b\",invalid,not-a-number,\n" +
		"\"say \"\"hi\"\"\",invalid,not-a-number,\n,invalid,empty,\n+33 6 12 34 56 78,blocked,registered,bloctel\nx,invalid,not-a-number,\n"
	if code != 200 || out != wantText {
		t.Errorf("text batch: %d\n%s\nwant\n%s", code, out, wantText)
	}
	if code, out := f.do("POST", "/v1/check", "text/plain", ""); code != 200 || out != "" {
		t.Errorf("empty text batch: %d %q", code, out)
	}
	if code, out := f.do("POST", "/v1/check", "application/json", " [ ] "); code != 200 || strings.TrimSpace(out) != "[]" {
		t.Errorf("empty JSON batch: %d %q", code, out)
	}
}

func TestBatchLimits(t *testing.T) {
	f := start(t, Config{Load: loader(tempList(t, numA), nil)})
	nums := make([]string, DefaultMaxBatch+1)
	for i := range nums {
		nums[i] = fmt.Sprintf("06%08d", i)
	}
	jsonOf := func(n []string) string { b, _ := json.Marshal(n); return string(b) }
	for _, tt := range []struct {
		name, ctype, body string
		code, answers     int
	}{
		{"json 100000", "application/json", jsonOf(nums[:DefaultMaxBatch]), 200, DefaultMaxBatch},
		{"json 100001", "application/json", jsonOf(nums), 413, 0},
		{"text 100000", "text/plain", strings.Join(nums[:DefaultMaxBatch], "\n") + "\n", 200, DefaultMaxBatch},
		{"text 100001", "text/plain", strings.Join(nums, "\n"), 413, 0},
	} {
		code, out := f.do("POST", "/v1/check", tt.ctype, tt.body)
		if code != tt.code {
			t.Errorf("%s: %d, want %d", tt.name, code, tt.code)
			continue
		}
		if code == 413 {
			if !strings.Contains(out, "more than 100000 numbers") {
				t.Errorf("%s: %q, want the limit said", tt.name, out)
			}
			continue
		}
		n := strings.Count(out, "\n")
		if tt.ctype == "application/json" {
			n = strings.Count(out, `"number"`)
		}
		if n != tt.answers {
			t.Errorf("%s: %d answers, want %d", tt.name, n, tt.answers)
		}
	}
	small := start(t, Config{Load: loader(tempList(t, numA), nil), MaxBody: 1000})
	code, out := small.do("POST", "/v1/check", "text/plain", strings.Repeat(numA+"\n", 100))
	if code != 413 || !strings.Contains(out, "larger than 1000 bytes") {
		t.Errorf("a body past MaxBody: %d %q, want 413", code, out)
	}
}

func TestEndpoints(t *testing.T) {
	f := start(t, Config{Load: loader(tempList(t, numA, numB), nil), MaxAge: 31 * 24 * time.Hour})
	if code, body := f.do("GET", "/healthz", "", ""); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := f.do("GET", "/readyz", "", ""); code != 200 || !strings.Contains(body, `"ready": true`) {
		t.Errorf("/readyz: %d %q", code, body)
	}
	code, body := f.do("GET", "/v1/registry", "", "")
	var reg struct {
		LoadedAt string `json:"loaded_at"`
		Entries  int
		Sources  []Source
	}
	if err := json.Unmarshal([]byte(body), &reg); err != nil || code != 200 {
		t.Fatalf("/v1/registry: %d %q: %v", code, body, err)
	}
	if reg.Entries != 2 || len(reg.Sources) != 1 || reg.Sources[0].Label != "bloctel" || reg.Sources[0].Kind != "list" ||
		reg.Sources[0].Entries != 2 || len(reg.Sources[0].SHA256) != 64 || reg.Sources[0].Role != RoleRegistry || reg.LoadedAt == "" {
		t.Errorf("/v1/registry: %+v", reg)
	}
	f.check("number=" + numA)
	f.check("number=x")
	for name, want := range map[string]string{
		`listscrub_serve_numbers_total{status="blocked"}`:                  "1",
		`listscrub_serve_numbers_total{status="invalid"}`:                  "1",
		`listscrub_serve_requests_total{code="200",endpoint="check"}`:      "2",
		`listscrub_serve_request_duration_seconds_count{endpoint="check"}`: "2",
		"listscrub_serve_registry_entries":                                 "2",
		"listscrub_serve_reloads_total":                                    "0",
		"listscrub_serve_reload_failures_total":                            "0",
		"listscrub_serve_ready":                                            "1",
	} {
		if got, err := f.metric(name); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %s", name, got, err, want)
		}
	}
	if _, err := f.metric("listscrub_serve_registry_age_seconds"); err != nil {
		t.Error(err)
	}
}

func TestToken(t *testing.T) {
	f := start(t, Config{Load: loader(tempList(t, numA), nil), Token: "s3cret"})
	for _, path := range []string{"/v1/check?number=" + numA, "/v1/registry", "/metrics"} {
		for _, auth := range []string{"", "Bearer wrong", "Basic s3cret", "Bearer s3cre", "Bearer s3cret2"} {
			code, _ := f.do("GET", path, "", "", "Authorization", auth)
			if code != 401 {
				t.Errorf("%s with %q: %d, want 401", path, auth, code)
			}
		}
		if code, _ := f.do("GET", path, "", "", "Authorization", "Bearer s3cret"); code != 200 {
			t.Errorf("%s with the token: %d, want 200", path, code)
		}
	}
	if code, _ := f.do("POST", "/v1/check", "text/plain", numA); code != 401 {
		t.Errorf("POST without the token: %d, want 401", code)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := f.do("GET", path, "", ""); code != 200 {
			t.Errorf("%s without the token: %d, want 200", path, code)
		}
	}
}

// TestTokenRotation: with LoadToken, a reload takes the new token (the
// old one is refused from then on); a token that cannot be read refuses
// the reload, the old token still required.
func TestTokenRotation(t *testing.T) {
	var token atomic.Value
	token.Store("old")
	f := start(t, Config{Load: loader(tempList(t, numA), nil), LoadToken: func() (string, error) {
		tok := token.Load().(string)
		if tok == "unreadable" {
			return "", fmt.Errorf("no token file")
		}
		return tok, nil
	}})
	path := "/v1/check?number=" + numA
	if code, _ := f.do("GET", path, "", "", "Authorization", "Bearer old"); code != 200 {
		t.Fatalf("old token: %d", code)
	}
	token.Store("new")
	if err := f.srv.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.do("GET", path, "", "", "Authorization", "Bearer old"); code != 401 {
		t.Errorf("old token after the rotation: %d, want 401", code)
	}
	if code, _ := f.do("GET", path, "", "", "Authorization", "Bearer new"); code != 200 {
		t.Errorf("new token: %d, want 200", code)
	}
	token.Store("unreadable")
	if err := f.srv.Reload(context.Background()); err == nil {
		t.Error("a reload without a token was accepted")
	}
	if code, _ := f.do("GET", path, "", "", "Authorization", "Bearer new"); code != 200 {
		t.Errorf("after a refused reload: %d, want 200 with the token in force", code)
	}
}

// TestStale: a registry older than MaxAge, from the start or as the clock
// moves, makes the server not ready, and every check unavailable.
func TestStale(t *testing.T) {
	path := tempList(t, numA)
	asOf := time.Now().Add(-10 * 24 * time.Hour)
	if err := os.Chtimes(path, asOf, asOf); err != nil {
		t.Fatal(err)
	}
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	f := start(t, Config{Load: loader(path, nil), MaxAge: 31 * 24 * time.Hour,
		Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	if code, a := f.check("number=" + numC); code != 200 || a.Status != StatusClean {
		t.Fatalf("fresh: %d %+v", code, a)
	}
	clock.Add(int64(25 * 24 * time.Hour)) // 35 days old now
	if code, _ := f.do("GET", "/readyz", "", ""); code != 503 {
		t.Errorf("/readyz stale: %d, want 503", code)
	}
	if code, _ := f.do("GET", "/healthz", "", ""); code != 200 {
		t.Errorf("/healthz stale: %d, want 200", code)
	}
	for _, n := range []string{numA, numC, "abc"} {
		code, a := f.check("number=" + n)
		if code != 503 || a.Status != StatusUnavailable || a.Reason != ReasonStale {
			t.Errorf("%s stale: %d %+v, want 503 unavailable", n, code, a)
		}
	}
	code, out := f.do("POST", "/v1/check", "text/plain", numA+"\n"+numC+"\nabc\n")
	want := numA + ",unavailable,registry-stale,\n" + numC + ",unavailable,registry-stale,\nabc,unavailable,registry-stale,\n"
	if code != 503 || out != want {
		t.Errorf("batch stale: %d %q, want 503 %q", code, out, want)
	}
	code, out = f.do("POST", "/v1/check", "application/json", `["`+numC+`"]`)
	if code != 503 || strings.Contains(out, StatusClean) {
		t.Errorf("JSON batch stale: %d %q", code, out)
	}
	if v, _ := f.metric("listscrub_serve_ready"); v != "0" {
		t.Errorf("listscrub_serve_ready = %q, want 0", v)
	}
	// Stale at the start: loaded, not ready.
	g := start(t, Config{Load: loader(path, nil), MaxAge: 5 * 24 * time.Hour})
	if code, _ := g.do("GET", "/readyz", "", ""); code != 503 || g.srv.Ready() {
		t.Errorf("/readyz stale at start: %d, want 503", code)
	}
}

// TestReloadUnderLoad: clients hammer the server while the registry file
// is replaced; no request fails, and the answers switch to the new list.
func TestReloadUnderLoad(t *testing.T) {
	path := tempList(t, numA)
	f := start(t, Config{Load: loader(path, nil), Watch: []string{path}, PollInterval: 10 * time.Millisecond})
	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		fails    atomic.Int64
		total    atomic.Int64
		sawNew   atomic.Bool
		errOnce  sync.Once
		firstErr error
	)
	for range 8 {
		wg.Go(func() {
			for !stop.Load() {
				code, body, err := f.try("POST", "/v1/check", "text/plain", numA+"\n"+numB+"\n")
				total.Add(1)
				if err != nil || code != 200 {
					fails.Add(1)
					errOnce.Do(func() { firstErr = fmt.Errorf("%d %q %v", code, body, err) })
					continue
				}
				switch body {
				case numA + ",blocked,registered,bloctel\n" + numB + ",clean,,\n":
				case numA + ",clean,,\n" + numB + ",blocked,registered,bloctel\n":
					sawNew.Store(true)
				default:
					fails.Add(1)
					errOnce.Do(func() { firstErr = fmt.Errorf("a mixed answer %q", body) })
				}
			}
		})
	}
	eventually(t, "requests", func() bool { return total.Load() > 50 })
	writeList(t, path, numB)
	eventually(t, "the new list served", sawNew.Load)
	n := total.Load()
	eventually(t, "requests after", func() bool { return total.Load() > n+50 })
	stop.Store(true)
	wg.Wait()
	if fails.Load() > 0 {
		t.Errorf("%d of %d requests failed; first: %v", fails.Load(), total.Load(), firstErr)
	}
	if code, a := f.check("number=" + numA); code != 200 || a.Status != StatusClean {
		t.Errorf("after the reload: %d %+v", code, a)
	}
	if v, _ := f.metric("listscrub_serve_reloads_total"); v != "1" {
		t.Errorf("reloads = %s, want 1", v)
	}
}

// TestQueryPlus: a "+" left unescaped at the start of number is the
// country prefix, never a space (form decoding would answer for another
// number: " 431234567" read as French); further in, it is a form's space;
// in at, it is the offset's. number or at given twice, and an at before
// 1970, are 400.
func TestQueryPlus(t *testing.T) {
	pol, err := policy.Preset("fr")
	if err != nil {
		t.Fatal(err)
	}
	f := start(t, Config{Load: loader(tempList(t, numA), pol)})
	for _, c := range []struct {
		query  string
		code   int
		number string
	}{
		{"number=+33612345678", 200, "+33612345678"},
		{"number=+33+6+12+34+56+78", 200, "+33 6 12 34 56 78"},
		{"number=%2B33612345678", 200, "+33612345678"},
		{"number=06+12+34+56+78", 200, "06 12 34 56 78"},
		{"number=0612345678&at=2026-12-07T10:30:00+01:00", 200, "0612345678"},
		{"number=0612345678&number=0612345679", 400, ""},
		{"number=0612345678&at=0001-01-01T00:00:00Z", 400, ""},
		{"number=0612345678&at=1969-12-31T23:59:59Z", 400, ""},
		{"number=0612345678&at=2026-12-07T10:30:00Z&at=2026-12-07T11:30:00Z", 400, ""},
	} {
		code, body := f.do("GET", "/v1/check?"+c.query, "", "")
		var a struct{ Number string }
		json.Unmarshal([]byte(body), &a)
		if code != c.code || c.code == 200 && a.Number != c.number {
			t.Errorf("%s: %d %q, want %d %q", c.query, code, a.Number, c.code, c.number)
		}
	}
}
