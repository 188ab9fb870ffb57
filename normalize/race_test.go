//go:build race

package normalize

// raceEnabled shrinks the differential test under the race detector, which
// makes phonenumbers about 15 times slower.
const raceEnabled = true
