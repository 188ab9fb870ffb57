package policy

import (
	"math/bits"
	"sync/atomic"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// numPlaces is the number of French holiday places an Instant tells apart
// (placeIndex).
const numPlaces = 9

// placeIndex numbers the places frPlaceOf gives: 0 for a number of another
// country, then frNational alone, or with one regional rule (bits.Len8 of
// the place), and 8 for Réunion with Mayotte.
func placeIndex(p frPlace) int {
	if p == frNational|frReunion|frMayotte {
		return 8
	}
	return bits.Len8(uint8(p))
}

// Instant is a policy evaluated at one instant: the scrub's question for
// every row of a file, asked at the same T. It is safe for concurrent use.
//
// At a fixed instant the hours answer of a number depends only on its zone
// set and, under a French calendar, its holiday place; an Instant keeps one
// slot per such pair, filled on first use, so that Reason is a table lookup
// (and, with a history, a binary search) without locks or allocations.
type Instant struct {
	p    *Policy
	t    time.Time
	unix int64
	// fr is whether the policy has the French calendar, so that the hours
	// depend on frPlaceOf; without it every number is place 0 and there is
	// one place a set.
	fr     bool
	places int
	// hours[set*places+place] is 1+Reason once known, 0 before.
	hours []atomic.Uint32
}

// At returns the policy evaluated at t.
func (p *Policy) At(t time.Time) *Instant {
	in := &Instant{p: p, t: t, unix: t.Unix(), places: 1}
	for _, c := range p.Calendars {
		in.fr = in.fr || c == CalendarFR
	}
	if in.fr {
		in.places = numPlaces
	}
	in.hours = make([]atomic.Uint32, numZoneSets*in.places)
	return in
}

// Time returns the instant.
func (in *Instant) Time() time.Time { return in.t }

// Policy returns the policy.
func (in *Instant) Policy() *Policy { return in.p }

// Reason answers for the number k, with its history h (nil: none): the
// same answer as Policy.Reason at the instant.
func (in *Instant) Reason(k normalize.Key, h *History) Reason {
	if h != nil {
		if r := h.reason(k, in.unix, in.p); r != Callable {
			return r
		}
	}
	s := zoneSetOf(k)
	place := 0
	if in.fr {
		place = placeIndex(frPlaceOf(k))
	}
	slot := &in.hours[int(s)*in.places+place]
	if v := slot.Load(); v != 0 {
		return Reason(v - 1)
	}
	// Goroutines that miss the same slot at once compute the same answer.
	r := in.p.hoursOfSet(k, in.t, s)
	slot.Store(uint32(r) + 1)
	return r
}
