package policy

import (
	"slices"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// Reason says why a number may not be called at an instant. Callable means
// it may. The non-zero values are in the contract's order of precedence: the
// first that applies is the one given.
type Reason uint8

// The reasons, in order of precedence. Their String forms are the
// contract's scrub_reason values.
const (
	Callable        Reason = iota
	RefusedRecently        // a refusal in (T − cool-down, T]
	AttemptLimit           // the limit of attempts reached in (T − window, T]
	Holiday                // a public holiday at the number's local date
	OutsideHours           // outside every window, or no known time zone
	numReasons
)

var reasonNames = [numReasons]string{"", "refused-recently", "attempt-limit", "holiday", "outside-hours"}

// String returns the reason's contract name ("" for Callable).
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return "outside-hours"
}

// horizon is how far Next looks for a window: a policy has a window every
// week, and holidays block days, not months, so a year and a month is ample;
// past it the number has no next window (fail closed).
const horizon = 400 * 24 * time.Hour

// Decision is the answer for one number at one instant.
type Decision struct {
	// Reason is Callable, or the first reason that applies.
	Reason Reason
	// Next is the earliest instant at or after T at which the number may be
	// called (T itself when Reason is Callable), in UTC; zero when there is
	// none within 400 days (a number with no known time zone never has one).
	Next time.Time
	// Zones are the number's IANA time zones; nil when none is known.
	Zones []string
}

// Decide answers for the number k at instant t, with its contact history h
// (nil: no history). The history rules come first in precedence, so a
// number without a known zone that was refused recently is
// RefusedRecently; without history reasons it is OutsideHours, with no Next.
func (p *Policy) Decide(k normalize.Key, t time.Time, h *History) Decision {
	names, locs, err := p.zones.zones(k)
	d := Decision{Zones: names, Reason: p.historyReason(k, t, h)}
	if err != nil || locs == nil {
		if d.Reason == Callable {
			d.Reason = OutsideHours
		}
		return d
	}
	if d.Reason == Callable {
		d.Reason = p.hoursReason(k, t, locs)
	}
	d.Next = p.next(k, t, h, locs)
	return d
}

// Reason answers for the number k at instant t, with its history h (nil:
// none), without computing the next window: Decide's Reason.
func (p *Policy) Reason(k normalize.Key, t time.Time, h *History) Reason {
	if r := p.historyReason(k, t, h); r != Callable {
		return r
	}
	return p.hoursOfSet(k, t, zoneSetOf(k))
}

// hoursOfSet is hoursReason for a number of zone set s: OutsideHours when
// the set is empty or one of its zones does not load (fail closed).
func (p *Policy) hoursOfSet(k normalize.Key, t time.Time, s uint16) Reason {
	z := p.zones.set(s)
	if z.err != nil || len(z.locs) == 0 {
		return OutsideHours
	}
	return p.hoursReason(k, t, z.locs)
}

func (p *Policy) historyReason(k normalize.Key, t time.Time, h *History) Reason {
	if h == nil {
		return Callable
	}
	return h.reason(k, t.Unix(), p)
}

// hoursReason is Callable when t is inside a window in every zone;
// otherwise Holiday if it is a holiday (on a day with windows) in any zone,
// else OutsideHours.
func (p *Policy) hoursReason(k normalize.Key, t time.Time, locs []*time.Location) Reason {
	r := Callable
	for _, loc := range locs {
		r = worse(r, p.hoursIn(k, t.In(loc)))
		if r == Holiday {
			return Holiday // the first in precedence among hours reasons
		}
	}
	return r
}

// worse returns the reason that comes first in precedence among the hours
// reasons: Holiday before OutsideHours before Callable.
func worse(a, b Reason) Reason {
	rank := func(r Reason) int {
		switch r {
		case Holiday:
			return 2
		case OutsideHours:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// hoursIn decides the local wall-clock time lt. A day without windows is
// OutsideHours even when it is also a holiday: the holiday changes nothing.
func (p *Policy) hoursIn(k normalize.Key, lt time.Time) Reason {
	ws := p.Windows[lt.Weekday()]
	if len(ws) == 0 {
		return OutsideHours
	}
	y, m, d := lt.Date()
	if p.holiday(k, y, m, d) {
		return Holiday
	}
	s := int32(lt.Hour()*3600 + lt.Minute()*60 + lt.Second())
	for _, w := range ws {
		if w.Start <= s && s < w.End {
			return Callable
		}
	}
	return OutsideHours
}

// holiday reports whether the local date is a holiday for k under p.
func (p *Policy) holiday(k normalize.Key, y int, m time.Month, d int) bool {
	if _, ok := slices.BinarySearch(p.Dates, dateInt(y, m, d)); ok {
		return true
	}
	for _, c := range p.Calendars {
		if c == CalendarFR && HolidayFR(k, y, m, d) {
			return true
		}
	}
	return false
}

// next returns the earliest instant ≥ t callable by both the history and
// the hours in every zone, or zero.
func (p *Policy) next(k normalize.Key, t time.Time, h *History, locs []*time.Location) time.Time {
	limit := t.Add(horizon)
	c := t
	for !c.After(limit) {
		if h != nil {
			if c = h.nextFree(k, c, p); c.IsZero() {
				return c
			}
		}
		n := p.nextHours(k, c, limit, locs)
		if n.IsZero() || n.Equal(c) {
			return n
		}
		c = n
	}
	return time.Time{}
}

// nextHours returns the earliest instant ≥ t inside a window in every zone,
// or zero when there is none by limit.
func (p *Policy) nextHours(k normalize.Key, t, limit time.Time, locs []*time.Location) time.Time {
	for !t.After(limit) {
		moved := false
		for _, loc := range locs {
			n := p.nextIn(k, t, limit, loc)
			if n.IsZero() {
				return n
			}
			if !n.Equal(t) {
				t, moved = n, true
			}
		}
		if !moved {
			return t.UTC()
		}
	}
	return time.Time{}
}

// nextIn returns the earliest instant ≥ t inside a window in loc, or zero
// when there is none by limit. Between two of the zone's transitions the
// offset is constant, so the wall clock is t plus the offset: nextIn walks
// the wall-clock days of each such period in turn (ZoneBounds), so that DST
// changes and windows in a skipped or repeated hour are exact.
func (p *Policy) nextIn(k normalize.Key, t, limit time.Time, loc *time.Location) time.Time {
	for !t.After(limit) {
		lt := t.In(loc)
		_, off := lt.Zone()
		_, end := lt.ZoneBounds()
		offD := time.Duration(off) * time.Second
		w := t.Add(offD).UTC() // the wall clock, as a UTC time
		day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
	days:
		for ; ; day = day.AddDate(0, 0, 1) {
			dayStart := day.Add(-offD)
			if !end.IsZero() && !dayStart.Before(end) {
				break
			}
			if dayStart.After(limit) {
				return time.Time{}
			}
			ws := p.Windows[day.Weekday()]
			if len(ws) == 0 || p.holiday(k, day.Year(), day.Month(), day.Day()) {
				continue
			}
			for _, win := range ws {
				we := day.Add(time.Duration(win.End) * time.Second)
				if !we.After(w) {
					continue
				}
				c := day.Add(time.Duration(win.Start) * time.Second)
				if c.Before(w) {
					c = w
				}
				ci := c.Add(-offD)
				if !end.IsZero() && !ci.Before(end) {
					break days
				}
				return ci
			}
		}
		t = end
	}
	return time.Time{}
}
