package scrub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// Stats is the outcome of a scrub, as written by --stats. Every row of the
// input is counted in exactly one of RowsClean, RowsBlocked, RowsInvalid and
// RowsDuplicate.
type Stats struct {
	RowsIn        int64 `json:"rows_in"`
	RowsClean     int64 `json:"rows_clean"`
	RowsBlocked   int64 `json:"rows_blocked"`
	RowsInvalid   int64 `json:"rows_invalid"`
	RowsDuplicate int64 `json:"rows_duplicate"`
	// BlankLines counts empty lines, which are not rows (as in encoding/csv).
	BlankLines int64 `json:"blank_lines"`

	NumbersChecked    int64 `json:"numbers_checked"`    // non-empty phone fields
	NumbersValid      int64 `json:"numbers_valid"`      // of which valid numbers
	NumbersRegistered int64 `json:"numbers_registered"` // of which found in a registry
	NumbersExempted   int64 `json:"numbers_exempted"`   // of which exempted by --allow

	BlockedBySource OrderedCounts `json:"blocked_by_source"` // rows per source label
	// BlockedByReason counts blocked rows per scrub_reason, in the order
	// of precedence (registered, no-consent, ..., outside-hours).
	BlockedByReason OrderedCounts `json:"blocked_by_reason"`
	InvalidByReason OrderedCounts `json:"invalid_by_reason"` // rows per reason
	ByType          OrderedCounts `json:"by_type"`           // valid numbers per type

	Registry RegistryStats `json:"registry"`
	// Allow and Consent describe the allow and consent lists (no source
	// when none was given).
	Allow   RegistryStats `json:"allow"`
	Consent RegistryStats `json:"consent"`
	// ConsentAt is the instant consents were judged at (RFC 3339, UTC),
	// and ConsentMaxAge the maximum age (Go duration, "" for none); both
	// absent without --consent.
	ConsentAt     string `json:"consent_at,omitempty"`
	ConsentMaxAge string `json:"consent_max_age,omitempty"`
	// Policy and History are absent without --policy (and --history).
	Policy  *PolicyStats  `json:"policy,omitempty"`
	History *HistoryStats `json:"history,omitempty"`
	Input   InputStats    `json:"input"`
	Columns []string      `json:"columns"` // the phone columns used
	// ColumnsIgnored are the header cells that look like phone columns
	// but were not checked (unrecognized, or not named by --column).
	ColumnsIgnored []string `json:"columns_ignored"`

	// Warnings are what the user should know about the input although the
	// run succeeded (the CLI prints them on standard error too).
	Warnings []string      `json:"warnings"`
	Outputs  []OutputStats `json:"outputs"` // the row outputs, clean first

	ElapsedSeconds float64 `json:"elapsed_seconds"`
	RowsPerSecond  float64 `json:"rows_per_second"`
}

// RegistryStats describes the registries a scrub used.
type RegistryStats struct {
	Entries int           `json:"entries"`
	AsOf    string        `json:"as_of"` // oldest source's as-of date, YYYY-MM-DD
	SHA256  string        `json:"sha256"`
	Sources []SourceStats `json:"sources"`
}

// SourceStats describes one registry source.
type SourceStats struct {
	Label   string `json:"label"`
	Path    string `json:"path"`
	Kind    string `json:"kind"`
	Entries int    `json:"entries"`
	// Screened is, for a wash result (or a snapshot built from some), the
	// number of distinct numbers it screened; absent for other sources.
	Screened int `json:"screened,omitempty"`
	// Refusals is, for a contact history, its lines with outcome refused
	// (its Entries are its attempts, refusals included).
	Refusals int `json:"refusals,omitempty"`
	// Sheet is, for a list given as a workbook, the sheet it was read from.
	Sheet   string `json:"sheet,omitempty"`
	AsOf    string `json:"as_of"`
	AgeDays int    `json:"age_days"`
	SHA256  string `json:"sha256"`
	// InvalidLines counts the source's lines that held no valid number
	// (for a snapshot, its own sources' when it was built), blank ones
	// included; InvalidByReason breaks them down (for a snapshot, its
	// sources' reasons summed).
	InvalidLines    int            `json:"invalid_lines"`
	InvalidByReason map[string]int `json:"invalid_by_reason"`
	// Region is the region the source's national-format numbers were read
	// with ("" for a snapshot that did not record it).
	Region string `json:"region"`
	// ColumnsIgnored are the header cells of a CSV source that look like
	// phone columns but were not read (registry.SourceInfo.ColumnsIgnored).
	ColumnsIgnored []string `json:"columns_ignored"`
}

// InputStats identifies the scrubbed file.
type InputStats struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"`
	Delimiter string `json:"delimiter"`
	Encoding  string `json:"encoding"`
	// EncodingNote says why a file read as UTF-8 is not quite that ("" when
	// nothing needs saying): bytes that are not valid UTF-8, and where.
	EncodingNote string `json:"encoding_note"`
	// LineBreak is the file's line-break convention: lf, crlf or cr.
	LineBreak string `json:"line_break"`
	// Format is csv (delimited text) or xlsx (a workbook, .xlsx or .xlsm),
	// and Sheet the workbook's sheet that was read ("" for csv).
	Format string `json:"format"`
	Sheet  string `json:"sheet"`
}

// OutputStats describes one row output as written: its size, and its
// SHA-256 when Options.HashOutputs asked for it (scrub --receipt does).
type OutputStats struct {
	Name   string `json:"name"` // clean, blocked, invalid or duplicates
	Path   string `json:"path"` // "-" for standard output
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256,omitempty"`
}

// OrderedCounts is a JSON object of counts whose keys keep the order they
// were added in.
type OrderedCounts struct {
	keys []string
	vals map[string]int64
}

// Add adds n to key's count, creating it (in last position) if needed.
func (c *OrderedCounts) Add(key string, n int64) {
	if c.vals == nil {
		c.vals = map[string]int64{}
	}
	if _, ok := c.vals[key]; !ok {
		c.keys = append(c.keys, key)
	}
	c.vals[key] += n
}

// Get returns key's count.
func (c *OrderedCounts) Get(key string) int64 { return c.vals[key] }

// Keys returns the keys in order.
func (c *OrderedCounts) Keys() []string { return c.keys }

// MarshalJSON writes the counts as an object in key order.
func (c OrderedCounts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range c.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		fmt.Fprintf(&b, ":%d", c.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of counts (key order is not kept).
func (c *OrderedCounts) UnmarshalJSON(data []byte) error {
	var m map[string]int64
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	*c = OrderedCounts{}
	for _, k := range keys {
		c.Add(k, m[k])
	}
	return nil
}

// newRegistryStats describes set for the stats.
func newRegistryStats(set *registry.Set, now time.Time) RegistryStats {
	rs := RegistryStats{Sources: []SourceStats{}}
	if set == nil {
		return rs
	}
	rs.Entries = set.Len()
	rs.SHA256 = set.Checksum()
	if len(set.Sources()) > 0 {
		rs.AsOf = set.AsOf().Format(time.DateOnly)
	}
	for _, s := range set.Sources() {
		rs.Sources = append(rs.Sources, newSourceStats(&s, now))
	}
	return rs
}

// newSourceStats describes one source of a list or a history.
func newSourceStats(s *registry.SourceInfo, now time.Time) SourceStats {
	ss := SourceStats{
		Label: s.Label, Path: s.Path, Kind: s.Kind, Entries: s.Entries, Screened: s.Screened, Sheet: s.Sheet,
		AsOf: s.AsOf.Format(time.DateOnly), AgeDays: AgeDays(s.AsOf, now), SHA256: s.SHA256,
		InvalidLines: s.InvalidLines(), InvalidByReason: s.InvalidByReason(), Region: s.Region,
		ColumnsIgnored: append([]string{}, s.ColumnsIgnored...),
		Refusals:       s.Refusals,
	}
	if s.Kind == registry.KindHistory {
		ss.Entries = s.Attempts // a history's entries are its attempts
	}
	return ss
}

// PolicyStats describe the contact policy a scrub judged rows by.
type PolicyStats struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // of the policy's JSON (a preset's embedded file)
	// At is the instant the rows were judged at (RFC 3339, UTC): --at.
	At string `json:"at"`
	// Holidays are the --holidays files, whose dates the policy added.
	Holidays []FileStats `json:"holidays"`
}

// FileStats names a file a run read, by path and content.
type FileStats struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// HistoryStats describe the contact history a policy judged.
type HistoryStats struct {
	Lines   int           `json:"lines"`   // attempts held
	Numbers int           `json:"numbers"` // distinct numbers
	Bytes   int           `json:"bytes"`   // memory the history holds
	Sources []SourceStats `json:"sources"`
}

// AgeDays returns how many whole days have passed from asOf's date to now's,
// never fewer than 0: an as-of date a day ahead of now's UTC date (a time
// zone east of UTC, within registry.MaxClockSkew) is today's.
func AgeDays(asOf, now time.Time) int {
	a := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	n := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return max(0, int(n.Sub(a).Hours()/24))
}

// WriteJSON writes the stats as indented JSON.
func (s *Stats) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteSummary writes a short human summary.
func (s *Stats) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "listscrub: %d rows: %d clean, %d blocked, %d invalid, %d duplicate (%.2fs, %.0f rows/s)\n",
		s.RowsIn, s.RowsClean, s.RowsBlocked, s.RowsInvalid, s.RowsDuplicate, s.ElapsedSeconds, s.RowsPerSecond)
	if s.Input.Sheet != "" {
		fmt.Fprintf(w, "  sheet: %q\n", s.Input.Sheet)
	}
	if s.RowsBlocked > 0 {
		fmt.Fprintf(w, "  blocked by: %s\n", s.BlockedBySource.summary())
	}
	if s.RowsBlocked > 0 && (s.Policy != nil || s.ConsentAt != "") {
		fmt.Fprintf(w, "  blocked for: %s\n", s.BlockedByReason.summary())
	}
	if s.RowsInvalid > 0 {
		fmt.Fprintf(w, "  invalid: %s\n", s.InvalidByReason.summary())
	}
	if p := s.Policy; p != nil {
		fmt.Fprintf(w, "  policy: %s at %s\n", p.Name, p.At)
	}
	if h := s.History; h != nil {
		refusals := 0
		for _, src := range h.Sources {
			refusals += src.Refusals
		}
		fmt.Fprintf(w, "  history: %d attempts (%d refusals) of %d numbers\n", h.Lines, refusals, h.Numbers)
	}
	fmt.Fprintf(w, "  registry: %d numbers, as of %s\n", s.Registry.Entries, s.Registry.AsOf)
	for _, src := range s.Registry.Sources {
		if src.InvalidLines > 0 {
			fmt.Fprintf(w, "  registry %s: %d invalid lines", src.Label, src.InvalidLines)
			if len(src.InvalidByReason) > 0 {
				fmt.Fprintf(w, " (%s)", reasonSummary(src.InvalidByReason))
			}
			fmt.Fprintln(w)
		}
	}
}

// reasonSummary writes counts by reason as "too-short 2, too-long 1", in
// reason order.
func reasonSummary(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	return strings.Join(parts, ", ")
}

func (c *OrderedCounts) summary() string {
	var parts []string
	for _, k := range c.keys {
		if c.vals[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, c.vals[k]))
		}
	}
	return strings.Join(parts, ", ")
}

// typeOrder is the order of the by_type keys.
var typeOrder = [...]normalize.Type{normalize.TypeMobile, normalize.TypeFixedLine, normalize.TypeVoIP,
	normalize.TypeTollFree, normalize.TypePremiumRate, normalize.TypeOther}

// newStats returns stats with the keys that are always present.
func newStats() *Stats {
	s := &Stats{Columns: []string{}, ColumnsIgnored: []string{}, Warnings: []string{}, Outputs: []OutputStats{}}
	s.BlockedBySource = OrderedCounts{vals: map[string]int64{}}
	s.BlockedByReason = OrderedCounts{vals: map[string]int64{}}
	s.InvalidByReason = OrderedCounts{vals: map[string]int64{}}
	s.ByType = OrderedCounts{vals: map[string]int64{}}
	for _, t := range typeOrder {
		s.ByType.Add(t.String(), 0)
	}
	return s
}
