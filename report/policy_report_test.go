package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// policyWeek is the week the policy reports are counted in: Christmas
// (Friday) in it, Paris time.
func policyWeek(t testing.TB) time.Time {
	return time.Date(2026, 12, 21, 0, 0, 0, 0, mustLoc(t, "Europe/Paris"))
}

// policyReport runs the coverage of the shipped sample under fr at a
// Wednesday 13:30 Paris (lunch: the clean rows of the morning are blocked
// outside-hours, but Réunion's are callable), with callable_by_hour for policyWeek.
func policyReport(t *testing.T) *Report {
	t.Helper()
	dir := filepath.Join("..", "testdata", "sample")
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reg, err := registry.Load(ctx, []registry.Spec{
		{Label: "bloctel", Path: filepath.Join(dir, "bloctel.csv")},
		{Label: "optout", Path: filepath.Join(dir, "optout.txt")},
	}, registry.LoadOptions{Normalizer: norm, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	pol := mustPolicy(t, "fr")
	agg := New(Config{Registry: reg, Policy: pol, Week: policyWeek(t)})
	st, err := scrub.Run(ctx, scrub.Options{
		Input: filepath.Join(dir, "prospects.csv"), Out: os.DevNull,
		Registry: reg, Normalizer: norm, Dedupe: true, Observer: agg,
		Policy: pol, At: time.Date(2026, 12, 2, 13, 30, 0, 0, mustLoc(t, "Europe/Paris")),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := agg.Err(); err != nil {
		t.Fatal(err)
	}
	st.Input.Path = "prospects.csv"
	return agg.Report(st)
}

// The sample under fr at lunch time: blocked rows by reason in every
// format, and callable_by_hour in JSON, CSV and the table's grid, with the
// same figures.
func TestPolicyReportFormats(t *testing.T) {
	r := policyReport(t)
	reasons := r.BlockedByReason.Keys()
	if len(reasons) != 2 || reasons[0] != "registered" || reasons[1] != "outside-hours" {
		t.Fatalf("blocked_by_reason keys %q, want registered and outside-hours", reasons)
	}
	registered, outside := r.BlockedByReason.Get("registered"), r.BlockedByReason.Get("outside-hours")
	if registered != 272 || outside == 0 || registered+outside != r.RowsBlocked {
		t.Fatalf("registered %d, outside-hours %d, clean %d, blocked %d", registered, outside, r.RowsClean, r.RowsBlocked)
	}
	h := r.CallableByHour
	if h == nil || h.Eligible != outside+r.RowsClean || h.Zone != "Europe/Paris" || h.WeekStart != "2026-12-21" || h.WeekEnd != "2026-12-27" {
		t.Fatalf("callable_by_hour %+v", h)
	}
	mon10, mon13, fri10, sat10 := h.Hours[10].Rows, h.Hours[13].Rows, h.Hours[4*24+10].Rows, h.Hours[5*24+10].Rows
	if mon10 == 0 || mon10 > h.Eligible || mon13 >= mon10 || fri10 >= mon10 || sat10 != 0 {
		t.Errorf("Monday 10:00 %d, 13:00 %d, Christmas 10:00 %d, Saturday %d rows", mon10, mon13, fri10, sat10)
	}

	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		BlockedByReason map[string]int64 `json:"blocked_by_reason"`
		CallableByHour  struct {
			Zone      string `json:"zone"`
			WeekStart string `json:"week_start"`
			Eligible  int64  `json:"rows_eligible"`
			Hours     []struct {
				Start   string `json:"start"`
				Weekday string `json:"weekday"`
				Hour    int    `json:"hour"`
				Rows    int64  `json:"rows"`
			} `json:"hours"`
		} `json:"callable_by_hour"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ch := doc.CallableByHour
	if doc.BlockedByReason["outside-hours"] != outside || ch.Zone != "Europe/Paris" || ch.WeekStart != "2026-12-21" || ch.Eligible != outside+r.RowsClean || len(ch.Hours) != 168 {
		t.Fatalf("json: %+v", doc)
	}
	if x := ch.Hours[10]; x.Start != "2026-12-21T10:00:00+01:00" || x.Weekday != "monday" || x.Hour != 10 || x.Rows != mon10 {
		t.Errorf("json hour 10: %+v", x)
	}
	if x := ch.Hours[167]; x.Start != "2026-12-27T23:00:00+01:00" || x.Weekday != "sunday" || x.Hour != 23 {
		t.Errorf("json hour 167: %+v", x)
	}

	var cb bytes.Buffer
	if err := r.WriteCSV(&cb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&cb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	hours := 0
	for _, rec := range recs {
		got[rec[0]+" "+rec[1]] = rec
		if rec[0] == "callable_by_hour" {
			hours++
		}
	}
	if rec := got["blocked_by_reason outside-hours"]; rec == nil || rec[5] != itoa(outside) {
		t.Errorf("csv blocked_by_reason outside-hours: %q", rec)
	}
	if rec := got["blocked_by_reason registered"]; rec == nil || rec[5] != "272" {
		t.Errorf("csv blocked_by_reason registered: %q", rec)
	}
	if rec := got["callable_by_hour monday-10"]; hours != 168 || rec == nil || rec[2] != "2026-12-21T10:00:00+01:00" || rec[3] != itoa(mon10) {
		t.Errorf("csv: %d callable_by_hour lines, monday-10 %q", hours, rec)
	}

	var tb bytes.Buffer
	if err := r.WriteTable(&tb); err != nil {
		t.Fatal(err)
	}
	table := tb.String()
	for _, want := range []string{
		"Blocked rows by reason", "registered", "outside-hours",
		"Callable rows by hour, week of 2026-12-21 to 2026-12-27, Europe/Paris time: % of the 1,000 rows\n",
		"       00  01  02  03  04  05  06  07  08  09  10  11  12  13  14  15  16  17  18  19  20  21  22  23\n",
		"  sat   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .\n",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "  mon ") && len(line) != 101 {
			t.Errorf("grid line %d wide, want 101: %q", len(line), line)
		}
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// Without a policy there is no callable_by_hour in any format.
func TestNoPolicyNoHours(t *testing.T) {
	r := sampleReport(t)
	var b bytes.Buffer
	for _, f := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return r.WriteJSON(b) },
		func(b *bytes.Buffer) error { return r.WriteTable(b) },
		func(b *bytes.Buffer) error { return r.WriteCSV(b) },
		func(b *bytes.Buffer) error { return r.WriteHTML(b) },
	} {
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{"callable_by_hour", "Callable rows", "chart-hours"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("report without a policy holds %q", bad)
		}
	}
}

// The blocked figure's note says what blocked rows.
func TestBlockedNote(t *testing.T) {
	for _, c := range []struct {
		reasons []string
		want    string
	}{
		{[]string{"registered"}, "by a registry"},
		{[]string{"registered", "no-consent"}, "by a registry or consent"},
		{[]string{"consent-expired", "holiday"}, "by consent or the contact policy"},
		{[]string{"registered", "consent-withdrawn", "outside-hours"}, "by a registry, consent or the contact policy"},
		{[]string{"attempt-limit"}, "by the contact policy"},
	} {
		st := &scrub.Stats{}
		for _, k := range c.reasons {
			st.BlockedByReason.Add(k, 1)
		}
		if got := blockedNote(&Report{Stats: st}); got != c.want {
			t.Errorf("%q: %q, want %q", c.reasons, got, c.want)
		}
	}
	if got := blockedNote(&Report{Stats: &scrub.Stats{Policy: &scrub.PolicyStats{}}}); got != "by the contact policy" {
		t.Errorf("none blocked, policy: %q", got)
	}
}

// The HTML page has the blocked-reasons chart and the heat map: 168 cells,
// the busiest hour in the darkest colour, a caption naming zone and week.
func TestHTMLPolicy(t *testing.T) {
	var b bytes.Buffer
	if err := policyReport(t).WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	assertPolicyPage(t, b.String())
}

func assertPolicyPage(t *testing.T, page string) {
	t.Helper()
	for _, want := range []string{
		`id="chart-blocked-reasons"`, `Blocked rows by reason`, `>outside-hours<`, `>registered<`,
		`id="chart-hours"`, `id="chart-hours-caption"`, `Europe/Paris time, in the week of Monday 2026-12-21 to Sunday 2026-12-27`,
		`by a registry or the contact policy`, `fill="#00695c"`, `monday 10:00 (2026-12-21T10:00:00`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(page, `<g class="heat">`); n != 168 {
		t.Errorf("%d heat map cells, want 168", n)
	}
}
