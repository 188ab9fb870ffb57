package policy

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

//go:embed presets/*.json
var presets embed.FS

// PresetNames lists the built-in policies, in order.
var PresetNames = []string{"fr", "us"}

// Preset returns the built-in policy of that name ("fr" or "us"). The
// presets are policy files embedded in the binary, parsed like any other.
func Preset(name string) (*Policy, error) {
	if !slices.Contains(PresetNames, name) {
		return nil, fmt.Errorf("policy %q: no such preset (have %s)", name, strings.Join(PresetNames, ", "))
	}
	data, err := presets.ReadFile("presets/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("policy %q: %w", name, err)
	}
	return Parse(data)
}

// PresetJSON returns the embedded JSON of a preset (for documentation and
// receipts), or nil for an unknown name.
func PresetJSON(name string) []byte {
	if !slices.Contains(PresetNames, name) {
		return nil
	}
	data, _ := presets.ReadFile("presets/" + name + ".json")
	return data
}

// Calendar names a holiday calendar a policy can use.
const (
	// CalendarFR is the French public holidays computed by HolidayFR: a
	// number of another country has none.
	CalendarFR = "fr"
)

// Policy is a parsed contact policy. It is safe for concurrent use.
type Policy struct {
	// Name is the policy's "name" ("fr", "us", or a file's own name).
	Name string
	// SHA256 is the hex SHA-256 of the JSON the policy was parsed from, for
	// receipts.
	SHA256 string
	// Windows holds each weekday's windows (index time.Sunday ...
	// time.Saturday), sorted and disjoint.
	Windows [7][]Window
	// Calendars are the holiday calendars' names (CalendarFR).
	Calendars []string
	// Dates are extra holidays for every number, sorted, as YYYYMMDD.
	Dates []int
	// AttemptLimit is the number of attempts in AttemptWindow that blocks a
	// further call (0: no limit).
	AttemptLimit int
	// AttemptWindow is the sliding window attempts are counted in.
	AttemptWindow time.Duration
	// RefusalCooldown is how long after a refusal a number may not be called
	// (0: none).
	RefusalCooldown time.Duration

	zones *zoneCache
}

// Window is a half-open span of the local day, in seconds since midnight:
// Start is admitted, End is not. End may be 86400 (24:00).
type Window struct{ Start, End int32 }

// String returns the window as "HH:MM-HH:MM" (with seconds when not whole
// minutes).
func (w Window) String() string { return clock(w.Start) + "-" + clock(w.End) }

func clock(s int32) string {
	if s%60 != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/3600, s/60%60)
}

// file is the JSON schema of a policy. Every field but description is
// checked; unknown fields are errors (a misspelt key must not silently
// relax a rule).
type file struct {
	Name            string              `json:"name"`
	Description     string              `json:"description"`
	Windows         map[string][]string `json:"windows"`
	Holidays        []string            `json:"holidays"`
	HolidayDates    []string            `json:"holiday_dates"`
	AttemptLimit    int                 `json:"attempt_limit"`
	AttemptWindow   string              `json:"attempt_window"`
	RefusalCooldown string              `json:"refusal_cooldown"`
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// Parse reads a policy from its JSON form:
//
//	{
//	  "name": "fr-strict",                      required: names the policy in receipts
//	  "description": "...",                     optional, free text
//	  "windows": {                              required: at least one window;
//	    "monday": ["10:00-13:00", "14:00-20:00"], a weekday left out has none
//	    "saturday": ["10:00:00-12:30:00"]
//	  },
//	  "holidays": ["fr"],                       optional: computed calendars (only "fr")
//	  "holiday_dates": ["2026-12-24"],          optional: more holidays, for every number
//	  "attempt_limit": 4,                       optional: 0 or absent is no limit
//	  "attempt_window": "720h",                 required with attempt_limit (Go duration)
//	  "refusal_cooldown": "1440h"               optional: absent is none
//	}
//
// Weekdays are English and lower case. A window is "HH:MM-HH:MM" (or with
// seconds), half-open, local time of the called number, within one day
// (24:00 ends the day); a weekday's windows may not overlap. Durations are
// Go durations in whole seconds.
func Parse(data []byte) (*Policy, error) {
	if err := checkKeys(data); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) != 0 {
		return nil, errors.New("policy: data after the JSON object")
	}
	sum := sha256.Sum256(data)
	p := &Policy{Name: strings.TrimSpace(f.Name), SHA256: hex.EncodeToString(sum[:]), zones: &zoneCache{}}
	if p.Name == "" {
		return nil, errors.New("policy: \"name\" is required")
	}
	if err := p.parseWindows(f.Windows); err != nil {
		return nil, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	for _, c := range f.Holidays {
		if c != CalendarFR {
			return nil, fmt.Errorf("policy %q: holidays: unknown calendar %q (have %q)", p.Name, c, CalendarFR)
		}
		if !slices.Contains(p.Calendars, c) {
			p.Calendars = append(p.Calendars, c)
		}
	}
	for _, d := range f.HolidayDates {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return nil, fmt.Errorf("policy %q: holiday_dates: %q is not a YYYY-MM-DD date", p.Name, d)
		}
		p.Dates = append(p.Dates, dateInt(t.Year(), t.Month(), t.Day()))
	}
	slices.Sort(p.Dates)
	p.Dates = slices.Compact(p.Dates)
	var err error
	if f.AttemptLimit < 0 {
		return nil, fmt.Errorf("policy %q: attempt_limit: %d is negative", p.Name, f.AttemptLimit)
	}
	p.AttemptLimit = f.AttemptLimit
	if p.AttemptWindow, err = duration("attempt_window", f.AttemptWindow); err != nil {
		return nil, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	if p.AttemptLimit > 0 && p.AttemptWindow == 0 {
		return nil, fmt.Errorf("policy %q: attempt_limit needs a positive attempt_window", p.Name)
	}
	if p.AttemptLimit == 0 && p.AttemptWindow != 0 {
		return nil, fmt.Errorf("policy %q: attempt_window without attempt_limit", p.Name)
	}
	if p.RefusalCooldown, err = duration("refusal_cooldown", f.RefusalCooldown); err != nil {
		return nil, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	return p, nil
}

// maxHistoryDuration bounds windows and cool-downs (about 10 years): the
// history's packed timestamps cover 68 years.
const maxHistoryDuration = 10 * 366 * 24 * time.Hour

func duration(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a duration (say \"720h\")", field, s)
	}
	if d < 0 || d%time.Second != 0 || d > maxHistoryDuration {
		return 0, fmt.Errorf("%s: %q must be whole seconds, between 0 and %v", field, s, maxHistoryDuration)
	}
	return d, nil
}

func (p *Policy) parseWindows(m map[string][]string) error {
	n := 0
	for day, spans := range m {
		wd, ok := weekdays[day]
		if !ok {
			return fmt.Errorf("windows: %q is not a weekday (say \"monday\")", day)
		}
		ws := make([]Window, 0, len(spans))
		for _, s := range spans {
			w, err := parseWindow(s)
			if err != nil {
				return fmt.Errorf("windows.%s: %w", day, err)
			}
			ws = append(ws, w)
		}
		slices.SortFunc(ws, func(a, b Window) int { return int(a.Start - b.Start) })
		for i := 1; i < len(ws); i++ {
			if ws[i].Start < ws[i-1].End {
				return fmt.Errorf("windows.%s: %s overlaps %s", day, ws[i-1], ws[i])
			}
		}
		p.Windows[wd] = ws
		n += len(ws)
	}
	if n == 0 {
		return errors.New("windows: no window at all (a number could never be called)")
	}
	return nil
}

// parseWindow reads "HH:MM-HH:MM" or "HH:MM:SS-HH:MM:SS" (an en dash is
// accepted for the hyphen).
func parseWindow(s string) (Window, error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	if !ok {
		return Window{}, fmt.Errorf("%q is not a window (say \"10:00-13:00\")", s)
	}
	start, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return Window{}, fmt.Errorf("%q: %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return Window{}, fmt.Errorf("%q: %w", s, err)
	}
	if start >= end || start >= 86400 {
		return Window{}, fmt.Errorf("%q: the start must be before the end, within one day", s)
	}
	return Window{Start: start, End: end}, nil
}

func parseClock(s string) (int32, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("%q is not HH:MM or HH:MM:SS", s)
	}
	var v [3]int32
	for i, p := range parts {
		if len(p) != 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
			return 0, fmt.Errorf("%q is not HH:MM or HH:MM:SS", s)
		}
		v[i] = int32(p[0]-'0')*10 + int32(p[1]-'0')
	}
	if v[1] > 59 || v[2] > 59 || v[0] > 24 || v[0] == 24 && (v[1] != 0 || v[2] != 0) {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return v[0]*3600 + v[1]*60 + v[2], nil
}

func dateInt(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

// policyKeys are the keys of a policy file, as the schema spells them.
var policyKeys = []string{"name", "description", "windows", "holidays", "holiday_dates", "attempt_limit", "attempt_window", "refusal_cooldown"}

// checkKeys refuses what encoding/json would accept silently and that could
// relax a rule: a key given twice in one object (the last would win:
// "refusal_cooldown" then "refusal_cooldown": "0s") and a top-level key
// spelt in another case ("Holidays": encoding/json matches keys without
// case, so it would override "holidays").
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(depth int) error
	walk = func(depth int) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k := kt.(string)
				if seen[k] {
					return fmt.Errorf("key %q given twice", k)
				}
				seen[k] = true
				if depth == 0 && !slices.Contains(policyKeys, k) {
					return fmt.Errorf("unknown key %q (the keys are %s, in lower case)", k, strings.Join(policyKeys, ", "))
				}
				if err := walk(depth + 1); err != nil {
					return err
				}
			}
			_, err = dec.Token() // '}'
			return err
		case json.Delim('['):
			for dec.More() {
				if err := walk(depth + 1); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ']'
			return err
		}
		return nil
	}
	if err := walk(0); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}
