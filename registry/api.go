// Package registry loads opposition (do-not-call) lists, from raw files or
// compiled snapshots, into an exact set of normalized numbers, and writes and
// reads snapshots.
//
// A Set keeps its numbers packed: the key space is cut into buckets of 2^s
// numbers, each number stored as its low s bits (one or two bytes) under a
// per-bucket index, the empty stretches between countries or area codes
// skipped by segments (about 1.3 bytes a number for 10M French numbers or
// 250M US-like ones). Per number, a compact mask records the sources holding
// it (no mask at all for one source, one byte for up to 8 sources, two for
// 16, ...). Lookup finds the bucket in O(1) and searches its few lows; it
// does not allocate. A snapshot stores the packed arrays as they are in
// memory, so a snapshot loads with one read and one xxhash64 pass. A bloom
// filter is built and stored in snapshots, but Lookup does not consult it
// (buildBloom says why). A Set also
// records which number prefixes its sources screen (Covers). See FORMAT.md
// for the snapshot file format and ApplyChanges for change files.
package registry

import (
	"fmt"
	"time"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// Spec names one source given on the command line: "NAME=PATH" or "PATH".
type Spec struct {
	Label string // NAME, or the file's base name without extensions
	Path  string
	// Format is the source format the argument names ("wash" for
	// "wash:PATH"); "" means sniffed from the content.
	Format string
}

// SourceInfo describes one source of a Set (one Spec).
type SourceInfo struct {
	Label   string
	Path    string
	Kind    string         // "list", "csv", "nanp", "snapshot", "wash" or "history" (the Kind constants)
	Entries int            // distinct valid numbers in this source
	AsOf    time.Time      // snapshot's as-of date; a raw file's modification date
	SHA256  string         // hex SHA-256 of the file's bytes as on disk
	Lines   int            // data lines read (raw sources)
	Invalid map[string]int // invalid lines by normalize.Reason name (raw sources)
	Inner   []SourceInfo   // a snapshot's own sources, as recorded when it was built
	// Covers lists the E.164 prefixes this source screens ("+33", "+1201");
	// nil means every number. A snapshot source has its snapshot's coverage.
	Covers []string
	// Region is the region the source's national-format numbers were read
	// with (LoadOptions.Normalizer's for a raw source, the snapshot's for a
	// snapshot); "" when a version-1 snapshot did not record it.
	Region string
	// Screened is, for a wash result (or a snapshot built from some), the
	// number of distinct numbers it screened: registered or passed.
	Screened int
	// Sheet is, for a list given as a workbook, the sheet it was read from.
	Sheet string

	// Attempts and Refusals are, for a contact history (LoadHistory), the
	// attempts read (one per valid number of a line) and those of them
	// whose outcome was a refusal.
	Attempts, Refusals int
	// ConsentedAt and WithdrawnAt name, for a consent list loaded with
	// LoadOptions.Consents, the columns its dates were read from ("" when
	// it has none: its consents are undated, never withdrawn).
	ConsentedAt, WithdrawnAt string

	// FirstInvalid is the number of the first line that holds something but
	// not a valid number (raw sources; 0 when none), and FirstReason its
	// reason: the line an error about the source's invalid lines names.
	FirstInvalid int
	FirstReason  string
	// BetterRegion, for a raw source refused (or, lenient, warned about) by
	// Checks, names the regions that read most of its invalid lines (a US
	// list read as FR), several when they read as many; nil otherwise. See
	// suggestRegion.
	BetterRegion []string

	// ColumnsIgnored are the header cells of a CSV source that look like
	// phone columns (colname.LooksPhoneLike) but are not read: a customer
	// number, or in an allow or consent list a fax or a "Phone type"
	// (nil for other sources). ColumnsWarning says so.
	ColumnsIgnored []string

	// codes is what a CSV source's unread columns held (codecols.go).
	codes codeReport
	// saysNo is, for a registry source (or a snapshot's inner one), the
	// column that would refuse it as an allow or consent list: a snapshot
	// built from it is refused as one too (codecols.go).
	saysNo string
	// invalidSample holds a few invalid fields of a raw source, for
	// suggestRegion; only Checks.vet reads it.
	invalidSample [][]byte
}

// InvalidLines returns the source's invalid lines, every reason summed; for
// a snapshot, those its own sources had when it was built.
func (si *SourceInfo) InvalidLines() int {
	n := 0
	for _, c := range si.Invalid {
		n += c
	}
	for i := range si.Inner {
		n += si.Inner[i].InvalidLines()
	}
	return n
}

// InvalidByReason returns the source's invalid lines by reason; for a
// snapshot, those its own sources had when it was built (summed by reason),
// so that it always adds up to InvalidLines.
func (si *SourceInfo) InvalidByReason() map[string]int {
	m := map[string]int{}
	si.addInvalid(m)
	return m
}

func (si *SourceInfo) addInvalid(m map[string]int) {
	for k, n := range si.Invalid {
		m[k] += n
	}
	for i := range si.Inner {
		si.Inner[i].addInvalid(m)
	}
}

// ColumnsWarning returns the warning about the source's ignored columns
// (ColumnsIgnored), or "" when none is; what names what the source is for
// ("registry", "allow list", "consent list"). No cell that looks like a
// number is printed (colname.QuoteList).
func (si *SourceInfo) ColumnsWarning(what string) string {
	if len(si.ColumnsIgnored) == 0 {
		return ""
	}
	name := si.Label
	if si.Path != "" && si.Path != si.Label {
		name += " (" + si.Path + ")"
	}
	return fmt.Sprintf("%s %s: columns that look like phone columns are not read: %s; rename a column (to \"Phone 2\", say) to read it",
		what, name, colname.QuoteList(si.ColumnsIgnored))
}

// BloomInfo describes a Set's bloom filter.
type BloomInfo struct {
	Bits   uint    // m
	Hashes uint    // k
	FPRate float64 // estimated false-positive rate at the set's size
}

// LoadOptions configure Load.
type LoadOptions struct {
	Normalizer *normalize.Normalizer // for raw sources; required
	// Strict makes a raw line that is not a number at all (not-a-number,
	// excel-scientific) an error naming file and line: a registry that cannot be
	// read in full must not let a scrub pass. Other invalid lines are counted.
	Strict bool
	// Checksum makes Load compute the set's Checksum while it builds the
	// set from raw sources, on a core the packing leaves idle, for callers
	// that will report it (a scrub's stats, a snapshot). Without it, the
	// first call of Checksum computes it.
	Checksum bool

	// Exempt says the sources are allow or consent lists, which read only
	// the columns that surely hold phone numbers (colname.Exempt); false,
	// they are block lists, which read every column that may
	// (colname.Block). See columnRank.
	Exempt bool

	// Checks are the rules a source must pass to be used at all (too many
	// invalid lines, no number, an as-of date in the future); see Checks.
	Checks Checks

	// Wash gives the verdicts of wash-result sources (Spec.Format "wash").
	Wash WashCodes

	// Consents, given with Exempt, receives every consent line of the
	// sources as the Set is built (see datedcols.go): a CSV's lines with
	// their consented_at and withdrawn_at dates, every other number
	// undated and never withdrawn, so that the Consents built answer for
	// every number of the Set. A CSV's withdrawal-named column is then
	// read as its withdrawn_at dates. On an error it holds part of the
	// lines: discard it.
	Consents *policy.ConsentBuilder

	// records is where the lines' contact records go (records.go), set by
	// Load and LoadHistory from Consents or the history's builder.
	records *recordSink

	// chunkBytes overrides the size of the chunks raw lines are parsed in
	// (tests make it tiny, to cross many chunk boundaries); 0 is the default.
	chunkBytes int
}

// role returns the colname.Role the sources are read with.
func (o *LoadOptions) role() colname.Role {
	if o.Exempt {
		return colname.Exempt
	}
	return colname.Block
}

// WashCodes say how the verdicts of a wash result read (spec: "Wash
// results"): Block are the verdicts that register a number (default "Y"),
// Pass those that mean screened and not registered (default "N"); any other
// verdict means not screened. Verdicts compare trimmed and case-insensitively.
type WashCodes struct {
	Block, Pass []string
}

// SnapshotMeta is what a snapshot records besides its numbers.
type SnapshotMeta struct {
	AsOf    time.Time // the lists' as-of date
	Created time.Time
	Country string // region the raw sources were normalized with
	// Covers lists the E.164 prefixes the snapshot screens. Writing: nil
	// records the set's own coverage (Set.Coverage). Reading: nil means every
	// number.
	Covers []string
	// Base and Changes record, for a snapshot built by ApplyChanges, the base
	// snapshot and the change files applied to it; nil otherwise.
	Base    *BaseInfo
	Changes []ChangeInfo
}
