package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/registry"
)

// buildOptions are registry build's: its streams, flags and sources.
type buildOptions struct {
	IO       IO
	out      string
	asOf     dateFlag
	country  countryFlag
	registry registryFlags // its sources are the SOURCE arguments
	covers   []string
	base     string
	add      []string
	remove   []string
	quiet    bool
}

// dateFlag is a YYYY-MM-DD flag that remembers whether it was given:
// whatever date it gives, even the zero one.
type dateFlag struct {
	text  string
	given bool
}

func (d *dateFlag) String() string { return d.text }
func (d *dateFlag) Type() string   { return "string" }

func (d *dateFlag) Set(s string) error {
	d.text, d.given = s, true
	return nil
}

// minAsOf is the earliest --as-of accepted: no list is older, and an
// earlier date is a typo or a zero value (0001-01-01), which would make the
// snapshot look as old as can be for no reason the user meant.
var minAsOf = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func newRegistryBuildCmd(stdio IO, runF func(context.Context, *buildOptions) error) *cobra.Command {
	o := &buildOptions{IO: stdio}
	cmd := &cobra.Command{
		Use:   "build -o OUT [--as-of YYYY-MM-DD] [--country CC] [--covers PREFIX,...] SOURCE... | --base OLD.snap [--add FILE]... [--remove FILE]...",
		Short: "Compile raw lists (or earlier snapshots) into one snapshot",
		Long: `Build reads every SOURCE (one number per line, a CSV with a phone column, a
US/Canada area-code file "AAA,NNNNNNN", a wash result given as wash:PATH, .gz
or not, or an earlier snapshot; NAME=PATH labels a source) and writes one
snapshot. Sources are held to the
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

A wash result ("NUMBER,VERDICT" lines, as a wash service returns them)
registers the numbers whose verdict is one of --block-codes (default Y); those
with one of --pass-codes (default N) were screened and are not registered;
any other verdict, or no line at all, means not screened: at scrub time such a
number is never clean (invalid, reason not-screened). The snapshot keeps the
screened set.

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
		Args: func(_ *cobra.Command, args []string) error {
			switch {
			case o.base == "" && len(args) == 0:
				return usagef("want at least one SOURCE (or --base OLD.snap with --add/--remove)")
			case o.base != "" && len(args) > 0:
				return usagef("--base takes change files as --add FILE and --remove FILE, not SOURCE arguments")
			}
			return nil
		},
		RunE: runner(o, func(o *buildOptions, args []string) { o.registry.registries = args }, runF, runBuild),
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "snapshot to write (required)")
	f.Var(&o.asOf, "as-of", "the lists' as-of date, YYYY-MM-DD, from 1970-01-01 to today (default: the oldest source's)")
	o.country.bind(f, "(with --base: the base's)")
	f.StringSliceVar(&o.covers, "covers", nil, "E.164 prefixes the registry screens, e.g. +33,+1201 (default: what the sources cover)")
	f.StringVar(&o.base, "base", "", "earlier snapshot to apply change files to")
	f.StringArrayVar(&o.add, "add", nil, "with --base: [NAME=]FILE of numbers to add (repeatable)")
	f.StringArrayVar(&o.remove, "remove", nil, "with --base: [NAME=]FILE of numbers to remove (repeatable)")
	bindQuiet(f, &o.quiet, "line")
	o.registry.bind(f, forBuild)
	cmd.MarkFlagRequired("out")
	return cmd
}

// runBuild checks the flags and paths, reads the sources (or applies the
// change files to the base), and writes the snapshot.
func runBuild(ctx context.Context, o *buildOptions) error {
	stdio := o.IO
	now := time.Now().UTC()
	asOf, err := o.givenAsOf(now) // zero: the oldest source's
	if err != nil {
		return err
	}
	meta := registry.SnapshotMeta{Created: now}
	if meta.Covers, err = o.checkFlags(); err != nil {
		return err
	}
	ps := newPaths(stdio)
	o.registry.addInputs(ps, "SOURCE")
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
	set, oldest, err := o.read(ctx, now, &meta)
	if err != nil {
		return err
	}
	meta.AsOf = o.snapshotDate(asOf, oldest, now)
	if set.Len() == 0 && set.ScreenedLen() == 0 {
		// Each source may hold numbers and the result none (--remove took
		// them all, a base of 0 numbers and empty additions): what a scrub
		// would get is what counts. Wash results that registered nothing
		// but screened numbers are a real answer (every number passed):
		// numbers outside them stay not-screened.
		msg := fmt.Sprintf("%s would hold no number: an empty registry would let every number through", o.out)
		if !o.registry.lenient {
			return fmt.Errorf("registry build: %s (--lenient to write it anyway)", msg)
		}
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s (written: lenient)\n", msg)
	}
	if o.base == "" {
		printColumnsWarnings(stdio, set.Sources())
	}
	printSources(stdio, set.Sources())
	if err := registry.WriteSnapshot(w, o.out, set, meta); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := outs.commit(); err != nil {
		return err
	}
	o.printWritten(set, meta)
	return nil
}

// givenAsOf returns --as-of's date, zero when it was not given; a date after
// today or before minAsOf is a usage error.
func (o *buildOptions) givenAsOf(now time.Time) (time.Time, error) {
	if !o.asOf.given {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(o.asOf.text))
	if err != nil {
		return time.Time{}, usagef("--as-of %q: want YYYY-MM-DD", o.asOf.text)
	}
	if t.After(today(now)) {
		return time.Time{}, usagef("--as-of %s is after today (%s): a snapshot dated in the future would never turn stale",
			o.asOf.text, today(now).Format(time.DateOnly))
	}
	if t.Before(minAsOf) {
		return time.Time{}, usagef("--as-of %s is before %s: no registry is that old (a typo?)", o.asOf.text, minAsOf.Format(time.DateOnly))
	}
	return t, nil
}

// checkFlags checks -o and the flags that go with --base, and returns
// --covers' prefixes (nil: not given).
func (o *buildOptions) checkFlags() ([]string, error) {
	if o.out == "" {
		return nil, usagef("-o: want the snapshot's path")
	}
	if o.base == "" && (len(o.add) > 0 || len(o.remove) > 0) {
		return nil, usagef("--add and --remove need --base OLD.snap")
	}
	if o.covers == nil {
		return nil, nil
	}
	covers, err := registry.ParseCoverage(o.covers)
	if err != nil {
		return nil, usagef("--covers: %v", err)
	}
	if len(covers) == 0 {
		return nil, usagef("--covers: no prefix given")
	}
	return covers, nil
}

// read reads the sources, or applies the change files to the base, and
// returns the set and the sources' oldest as-of date; it records the region
// (and, with --base, the base and the changes) in meta.
func (o *buildOptions) read(ctx context.Context, now time.Time, meta *registry.SnapshotMeta) (*registry.Set, time.Time, error) {
	region, err := o.region()
	if err != nil {
		return nil, time.Time{}, err
	}
	norm, err := newNormalizer(region)
	if err != nil {
		return nil, time.Time{}, err
	}
	meta.Country = norm.Region()
	opts, err := o.registry.loadOptions(norm, now, o.IO)
	if err != nil {
		return nil, time.Time{}, err
	}
	if o.base != "" {
		set, oldest, err := buildFromBase(ctx, o, opts, meta)
		if err == nil {
			o.registry.warnWash(nil, set, o.IO)
		}
		return set, oldest, o.registry.explain(err)
	}
	specs, err := parseSpecs(o.registry.registries)
	if err != nil {
		return nil, time.Time{}, err
	}
	stop := loadProgress(o.IO, "registry build", o.quiet, specs)
	set, err := registry.Load(ctx, specs, opts)
	stop()
	if err != nil {
		return nil, time.Time{}, o.registry.explain(err)
	}
	o.registry.warnWash(specs, set, o.IO)
	return set, set.AsOf(), nil
}

// region returns the region national-format numbers are read with:
// --country, or with --base the base's, which --country may not contradict
// (change files are read the way the base was).
func (o *buildOptions) region() (string, error) {
	if o.base == "" {
		return o.country.code, nil
	}
	region, err := registry.ReadSnapshotRegion(o.base)
	if err != nil {
		return "", err
	}
	switch {
	case region == "":
	case !o.country.given:
		return region, nil
	case !strings.EqualFold(strings.TrimSpace(o.country.code), region):
		return "", usagef("--country %s: the base snapshot %s reads national-format numbers as %s; its change files must be read the same way (leave out --country)",
			o.country.code, o.base, region)
	}
	return o.country.code, nil
}

// snapshotDate returns the snapshot's as-of date: given (warning when it is
// later than the oldest source's), or the oldest source's, or today when no
// source has one.
func (o *buildOptions) snapshotDate(given, oldest, now time.Time) time.Time {
	switch {
	case !o.asOf.given && oldest.IsZero():
		return today(now)
	case !o.asOf.given:
		return oldest
	case given.After(oldest) && !oldest.IsZero():
		fmt.Fprintf(o.IO.ErrOut, "listscrub: warning: --as-of %s is later than the oldest source's date (%s): the snapshot will look fresher than its oldest list\n",
			given.Format(time.DateOnly), oldest.Format(time.DateOnly))
	}
	return given
}

// printSources prints each source's numbers, lines, screened numbers and
// invalid lines.
func printSources(stdio IO, sources []registry.SourceInfo) {
	for _, s := range sources {
		fmt.Fprintf(stdio.ErrOut, "%s: %d numbers", s.Label, s.Entries)
		if s.Kind != "snapshot" {
			fmt.Fprintf(stdio.ErrOut, " from %d lines", s.Lines)
		}
		if s.Screened > 0 {
			fmt.Fprintf(stdio.ErrOut, ", %d screened", s.Screened)
		}
		if inv := invalidSummary(s.Invalid); inv != "" {
			fmt.Fprintf(stdio.ErrOut, "; invalid lines: %s", inv)
		}
		fmt.Fprintln(stdio.ErrOut)
	}
}

// printWritten says what was written.
func (o *buildOptions) printWritten(set *registry.Set, meta registry.SnapshotMeta) {
	fmt.Fprintf(o.IO.ErrOut, "wrote %s: %d numbers, as of %s, checksum %s, national numbers read as %s",
		o.out, set.Len(), meta.AsOf.Format(time.DateOnly), set.Checksum(), meta.Country)
	if !o.country.given && o.base == "" {
		// Said, not warned: a list of another country often reads as valid
		// numbers of the default one (Belgian mobiles are French 04 fixed
		// lines, French mobiles Swiss or Dutch ones), so nothing here tells a
		// misread list from a right one; a scrub tells, by the prospects'
		// calling codes (registry.Set.NotHeld).
		fmt.Fprintf(o.IO.ErrOut, " (the default: --country for another country's list)")
	}
	fmt.Fprintln(o.IO.ErrOut)
}

// buildFromBase applies --add and --remove change files to --base, reports
// each, and fills meta with the base, the changes and the coverage. It
// returns the set and the base's as-of date.
func buildFromBase(ctx context.Context, o *buildOptions, opts registry.LoadOptions, meta *registry.SnapshotMeta) (*registry.Set, time.Time, error) {
	stdio := o.IO
	var changes []registry.Change
	for _, list := range []struct {
		args   []string
		remove bool
	}{{o.add, false}, {o.remove, true}} {
		for _, a := range list.args {
			c := registry.Change{Path: a, Remove: list.remove}
			sp := registry.ParseSpec(a)
			if sp.Format != "" {
				// A change file lists numbers to add or remove; a verdict
				// per number has no meaning there.
				return nil, time.Time{}, usagef("%s %q: a change file cannot be a %s result: build the snapshot again from the new result", flagOf(list.remove), a, sp.Format)
			}
			if sp.Path != a {
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

// flagOf names the change flag of a change file.
func flagOf(remove bool) string {
	if remove {
		return "--remove"
	}
	return "--add"
}
