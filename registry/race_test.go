//go:build race

package registry

// raceEnabled shrinks TestParseRestDifferential under the race detector,
// which makes the normalizer's reference path (phonenumbers) about 15 times
// slower.
const raceEnabled = true
