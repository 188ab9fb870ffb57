// Package civil holds the proleptic Gregorian calendar arithmetic that
// parsers of dates written as text share (RFC 3339 timestamps in lists,
// ISO dates written into workbooks), so that a day like 2026-02-30 is
// refused the same way everywhere.
package civil

// DaysIn returns how many days month m (1–12) of year y has.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
