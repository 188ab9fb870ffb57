package policy

import (
	"strings"
	"testing"
	"time"
)

func TestPresets(t *testing.T) {
	fr := mustPreset(t, "fr")
	if fr.Name != "fr" || fr.AttemptLimit != 4 || fr.AttemptWindow != 720*time.Hour || fr.RefusalCooldown != 1440*time.Hour ||
		len(fr.Calendars) != 1 || len(fr.Windows[time.Saturday]) != 0 || len(fr.Windows[time.Sunday]) != 0 ||
		fr.Windows[time.Monday][0] != (Window{36000, 46800}) || fr.Windows[time.Friday][1] != (Window{50400, 72000}) {
		t.Errorf("fr preset: %+v", fr)
	}
	us := mustPreset(t, "us")
	for d := range 7 {
		if len(us.Windows[d]) != 1 || us.Windows[d][0] != (Window{28800, 75600}) {
			t.Errorf("us %v: %v", time.Weekday(d), us.Windows[d])
		}
	}
	if us.AttemptLimit != 0 || us.RefusalCooldown != 0 || len(us.Calendars) != 0 || len(us.SHA256) != 64 {
		t.Errorf("us preset: %+v", us)
	}
	if _, err := Preset("de"); err == nil {
		t.Error("Preset(de) succeeded")
	}
}

func TestParse(t *testing.T) {
	ok := []struct{ json, check string }{
		{`{"name":"x","windows":{"saturday":["09:00:30-12:00"]}}`, "saturday 09:00:30-12:00"},
		{`{"name":"x","windows":{"monday":["14:00-24:00","00:00-01:00"]}}`, "monday 00:00-01:00 14:00-24:00"},
		{`{"name":"x","windows":{"monday":["10:00–13:00"]},"holiday_dates":["2026-12-24","2026-12-24"]}`, "monday 10:00-13:00"},
	}
	for _, c := range ok {
		p, err := Parse([]byte(c.json))
		if err != nil {
			t.Errorf("%s: %v", c.json, err)
			continue
		}
		day, _, _ := strings.Cut(c.check, " ")
		var got []string
		for _, w := range p.Windows[weekdays[day]] {
			got = append(got, w.String())
		}
		if s := day + " " + strings.Join(got, " "); s != c.check {
			t.Errorf("%s: %s, want %s", c.json, s, c.check)
		}
	}
	bad := []struct{ json, msg string }{
		{`{"windows":{"monday":["10:00-13:00"]}}`, `"name" is required`},
		{`{"name":"x"}`, "no window at all"},
		{`{"name":"x","windows":{}}`, "no window at all"},
		{`{"name":"x","windows":{"mon":["10:00-13:00"]}}`, "not a weekday"},
		{`{"name":"x","windows":{"monday":["13:00-10:00"]}}`, "start must be before"},
		{`{"name":"x","windows":{"monday":["10:00-10:00"]}}`, "start must be before"},
		{`{"name":"x","windows":{"monday":["10:00-13:00","12:00-14:00"]}}`, "overlaps"},
		{`{"name":"x","windows":{"monday":["10h-13h"]}}`, `"10h" is not HH:MM`},
		{`{"name":"x","windows":{"monday":["10:00"]}}`, "not a window"},
		{`{"name":"x","windows":{"monday":["10:60-13:00"]}}`, "not a time of day"},
		{`{"name":"x","windows":{"monday":["24:00-24:00"]}}`, "start must be before"},
		{`{"name":"x","windows":{"monday":["10:00-24:01"]}}`, "not a time of day"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"holidays":["de"]}`, "unknown calendar"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"holiday_dates":["24/12/2026"]}`, "not a YYYY-MM-DD"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"attempt_limit":4}`, "needs a positive attempt_window"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"attempt_window":"720h"}`, "without attempt_limit"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"attempt_limit":-1}`, "negative"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"refusal_cooldown":"60d"}`, "not a duration"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"refusal_cooldown":"1.5s"}`, "whole seconds"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]},"refusal_colldown":"1440h"}`, `unknown key "refusal_colldown"`},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]}} {}`, "data after"},
		{`{"name":"x","windows":{"monday":["10:00-13:00"]}}}`, "data after"},
		{`[]`, "cannot unmarshal"},
	}
	for _, c := range bad {
		if _, err := Parse([]byte(c.json)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v, want one containing %q", c.json, err, c.msg)
		}
	}
}

func TestHolidayDates(t *testing.T) {
	p, err := Parse([]byte(`{"name":"x","windows":{"thursday":["10:00-13:00"]},"holiday_dates":["2026-12-24"]}`))
	if err != nil {
		t.Fatal(err)
	}
	k := mustKey(t, "+12125550123")
	if r := p.Reason(k, utc(t, "2026-12-24T16:00:00Z"), nil); r != Holiday {
		t.Errorf("24 December: %q", r)
	}
	if r := p.Reason(k, utc(t, "2026-12-31T16:00:00Z"), nil); r != Callable {
		t.Errorf("31 December: %q", r)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(PresetJSON("fr"))
	f.Add(PresetJSON("us"))
	f.Add([]byte(`{"name":"x","windows":{"monday":["00:00-24:00"]},"holiday_dates":["2026-01-02"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		n := 0
		for _, ws := range p.Windows {
			for i, w := range ws {
				if w.Start < 0 || w.Start >= w.End || w.End > 86400 || i > 0 && ws[i-1].End > w.Start {
					t.Fatalf("bad windows %v", ws)
				}
				n++
			}
		}
		if n == 0 || p.Name == "" || p.AttemptLimit < 0 || p.AttemptLimit > 0 && p.AttemptWindow <= 0 {
			t.Fatalf("accepted %+v", p)
		}
	})
}

// TestParseRelaxingKeys refuses the JSON that encoding/json would read
// silently with a rule relaxed: a key twice, a key in another case.
func TestParseRelaxingKeys(t *testing.T) {
	base := `"name":"x","windows":{"monday":["10:00-12:00"]},"refusal_cooldown":"1440h"`
	for _, c := range []struct{ doc, want string }{
		{`{` + base + `,"refusal_cooldown":"0s"}`, `key "refusal_cooldown" given twice`},
		{`{` + base + `,"Refusal_Cooldown":"0s"}`, `unknown key "Refusal_Cooldown"`},
		{`{` + base + `,"holidays":["fr"],"Holidays":[]}`, `unknown key "Holidays"`},
		{`{"name":"x","windows":{"monday":["10:00-12:00"],"monday":[]}}`, `key "monday" given twice`},
	} {
		if _, err := Parse([]byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%s) = %v, want an error with %q", c.doc, err, c.want)
		}
	}
	if _, err := Parse([]byte(`{` + base + `}`)); err != nil {
		t.Errorf("the valid document: %v", err)
	}
}
