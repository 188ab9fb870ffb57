package report

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/scrub"
)

func mustPolicy(t testing.TB, name string) *policy.Policy {
	t.Helper()
	p, err := policy.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func key(t testing.TB, e164 string) normalize.Key {
	t.Helper()
	k, err := policy.KeyOf(e164)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// numbers of every place the policy tells apart: mainland geographic,
// Alsace-Moselle, mobile, each overseas department, Saint-Pierre, the US
// zones, Hawaii, Alaska, and a number without a known zone.
var placeNumbers = []string{
	"+33145678901", "+33388123456", "+33612345678", "+33756789012", "+33970123456", "+33800123456",
	"+262262123456", "+262269612345", "+262639123456", "+590590123456", "+596596123456", "+594594123456",
	"+508508123", "+12127365000", "+13125550100", "+13035550100", "+14155550100", "+18085550100",
	"+19075550100", "+18005550100", "+442071234567", "+81312345678", "+8617012345678", "+80012345678",
}

// The classes the counter groups numbers by give, at every hour of the
// week, the policy's own answer: over weeks with French and overseas
// holidays and daylight-saving changes, for the zones of Paris and New York.
func TestClassesAgreeWithPolicy(t *testing.T) {
	paris, ny := mustLoc(t, "Europe/Paris"), mustLoc(t, "America/New_York")
	weeks := []time.Time{
		time.Date(2026, 12, 21, 0, 0, 0, 0, paris), // Christmas Friday, 26 December Saturday
		time.Date(2026, 5, 4, 0, 0, 0, 0, paris),   // 8 May Friday
		time.Date(2026, 5, 25, 0, 0, 0, 0, paris),  // Whit Monday, 27-28 May (Guadeloupe)
		time.Date(2027, 3, 22, 0, 0, 0, 0, paris),  // Good Friday, Paris DST on Sunday
		time.Date(2027, 12, 20, 0, 0, 0, 0, paris), // 20 December (Réunion) Monday
		time.Date(2027, 3, 8, 0, 0, 0, 0, ny),      // New York DST on Sunday
		time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC),
	}
	for _, name := range []string{"fr", "us"} {
		pol := mustPolicy(t, name)
		for _, w := range weeks {
			c := newHourCounter(pol, nil, w)
			for _, e := range placeNumbers {
				k := key(t, e)
				m := c.hours(k)
				for h := range HoursInWeek {
					at := hourStart(w, h)
					if want := pol.Reason(k, at, nil) == policy.Callable; m.has(h) != want {
						t.Errorf("%s, week %s, %s at %s: counter says %v, policy %v", name, w.Format(time.DateOnly), e, at.Format(time.RFC3339), m.has(h), want)
					}
				}
			}
		}
	}
}

// Hand-checked answers under fr, week of Monday 21 December 2026, Paris
// hours: a mobile at Monday 10:00 but not 13:00 nor Friday 25 December;
// New York from 16:00 Paris (10:00 there); Réunion (UTC+4) 10:00-13:00 there
// is 07:00-10:00 Paris; a number without a known zone never.
func TestHoursHandChecked(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	week := time.Date(2026, 12, 21, 0, 0, 0, 0, paris)
	c := newHourCounter(mustPolicy(t, "fr"), nil, week)
	const mon, fri, sat = 0, 4 * 24, 5 * 24
	for _, x := range []struct {
		e164 string
		hour int
		want bool
	}{
		{"+33612345678", mon + 10, true}, {"+33612345678", mon + 12, true}, {"+33612345678", mon + 13, false},
		{"+33612345678", mon + 14, true}, {"+33612345678", mon + 19, true}, {"+33612345678", mon + 20, false},
		{"+33612345678", mon + 9, false}, {"+33612345678", fri + 10, false}, {"+33612345678", sat + 10, false},
		{"+33145678901", 3*24 + 10, true}, {"+33145678901", fri + 15, false},
		{"+12127365000", mon + 15, false}, {"+12127365000", mon + 16, true}, {"+12127365000", mon + 19, false},
		{"+12127365000", mon + 20, true}, {"+12127365000", mon + 23, true}, {"+12127365000", 24 + 1, true},
		{"+12127365000", 24 + 2, false}, {"+12127365000", fri + 16, true},
		{"+262262123456", mon + 7, true}, {"+262262123456", mon + 9, true}, {"+262262123456", mon + 10, false},
		{"+262262123456", mon + 11, true}, {"+262262123456", mon + 17, false},
		{"+442071234567", mon + 11, true}, {"+442071234567", sat + 11, false},
		{"+80012345678", mon + 10, false}, {"+8617012345678", mon + 10, true}, {"+8617012345678", mon + 14, false},
	} {
		if got := c.hours(key(t, x.e164)).has(x.hour); got != x.want {
			t.Errorf("%s at hour %d (%s): %v, want %v", x.e164, x.hour, hourStart(week, x.hour).Format(time.RFC3339), got, x.want)
		}
	}
}

// row returns an Observer row of the given numbers (E.164, or "" for an
// invalid number).
func row(t testing.TB, cat scrub.Category, reason string, e164s ...string) *scrub.Row {
	t.Helper()
	r := &scrub.Row{Category: cat, Reason: reason}
	for _, e := range e164s {
		if e == "" {
			r.Numbers = append(r.Numbers, normalize.Result{Reason: normalize.ReasonTooShort})
			continue
		}
		r.Numbers = append(r.Numbers, normalize.Result{Key: key(t, e), Type: normalize.TypeMobile})
	}
	return r
}

// Rows count when clean or blocked by the policy only, callable when every
// valid number is; the history blocks a number with a recent refusal until
// its cool-down ends.
func TestHourCounterRows(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	week := time.Date(2026, 12, 21, 0, 0, 0, 0, paris)
	pol := mustPolicy(t, "fr")
	var hb policy.HistoryBuilder
	// Refused 1440 h before Tuesday 22 December 12:30 Paris: blocked until then.
	refusedAt := time.Date(2026, 12, 22, 12, 30, 0, 0, paris).Add(-1440 * time.Hour)
	hb.Add(key(t, "+33611111111"), refusedAt, true)
	// Three attempts, under the limit: no effect.
	for i := range 3 {
		hb.Add(key(t, "+33622222222"), week.Add(-time.Duration(i+1)*24*time.Hour), false)
	}
	hist, err := hb.Build()
	if err != nil {
		t.Fatal(err)
	}
	c := newHourCounter(pol, hist, week)
	for _, r := range []*scrub.Row{
		row(t, scrub.Clean, "", "+33612345678"),                                // A
		row(t, scrub.Clean, "", "+33612345678", "+12127365000"),                // B: both must be callable
		row(t, scrub.Blocked, "outside-hours", "", "+33145678901"),             // C: the invalid number does not count
		row(t, scrub.Blocked, "refused-recently", "+33611111111"),              // D: history
		row(t, scrub.Clean, "", "+33622222222"),                                // E: history under the limit
		row(t, scrub.Blocked, "registered", "+33612345678"),                    // never
		row(t, scrub.Blocked, "no-consent", "+33612345678"),                    // never
		row(t, scrub.Duplicate, "", "+33612345678"),                            // never
		row(t, scrub.Invalid, "too-short", ""),                                 // never
		row(t, scrub.Blocked, "holiday", "+80012345678"),                       // F: no zone, never callable
		row(t, scrub.Blocked, "attempt-limit", "+33612345678", "+80012345678"), // G: never callable
	} {
		c.row(r)
	}
	rep := c.report()
	if rep.Eligible != 7 || len(rep.Hours) != HoursInWeek || rep.Zone != "Europe/Paris" || rep.WeekStart != "2026-12-21" || rep.WeekEnd != "2026-12-27" {
		t.Fatalf("report %+v", rep)
	}
	// Monday 10:00: A, C, E (B's New York number is at 04:00, D refused);
	// 16:00: B too; Tuesday 12:00: D still in its cool-down, 14:00 free,
	// 16:00 all five; Christmas, Saturday, lunch and 20:00: none.
	want := map[int]int64{10: 3, 16: 4, 24 + 12: 3, 24 + 14: 4, 24 + 16: 5, 4*24 + 16: 0, 5*24 + 11: 0, 13: 0, 2*24 + 20: 0}
	for h, n := range want {
		if got := rep.Hours[h].Rows; got != n {
			t.Errorf("hour %d (%s): %d rows, want %d", h, rep.Hours[h].Start, got, n)
		}
	}
	if h := rep.Hours[24+10]; h.Key() != "tuesday-10" || h.Start != "2026-12-22T10:00:00+01:00" || h.Weekday != "tuesday" || h.Hour != 10 {
		t.Errorf("hour 34: %+v", h)
	}
}

func TestNextMonday(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	for _, x := range []struct{ now, want string }{
		{"2026-12-01T18:00:00+01:00", "2026-12-07"}, // Tuesday
		{"2026-12-07T00:00:00+01:00", "2026-12-14"}, // a Monday: the next one
		{"2026-12-06T23:59:59+01:00", "2026-12-07"}, // Sunday
		{"2026-12-05T12:00:00+01:00", "2026-12-07"}, // Saturday
		{"2027-03-24T12:00:00+01:00", "2027-03-29"}, // across the DST change
	} {
		now, err := time.Parse(time.RFC3339, x.now)
		if err != nil {
			t.Fatal(err)
		}
		got := NextMonday(now.In(paris))
		if got.Format(time.DateOnly) != x.want || got.Hour() != 0 || got.Weekday() != time.Monday || got.Location() != paris {
			t.Errorf("NextMonday(%s) = %s, want %s 00:00", x.now, got, x.want)
		}
	}
}

// The spring-forward week has 168 wall-clock hours; Sunday 02:00 does not
// exist in Paris and is counted at the instant time.Date gives (03:00).
func TestHoursAcrossDST(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	c := newHourCounter(mustPolicy(t, "us"), nil, time.Date(2027, 3, 22, 0, 0, 0, 0, paris))
	rep := c.report()
	if got := rep.Hours[6*24+1].Start; got != "2027-03-28T01:00:00+01:00" {
		t.Errorf("Sunday 01:00 starts %s", got)
	}
	if got := rep.Hours[6*24+3].Start; got != "2027-03-28T03:00:00+02:00" {
		t.Errorf("Sunday 03:00 starts %s", got)
	}
	if got := rep.Hours[6*24+23].Start; got != "2027-03-28T23:00:00+02:00" {
		t.Errorf("Sunday 23:00 starts %s", got)
	}
}

// BenchmarkHoursObserver is the Observer's added cost per row, on 1M rows
// of one or two random French and US numbers (b.N rows per run).
func BenchmarkHoursObserver(b *testing.B) {
	for _, withHist := range []bool{false, true} {
		b.Run(fmt.Sprintf("history=%v", withHist), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			const n = 1_000_000
			rows := make([]scrub.Row, n)
			var hb policy.HistoryBuilder
			week := time.Date(2026, 12, 21, 0, 0, 0, 0, mustLoc(b, "Europe/Paris"))
			for i := range rows {
				k := normalize.Key(33600000000 + rng.Uint64N(200_000_000))
				rows[i].Numbers = []normalize.Result{{Key: k, Type: normalize.TypeMobile}}
				if i%3 == 0 {
					rows[i].Numbers = append(rows[i].Numbers, normalize.Result{Key: normalize.Key(12120000000 + rng.Uint64N(1e7)), Type: normalize.TypeFixedLine})
				}
				if withHist && i%20 == 0 { // one row in 20 has an attempt
					hb.Add(k, week.Add(-time.Duration(rng.IntN(1000))*time.Hour), i%40 == 0)
				}
			}
			var hist *policy.History
			if withHist {
				var err error
				if hist, err = hb.Build(); err != nil {
					b.Fatal(err)
				}
			}
			pol := mustPolicy(b, "fr")
			b.ReportAllocs()
			for b.Loop() {
				c := newHourCounter(pol, hist, week)
				for i := range rows {
					c.row(&rows[i])
				}
				c.report()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
		})
	}
}
