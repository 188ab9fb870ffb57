package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/atomicfile"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/report"
	"github.com/listscrub/listscrub/scrub"
)

type coverageOptions struct {
	scrubOptions
	output string
	format string
	by     []string
	top    int
}

func newCoverageCmd(stdio IO) *cobra.Command {
	var o coverageOptions
	cmd := &cobra.Command{
		Use:   "coverage -r REGISTRY... [flags] INPUT",
		Short: "Report how much of a prospect file may be called, and why not the rest",
		Long: `Coverage reads INPUT with exactly the reading and decision rules of scrub, but
writes no rows: it reports the shares of clean, blocked (per registry source),
invalid (per reason) and duplicate rows, the overlap between sources (distinct
numbers held by two registries or more), and breakdowns by number type, by
country calling code, for French numbers by zone (01 to 09) and by overseas
territory, and by any input column (--by).

Breakdowns count rows, each by its primary number (the first valid number in
phone-column order); rows with no valid number are counted as "none".

Formats: table (aligned, for a terminal; the default), json (every key of
scrub --stats plus by_source, overlap, by_number_type, by_country, by_zone,
by_territory and by_column), csv (one line per bucket), and html (one
self-contained page with charts, for a browser or a printer).`,
		Example: `  # How much of this campaign can we call?
  listscrub coverage -r bloctel=bloctel.snap -r optout=optout.csv --dedupe prospects.csv

  # By town and by campaign, top 5 values each, as JSON for CI
  listscrub coverage -r bloctel.snap --by Ville --by Campagne --top 5 --format json prospects.csv

  # A report to send round
  listscrub coverage -r bloctel.snap --by Campagne --format html -o report.html prospects.csv`,
		Args: exactArgs(1, "INPUT (a file, or - for standard input)"),
		RunE: run(func(ctx context.Context) error { return runCoverage(ctx, &o, stdio) }),
	}
	cmd.PreRun = func(_ *cobra.Command, args []string) { o.input = args[0] }
	f := cmd.Flags()
	f.StringArrayVarP(&o.registries, "registry", "r", nil, "registry: raw list or snapshot, as PATH or NAME=PATH (repeatable)")
	f.StringVarP(&o.output, "out", "o", "", "write the report to this file (default standard output)")
	f.StringVar(&o.format, "format", "table", "report format: table, json, csv or html")
	f.StringArrayVar(&o.by, "by", nil, "also break down by this input column, by name or 1-based number (repeatable)")
	f.IntVar(&o.top, "top", report.DefaultTop, "values reported per --by column; the rest are summed as (other)")
	f.StringArrayVarP(&o.columns, "column", "c", nil, "phone column by name or 1-based number (repeatable; default: detected from the header)")
	f.StringVar(&o.country, "country", "FR", "region of numbers written in national format (ISO 3166 code)")
	f.StringVar(&o.delimiter, "delimiter", "auto", "field delimiter: auto, ';', ',', tab or '|'")
	f.StringVar(&o.encoding, "encoding", "auto", "input encoding: auto, utf-8 or windows-1252")
	f.BoolVar(&o.noHeader, "no-header", false, "the first line is data (needs --column N)")
	f.BoolVar(&o.dedupe, "dedupe", false, "rows whose number was seen in an earlier row count as duplicates")
	f.StringArrayVar(&o.allow, "allow", nil, "exempt numbers (customers with a contract in progress): never blocked (repeatable)")
	f.StringArrayVar(&o.consent, "consent", nil, "opt-in mode: a row is clean only if one of its numbers is in this list (repeatable)")
	f.StringVar(&o.maxAge, "max-age", "0", "refuse a registry whose as-of date is older, e.g. 31d; 0 = no limit (warns past 30 days)")
	f.IntVarP(&o.workers, "workers", "j", 0, "parallel workers (default: number of CPUs)")
	f.StringVar(&o.maxRow, "max-row-size", "64MiB", "largest row accepted (a longer one stops the run with exit 1), e.g. 1MiB")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar (it is drawn only when standard error is a terminal)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{
		"table\taligned text for a terminal", "json\tfor CI: scrub's stats keys plus the breakdowns",
		"csv\tone line per bucket", "html\tone self-contained page with charts",
	}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCoverage(ctx context.Context, o *coverageOptions, stdio IO) error {
	render, ok := map[string]func(*report.Report, io.Writer) error{
		"table": (*report.Report).WriteTable,
		"json":  (*report.Report).WriteJSON,
		"csv":   (*report.Report).WriteCSV,
		"html":  (*report.Report).WriteHTML,
	}[o.format]
	if !ok {
		return usagef("--format %q: want table, json, csv or html", o.format)
	}
	if o.top < 1 {
		return usagef("--top %d: want a positive number", o.top)
	}
	comma, err := parseDelimiter(o.delimiter)
	if err != nil {
		return err
	}
	maxAge, err := parseAge(o.maxAge)
	if err != nil {
		return err
	}
	maxRow, err := parseSize(o.maxRow)
	if err != nil {
		return err
	}
	if o.workers < 0 {
		return usagef("--workers %d: want a positive number", o.workers)
	}
	if len(o.registries) == 0 && len(o.consent) == 0 {
		return usagef("no registry given: use -r/--registry PATH (or --consent PATH for opt-in mode)")
	}
	norm, err := normalize.New(o.country)
	if err != nil {
		return usagef("--country: %v", err)
	}
	load := func(args []string) (*registry.Set, error) {
		if len(args) == 0 {
			return nil, nil
		}
		specs, err := parseSpecs(args)
		if err != nil {
			return nil, err
		}
		return registry.Load(ctx, specs, registry.LoadOptions{Normalizer: norm, Strict: true})
	}
	reg, err := load(o.registries)
	if err != nil {
		return err
	}
	if reg != nil {
		if err := checkAge(reg, maxAge, time.Now(), stdio); err != nil {
			return err
		}
	}
	allow, err := load(o.allow)
	if err != nil {
		return err
	}
	consent, err := load(o.consent)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	agg := report.New(report.Config{Registry: reg, By: o.by, Top: o.top, OnError: func(error) { cancel() }})
	bar := newProgress(stdio, "coverage", o.quiet)
	st, err := scrub.Run(ctx, scrub.Options{
		Input: o.input, Stdin: stdio.In, Stdout: stdio.Out,
		Out:      os.DevNull,
		Registry: reg, Allow: allow, Consent: consent,
		Normalizer: norm, Columns: o.columns, Delimiter: comma, Encoding: o.encoding,
		NoHeader: o.noHeader, Dedupe: o.dedupe, Workers: o.workers, MaxRecordBytes: maxRow,
		Observer: agg, Progress: bar.Update,
	})
	bar.Finish()
	if aerr := agg.Err(); aerr != nil {
		return usagef("%v", aerr)
	}
	if err != nil {
		return err
	}
	rep := agg.Report(st)
	return writeReport(o.output, stdio, func(w io.Writer) error { return render(rep, w) })
}

// writeReport writes a report to path (atomically) or, for "" or "-", to
// standard output.
func writeReport(path string, stdio IO, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdio.Out)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return f.Commit()
}
