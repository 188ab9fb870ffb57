package cli

import (
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
	cmd.AddCommand(newRegistryBuildCmd(stdio), newRegistryInfoCmd(stdio))
	return cmd
}

type buildOptions struct {
	out     string
	asOf    string
	country string
	sources []string
}

func newRegistryBuildCmd(stdio IO) *cobra.Command {
	var o buildOptions
	cmd := &cobra.Command{
		Use:   "build -o OUT [--as-of YYYY-MM-DD] [--country CC] SOURCE...",
		Short: "Compile raw lists (or earlier snapshots) into one snapshot",
		Long: `Build reads every SOURCE (one number per line, a CSV with a phone column, a
US/Canada area-code file "AAA,NNNNNNN", .gz or not, or an earlier snapshot;
NAME=PATH labels a source) and writes one snapshot. Invalid lines are counted
and reported per source and reason; they do not stop the build.`,
		Example: `  # Monthly Bloctel download, dated as published
  listscrub registry build -o bloctel.snap --as-of 2026-11-01 bloctel=bloctel-2026-11.csv.gz

  # US area codes bought by the call centre, plus the internal opt-out list
  listscrub registry build --country US -o dnc.snap dnc=201.txt dnc973=973.txt internal=optout.csv`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("want at least one SOURCE")
			}
			return nil
		},
		RunE: run(func(ctx context.Context) error { return runBuild(ctx, &o, stdio) }),
	}
	cmd.PreRun = func(_ *cobra.Command, args []string) { o.sources = args }
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "snapshot to write (required)")
	f.StringVar(&o.asOf, "as-of", "", "the lists' as-of date, YYYY-MM-DD (default today)")
	f.StringVar(&o.country, "country", "FR", "region of numbers written in national format")
	cmd.MarkFlagRequired("out")
	return cmd
}

func runBuild(ctx context.Context, o *buildOptions, stdio IO) error {
	now := time.Now().UTC()
	asOf := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if o.asOf != "" {
		t, err := time.Parse(time.DateOnly, o.asOf)
		if err != nil {
			return usagef("--as-of %q: want YYYY-MM-DD", o.asOf)
		}
		asOf = t
	}
	norm, err := normalize.New(o.country)
	if err != nil {
		return usagef("--country: %v", err)
	}
	specs, err := parseSpecs(o.sources)
	if err != nil {
		return err
	}
	set, err := registry.Load(ctx, specs, registry.LoadOptions{Normalizer: norm})
	if err != nil {
		return err
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
	meta := registry.SnapshotMeta{AsOf: asOf, Created: now, Country: norm.Region()}
	if err := registry.WriteSnapshotFile(o.out, set, meta); err != nil {
		return err
	}
	fmt.Fprintf(stdio.ErrOut, "wrote %s: %d numbers, as of %s, checksum %s\n",
		o.out, set.Len(), asOf.Format(time.DateOnly), set.Checksum())
	return nil
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
	Path     string       `json:"path"`
	Entries  int          `json:"entries"`
	AsOf     string       `json:"as_of"`
	AgeDays  int          `json:"age_days"`
	Created  string       `json:"created"`
	Country  string       `json:"country"`
	Checksum string       `json:"checksum"`
	Bloom    bloomInfo    `json:"bloom"`
	Sources  []sourceInfo `json:"sources"`
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
		Created: meta.Created.UTC().Format(time.RFC3339), Country: meta.Country,
		Checksum: set.Checksum(),
		Bloom:    bloomInfo{Bits: bl.Bits, Hashes: bl.Hashes, FPRate: bl.FPRate},
		Sources:  []sourceInfo{},
	}
	for _, s := range set.Sources() {
		inv := s.Invalid
		if inv == nil {
			inv = map[string]int{}
		}
		info.Sources = append(info.Sources, sourceInfo{
			Label: s.Label, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf.Format(time.DateOnly),
			SHA256: s.SHA256, Lines: s.Lines, Invalid: inv,
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
	fmt.Fprintf(out, "country:   %s\n", info.Country)
	fmt.Fprintf(out, "checksum:  %s\n", info.Checksum)
	fmt.Fprintf(out, "bloom:     %d bits, %d hashes, false-positive rate %.4f%%\n", bl.Bits, bl.Hashes, 100*bl.FPRate)
	fmt.Fprintf(out, "sources:\n")
	for _, s := range info.Sources {
		fmt.Fprintf(out, "  %-20s %10d numbers  as of %s  sha256 %s\n", s.Label, s.Entries, s.AsOf, s.SHA256)
	}
	return nil
}
