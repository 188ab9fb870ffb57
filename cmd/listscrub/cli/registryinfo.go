package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// infoOptions are registry info's: its streams, --json and the snapshot.
type infoOptions struct {
	IO     IO
	asJSON bool
	path   string
}

func newRegistryInfoCmd(stdio IO, runF func(context.Context, *infoOptions) error) *cobra.Command {
	o := &infoOptions{IO: stdio}
	cmd := &cobra.Command{
		Use:   "info [--json] SNAPSHOT",
		Short: "Show a snapshot's entries, as-of date, age, checksum and sources",
		Example: `  listscrub registry info bloctel.snap
  listscrub registry info --json bloctel.snap | jq .age_days`,
		Args: exactArgs(1, "SNAPSHOT"),
		RunE: runner(o, func(o *infoOptions, args []string) { o.path = args[0] }, runF, runInfo),
	}
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print one JSON object")
	return cmd
}

// snapshotInfo is what registry info prints.
type snapshotInfo struct {
	Path    string `json:"path"`
	Entries int    `json:"entries"`
	// Screened is, for a snapshot built from wash results, the number of
	// distinct numbers they screened (registered or passed); absent otherwise.
	Screened *int   `json:"screened,omitempty"`
	AsOf     string `json:"as_of"`
	AgeDays  int    `json:"age_days"`
	Created  string `json:"created"`
	Country  string `json:"country"`
	// Region is the region national-format numbers were read with (the
	// same as Country, under the name scrub's stats use).
	Region   string    `json:"region"`
	Checksum string    `json:"checksum"`
	Bloom    bloomInfo `json:"bloom"`
	// ExactSetBytes is the size of the exact set (numbers, index and
	// memberships), the bloom filter not included.
	ExactSetBytes int          `json:"exact_set_bytes"`
	Sources       []sourceInfo `json:"sources"`
	// Covers is null when the snapshot screens every number.
	Covers  []string              `json:"covers"`
	Base    *registry.BaseInfo    `json:"base,omitempty"`
	Changes []registry.ChangeInfo `json:"changes,omitempty"`
}

type bloomInfo struct {
	Bits   uint    `json:"bits"`
	Hashes uint    `json:"hashes"`
	FPRate float64 `json:"fp_rate"`
}

type sourceInfo struct {
	Label   string         `json:"label"`
	Kind    string         `json:"kind"`
	Entries int            `json:"entries"`
	AsOf    string         `json:"as_of"`
	SHA256  string         `json:"sha256"`
	Lines   int            `json:"lines"`
	Invalid map[string]int `json:"invalid"`
	// InvalidLines sums Invalid (and a snapshot source's own sources').
	InvalidLines int    `json:"invalid_lines"`
	Region       string `json:"region"`
	// Screened is, for a wash result, the numbers it screened (registered
	// or passed); absent for other sources.
	Screened int `json:"screened,omitempty"`
}

// runInfo prints what the snapshot records, as text or JSON.
func runInfo(_ context.Context, o *infoOptions) error {
	path, out := o.path, o.IO.Out
	meta, set, err := registry.ReadSnapshotInfo(path)
	if err != nil {
		return err
	}
	bl := set.Bloom()
	info := snapshotInfo{
		Path: path, Entries: set.Len(),
		AsOf:    meta.AsOf.Format(time.DateOnly),
		AgeDays: scrub.AgeDays(meta.AsOf, time.Now()),
		Created: meta.Created.UTC().Format(time.RFC3339), Country: meta.Country, Region: meta.Country,
		Checksum:      set.Checksum(),
		Bloom:         bloomInfo{Bits: bl.Bits, Hashes: bl.Hashes, FPRate: bl.FPRate},
		ExactSetBytes: set.ExactBytes(),
		Sources:       []sourceInfo{},
		Covers:        meta.Covers, Base: meta.Base, Changes: meta.Changes,
	}
	if set.Screening() {
		n := set.ScreenedLen()
		info.Screened = &n
	}
	for _, s := range set.Sources() {
		inv := s.InvalidByReason()
		info.Sources = append(info.Sources, sourceInfo{
			Label: s.Label, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf.Format(time.DateOnly),
			SHA256: s.SHA256, Lines: s.Lines, Invalid: inv, InvalidLines: s.InvalidLines(), Region: s.Region,
			Screened: s.Screened,
		})
	}
	if o.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	fmt.Fprintf(out, "snapshot:  %s\n", path)
	fmt.Fprintf(out, "entries:   %d\n", info.Entries)
	if info.Screened != nil {
		fmt.Fprintf(out, "screened:  %d (numbers a wash result has a verdict for; others are not-screened)\n", *info.Screened)
	}
	fmt.Fprintf(out, "as of:     %s (%d days old)\n", info.AsOf, info.AgeDays)
	fmt.Fprintf(out, "created:   %s\n", info.Created)
	fmt.Fprintf(out, "region:    %s (national-format numbers were read as %s numbers)\n", info.Region, info.Region)
	fmt.Fprintf(out, "checksum:  %s\n", info.Checksum)
	if info.Covers == nil {
		fmt.Fprintf(out, "covers:    every number\n")
	} else {
		fmt.Fprintf(out, "covers:    %s\n", strings.Join(info.Covers, ", "))
	}
	fmt.Fprintf(out, "exact set: %.1f MiB (%.2f bytes/number)\n", float64(info.ExactSetBytes)/(1<<20), float64(info.ExactSetBytes)/float64(max(info.Entries, 1)))
	fmt.Fprintf(out, "bloom:     %d bits, %d hashes, false-positive rate %.4f%%\n", bl.Bits, bl.Hashes, 100*bl.FPRate)
	fmt.Fprintf(out, "sources:\n")
	for _, s := range info.Sources {
		screened := ""
		if s.Screened > 0 {
			screened = fmt.Sprintf("  %d screened", s.Screened)
		}
		fmt.Fprintf(out, "  %-20s %10d numbers%s  as of %s  region %s  %d invalid lines  sha256 %s\n", s.Label, s.Entries, screened, s.AsOf, s.Region, s.InvalidLines, s.SHA256)
	}
	if b := info.Base; b != nil {
		fmt.Fprintf(out, "base:      %s (%d numbers, checksum %s)\n", b.Path, b.Entries, b.Checksum)
		for _, c := range info.Changes {
			fmt.Fprintf(out, "  %-6s %-20s %10d applied of %d  sha256 %s\n", c.Op, c.Path, c.Applied, c.Entries, c.SHA256)
		}
	}
	return nil
}

// diffOptions are registry diff's: its streams, --list and the snapshots.
type diffOptions struct {
	IO   IO
	list bool
	a, b string
}

func newRegistryDiffCmd(stdio IO, runF func(context.Context, *diffOptions) error) *cobra.Command {
	o := &diffOptions{IO: stdio}
	cmd := &cobra.Command{
		Use:   "diff [--list] A.snap B.snap",
		Short: "Count (or list) the numbers added and removed from snapshot A to snapshot B",
		Long: `Diff compares the numbers of two snapshots (not their memberships) and
prints how many B adds to A and how many it removes. With --list it also
prints every added number as "+ +33612345678" and every removed one as
"- +33612345678", in ascending order.`,
		Example: `  listscrub registry diff dnc-2026-10.snap dnc-2026-11.snap
  listscrub registry diff --list old.snap new.snap | grep '^-'`,
		Args: exactArgs(2, "A.snap B.snap"),
		RunE: runner(o, func(o *diffOptions, args []string) { o.a, o.b = args[0], args[1] }, runF, runDiff),
	}
	cmd.Flags().BoolVar(&o.list, "list", false, "print every added and removed number")
	return cmd
}

// runDiff counts (and with --list prints) the numbers B adds to A and
// those it removes.
func runDiff(ctx context.Context, o *diffOptions) error {
	a, b, list, out := o.a, o.b, o.list, o.IO.Out
	sets := make([]*registry.Set, 2)
	for i, p := range []string{a, b} {
		_, s, err := registry.ReadSnapshotInfo(p)
		if err != nil {
			return err
		}
		sets[i] = s
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	var fn func(normalize.Key, bool)
	if list {
		var line []byte
		fn = func(k normalize.Key, added bool) {
			line = append(line[:0], "- "...)
			if added {
				line[0] = '+'
			}
			line = append(k.AppendE164(line), '\n')
			bw.Write(line)
		}
	}
	added, removed := registry.Diff(sets[0], sets[1], fn)
	fmt.Fprintf(bw, "added:   %d\nremoved: %d\n", added, removed)
	if sets[0].Screening() || sets[1].Screening() {
		// Wash results: what was screened changes what is not-screened.
		if list {
			fmt.Fprintln(bw, "screened:")
		}
		added, removed := registry.DiffScreened(sets[0], sets[1], fn)
		fmt.Fprintf(bw, "screened added:   %d\nscreened removed: %d\n", added, removed)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("diff: write: %w", err)
	}
	return nil
}
