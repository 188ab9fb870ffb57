package policy

import "github.com/listscrub/listscrub/normalize"

// HoursKey returns a key such that two numbers with the same key get the
// same hours answer (Holiday, OutsideHours or Callable) from the policy at
// every instant, their histories aside: the number's zone set and, under
// the French calendar, its holiday place (the pair an Instant keeps a slot
// for). Reports use it to judge many rows at many instants once per key.
func (p *Policy) HoursKey(k normalize.Key) uint64 {
	key := uint64(zoneSetOf(k)) * numPlaces
	for _, c := range p.Calendars {
		if c == CalendarFR {
			return key + uint64(placeIndex(frPlaceOf(k)))
		}
	}
	return key
}
