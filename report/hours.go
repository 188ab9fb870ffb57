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
// The per-row work is a few map lookups: a row's answer is the AND of its
// valid numbers' answers, and a number's answer (without history) depends
// only on its time zones and its French holidays in the week. Each distinct
// policy.HoursKey is resolved once to a class (zones and holidays), each
// class is evaluated once at the 168 instants, and rows are counted per
// resulting mask. A number with attempts in the history is evaluated on its
// own, at the hours its class allows.
type hourCounter struct {
	pol     *policy.Policy
	hist    *policy.History
	probe   *policy.Policy // answers AttemptLimit for a number with any attempt: see hasAttempts
	start   time.Time
	instant [HoursInWeek]*policy.Instant
	end     time.Time // the start of the last hour

	classOf map[uint64]int32 // policy.HoursKey -> index in masks
	dates   [signatureDays]date
	frDays  bool              // the policy has the French calendar
	holsOf  map[uint64]uint16 // 6-digit place key -> French holidays among dates
	classes map[string]int32  // class signature -> index in masks
	masks   []hourMask        // per class: the hours its numbers may be called
	sig     []byte            // scratch for a class signature

	rows    map[hourMask]int64 // eligible rows per callable-hours mask
	invalid int64              // eligible rows without a valid number (never callable)
}

// newHourCounter returns a counter for the week of 168 hours from start
// (local wall-clock hours of start's location), under pol with its history
// hist (nil: none).
func newHourCounter(pol *policy.Policy, hist *policy.History, start time.Time) *hourCounter {
	c := &hourCounter{
		pol: pol, hist: hist, start: start,
		classOf: map[uint64]int32{}, classes: map[string]int32{}, rows: map[hourMask]int64{},
		frDays: slices.Contains(pol.Calendars, policy.CalendarFR), holsOf: map[uint64]uint16{},
	}
	// Local dates from two days before the week to two after: an instant
	// of the week is on one of them in any zone (UTC offsets span 26 h).
	for d := range signatureDays {
		y, m, dd := time.Date(start.Year(), start.Month(), start.Day()-2+d, 12, 0, 0, 0, time.UTC).Date()
		c.dates[d] = date{y, m, dd}
	}
	for h := range HoursInWeek {
		c.instant[h] = pol.At(hourStart(start, h))
	}
	c.end = c.instant[HoursInWeek-1].Time()
	if hist != nil {
		// A copy of the policy that blocks a number with any attempt at or
		// before the week's last hour, whatever the hours: policy has no
		// public "has attempts" question, and this asks it exactly (the
		// zones are checked first, but a number without zones is never
		// callable whatever its history).
		p := *pol
		for d := range p.Windows {
			p.Windows[d] = []policy.Window{{Start: 0, End: 86400}}
		}
		p.Calendars, p.Dates = nil, nil
		p.AttemptLimit, p.AttemptWindow, p.RefusalCooldown = 1, 1<<62, 0
		c.probe = &p
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
		mask.and(c.masks[c.class(n.Key)])
	}
	if !valid {
		c.invalid++
		return
	}
	if c.hist != nil && mask != (hourMask{}) {
		for i := range r.Numbers {
			n := &r.Numbers[i]
			if n.Valid() && c.hasAttempts(n.Key) {
				mask = c.withHistory(mask, n.Key)
			}
		}
	}
	c.rows[mask]++
}

// hasAttempts reports whether the history holds an attempt of k at or
// before the week's last hour (later ones cannot count in the week).
func (c *hourCounter) hasAttempts(k normalize.Key) bool {
	return c.probe.Reason(k, c.end, c.hist) == policy.AttemptLimit
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

// class returns the index of k's class, resolving its HoursKey the first
// time it is seen.
func (c *hourCounter) class(k normalize.Key) int32 {
	hk := c.pol.HoursKey(k)
	if i, ok := c.classOf[hk]; ok {
		return i
	}
	c.sig = c.signature(c.sig[:0], k)
	i, ok := c.classes[string(c.sig)]
	if !ok {
		i = int32(len(c.masks))
		c.classes[string(c.sig)] = i
		var m hourMask
		for h := range HoursInWeek {
			if c.instant[h].Reason(k, nil) == policy.Callable {
				m.set(h)
			}
		}
		c.masks = append(c.masks, m)
	}
	c.classOf[hk] = i
	return i
}

// signatureDays is how many local dates a class's holidays are taken on.
const signatureDays = 11

type date struct {
	y int
	m time.Month
	d int
}

// signature appends what the policy's hours answer for k depends on: its
// time zones and, under the French calendar, which of the dates the week
// touches in any zone are French holidays for k (the policy's extra dates
// are the same for every number). Two numbers with equal signatures get
// equal answers at every hour; TestClassesAgreeWithPolicy checks it
// against the policy itself.
func (c *hourCounter) signature(b []byte, k normalize.Key) []byte {
	for _, z := range policy.ZoneNames(k) {
		b = append(b, z...)
		b = append(b, ',')
	}
	if c.frDays {
		hols := c.holidays(k)
		b = append(b, '|', byte(hols), byte(hols>>8))
	}
	return b
}

// holidays returns the set of c.dates that are French holidays for k. The
// contract gives a number's holidays by its country code and at most three
// more digits (+262 269 and 639, +33 3 87 to 3 89), so they are computed
// once per six leading digits.
func (c *hourCounter) holidays(k normalize.Key) uint16 {
	v, n := uint64(k), uint64(0)
	for x := v; x > 0; x /= 10 {
		n++
	}
	for ; n > 6; n-- {
		v /= 10
	}
	pk := v | n<<60 // the first six digits (all of a shorter number), and how many
	if h, ok := c.holsOf[pk]; ok {
		return h
	}
	var h uint16
	for i, d := range c.dates {
		if policy.HolidayFR(k, d.y, d.m, d.d) {
			h |= 1 << i
		}
	}
	c.holsOf[pk] = h
	return h
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
