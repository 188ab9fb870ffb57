package report

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/scrub"
)

// HoursInWeek is the number of hours callable_by_hour counts: 7 days of 24.
const HoursInWeek = 7 * 24

// hourMask is a set of the week's hours, bit h for hour h (0 is Monday
// 00:00).
type hourMask [3]uint64

func (m *hourMask) set(h int)      { m[h/64] |= 1 << (h % 64) }
func (m hourMask) has(h int) bool  { return m[h/64]&(1<<(h%64)) != 0 }
func (m *hourMask) and(o hourMask) { m[0], m[1], m[2] = m[0]&o[0], m[1]&o[1], m[2]&o[2] }

// allHours is the mask of every hour of the week.
var allHours = hourMask{^uint64(0), ^uint64(0), 1<<(HoursInWeek-128) - 1}

// hourCounter counts, for each hour of a week, the rows the policy allows to
// be called at the start of that hour.
//
// The per-row work is a map lookup a number: a row's answer is the AND of
// its valid numbers' answers, and a number's answer without history depends
// only on its policy.HoursKey. Each distinct key is evaluated once at the
// 168 instants, and rows are counted per resulting mask. A number with
// attempts in the history is evaluated on its own, at the hours its key
// allows.
type hourCounter struct {
	pol     *policy.Policy
	hist    *policy.History
	start   time.Time
	instant [HoursInWeek]*policy.Instant

	classOf map[uint64]hourMask // policy.HoursKey -> the hours its numbers may be called

	rows    map[hourMask]int64 // eligible rows per callable-hours mask
	invalid int64              // eligible rows without a valid number (never callable)
}

// newHourCounter returns a counter for the week of 168 hours from start
// (local wall-clock hours of start's location), under pol with its history
// hist (nil: none).
func newHourCounter(pol *policy.Policy, hist *policy.History, start time.Time) *hourCounter {
	c := &hourCounter{pol: pol, hist: hist, start: start, classOf: map[uint64]hourMask{}, rows: map[hourMask]int64{}}
	for h := range HoursInWeek {
		c.instant[h] = pol.At(hourStart(start, h))
	}
	return c
}

// hourStart returns the start of hour h of the week from start: day h/24,
// wall-clock hour h%24 in start's location. On a daylight-saving change the
// missing hour is the instant time.Date normalizes it to, and a repeated
// hour counts once.
func hourStart(start time.Time, h int) time.Time {
	y, m, d := start.Date()
	return time.Date(y, m, d+h/24, h%24, 0, 0, 0, start.Location())
}

// eligible reports whether a row can be callable at some hour: it is clean
// now, or blocked only by a policy reason. Rows blocked as registered or by
// consent, invalid rows and duplicates never are.
func eligible(r *scrub.Row) bool {
	switch r.Category {
	case scrub.Clean:
		return true
	case scrub.Blocked:
		switch r.Reason {
		case policy.RefusedRecently.String(), policy.AttemptLimit.String(), policy.Holiday.String(), policy.OutsideHours.String():
			return true
		}
	}
	return false
}

// row counts one row.
func (c *hourCounter) row(r *scrub.Row) {
	if !eligible(r) {
		return
	}
	mask, valid := allHours, false
	for i := range r.Numbers {
		n := &r.Numbers[i]
		if !n.Valid() {
			continue
		}
		valid = true
		mask.and(c.hours(n.Key))
	}
	if !valid {
		c.invalid++
		return
	}
	if c.hist != nil && mask != (hourMask{}) {
		for i := range r.Numbers {
			n := &r.Numbers[i]
			if n.Valid() && c.hist.Has(n.Key) {
				mask = c.withHistory(mask, n.Key)
			}
		}
	}
	c.rows[mask]++
}

// withHistory returns the hours of mask at which the policy, history
// included, allows k to be called.
func (c *hourCounter) withHistory(mask hourMask, k normalize.Key) hourMask {
	for h := range HoursInWeek {
		if mask.has(h) && c.instant[h].Reason(k, c.hist) != policy.Callable {
			mask[h/64] &^= 1 << (h % 64)
		}
	}
	return mask
}

// hours returns the hours at which the policy allows k to be called, its
// history aside, evaluating its HoursKey the first time it is seen.
func (c *hourCounter) hours(k normalize.Key) hourMask {
	hk := c.pol.HoursKey(k)
	if m, ok := c.classOf[hk]; ok {
		return m
	}
	var m hourMask
	for h := range HoursInWeek {
		if c.instant[h].Reason(k, nil) == policy.Callable {
			m.set(h)
		}
	}
	c.classOf[hk] = m
	return m
}

// CallableByHour is callable_by_hour: for each hour of the week that starts
// next Monday 00:00 (local time of Zone), the rows the policy allows to be
// called at the start of that hour.
type CallableByHour struct {
	// Zone is the time zone the hours are in (the TZ of the run).
	Zone string `json:"zone"`
	// WeekStart and WeekEnd are the week's first and last days (YYYY-MM-DD).
	WeekStart string `json:"week_start"`
	WeekEnd   string `json:"week_end"`
	// Eligible is the rows that may be callable at some hour: clean now or
	// blocked only by the policy (refused-recently, attempt-limit, holiday,
	// outside-hours).
	Eligible int64 `json:"rows_eligible"`
	// Hours are the 168 hours, Monday 00:00 first.
	Hours []HourCount `json:"hours"`
}

// HourCount is the rows callable at the start of one hour.
type HourCount struct {
	Start   string `json:"start"`   // RFC 3339, with the zone's offset
	Weekday string `json:"weekday"` // monday ... sunday
	Hour    int    `json:"hour"`    // 0-23, local
	Rows    int64  `json:"rows"`
}

// Key returns the hour's CSV key: "monday-10".
func (h HourCount) Key() string {
	hh := strconv.Itoa(h.Hour)
	if h.Hour < 10 {
		hh = "0" + hh
	}
	return h.Weekday + "-" + hh
}

// report returns the counts.
func (c *hourCounter) report() *CallableByHour {
	out := &CallableByHour{
		Zone:      zoneName(c.start),
		WeekStart: c.start.Format(time.DateOnly),
		WeekEnd:   c.start.AddDate(0, 0, 6).Format(time.DateOnly),
		Eligible:  c.invalid,
		Hours:     make([]HourCount, HoursInWeek),
	}
	masks := make([]hourMask, 0, len(c.rows))
	for m := range c.rows {
		masks = append(masks, m)
	}
	slices.SortFunc(masks, func(a, b hourMask) int { return slices.Compare(a[:], b[:]) })
	for h := range HoursInWeek {
		t := c.instant[h].Time()
		out.Hours[h] = HourCount{
			Start:   t.Format(time.RFC3339),
			Weekday: strings.ToLower(hourStart(c.start, h-h%24).Weekday().String()),
			Hour:    h % 24,
		}
	}
	for _, m := range masks {
		n := c.rows[m]
		out.Eligible += n
		for h := range HoursInWeek {
			if m.has(h) {
				out.Hours[h].Rows += n
			}
		}
	}
	return out
}

// zoneName names start's location: its IANA name, or for the system's own
// zone (named "Local" when TZ is unset) "Local" and its abbreviation.
func zoneName(t time.Time) string {
	name := t.Location().String()
	if name == "Local" {
		abbr, _ := t.Zone()
		return "Local (" + abbr + ")"
	}
	return name
}

// NextMonday returns the start (00:00 in now's location) of the first
// Monday after now's date: the week callable_by_hour describes.
func NextMonday(now time.Time) time.Time {
	days := (8 - int(now.Weekday())) % 7
	if days == 0 {
		days = 7
	}
	y, m, d := now.Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, now.Location())
}
