// Package policy decides whether a valid number may be called at an instant
// under a contact policy: calling windows per weekday in the called number's
// local time, public holidays, a limit of attempts in a sliding window and a
// cool-down after a refusal.
//
// A policy is data: a JSON document (see Parse for the schema) that names its
// windows, its holiday calendars and its history limits. The presets "fr"
// (article D223-9 of the Code de la consommation) and "us" (the federal TCPA
// hours) are such documents embedded in the binary (Preset).
//
// A number's time zones come from the number itself (phonenumbers'
// time-zone data: the French overseas departments by their country codes,
// NANP numbers by area code), read from a table generated from that data
// (zonetable.go, by go generate) and tested against phonenumbers. With several zones, an instant is callable only
// when it is callable in every one; a number with no known zone is never
// callable under a policy with windows (fail closed).
//
// The French calendar is computed, not listed by year: see HolidayFR. More
// dates, for every number, come from a holidays file (ReadHolidays,
// WithDates).
//
// The scrub asks At once and then Instant.Reason for every number: at a
// fixed instant the hours answer depends only on the number's zone set and
// French holiday place, so it is computed once per pair and then read
// without locks or allocations.
//
// Contact history is streamed into a History (sorted keys and packed
// timestamps, 4 bytes a line once built) that answers attempt-limit and
// refused-recently for one number at an instant.
//
// Intervals are half-open the way the contract states them: a window
// 10:00–13:00 admits 10:00:00 and refuses 13:00:00; attempts count in
// (T − window, T], refusals in (T − cool-down, T]. Instants are taken to the
// second (fractions dropped) for history; windows are compared to the local
// wall clock to the nanosecond.
package policy
