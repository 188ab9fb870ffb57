package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeEqualsScrub: for every row of a generated prospect file (numbers
// registered, allowed, consented or not, with a history, invalid, of other
// countries, in several spellings), serve's status, reason and source for
// the row's number are what scrub wrote: the row's output, scrub_reason and
// scrub_source, under the same flags and the same instant.
func TestServeEqualsScrub(t *testing.T) {
	const at = "2026-12-08T11:00:00+01:00" // a Tuesday, inside the fr windows
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var reg, allow, consent, history, prospects strings.Builder
	consent.WriteString("phone,consented_at,withdrawn_at\n")
	history.WriteString("phone,called_at,outcome\n")
	allow.WriteString("phone\n")
	prospects.WriteString("id,phone\n")
	spell := func(i int, n string) string { // n: 9 national digits after the 0
		switch i % 4 {
		case 0:
			return "0" + n
		case 1:
			return "+33 " + n[:1] + " " + n[1:3] + " " + n[3:5] + " " + n[5:7] + " " + n[7:]
		case 2:
			return "0033" + n
		}
		return "+33 (0)" + n
	}
	const rows = 3000
	for i := range rows {
		n := fmt.Sprintf("6%08d", 12000000+i)
		if i%5 == 0 {
			fmt.Fprintf(&reg, "0%s\n", n)
		}
		if i%10 == 0 || i%7 == 3 {
			fmt.Fprintf(&allow, "0%s\n", n)
		}
		switch i % 9 {
		case 0, 1, 2, 3:
			fmt.Fprintf(&consent, "0%s,2026-01-15,\n", n)
		case 4:
			fmt.Fprintf(&consent, "0%s,2026-12-09,\n", n) // after at
		case 5:
			fmt.Fprintf(&consent, "0%s,2025-06-01,2026-11-01\n", n) // withdrawn
		case 6:
			fmt.Fprintf(&consent, "0%s,2026-01-15,2026-12-10\n", n) // withdrawn after at
		}
		switch i % 11 {
		case 1:
			fmt.Fprintf(&history, "0%s,2026-12-07T10:00:00+01:00,refused\n", n)
		case 2:
			for d := 1; d <= 4; d++ {
				fmt.Fprintf(&history, "0%s,2026-12-0%dT15:00:00+01:00,no-answer\n", n, d)
			}
		case 3:
			fmt.Fprintf(&history, "0%s,2026-12-01T15:00:00+01:00,no-answer\n", n)
		}
		var number string
		switch i % 13 {
		case 0:
			number = "abc"
		case 1:
			number = "12"
		case 2:
			number = fmt.Sprintf("+3247%07d", i) // Belgium
		case 3:
			number = fmt.Sprintf("+1201555%04d", i%10000) // the US
		case 4:
			number = fmt.Sprintf("01%08d", 45000000+i) // a Paris landline
		default:
			number = spell(i, n)
		}
		fmt.Fprintf(&prospects, "%d,\"%s\"\n", i, number)
	}
	reg.WriteString("+12015550003\n+3247000002\n")
	flags := []string{
		"-r", "bloctel=" + write("reg.txt", reg.String()), "-r", "own=" + write("own.txt", "0612000005\n0612000006\n0612000025\n"),
		"--allow", write("allow.csv", allow.String()), "--consent", "optin=" + write("consent.csv", consent.String()),
		"--history", "calls=" + write("history.csv", history.String()), "--policy", "fr",
	}
	in := write("prospects.csv", prospects.String())

	// The scrub.
	out := func(name string) string { return filepath.Join(dir, name) }
	args := append([]string{"scrub", "--at", at, "-q", "-o", out("clean.csv"), "--blocked", out("blocked.csv"), "--invalid", out("invalid.csv")}, flags...)
	stdio, _, errOut := testIO("")
	if code := Main(append(args, in), stdio); code != 0 {
		t.Fatalf("scrub: exit %d: %s", code, errOut)
	}
	type verdict struct{ number, status, reason, source string }
	want := map[string]verdict{}
	for _, o := range []struct{ file, status string }{{"clean.csv", "clean"}, {"blocked.csv", "blocked"}, {"invalid.csv", "invalid"}} {
		data, err := os.ReadFile(out(o.file))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", o.file, err)
		}
		for _, r := range recs[1:] {
			v := verdict{number: r[1], status: o.status}
			if len(r) > 2 {
				v.reason = r[2]
			}
			if len(r) > 3 {
				v.source = r[3]
			}
			want[r[0]] = v
		}
	}
	if len(want) != rows {
		t.Fatalf("scrub: %d rows out, want %d", len(want), rows)
	}

	// The server, with the same flags.
	addr := make(chan net.Addr, 1)
	ctx, cancel := context.WithCancel(context.Background())
	sio, _, serr := testIO("")
	cmd := newServeCmd(sio, func(ctx context.Context, o *serveOptions) error {
		o.listening = func(a net.Addr) { addr <- a }
		return runServe(ctx, o)
	})
	cmd.SetArgs(append([]string{"--listen", "127.0.0.1:0"}, flags...))
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("serve: %v: %s", err, serr)
	}
	numbers := make([]string, rows)
	for i := range rows {
		numbers[i] = want[fmt.Sprint(i)].number
	}
	body, _ := json.Marshal(numbers)
	resp, err := http.Post(base+"/v1/check?at="+url.QueryEscape(at), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []struct{ Number, Status, Reason, Source string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || len(got) != rows {
		t.Fatalf("POST: %d, %d answers: %v", resp.StatusCode, len(got), err)
	}
	seen := map[string]int{}
	for i, g := range got {
		w := want[fmt.Sprint(i)]
		if g.Number != w.number || g.Status != w.status || g.Reason != w.reason || g.Source != w.source {
			t.Errorf("row %d %q: serve %s %q %q, scrub %s %q %q", i, w.number, g.Status, g.Reason, g.Source, w.status, w.reason, w.source)
		}
		seen[w.status+" "+w.reason+" "+w.source]++
	}
	// The file exercises every rule it means to.
	for _, v := range []string{"clean  ", "blocked registered bloctel", "blocked registered own", "blocked registered bloctel+own", "blocked no-consent optin",
		"blocked consent-withdrawn optin", "blocked refused-recently calls", "blocked attempt-limit calls", "invalid not-a-number "} {
		if seen[v] == 0 {
			t.Errorf("no row is %q; seen %v", v, seen)
		}
	}
}
