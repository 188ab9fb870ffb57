package registry

import (
	"regexp"
	"testing"
	"time"
)

// TestParseRFC3339 lists the times a history's called_at accepts, to the
// second, and those it refuses.
func TestParseRFC3339(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // RFC 3339 UTC; "" refused
	}{
		{"2026-11-30T14:05:00+01:00", "2026-11-30T13:05:00Z"},
		{"2026-11-30T13:05:00Z", "2026-11-30T13:05:00Z"},
		{"2026-11-30T13:05:00.999999999Z", "2026-11-30T13:05:00Z"},
		{"2026-11-30T13:05:00.2-05:30", "2026-11-30T18:35:00Z"},
		{"2024-02-29T23:59:59+23:59", "2024-02-29T00:00:59Z"},
		{"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"},
		{"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59-00:00", "9999-12-31T23:59:59Z"},
		{"2026-11-30T14:05:00", ""},
		{"2026-11-30 14:05:00Z", ""},
		{"2026-11-30t14:05:00Z", ""},
		{"2026-11-30T14:05:00z", ""},
		{"2026-11-30T14:05Z", ""},
		{"2026-11-30T24:00:00Z", ""},
		{"2026-11-30T23:60:00Z", ""},
		{"2026-11-30T23:59:60Z", ""},
		{"2025-02-29T10:00:00Z", ""},
		{"2026-13-01T10:00:00Z", ""},
		{"2026-00-01T10:00:00Z", ""},
		{"2026-04-31T10:00:00Z", ""},
		{"2026-11-30T10:00:00.Z", ""},
		{"2026-11-30T10:00:00.1234567890Z", ""},
		{"2026-11-30T10:00:00+0100", ""},
		{"2026-11-30T10:00:00+24:00", ""},
		{"2026-11-30T10:00:00+01:60", ""},
		{"2026-11-30", ""},
		{"", ""},
		{"30/11/2026 14:05", ""},
	} {
		sec, ok := parseRFC3339([]byte(c.in))
		got := ""
		if ok {
			got = time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
		if got != c.want {
			t.Errorf("parseRFC3339(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestParseConsentDate: a consent date is RFC 3339 or a day at 00:00 UTC.
func TestParseConsentDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2026-11-30", "2026-11-30T00:00:00Z"},
		{"2024-02-29", "2024-02-29T00:00:00Z"},
		{"2026-11-30T00:30:00+01:00", "2026-11-29T23:30:00Z"},
		{"2025-02-29", ""}, {"2026-1-30", ""}, {"30/11/2026", ""}, {"20261130", ""}, {"oui", ""},
		{"2026-11-30T10:00:00", ""}, {"2026-11-30T10:00:00.4Z", "2026-11-30T10:00:00Z"},
	} {
		sec, ok := parseConsentDate([]byte(c.in), false)
		got := ""
		if ok {
			got = time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
		if got != c.want {
			t.Errorf("parseConsentDate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestParseRFC3339Allocs: parsing allocates nothing (it runs on every line).
func TestParseRFC3339Allocs(t *testing.T) {
	b := []byte("2026-11-30T14:05:00.250+01:00")
	if n := testing.AllocsPerRun(100, func() { parseRFC3339(b) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

// FuzzParseRFC3339 checks parseRFC3339 against time.Parse: what it accepts
// time.Parse does, at the same second; what time.Parse accepts it does when
// it has RFC 3339's shape (time.Parse also takes a one-digit hour, a comma
// before the fraction, more than 9 fraction digits, an offset of +00:60).
func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{
		"2026-11-30T14:05:00+01:00", "2026-11-30T13:05:00.25Z", "2024-02-29T23:59:59-23:59",
		"2026-11-30T14:05:00", "2026-11-30", "2026-02-30T10:00:00Z", "0000-01-01T00:00:00Z",
		"2026-11-30T10:00:00.123456789012Z", "2026-11-30T10:00:00,5Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sec, ok := parseRFC3339([]byte(s))
		up, upOK := parseRFC3339Up([]byte(s))
		want, err := time.Parse(time.RFC3339Nano, s)
		if ok {
			if err != nil {
				t.Fatalf("%q: accepted, time.Parse refuses it: %v", s, err)
			}
			if want.Unix() != sec {
				t.Fatalf("%q: %d, time.Parse %d", s, sec, want.Unix())
			}
			if wantUp := want.Add(time.Second - 1).Unix(); !upOK || up != wantUp {
				t.Fatalf("%q: rounded up %d, want %d", s, up, wantUp)
			}
			return
		}
		if err == nil && rfc3339Shape.MatchString(s) {
			t.Fatalf("%q: refused, time.Parse reads %v", s, want)
		}
	})
}

// rfc3339Shape is the shape of the times parseRFC3339 reads.
var rfc3339Shape = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`)
