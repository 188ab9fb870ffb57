package policy

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadHolidays(t *testing.T) {
	cases := []struct {
		name, in string
		want     []int
		err      string // a substring of the error; "" for none
	}{
		{"plain", "2026-12-24\n2026-12-31\n", []int{20261224, 20261231}, ""},
		{"labels", "2026-12-31;New Year's Eve\n2026-12-24,Christmas Eve\n2027-01-02\tBridge\n", []int{20261224, 20261231, 20270102}, ""},
		{"header", "date,label\n2026-12-24,Christmas Eve\n", []int{20261224}, ""},
		{"header upper", "\ufeffDate;Label\r\n2026-12-24;x\r\n", []int{20261224}, ""},
		{"comments and blanks", "# ours\n\n   \n2026-12-24\n# 2026-12-25\n", []int{20261224}, ""},
		{"header after a comment", "# ours\ndate\n2026-12-24\n", []int{20261224}, ""},
		{"CRLF", "2026-12-24\r\n2026-12-26\r\n", []int{20261224, 20261226}, ""},
		{"CR", "2026-12-24\r2026-12-26\r", []int{20261224, 20261226}, ""},
		{"no final newline", "2026-12-24", []int{20261224}, ""},
		{"BOM", "\ufeff2026-12-24\n", []int{20261224}, ""},
		{"quoted", "\"2026-12-24\",\"Eve, Christmas\"\n", []int{20261224}, ""},
		{"spaces", "  2026-12-24  , label\n", []int{20261224}, ""},
		{"duplicates", "2026-12-24\n2026-12-24\n", []int{20261224}, ""},
		{"leap day", "2028-02-29\n", []int{20280229}, ""},
		{"not a leap day", "2027-02-29\n", nil, "h.csv:1: \"2027-02-29\" is not a YYYY-MM-DD date"},
		{"bad month", "2026-12-24\r\n2026-13-01\r\n", nil, "h.csv:2: \"2026-13-01\""},
		{"bad line after CR", "2026-12-24\r\rnope\r", nil, "h.csv:3: \"nope\""},
		{"french order", "24/12/2026\n", nil, "h.csv:1:"},
		{"short", "2026-1-2\n", nil, "h.csv:1:"},
		{"header twice", "date\ndate\n", nil, "h.csv:2: \"date\""},
		{"header not first", "2026-12-24\ndate\n", nil, "h.csv:2:"},
		{"empty", "", nil, "h.csv: no holiday date"},
		{"only header", "date\n# nothing\n", nil, "h.csv: no holiday date"},
		{"long field cut", strings.Repeat("9", 100) + "\n", nil, "...  is not"},
		{"long line", "2026-12-24," + strings.Repeat("x", maxHolidayLine) + "\n", nil, "h.csv: a line is longer than"},
	}
	for _, c := range cases {
		got, err := ReadHolidays(strings.NewReader(c.in), "h.csv")
		if c.err == "" {
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
			}
			continue
		}
		if c.name == "long field cut" {
			c.err = "h.csv:1: \"" + strings.Repeat("9", 40) + "\"... is not"
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, %v; want an error with %q", c.name, got, err, c.err)
		}
	}
}

// TestWithDates: added dates are holidays for every number, on days with
// windows; the original policy is unchanged.
func TestWithDates(t *testing.T) {
	fr, us := mustPreset(t, "fr"), mustPreset(t, "us")
	dates, err := ReadHolidays(strings.NewReader("2026-12-24\n2026-07-04\n2026-06-06\n"), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		p      *Policy
		e164   string
		at     string
		before Reason
		after  Reason
	}{
		{fr, "+33145678901", "2026-12-24T09:00:00Z", Callable, Holiday},          // a Thursday
		{fr, "+12125550123", "2026-12-24T15:00:00Z", Callable, Holiday},          // another country too
		{fr, "+33145678901", "2026-06-06T09:00:00Z", OutsideHours, OutsideHours}, // a Saturday: no window
		{fr, "+33145678901", "2026-12-23T09:00:00Z", Callable, Callable},         // the day before
		{us, "+12125550123", "2026-07-04T15:00:00Z", Callable, Holiday},          // us has no calendar of its own
		{us, "+12125550123", "2026-07-05T03:59:59Z", OutsideHours, Holiday},      // 23:59:59 EDT on the 4th: a holiday all day
		{us, "+14155550123", "2026-07-05T03:00:00Z", Callable, Holiday},          // 20:00 PDT on the 4th
		{us, "+14155550123", "2026-07-05T07:00:00Z", OutsideHours, OutsideHours}, // 00:00 PDT on the 5th: no window yet
	}
	for _, c := range cases {
		k := mustKey(t, c.e164)
		at := utc(t, c.at)
		q := c.p.WithDates(dates)
		if r := c.p.Reason(k, at, nil); r != c.before {
			t.Errorf("%s %s at %s before: %q, want %q", c.p.Name, c.e164, c.at, r, c.before)
		}
		if r := q.Reason(k, at, nil); r != c.after {
			t.Errorf("%s %s at %s with dates: %q, want %q", c.p.Name, c.e164, c.at, r, c.after)
		}
		if r := q.At(at).Reason(k, nil); r != c.after {
			t.Errorf("%s %s at %s with dates, Instant: %q, want %q", c.p.Name, c.e164, c.at, r, c.after)
		}
	}
	if len(fr.Dates) != 0 || len(us.Dates) != 0 {
		t.Errorf("the presets changed: %v %v", fr.Dates, us.Dates)
	}
	q := fr.WithDates([]int{20261224}).WithDates([]int{20261224, 20260101})
	if !slices.Equal(q.Dates, []int{20260101, 20261224}) || q.Name != "fr" || q.SHA256 != fr.SHA256 {
		t.Errorf("WithDates twice: %v %q %q", q.Dates, q.Name, q.SHA256)
	}
	// The next window skips an added date.
	d := q.Decide(mustKey(t, "+33145678901"), utc(t, "2026-12-24T09:00:00Z"), nil)
	if d.Reason != Holiday || !d.Next.Equal(utc(t, "2026-12-28T09:00:00Z")) { // 25th a holiday, then the weekend
		t.Errorf("Decide %q next %v", d.Reason, d.Next)
	}
}

// FuzzReadHolidays: ReadHolidays never panics; what it accepts are valid
// dates, sorted, each once, and writing them back one a line reads back
// the same; an error names the file.
func FuzzReadHolidays(f *testing.F) {
	for _, s := range []string{"2026-12-24\n", "date,label\r\n2026-12-24,x\r\n", "\ufeff# c\r2026-01-01;a\r\r2025-12-31\tb",
		"\"2026-12-24\",\"a,b\"\n", "date\ndate\n", "2026-13-01\n", "", "\r", "2026-12-24\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadHolidays(bytes.NewReader(data), "f.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(got) == 0 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("dates %v: not sorted, unique and non-empty", got)
		}
		var b strings.Builder
		for _, d := range got {
			day := time.Date(d/10000, time.Month(d/100%100), d%100, 0, 0, 0, 0, time.UTC)
			if dateInt(day.Year(), day.Month(), day.Day()) != d {
				t.Fatalf("%d is not a date", d)
			}
			fmt.Fprintf(&b, "%s\n", day.Format(time.DateOnly))
		}
		again, err := ReadHolidays(strings.NewReader(b.String()), "f.csv")
		if err != nil || !slices.Equal(again, got) {
			t.Fatalf("round trip: %v, %v; want %v", again, err, got)
		}
	})
}
