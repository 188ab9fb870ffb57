package policy

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// ConsentStatus is what a number's consent records say at an instant.
// The values after ConsentGiven are in the contract's order of precedence.
type ConsentStatus uint8

// The consent statuses. Their String forms are the contract's scrub_reason
// values ("" for ConsentGiven).
const (
	ConsentGiven     ConsentStatus = iota // a consent at or before T, neither withdrawn nor expired
	NoConsent                             // no consent at or before T
	ConsentWithdrawn                      // the latest consent was withdrawn at or before T
	ConsentExpired                        // the latest consent is older than the maximum age, or undated under one
)

var consentNames = [...]string{"", "no-consent", "consent-withdrawn", "consent-expired"}

// String returns the status's contract name ("" for ConsentGiven).
func (s ConsentStatus) String() string {
	if int(s) < len(consentNames) {
		return consentNames[s]
	}
	return "no-consent"
}

// Undated is the instant of a consent line without a consented_at date (a
// consent given at an unknown time, before any dated one) or without a
// withdrawn_at date (never withdrawn, as NotWithdrawn).
const (
	Undated      int64 = math.MinInt64
	NotWithdrawn int64 = math.MaxInt64
)

// consentLine is one line of a consent list, in Unix seconds.
type consentLine struct {
	key       uint64
	given     int64 // Undated when the line has no consented_at
	withdrawn int64 // NotWithdrawn when the line has no withdrawn_at
}

// ConsentBuilder collects consent lines as they are read, to Build
// Consents.
type ConsentBuilder struct {
	lines []consentLine
}

// Add records one consent line for k: given (Unix seconds, or Undated) and
// withdrawn (Unix seconds, or NotWithdrawn).
func (b *ConsentBuilder) Add(k normalize.Key, given, withdrawn int64) {
	b.lines = append(b.lines, consentLine{uint64(k), given, withdrawn})
}

// Len returns the number of lines added.
func (b *ConsentBuilder) Len() int { return len(b.lines) }

// Build sorts the lines into Consents and empties the builder.
func (b *ConsentBuilder) Build() *Consents {
	lines := b.lines
	b.lines = nil
	slices.SortFunc(lines, func(x, y consentLine) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.given, y.given)
	})
	return &Consents{lines: slices.Clip(lines)}
}

// Consents are the dated consent lines of many numbers, sorted by number
// (24 bytes a line), read-only once built and safe for concurrent use.
type Consents struct {
	lines []consentLine
}

// Lines returns the number of consent lines held.
func (c *Consents) Lines() int { return len(c.lines) }

// Has reports whether k has a consent line, whatever it says.
func (c *Consents) Has(k normalize.Key) bool {
	_, ok := c.find(k)
	return ok
}

// find returns the index of k's first line.
func (c *Consents) find(k normalize.Key) (int, bool) {
	return slices.BinarySearchFunc(c.lines, uint64(k), func(l consentLine, k uint64) int { return cmp.Compare(l.key, k) })
}

// Status judges k's consent at instant t (Unix seconds) by its latest
// consent given at or before t (an undated one counts as given before every
// dated one): NoConsent when there is none; ConsentWithdrawn when a line
// of k was withdrawn at or before t, at or after that consent;
// ConsentExpired when maxAge > 0 and the consent is older than maxAge at t
// (or undated: its age cannot be shown). A number with no line is
// NoConsent.
func (c *Consents) Status(k normalize.Key, t int64, maxAge time.Duration) ConsentStatus {
	s, _ := c.Judge(k, t, maxAge)
	return s
}

// Judge is Status, and whether k has a line at all (one search for both).
func (c *Consents) Judge(k normalize.Key, t int64, maxAge time.Duration) (ConsentStatus, bool) {
	i, ok := c.find(k)
	if !ok {
		return NoConsent, false
	}
	lines := c.lines[i:]
	n := 0
	for n < len(lines) && lines[n].key == uint64(k) {
		n++
	}
	lines = lines[:n]
	latest, found := Undated, false
	for _, l := range lines { // sorted by given: the last at or before t wins
		if l.given <= t {
			latest, found = l.given, true
		}
	}
	if !found {
		return NoConsent, true
	}
	for _, l := range lines {
		if l.withdrawn <= t && l.withdrawn >= latest {
			return ConsentWithdrawn, true
		}
	}
	if maxAge > 0 && (latest == Undated || t-latest > int64(maxAge/time.Second)) {
		return ConsentExpired, true
	}
	return ConsentGiven, true
}
