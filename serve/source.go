package serve

import (
	"time"

	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// The roles of a loaded source: the flag that named it.
const (
	RoleRegistry = "registry" // -r
	RoleAllow    = "allow"    // --allow
	RoleConsent  = "consent"  // --consent
	RoleHistory  = "history"  // --history
)

// Source describes one loaded source with the keys `registry info --json`
// gives a snapshot's sources, plus its role, path and age.
type Source struct {
	Role    string         `json:"role"`
	Label   string         `json:"label"`
	Path    string         `json:"path"`
	Kind    string         `json:"kind"`
	Entries int            `json:"entries"`
	AsOf    string         `json:"as_of"`
	AgeDays int            `json:"age_days"` // at load time; /v1/registry gives it at the request
	SHA256  string         `json:"sha256"`
	Lines   int            `json:"lines"`
	Invalid map[string]int `json:"invalid"`
	// InvalidLines sums Invalid (and a snapshot's own sources').
	InvalidLines int    `json:"invalid_lines"`
	Region       string `json:"region"`
	// Screened is, for a wash result, the numbers it screened.
	Screened int `json:"screened,omitempty"`
	// Covers is null when the source screens every number.
	Covers []string `json:"covers"`
	asOf   time.Time
}

func sourceOf(role string, s *registry.SourceInfo, now time.Time) Source {
	return Source{
		Role: role, Label: s.Label, Path: s.Path, Kind: s.Kind, Entries: s.Entries,
		AsOf: s.AsOf.Format(time.DateOnly), AgeDays: scrub.AgeDays(s.AsOf, now),
		SHA256: s.SHA256, Lines: s.Lines, Invalid: s.InvalidByReason(), InvalidLines: s.InvalidLines(),
		Region: s.Region, Screened: s.Screened, Covers: s.Covers, asOf: s.AsOf,
	}
}

func ageDays(asOf, now time.Time) int { return scrub.AgeDays(asOf, now) }
