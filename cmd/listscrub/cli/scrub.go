package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/listscrub/listscrub/scrub"
)

// readFlags are the flags that say how a prospect file is read and decided,
// shared by scrub and coverage, which apply the same rules.
type readFlags struct {
	input     string
	country   countryFlag
	registry  registryFlags
	policy    policyFlags
	columns   []string
	sheet     string
	delimiter string
	encoding  string
	noHeader  bool
	dedupe    bool
	workers   int // -j; 0 means the number of CPUs, at most maxWorkers
	maxRow    string
	quiet     bool
}

// bind registers the flags; verb ("scrub", "run") completes their help.
func (o *readFlags) bind(f *pflag.FlagSet, verb string) {
	o.registry.bind(f, forScrub)
	o.policy.bind(f, true)
	o.country.bind(f, "")
	f.StringArrayVarP(&o.columns, "column", "c", nil, "phone column by name or 1-based number (repeatable; default: detected from the header)")
	f.StringVar(&o.sheet, "sheet", "", "sheet of a workbook input, by name or 1-based number (default: the first whose first row names a phone column)")
	f.StringVar(&o.delimiter, "delimiter", "auto", "field delimiter: auto, ';', ',', tab or '|'")
	f.StringVar(&o.encoding, "encoding", "auto", "input encoding: auto, utf-8 or windows-1252")
	f.BoolVar(&o.noHeader, "no-header", false, "the first line is data (needs --column N)")
	f.BoolVar(&o.dedupe, "dedupe", false, "rows whose number was seen in an earlier row become duplicates")
	f.IntVarP(&o.workers, "workers", "j", 0, "parallelism: workers and CPU cores used, registry loading included (default: number of CPUs)")
	f.StringVar(&o.maxRow, "max-row-size", "64MiB", "largest row accepted (a longer one stops the "+verb+" with exit 1), e.g. 1MiB")
	bindQuiet(f, &o.quiet, "bar")
}

// addInputs registers the files the read flags name: INPUT, registries,
// allow and consent lists.
func (o *readFlags) addInputs(ps *paths) {
	ps.input("INPUT", o.input)
	o.registry.addInputs(ps, "-r")
	o.policy.addInputs(ps)
}

// prepare checks the flags, loads the registries (refusing stale ones) and
// returns the scrub options they make; outputs are left to the caller.
func (o *readFlags) prepare(ctx context.Context, stdio IO, now time.Time) (scrub.Options, error) {
	comma, err := parseDelimiter(o.delimiter)
	if err != nil {
		return scrub.Options{}, err
	}
	maxRow, err := parseSize("--max-row-size", o.maxRow)
	if err != nil {
		return scrub.Options{}, err
	}
	if o.workers < 0 || o.workers > maxWorkers {
		// Each worker holds a batch buffer: a huge -j is memory, not speed.
		return scrub.Options{}, usagef("--workers %d: want a number from 1 to %d (0: the number of CPUs)", o.workers, maxWorkers)
	}
	if o.workers > 0 && stdio.LimitCPUs != nil {
		// -j N is the run's CPU budget, not only its worker count: with the
		// reader and writer goroutines free to run on other cores, -j 1
		// would use about 1.4 cores. The registry load obeys it too.
		stdio.LimitCPUs(o.workers)
	}
	norm, err := o.country.normalizer()
	if err != nil {
		return scrub.Options{}, err
	}
	sets, err := o.registry.load(ctx, norm, now, stdio)
	if err != nil {
		return scrub.Options{}, err
	}
	opts := scrub.Options{
		Input: o.input, Stdin: stdio.In, Stdout: stdio.Out,
		Registry: sets.reg, Allow: sets.allow, Consent: sets.consent, Consents: sets.consents,
		Normalizer: norm, Columns: o.columns, Sheet: o.sheet, Delimiter: comma, Encoding: o.encoding,
		NoHeader: o.noHeader, Dedupe: o.dedupe, Workers: o.workers, MaxRecordBytes: maxRow,
		Warnings: sets.warnings,
	}
	if err := o.policy.apply(ctx, &opts, &o.registry, now, stdio); err != nil {
		return scrub.Options{}, err
	}
	return opts, nil
}

// scrubOptions are scrub's: its streams, its flags and the command line to
// record in the receipt.
type scrubOptions struct {
	IO IO
	readFlags
	// commandLine is the command line as the process was given it
	// (listscrub and Main's arguments), for the receipt.
	commandLine []string
	out         string
	blocked     string
	invalid     string
	duplicates  string
	stats       string
	receipt     string
}

func newScrubCmd(stdio IO, runF func(context.Context, *scrubOptions) error) *cobra.Command {
	o := &scrubOptions{IO: stdio, commandLine: append([]string{"listscrub"}, stdio.args...)}
	cmd := &cobra.Command{
		Use:   "scrub [flags] INPUT",
		Short: "Split a prospect file into clean, blocked, invalid and duplicate rows",
		Long: `Scrub reads a prospect file (CSV, plain or .gz, an Excel workbook .xlsx or
.xlsm, or - for standard input), finds its phone columns, normalizes every
number to E.164 and checks it against the registries. Every row lands in
exactly one of four outputs, as the exact bytes it was read as (same
delimiter, encoding, quoting, line endings):

  clean      no valid number of the row is registered (the only rows to call)
  blocked    a valid number is registered, not consented (--consent), or may
             not be called at --at under --policy (hours, holidays, history)
  invalid    no phone field holds a valid number
  duplicate  with --dedupe, a number already seen in an earlier row

A workbook is read from one sheet: --sheet NAME|N, or the first whose first
row names a phone column. An output whose path ends in .xlsx is written as a
workbook (the cells' values and kinds as read, plus the scrub_* columns); any
other path gets CSV (for a workbook input: ';', UTF-8 with a BOM, CRLF, as
Excel opens it).

Outputs are written to temporary files and renamed only when the whole input
was read: a failed run leaves no output. Without --stats, a summary goes to
standard error.`,
		Example: `  # Ops: scrub this week's campaign file against Bloctel and our own list
  listscrub scrub -r bloctel=bloctel-2026-11.snap -r internal=optout.csv \
      --dedupe -o clean.csv --blocked blocked.csv --invalid invalid.csv prospects.csv

  # CI: fail the job if the registry is stale, keep machine-readable stats
  listscrub scrub -r bloctel.snap --max-age 31d --stats stats.json -o clean.csv prospects.csv.gz

  # Opt-in mode (France since 11 August 2026): only consented numbers, plus
  # customers with a contract in progress, may be called
  listscrub scrub -r bloctel.snap --consent consents.csv --allow customers.csv -o clean.csv prospects.csv

  # Ops: the campaign workbook's "Prospects" sheet, outputs as workbooks
  listscrub scrub -r bloctel.snap --sheet Prospects -o clean.xlsx --blocked blocked.xlsx prospects.xlsx

  # Analyst: US file, explicit columns, stats only
  listscrub scrub --country US -r dnc=2015.txt -c "Home Phone" -c 7 --stats - -o /dev/null leads.csv`,
		Args: exactArgs(1, "INPUT (a file, or - for standard input)"),
		RunE: runner(o, func(o *scrubOptions, args []string) { o.input = args[0] }, runF, runScrub),
	}
	f := cmd.Flags()
	o.bind(f, "scrub")
	f.StringVarP(&o.out, "out", "o", "", "clean rows (default standard output)")
	f.StringVar(&o.blocked, "blocked", "", "blocked rows, plus scrub_reason and scrub_source columns")
	f.StringVar(&o.invalid, "invalid", "", "invalid rows, plus a scrub_reason column")
	f.StringVar(&o.duplicates, "duplicates", "", "duplicate rows (with --dedupe), plus a scrub_reason column")
	f.StringVar(&o.stats, "stats", "", "write stats as JSON to this file (- for standard output)")
	f.StringVar(&o.receipt, "receipt", "", "write a JSON proof of the run (input, registries, counts, outputs SHA-256, digest) to this file; see receipt verify")
	return cmd
}

// runScrub checks the paths, creates the outputs, runs the scrub and
// commits the outputs, stats and receipt together.
func runScrub(ctx context.Context, o *scrubOptions) error {
	stdio := o.IO
	clean := o.out
	if clean == "" {
		clean = "-"
	}
	var ws scrub.Writers
	var statsW, receiptW io.Writer
	files := []struct {
		flag, path string
		w          *io.Writer
	}{
		{"-o", clean, &ws.Clean}, {"--blocked", o.blocked, &ws.Blocked}, {"--invalid", o.invalid, &ws.Invalid},
		{"--duplicates", o.duplicates, &ws.Duplicates}, {"--stats", o.stats, &statsW}, {"--receipt", o.receipt, &receiptW},
	}
	ps := newPaths(stdio)
	o.addInputs(ps)
	for _, f := range files {
		ps.output(f.flag, f.path)
		if f.w != &statsW && f.w != &receiptW {
			if err := scrub.CheckOutputPath(f.path); err != nil {
				return err
			}
		}
	}
	if err := ps.check(); err != nil {
		return err
	}
	// Every output is created before anything is read, and all are
	// committed together once the stats and the receipt are written.
	outs := newOutputs(stdio)
	defer outs.abort()
	for _, f := range files {
		w, err := outs.create(f.flag, f.path)
		if err != nil {
			return err
		}
		*f.w = w
	}

	now := time.Now()
	opts, err := o.prepare(ctx, stdio, now)
	if err != nil {
		return err
	}
	if o.duplicates != "" && !o.dedupe {
		fmt.Fprintln(stdio.ErrOut, "listscrub: warning: --duplicates without --dedupe: no row is a duplicate, the file will hold the header only")
	}
	opts.Writers = &ws
	opts.Out, opts.Blocked, opts.Invalid, opts.Duplicates = o.out, o.blocked, o.invalid, o.duplicates
	opts.HashOutputs = o.receipt != ""

	bar := newProgress(stdio, "scrub", o.quiet)
	opts.Progress = bar.Update
	st, err := scrub.Run(ctx, opts)
	bar.Finish()
	if err != nil {
		return err
	}
	// The stats first, then the receipt, which records the stats' size and
	// SHA-256 (the stats hold nothing of the receipt).
	var stats *summer
	if statsW != nil {
		stats = newSummer(statsW)
		if err := st.WriteJSON(stats); err != nil {
			return fmt.Errorf("write stats %s: %w", o.stats, err)
		}
	}
	if receiptW != nil {
		if err := writeReceipt(receiptW, o.receipt, o.commandLine, st, receiptOutputs(st, stats, o.stats, outs), now, time.Now()); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := outs.commit(); err != nil {
		return err
	}
	printWarnings(stdio, st, len(opts.Warnings))
	if o.stats == "" {
		st.WriteSummary(stdio.ErrOut)
	}
	return nil
}

// printWarnings prints a run's warnings on standard error, but the first
// said ones, printed already (scrub.Options.Warnings).
func printWarnings(stdio IO, st *scrub.Stats, said int) {
	for _, w := range st.Warnings[min(said, len(st.Warnings)):] {
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", w)
	}
}

// maxWorkers bounds -j: far more workers than cores only add batch buffers.
const maxWorkers = 1024
