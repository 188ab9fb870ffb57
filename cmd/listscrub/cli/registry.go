package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

func newRegistryCmd(stdio IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Compile and inspect registry snapshots",
		Long: `A snapshot is a registry compiled once: normalized, deduplicated, with its
entry count, as-of date, checksum and bloom filter. Scrubs load it in a
fraction of the time a raw list takes, and refuse it if it is corrupted.`,
	}
	cmd.AddCommand(newRegistryBuildCmd(stdio), newRegistryInfoCmd(stdio), newRegistryDiffCmd(stdio))
	return cmd
}

type buildOptions struct {
	out     string
	asOf    string
	country string
	covers  []string
	base    string
	add     []string
	remove  []string
	sources []string
	quiet   bool
	checks  registryChecks
	// countryGiven is true when --country was given (with --base, the
	// base's region is used otherwise).
	countryGiven bool
	// asOfGiven is true when --as-of was given (otherwise the date is the
	// oldest source's): whatever date it gives, even the zero one.
	asOfGiven bool
}

// minAsOf is the earliest --as-of accepted: no list is older, and an
// earlier date is a typo or a zero value (0001-01-01), which would make the
// snapshot look as old as can be for no reason the user meant.
var minAsOf = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func newRegistryBuildCmd(stdio IO) *cobra.Command {
	var o buildOptions
	cmd := &cobra.Command{
		Use:   "build -o OUT [--as-of YYYY-MM-DD] [--country CC] [--covers PREFIX,...] SOURCE... | --base OLD.snap [--add FILE]... [--remove FILE]...",
		Short: "Compile raw lists (or earlier snapshots) into one snapshot",
		Long: `Build reads every SOURCE (one number per line, a CSV with a phone column, a
US/Canada area-code file "AAA,NNNNNNN", .gz or not, or an earlier snapshot;
NAME=PATH labels a source) and writes one snapshot. Sources are held to the
rules of scrub -r: a line that is no phone number at all (a word, an HTML
page, unbalanced quotes, a spreadsheet's 6.1E+8), more invalid lines than
--max-invalid (default 1% of a source's lines rounded down, but at least
one line; blank lines aside), or a source with no number stops the build,
naming the file and the first bad line; when the lines are valid numbers of
another region, the message says which --country reads them (every region
that reads as many). So does a result that holds no number (a --remove that
took them all). --lenient accepts such sources and results, with a warning.
Other invalid lines are counted and reported per source and reason. A line
holding several numbers clearly separated ("0612345678 / 0145678901", a tab,
';', ',' or '|' between them) gives each of them.

The snapshot records the region its national-format numbers were read with
(--country, default FR; with --base, the base's), and a scrub with another
--country warns. Its as-of date is the oldest source's (a raw list's
modification date, a snapshot's as-of date; with --base, the base's) unless
--as-of gives it; a date after today (or before 1970) is refused, and so is
a source dated more than a day ahead; one dated less than a day ahead (a
clock or a time zone ahead) is dated today.

--covers records which number prefixes the registry screens (a US subscriber
buys area codes): at scrub time, a valid number that no registry covers has
not been screened and is never clean (invalid, reason not-covered). Without
--covers a snapshot covers what its sources cover: every number for raw lists.

--base applies change files to an earlier snapshot instead: every --add file's
numbers are added (to the base's only source, or to source NAME with
NAME=FILE), then every --remove file's numbers are removed (from every source,
or from source NAME). The new snapshot keeps the base's sources and coverage,
and records the base and each change file.`,
		Example: `  # Monthly Bloctel download, dated as published
  listscrub registry build -o bloctel.snap --as-of 2026-11-01 bloctel=bloctel-2026-11.csv.gz

  # US area codes bought by the call centre, plus the internal opt-out list
  listscrub registry build --country US --covers +1201,+1973 -o dnc.snap dnc=201.txt dnc973=973.txt internal=optout.csv

  # Daily US change files applied to the monthly full download
  listscrub registry build --country US --base dnc-full.snap --add adds.txt --remove dels.txt -o dnc.snap`,
		Args: func(cmd *cobra.Command, args []string) error {
			base, _ := cmd.Flags().GetString("base")
			switch {
			case base == "" && len(args) == 0:
				return usagef("want at least one SOURCE (or --base OLD.snap with --add/--remove)")
			case base != "" && len(args) > 0:
				return usagef("--base takes change files as --add FILE and --remove FILE, not SOURCE arguments")
			}
			return nil
		},
		RunE: run(func(ctx context.Context) error { return runBuild(ctx, &o, stdio) }),
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "snapshot to write (required)")
	f.StringVar(&o.asOf, "as-of", "", "the lists' as-of date, YYYY-MM-DD, from 1970-01-01 to today (default: the oldest source's)")
	f.StringVar(&o.country, "country", "FR", "region of numbers written in national format (with --base: the base's)")
	f.StringSliceVar(&o.covers, "covers", nil, "E.164 prefixes the registry screens, e.g. +33,+1201 (default: what the sources cover)")
	f.StringVar(&o.base, "base", "", "earlier snapshot to apply change files to")
	f.StringArrayVar(&o.add, "add", nil, "with --base: [NAME=]FILE of numbers to add (repeatable)")
	f.StringArrayVar(&o.remove, "remove", nil, "with --base: [NAME=]FILE of numbers to remove (repeatable)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line (it is drawn only when standard error is a terminal)")
	o.checks.bind(f, true)
	cmd.MarkFlagRequired("out")
	cmd.PreRun = func(cmd *cobra.Command, args []string) {
		o.sources = args
		o.countryGiven = cmd.Flags().Changed("country")
		o.asOfGiven = cmd.Flags().Changed("as-of")
	}
	return cmd
}

func runBuild(ctx context.Context, o *buildOptions, stdio IO) error {
	now := time.Now().UTC()
	var asOf time.Time // with !o.asOfGiven: the oldest source's
	if o.asOfGiven {
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(o.asOf))
		if err != nil {
			return usagef("--as-of %q: want YYYY-MM-DD", o.asOf)
		}
		if t.After(today(now)) {
			return usagef("--as-of %s is after today (%s): a snapshot dated in the future would never turn stale",
				o.asOf, today(now).Format(time.DateOnly))
		}
		if t.Before(minAsOf) {
			return usagef("--as-of %s is before %s: no registry is that old (a typo?)", o.asOf, minAsOf.Format(time.DateOnly))
		}
		asOf = t
	}
	if o.out == "" {
		return usagef("-o: want the snapshot's path")
	}
	ps := newPaths(stdio)
	ps.specs("SOURCE", o.sources)
	ps.input("--base", o.base)
	ps.specs("--add", o.add)
	ps.specs("--remove", o.remove)
	ps.output("-o", o.out)
	if err := ps.check(); err != nil {
		return err
	}
	// The snapshot's temporary file first: an output that cannot be
	// written fails before the sources are read.
	outs := newOutputs(stdio)
	defer outs.abort()
	w, err := outs.create("-o", o.out)
	if err != nil {
		return err
	}
	country := o.country
	if o.base != "" {
		region, err := registry.ReadSnapshotRegion(o.base)
		if err != nil {
			return err
		}
		switch {
		case region == "":
		case !o.countryGiven:
			country = region
		case !strings.EqualFold(strings.TrimSpace(o.country), region):
			return usagef("--country %s: the base snapshot %s reads national-format numbers as %s; its change files must be read the same way (leave out --country)",
				o.country, o.base, region)
		}
	}
	norm, err := normalize.New(country)
	if err != nil {
		return usagef("--country: %v", err)
	}
	checks, err := o.checks.checks(now, stdio)
	if err != nil {
		return err
	}
	opts := registry.LoadOptions{Normalizer: norm, Checksum: true, Strict: !o.checks.lenient, Checks: checks}
	var covers []string
	if o.covers != nil {
		if covers, err = registry.ParseCoverage(o.covers); err != nil {
			return usagef("--covers: %v", err)
		}
		if len(covers) == 0 {
			return usagef("--covers: no prefix given")
		}
	}
	if o.base == "" && (len(o.add) > 0 || len(o.remove) > 0) {
		return usagef("--add and --remove need --base OLD.snap")
	}
	meta := registry.SnapshotMeta{Created: now, Country: norm.Region(), Covers: covers}
	var set *registry.Set
	var oldest time.Time // the sources' oldest as-of date
	if o.base != "" {
		set, oldest, err = buildFromBase(ctx, o, opts, &meta, stdio)
		if err != nil {
			return o.checks.explain(err)
		}
	} else {
		specs, err := parseSpecs(o.sources)
		if err != nil {
			return err
		}
		stop := loadProgress(stdio, "registry build", o.quiet, specs)
		set, err = registry.Load(ctx, specs, opts)
		stop()
		if err != nil {
			return o.checks.explain(err)
		}
		oldest = set.AsOf()
	}
	switch {
	case !o.asOfGiven && oldest.IsZero():
		asOf = today(now)
	case !o.asOfGiven:
		asOf = oldest
	case asOf.After(oldest) && !oldest.IsZero():
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: --as-of %s is later than the oldest source's date (%s): the snapshot will look fresher than its oldest list\n",
			asOf.Format(time.DateOnly), oldest.Format(time.DateOnly))
	}
	meta.AsOf = asOf
	if set.Len() == 0 {
		// Each source may hold numbers and the result none (--remove took
		// them all, a base of 0 numbers and empty additions): what a scrub
		// would get is what counts.
		msg := fmt.Sprintf("%s would hold no number: an empty registry would let every number through", o.out)
		if !o.checks.lenient {
			return fmt.Errorf("registry build: %s (--lenient to write it anyway)", msg)
		}
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s (written: lenient)\n", msg)
	}
	if o.base == "" {
		printColumnsWarnings(stdio, set.Sources())
	}
	for _, s := range set.Sources() {
		fmt.Fprintf(stdio.ErrOut, "%s: %d numbers", s.Label, s.Entries)
		if s.Kind != "snapshot" {
			fmt.Fprintf(stdio.ErrOut, " from %d lines", s.Lines)
		}
		if inv := invalidSummary(s.Invalid); inv != "" {
			fmt.Fprintf(stdio.ErrOut, "; invalid lines: %s", inv)
		}
		fmt.Fprintln(stdio.ErrOut)
	}
	if err := registry.WriteSnapshot(w, o.out, set, meta); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := outs.commit(); err != nil {
		return err
	}
	fmt.Fprintf(stdio.ErrOut, "wrote %s: %d numbers, as of %s, checksum %s, national numbers read as %s",
		o.out, set.Len(), asOf.Format(time.DateOnly), set.Checksum(), meta.Country)
	if !o.countryGiven && o.base == "" {
		// Said, not warned: a list of another country often reads as valid
		// numbers of the default one (Belgian mobiles are French 04 fixed
		// lines, French mobiles Swiss or Dutch ones), so nothing here tells a
		// misread list from a right one; a scrub tells, by the prospects'
		// calling codes (registry.Set.NotHeld).
		fmt.Fprintf(stdio.ErrOut, " (the default: --country for another country's list)")
	}
	fmt.Fprintln(stdio.ErrOut)
	return nil
}

// buildFromBase applies --add and --remove change files to --base, reports
// each, and fills meta with the base, the changes and the coverage. It
// returns the set and the base's as-of date.
func buildFromBase(ctx context.Context, o *buildOptions, opts registry.LoadOptions, meta *registry.SnapshotMeta, stdio IO) (*registry.Set, time.Time, error) {
	var changes []registry.Change
	for _, list := range []struct {
		args   []string
		remove bool
	}{{o.add, false}, {o.remove, true}} {
		for _, a := range list.args {
			c := registry.Change{Path: a, Remove: list.remove}
			if sp := registry.ParseSpec(a); sp.Path != a {
				c.Label, c.Path = sp.Label, sp.Path
			}
			changes = append(changes, c)
		}
	}
	set, bm, err := registry.ApplyChanges(ctx, o.base, changes, opts)
	if err != nil {
		return nil, time.Time{}, err
	}
	if bm.Country != "" && bm.Country != meta.Country {
		return nil, time.Time{}, fmt.Errorf("snapshot %s: its region changed while it was read", o.base)
	}
	meta.Base, meta.Changes = bm.Base, bm.Changes
	if meta.Covers == nil {
		meta.Covers = bm.Covers
	}
	fmt.Fprintf(stdio.ErrOut, "base %s: %d numbers\n", o.base, bm.Base.Entries)
	for _, c := range bm.Changes {
		si := registry.SourceInfo{Label: c.Label, Path: c.Path, ColumnsIgnored: c.ColumnsIgnored}
		if si.Label == "" {
			si.Label = "(every source)"
		}
		if w := si.ColumnsWarning(c.Op + " file"); w != "" {
			fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", w)
		}
	}
	for _, c := range bm.Changes {
		verb, prep := "added", "to"
		if c.Op == "remove" {
			verb, prep = "removed", "from"
		}
		target := c.Label
		if target == "" {
			target = "every source"
		}
		fmt.Fprintf(stdio.ErrOut, "%s: %d numbers from %d lines, %d %s %s %s", c.Path, c.Entries, c.Lines, c.Applied, verb, prep, target)
		if inv := invalidSummary(c.Invalid); inv != "" {
			fmt.Fprintf(stdio.ErrOut, "; invalid lines: %s", inv)
		}
		fmt.Fprintln(stdio.ErrOut)
	}
	return set, bm.AsOf, nil
}

// printColumnsWarnings prints, for each registry source, the phone-like
// columns it did not read (registry.SourceInfo.ColumnsWarning).
func printColumnsWarnings(stdio IO, sources []registry.SourceInfo) {
	for i := range sources {
		if w := sources[i].ColumnsWarning("registry"); w != "" {
			fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", w)
		}
	}
}

func invalidSummary(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func newRegistryInfoCmd(stdio IO) *cobra.Command {
	var asJSON bool
	var path string
	cmd := &cobra.Command{
		Use:   "info [--json] SNAPSHOT",
		Short: "Show a snapshot's entries, as-of date, age, checksum and sources",
		Example: `  listscrub registry info bloctel.snap
  listscrub registry info --json bloctel.snap | jq .age_days`,
		Args: exactArgs(1, "SNAPSHOT"),
		RunE: run(func(context.Context) error { return runInfo(path, asJSON, stdio.Out) }),
	}
	cmd.PreRun = func(_ *cobra.Command, args []string) { path = args[0] }
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// snapshotInfo is what registry info prints.
type snapshotInfo struct {
	Path    string `json:"path"`
	Entries int    `json:"entries"`
	AsOf    string `json:"as_of"`
	AgeDays int    `json:"age_days"`
	Created string `json:"created"`
	Country string `json:"country"`
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
}

func runInfo(path string, asJSON bool, out io.Writer) error {
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
	for _, s := range set.Sources() {
		inv := s.InvalidByReason()
		info.Sources = append(info.Sources, sourceInfo{
			Label: s.Label, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf.Format(time.DateOnly),
			SHA256: s.SHA256, Lines: s.Lines, Invalid: inv, InvalidLines: s.InvalidLines(), Region: s.Region,
		})
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	fmt.Fprintf(out, "snapshot:  %s\n", path)
	fmt.Fprintf(out, "entries:   %d\n", info.Entries)
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
		fmt.Fprintf(out, "  %-20s %10d numbers  as of %s  region %s  %d invalid lines  sha256 %s\n", s.Label, s.Entries, s.AsOf, s.Region, s.InvalidLines, s.SHA256)
	}
	if b := info.Base; b != nil {
		fmt.Fprintf(out, "base:      %s (%d numbers, checksum %s)\n", b.Path, b.Entries, b.Checksum)
		for _, c := range info.Changes {
			fmt.Fprintf(out, "  %-6s %-20s %10d applied of %d  sha256 %s\n", c.Op, c.Path, c.Applied, c.Entries, c.SHA256)
		}
	}
	return nil
}

func newRegistryDiffCmd(stdio IO) *cobra.Command {
	var list bool
	var a, b string
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
		RunE: run(func(ctx context.Context) error { return runDiff(ctx, a, b, list, stdio.Out) }),
	}
	cmd.PreRun = func(_ *cobra.Command, args []string) { a, b = args[0], args[1] }
	cmd.Flags().BoolVar(&list, "list", false, "print every added and removed number")
	return cmd
}

func runDiff(ctx context.Context, a, b string, list bool, out io.Writer) error {
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
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("diff: write: %w", err)
	}
	return nil
}
