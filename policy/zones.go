package policy

import (
	"errors"
	"fmt"
	"math/bits"
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
// time-zone data, UNKNOWN left out), or nil when it knows none. It reads
// the table generated from that data (zonetable.go), which the tests
// check against phonenumbers. The slice is the caller's.
func ZoneNames(k normalize.Key) []string {
	return zoneSetNames(zoneSetOf(k))
}

// zoneSetNames returns the names of zone set s, or nil for the empty set.
func zoneSetNames(s uint16) []string {
	lo, hi := zoneSetStart[s], zoneSetStart[s+1]
	if lo == hi {
		return nil
	}
	out := make([]string, 0, hi-lo)
	for _, m := range zoneSetMembers[lo:hi] {
		out = append(out, zoneNameTable[m])
	}
	return out
}

// numZoneSets is the number of zone sets in the table, the empty set 0
// included.
const numZoneSets = len(zoneSetStart) - 1

// pow10 holds the powers of ten a uint64 holds.
var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// numDigits returns the number of decimal digits of v (1 for 0).
func numDigits(v uint64) int {
	n := (bits.Len64(v) * 1233) >> 12 // ⌊log10 2^len⌋: v has n or n+1 digits
	if v >= pow10[n] {
		n++
	}
	return max(n, 1)
}

// dropDigits returns v without its last s digits (0 ≤ s ≤ 19). The
// divisors are constants, so each case is a multiply: a division by a
// variable costs several times more, and the scrub asks for every row.
func dropDigits(v uint64, s int) uint64 {
	switch s {
	case 0:
		return v
	case 1:
		return v / 1e1
	case 2:
		return v / 1e2
	case 3:
		return v / 1e3
	case 4:
		return v / 1e4
	case 5:
		return v / 1e5
	case 6:
		return v / 1e6
	case 7:
		return v / 1e7
	case 8:
		return v / 1e8
	case 9:
		return v / 1e9
	case 10:
		return v / 1e10
	case 11:
		return v / 1e11
	case 12:
		return v / 1e12
	case 13:
		return v / 1e13
	case 14:
		return v / 1e14
	case 15:
		return v / 1e15
	case 16:
		return v / 1e16
	case 17:
		return v / 1e17
	case 18:
		return v / 1e18
	}
	return v / 1e19
}

// zoneSetOf returns the zone set of the number: that of the longest data
// prefix beginning its digits, or 0 when none does or that prefix has only
// UNKNOWN. A key of four digits or more costs a divide for its root and, if
// the root has prefixes of five digits or more, a binary search per
// length; +33, whose only prefix is "33", costs the root alone.
func zoneSetOf(k normalize.Key) uint16 {
	v := uint64(k)
	if v == 0 {
		return 0
	}
	n := numDigits(v)
	if n < 4 {
		for _, e := range zoneShort {
			if int(e.digits) <= n && dropDigits(v, n-int(e.digits)) == uint64(e.prefix) {
				return e.set
			}
		}
		return 0
	}
	root := dropDigits(v, n-4) - 1000
	long := zoneLong[zoneRootStart[root]:zoneRootStart[root+1]]
	if len(long) > 0 {
		top := min(int(long[0].digits), n)
		for d := top; d >= 5; d-- {
			want := dropDigits(v, n-d)
			// long is sorted by digits descending, then prefix ascending.
			lo, hi := 0, len(long)
			for lo < hi {
				m := int(uint(lo+hi) >> 1)
				e := long[m]
				if int(e.digits) > d || int(e.digits) == d && uint64(e.prefix) < want {
					lo = m + 1
				} else {
					hi = m
				}
			}
			if lo < len(long) && int(long[lo].digits) == d && uint64(long[lo].prefix) == want {
				return long[lo].set
			}
		}
	}
	return zoneRootFallback[root]
}

// zoneCache loads each zone set's locations once. time.LoadLocation parses
// zone data on every call; a scrub asks for the same few zones millions of
// times. Only Decide, Policy.Reason and an Instant's first answer for a
// zone set take the lock; an Instant's later answers do not.
type zoneCache struct {
	mu   sync.Mutex
	sets [numZoneSets]*zoneLocs
}

// zoneLocs is a zone set's locations; locs is nil when one of them did not
// load (the number's local time cannot be known), err says which.
type zoneLocs struct {
	locs []*time.Location
	err  error
}

// set returns the locations of zone set s (nil locs and no error for the
// empty set).
func (c *zoneCache) set(s uint16) *zoneLocs {
	if c == nil { // a Policy not made by Parse: load without caching
		return loadSet(s)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if z := c.sets[s]; z != nil {
		return z
	}
	z := loadSet(s)
	c.sets[s] = z
	return z
}

// loadSet loads the locations of zone set s.
func loadSet(s uint16) *zoneLocs {
	z := &zoneLocs{}
	for _, n := range zoneSetNames(s) {
		loc, err := time.LoadLocation(n)
		if err != nil {
			z.locs, z.err = nil, fmt.Errorf("time zone %q: cannot be loaded: %w", n, err)
			break
		}
		z.locs = append(z.locs, loc)
	}
	return z
}

// zones returns the number's zone names and locations; locs is nil when it
// has no known zone or one of its zones does not load.
func (c *zoneCache) zones(k normalize.Key) ([]string, []*time.Location, error) {
	s := zoneSetOf(k)
	names := zoneSetNames(s)
	if names == nil {
		return nil, nil, nil
	}
	z := c.set(s)
	return names, z.locs, z.err
}
