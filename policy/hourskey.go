package policy

import "github.com/listscrub/listscrub/normalize"

// HoursKey returns a key such that two numbers with the same key get the
// same hours answer (Holiday, OutsideHours or Callable) from the policy at
// every instant, their histories aside: the number's time zones and French
// holiday place depend only on its first nine digits (phonenumbers'
// longest time-zone prefix has nine). Reports use it to judge many rows at
// many instants once per key.
func (p *Policy) HoursKey(k normalize.Key) uint64 {
	v := uint64(k)
	n := digitsLen(v)
	if n <= 9 {
		return v | uint64(n)<<60
	}
	return leadingDigits(v, 9) | 9<<60
}
