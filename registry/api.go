// Package registry loads opposition (do-not-call) lists, from raw files or
// compiled snapshots, into an exact set of normalized numbers fronted by a
// bloom filter, and writes and reads snapshots.
package registry

import (
	"context"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// Spec names one source given on the command line: "NAME=PATH" or "PATH".
type Spec struct {
	Label string // NAME, or the file's base name without extensions
	Path  string
}

// ParseSpec parses a -r/--registry argument.
func ParseSpec(arg string) Spec { panic("unimplemented") }

// SourceInfo describes one source of a Set (one Spec).
type SourceInfo struct {
	Label   string
	Path    string
	Kind    string         // "list", "csv", "nanp" or "snapshot"
	Entries int            // distinct valid numbers in this source
	AsOf    time.Time      // snapshot's as-of date; a raw file's modification date
	SHA256  string         // hex SHA-256 of the file's bytes as on disk
	Lines   int            // data lines read (raw sources)
	Invalid map[string]int // invalid lines by normalize.Reason name (raw sources)
	Inner   []SourceInfo   // a snapshot's own sources, as recorded when it was built
}

// BloomInfo describes a Set's bloom filter.
type BloomInfo struct {
	Bits   uint    // m
	Hashes uint    // k
	FPRate float64 // estimated false-positive rate at the set's size
}

// Set is an immutable set of registered numbers, each remembering which of the
// set's sources hold it. It is safe for concurrent use.
type Set struct{}

// Lookup returns the sources holding k as a bit mask over Sources() (bit i is
// Sources()[i]); 0 means k is not registered.
func (s *Set) Lookup(k normalize.Key) uint64 { panic("unimplemented") }

// Len returns the number of distinct numbers.
func (s *Set) Len() int { panic("unimplemented") }

// Sources returns the set's sources in the order they were given.
func (s *Set) Sources() []SourceInfo { panic("unimplemented") }

// AsOf returns the oldest as-of date among the sources.
func (s *Set) AsOf() time.Time { panic("unimplemented") }

// Checksum returns the hex SHA-256 of the set's canonical content (sorted keys
// and their memberships), identical however the same content was loaded.
func (s *Set) Checksum() string { panic("unimplemented") }

// Bloom describes the set's bloom filter.
func (s *Set) Bloom() BloomInfo { panic("unimplemented") }

// LoadOptions configure Load.
type LoadOptions struct {
	Normalizer *normalize.Normalizer // for raw sources; required
	// Strict makes a raw line that is not a number at all (not-a-number,
	// excel-scientific) an error naming file and line: a registry that cannot be
	// read in full must not let a scrub pass. Other invalid lines are counted.
	Strict bool
}

// Load reads every source (raw list, CSV, NANP area-code file, .gz, or
// snapshot, detected by content) into one Set. Any unreadable source, bad
// snapshot checksum or (with Strict) unreadable line is an error naming the
// file and line.
func Load(ctx context.Context, specs []Spec, opts LoadOptions) (*Set, error) { panic("unimplemented") }

// SnapshotMeta is what a snapshot records besides its numbers.
type SnapshotMeta struct {
	AsOf    time.Time // the lists' as-of date
	Created time.Time
	Country string // region the raw sources were normalized with
}

// WriteSnapshotFile writes s as a snapshot to path atomically (temporary file,
// then rename). The snapshot's sources are s's sources.
func WriteSnapshotFile(path string, s *Set, meta SnapshotMeta) error { panic("unimplemented") }

// ReadSnapshotInfo reads a snapshot's metadata and sources, verifying its checksum.
func ReadSnapshotInfo(path string) (SnapshotMeta, *Set, error) { panic("unimplemented") }
