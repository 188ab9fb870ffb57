package policy

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // zone data in the binary: a host without zoneinfo must not make numbers uncallable

	"github.com/listscrub/listscrub/normalize"
	"github.com/nyaruka/phonenumbers"
)

// unknownZone is the name phonenumbers gives when it knows no zone.
const unknownZone = phonenumbers.UNKNOWN_TIMEZONE

// ErrNotE164 is returned by KeyOf for a string that is not "+" and 1–15
// digits not starting with 0.
var ErrNotE164 = errors.New("not an E.164 number")

// KeyOf returns the Key of an E.164 string ("+33612345678"). It checks the
// form only, not that the number is valid in its plan (normalize does that).
func KeyOf(e164 string) (normalize.Key, error) {
	if len(e164) < 2 || len(e164) > 16 || e164[0] != '+' || e164[1] == '0' {
		return 0, ErrNotE164
	}
	for i := 1; i < len(e164); i++ {
		if e164[i] < '0' || e164[i] > '9' {
			return 0, ErrNotE164
		}
	}
	v, err := strconv.ParseUint(e164[1:], 10, 64)
	if err != nil {
		return 0, ErrNotE164
	}
	return normalize.Key(v), nil
}

// KeyOfNumber returns the Key of a parsed number.
func KeyOfNumber(n *phonenumbers.PhoneNumber) (normalize.Key, error) {
	return KeyOf(phonenumbers.Format(n, phonenumbers.E164))
}

// ZoneNames returns the IANA time zones phonenumbers gives for the number
// (GetTimezonesForNumber: the longest prefix of the E.164 digits in its
// time-zone data), or nil when it knows none. The slice is the caller's.
func ZoneNames(k normalize.Key) []string {
	if k == 0 {
		return nil
	}
	names, err := phonenumbers.GetTimezonesForPrefix(strconv.FormatUint(uint64(k), 10))
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != unknownZone && n != "" {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// zoneCache loads each named location once. time.LoadLocation parses zone
// data on every call; a scrub asks for the same few zones millions of times.
type zoneCache struct {
	mu   sync.Mutex
	locs map[string]*time.Location // nil value: the name did not load
}

// zones returns the number's locations, or nil when one of its zones is
// unknown or does not load (the number's local time cannot be known).
func (c *zoneCache) zones(k normalize.Key) ([]string, []*time.Location, error) {
	names := ZoneNames(k)
	if len(names) == 0 {
		return nil, nil, nil
	}
	locs := make([]*time.Location, len(names))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locs == nil {
		c.locs = make(map[string]*time.Location)
	}
	for i, n := range names {
		loc, ok := c.locs[n]
		if !ok {
			var err error
			if loc, err = time.LoadLocation(n); err != nil {
				loc = nil
			}
			c.locs[n] = loc
		}
		if loc == nil {
			return names, nil, fmt.Errorf("time zone %q: cannot be loaded", n)
		}
		locs[i] = loc
	}
	return names, locs, nil
}
