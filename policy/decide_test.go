package policy

import (
	"testing"
	"time"
)

func mustPreset(t testing.TB, name string) *Policy {
	t.Helper()
	p, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func TestDecide(t *testing.T) {
	cases := []struct {
		policy, e164, at string
		want             Reason
		next             string // "" : no next window
	}{
		// A Monday in Paris (CET, UTC+1): the boundaries to the second.
		{"fr", "+33145678901", "2026-03-02T08:59:59Z", OutsideHours, "2026-03-02T09:00:00Z"},
		{"fr", "+33145678901", "2026-03-02T09:00:00Z", Callable, "2026-03-02T09:00:00Z"},
		{"fr", "+33145678901", "2026-03-02T11:59:59Z", Callable, "2026-03-02T11:59:59Z"},
		{"fr", "+33145678901", "2026-03-02T12:00:00Z", OutsideHours, "2026-03-02T13:00:00Z"},
		{"fr", "+33145678901", "2026-03-02T18:59:59.999Z", Callable, "2026-03-02T18:59:59.999Z"},
		{"fr", "+33145678901", "2026-03-02T19:00:00Z", OutsideHours, "2026-03-03T09:00:00Z"},
		// Weekend, then the last Sunday of March (29th): Monday 10:00 is CEST, 08:00Z.
		{"fr", "+33612345678", "2026-03-27T18:59:59Z", Callable, "2026-03-27T18:59:59Z"},
		{"fr", "+33612345678", "2026-03-27T19:00:00Z", OutsideHours, "2026-03-30T08:00:00Z"},
		{"fr", "+33612345678", "2026-03-28T10:00:00Z", OutsideHours, "2026-03-30T08:00:00Z"},
		{"fr", "+33612345678", "2026-03-30T07:59:59Z", OutsideHours, "2026-03-30T08:00:00Z"},
		{"fr", "+33612345678", "2026-03-30T08:00:00Z", Callable, "2026-03-30T08:00:00Z"},
		// The last Sunday of October (25th): Friday 10:00 CEST is 08:00Z, Monday 10:00 CET 09:00Z.
		{"fr", "+33612345678", "2026-10-23T08:00:00Z", Callable, "2026-10-23T08:00:00Z"},
		{"fr", "+33612345678", "2026-10-23T18:00:00Z", OutsideHours, "2026-10-26T09:00:00Z"},
		{"fr", "+33612345678", "2026-10-26T08:59:59Z", OutsideHours, "2026-10-26T09:00:00Z"},
		{"fr", "+33612345678", "2026-10-26T09:00:00Z", Callable, "2026-10-26T09:00:00Z"},
		// Holidays: 1 May 2026 is a Friday; the next window is Monday 4 May.
		{"fr", "+33145678901", "2026-05-01T09:00:00Z", Holiday, "2026-05-04T08:00:00Z"},
		{"fr", "+33145678901", "2026-05-01T05:00:00Z", Holiday, "2026-05-04T08:00:00Z"}, // before hours, still the holiday
		// A holiday on a Saturday (14 July 2029) is a day without windows: outside-hours.
		{"fr", "+33145678901", "2029-07-14T09:00:00Z", OutsideHours, "2029-07-16T08:00:00Z"},
		// Good Friday 2026 (3 April): Alsace-Moselle and numbers of unknown place only.
		{"fr", "+33145678901", "2026-04-03T09:00:00Z", Callable, "2026-04-03T09:00:00Z"},
		{"fr", "+33387123456", "2026-04-03T09:00:00Z", Holiday, "2026-04-07T08:00:00Z"}, // Easter Monday follows
		{"fr", "+33612345678", "2026-04-03T09:00:00Z", Holiday, "2026-04-07T08:00:00Z"},
		// Overseas: local dates and their own days.
		{"fr", "+262269601234", "2026-04-27T08:00:00Z", Holiday, "2026-04-28T07:00:00Z"},  // Mayotte, 11:00 EAT
		{"fr", "+262262123456", "2026-04-27T08:00:00Z", Callable, "2026-04-27T08:00:00Z"}, // Réunion, 12:00 RET
		{"fr", "+262262123456", "2027-12-20T07:00:00Z", Holiday, "2027-12-21T06:00:00Z"},
		{"fr", "+262639123456", "2027-12-20T07:00:00Z", Callable, "2027-12-20T07:00:00Z"},
		{"fr", "+590690123456", "2026-05-27T15:00:00Z", Holiday, "2026-05-29T14:00:00Z"}, // 27 and 28 May
		{"fr", "+590590123456", "2026-10-09T15:00:00Z", Holiday, "2026-10-12T14:00:00Z"},
		{"fr", "+596696123456", "2026-05-22T15:00:00Z", Holiday, "2026-05-26T14:00:00Z"}, // Monday 25 May is Whit Monday
		{"fr", "+594694123456", "2026-06-10T14:00:00Z", Holiday, "2026-06-11T13:00:00Z"},
		{"fr", "+33145678901", "2026-06-10T09:00:00Z", Callable, "2026-06-10T09:00:00Z"},
		// Another country under fr: windows without French holidays.
		{"fr", "+12125550123", "2026-07-14T15:00:00Z", Callable, "2026-07-14T15:00:00Z"},
		{"fr", "+33145678901", "2026-07-14T09:00:00Z", Holiday, "2026-07-15T08:00:00Z"},
		// New York, second Sunday of March (8th): 08:00 EST is 13:00Z, 08:00 EDT 12:00Z.
		{"us", "+12125550123", "2026-03-07T12:59:59Z", OutsideHours, "2026-03-07T13:00:00Z"},
		{"us", "+12125550123", "2026-03-08T02:00:00Z", OutsideHours, "2026-03-08T12:00:00Z"},
		{"us", "+12125550123", "2026-03-08T11:59:59Z", OutsideHours, "2026-03-08T12:00:00Z"},
		{"us", "+12125550123", "2026-03-08T12:00:00Z", Callable, "2026-03-08T12:00:00Z"},
		{"us", "+12125550123", "2026-03-09T00:59:59Z", Callable, "2026-03-09T00:59:59Z"},
		{"us", "+12125550123", "2026-03-09T01:00:00Z", OutsideHours, "2026-03-09T12:00:00Z"},
		{"us", "+13125550123", "2026-07-04T13:00:00Z", Callable, "2026-07-04T13:00:00Z"}, // us: no holidays
		{"us", "+18085550123", "2026-06-01T17:59:59Z", OutsideHours, "2026-06-01T18:00:00Z"},
		// Alaska's two zones: callable only when callable in both.
		{"us", "+19075550123", "2026-06-01T16:00:00Z", OutsideHours, "2026-06-01T17:00:00Z"}, // Anchorage 08:00, Adak 07:00
		{"us", "+19075550123", "2026-06-02T04:59:59Z", Callable, "2026-06-02T04:59:59Z"},
		{"us", "+19075550123", "2026-06-02T05:00:00Z", OutsideHours, "2026-06-02T17:00:00Z"}, // Anchorage 21:00
		// No known zone: never callable.
		{"us", "+80012345678", "2026-06-02T17:00:00Z", OutsideHours, ""},
		{"fr", "+88213123456", "2026-06-02T10:00:00Z", OutsideHours, ""},
	}
	for _, c := range cases {
		p := mustPreset(t, c.policy)
		k := mustKey(t, c.e164)
		at, err := time.Parse(time.RFC3339Nano, c.at)
		if err != nil {
			t.Fatal(err)
		}
		d := p.Decide(k, at, nil)
		var next time.Time
		if c.next != "" {
			next, _ = time.Parse(time.RFC3339Nano, c.next)
		}
		if d.Reason != c.want || !d.Next.Equal(next) {
			t.Errorf("%s %s at %s: %q next %v, want %q next %v", c.policy, c.e164, c.at, d.Reason, d.Next, c.want, next)
		}
		if r := p.Reason(k, at, nil); r != d.Reason {
			t.Errorf("%s %s at %s: Reason %q, Decide %q", c.policy, c.e164, c.at, r, d.Reason)
		}
	}
}

// TestNextInGap checks windows that start in the hour a DST change skips or
// repeats: the next window starts at the first instant whose wall clock is
// inside it.
func TestNextInGap(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	p := &Policy{Name: "t"}
	p.Windows[time.Sunday] = []Window{{Start: 2*3600 + 1800, End: 3*3600 + 1800}} // 02:30–03:30
	k := mustKey(t, "+12125550123")
	limit := utc(t, "2027-01-01T00:00:00Z")
	cases := []struct{ from, want string }{
		// 8 March 2026: 02:00 EST becomes 03:00 EDT at 07:00Z; 02:30 never happens.
		{"2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"},
		{"2026-03-08T07:29:59Z", "2026-03-08T07:29:59Z"},
		{"2026-03-08T07:30:00Z", "2026-03-15T06:30:00Z"},
		// 1 November 2026: 02:00 EDT becomes 01:00 EST at 06:00Z; 02:30 EST is 07:30Z.
		{"2026-11-01T05:00:00Z", "2026-11-01T07:30:00Z"},
		{"2026-11-01T08:29:59Z", "2026-11-01T08:29:59Z"},
		{"2026-11-01T08:30:00Z", "2026-11-08T07:30:00Z"},
	}
	for _, c := range cases {
		got := p.nextIn(k, utc(t, c.from), limit, ny)
		if !got.Equal(utc(t, c.want)) {
			t.Errorf("from %s: next %v, want %s", c.from, got, c.want)
		}
	}
}
