package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// staleDays is the age past which a registry is warned about: opposition
// lists must be re-scrubbed every 30 days (Bloctel) or 31 days (US DNC).
const staleDays = 30

// readFlags are the flags that say how a prospect file is read and decided,
// shared by scrub and coverage, which apply the same rules.
type readFlags struct {
	input      string
	registries []string
	columns    []string
	country    string
	delimiter  string
	encoding   string
	noHeader   bool
	dedupe     bool
	allow      []string
	consent    []string
	maxAge     string
	workers    int
	maxRow     string
	quiet      bool
	checks     registryChecks
}

// bind registers the flags; verb ("scrub", "run") completes their help.
func (o *readFlags) bind(f *pflag.FlagSet, verb string) {
	f.StringArrayVarP(&o.registries, "registry", "r", nil, "registry: raw list or snapshot, as PATH or NAME=PATH (repeatable)")
	f.StringArrayVarP(&o.columns, "column", "c", nil, "phone column by name or 1-based number (repeatable; default: detected from the header)")
	f.StringVar(&o.country, "country", "FR", "region of numbers written in national format (ISO 3166 code)")
	f.StringVar(&o.delimiter, "delimiter", "auto", "field delimiter: auto, ';', ',', tab or '|'")
	f.StringVar(&o.encoding, "encoding", "auto", "input encoding: auto, utf-8 or windows-1252")
	f.BoolVar(&o.noHeader, "no-header", false, "the first line is data (needs --column N)")
	f.BoolVar(&o.dedupe, "dedupe", false, "rows whose number was seen in an earlier row become duplicates")
	f.StringArrayVar(&o.allow, "allow", nil, "exempt numbers (customers with a contract in progress): never blocked (repeatable)")
	f.StringArrayVar(&o.consent, "consent", nil, "opt-in mode: a row is clean only if one of its numbers is in this list (repeatable)")
	f.StringVar(&o.maxAge, "max-age", "0", "refuse a registry whose as-of date is older, e.g. 31d; 0 = no limit (warns past 30 days)")
	f.IntVarP(&o.workers, "workers", "j", 0, "parallelism: workers and CPU cores used, registry loading included (default: number of CPUs)")
	f.StringVar(&o.maxRow, "max-row-size", "64MiB", "largest row accepted (a longer one stops the "+verb+" with exit 1), e.g. 1MiB")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar (it is drawn only when standard error is a terminal)")
	o.checks.bind(f, false)
}

// prepare checks the flags, loads the registries (refusing stale ones) and
// returns the scrub options they make; outputs are left to the caller.
func (o *readFlags) prepare(ctx context.Context, stdio IO, now time.Time) (scrub.Options, error) {
	comma, err := parseDelimiter(o.delimiter)
	if err != nil {
		return scrub.Options{}, err
	}
	maxAge, err := parseAge(o.maxAge)
	if err != nil {
		return scrub.Options{}, err
	}
	maxRow, err := parseSize(o.maxRow)
	if err != nil {
		return scrub.Options{}, err
	}
	if o.workers < 0 {
		return scrub.Options{}, usagef("--workers %d: want a positive number", o.workers)
	}
	if o.workers > 0 && o.workers < runtime.GOMAXPROCS(0) {
		// -j N is the run's CPU budget, not only its worker count: with the
		// reader and writer goroutines free to run on other cores, -j 1
		// would use about 1.4 cores. The registry load obeys it too.
		runtime.GOMAXPROCS(o.workers)
	}
	if len(o.registries) == 0 && len(o.consent) == 0 {
		return scrub.Options{}, usagef("no registry given: use -r/--registry PATH (or --consent PATH for opt-in mode)")
	}
	norm, err := normalize.New(o.country)
	if err != nil {
		return scrub.Options{}, usagef("--country: %v", err)
	}
	checks, err := o.checks.checks(now, stdio)
	if err != nil {
		return scrub.Options{}, err
	}
	// exempt: allow and consent lists read fewer columns than registries
	// (registry.LoadOptions.Exempt).
	load := func(args []string, checks registry.Checks, exempt bool) (*registry.Set, error) {
		if len(args) == 0 {
			return nil, nil
		}
		specs, err := parseSpecs(args)
		if err != nil {
			return nil, err
		}
		set, err := registry.Load(ctx, specs, registry.LoadOptions{Normalizer: norm, Strict: true, Checksum: true,
			Checks: checks, Exempt: exempt})
		return set, o.checks.explain(err)
	}
	reg, err := load(o.registries, checks, false)
	if err != nil {
		return scrub.Options{}, err
	}
	if reg != nil {
		if err := checkAge(reg, maxAge, now, stdio); err != nil {
			return scrub.Options{}, err
		}
	}
	// Allow and consent lists only ever make fewer rows clean when read
	// short: they are not held to the registries' checks.
	lists := registry.Checks{Warn: checks.Warn}
	allow, err := load(o.allow, lists, true)
	if err != nil {
		return scrub.Options{}, err
	}
	consent, err := load(o.consent, lists, true)
	if err != nil {
		return scrub.Options{}, err
	}
	return scrub.Options{
		Input: o.input, Stdin: stdio.In, Stdout: stdio.Out,
		Registry: reg, Allow: allow, Consent: consent,
		Normalizer: norm, Columns: o.columns, Delimiter: comma, Encoding: o.encoding,
		NoHeader: o.noHeader, Dedupe: o.dedupe, Workers: o.workers, MaxRecordBytes: maxRow,
	}, nil
}

type scrubOptions struct {
	readFlags
	out        string
	blocked    string
	invalid    string
	duplicates string
	stats      string
	receipt    string
}

func newScrubCmd(stdio IO) *cobra.Command {
	var o scrubOptions
	cmd := &cobra.Command{
		Use:   "scrub [flags] INPUT",
		Short: "Split a prospect file into clean, blocked, invalid and duplicate rows",
		Long: `Scrub reads a prospect file (CSV, plain or .gz, or - for standard input),
finds its phone columns, normalizes every number to E.164 and checks it against
the registries. Every row lands in exactly one of four outputs, as the exact
bytes it was read as (same delimiter, encoding, quoting, line endings):

  clean      no valid number of the row is registered (the only rows to call)
  blocked    a valid number is registered (or, with --consent, none consented)
  invalid    no phone field holds a valid number
  duplicate  with --dedupe, a number already seen in an earlier row

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

  # Analyst: US file, explicit columns, stats only
  listscrub scrub --country US -r dnc=2015.txt -c "Home Phone" -c 7 --stats - -o /dev/null leads.csv`,
		Args: exactArgs(1, "INPUT (a file, or - for standard input)"),
		RunE: run(func(ctx context.Context) error { return runScrub(ctx, &o, stdio) }),
	}
	cmd.PreRun = func(_ *cobra.Command, args []string) { o.input = args[0] }
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

func runScrub(ctx context.Context, o *scrubOptions, stdio IO) error {
	clean := o.out
	if clean == "" {
		clean = "-"
	}
	ps := newPaths(stdio)
	o.addInputs(ps)
	ps.output("-o", clean)
	ps.output("--blocked", o.blocked)
	ps.output("--invalid", o.invalid)
	ps.output("--duplicates", o.duplicates)
	ps.output("--stats", o.stats)
	ps.output("--receipt", o.receipt)
	if err := ps.check(); err != nil {
		return err
	}
	// Every output is created before anything is read, and all are
	// committed together once the stats and the receipt are written.
	outs := newOutputs(stdio)
	defer outs.abort()
	var ws scrub.Writers
	var statsW, receiptW io.Writer
	for _, f := range []struct {
		flag, path string
		w          *io.Writer
	}{
		{"-o", clean, &ws.Clean}, {"--blocked", o.blocked, &ws.Blocked}, {"--invalid", o.invalid, &ws.Invalid},
		{"--duplicates", o.duplicates, &ws.Duplicates}, {"--stats", o.stats, &statsW}, {"--receipt", o.receipt, &receiptW},
	} {
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
		if err := writeReceipt(receiptW, o.receipt, st, receiptOutputs(st, stats, o.stats, outs), now, time.Now()); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := outs.commit(); err != nil {
		return err
	}
	printWarnings(stdio, st)
	if o.stats == "" {
		st.WriteSummary(stdio.ErrOut)
	}
	return nil
}

// printWarnings prints a run's warnings on standard error.
func printWarnings(stdio IO, st *scrub.Stats) {
	for _, w := range st.Warnings {
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", w)
	}
}

// addInputs registers the files the read flags name: INPUT, registries,
// allow and consent lists.
func (o *readFlags) addInputs(ps *paths) {
	ps.input("INPUT", o.input)
	ps.specs("-r", o.registries)
	ps.specs("--allow", o.allow)
	ps.specs("--consent", o.consent)
}

// parseSpecs parses registry arguments and refuses two sources with one label.
func parseSpecs(args []string) ([]registry.Spec, error) {
	specs := make([]registry.Spec, 0, len(args))
	seen := map[string]bool{}
	for _, a := range args {
		s := registry.ParseSpec(a)
		if s.Path == "" {
			return nil, usagef("registry %q: no path", a)
		}
		if seen[s.Label] {
			return nil, usagef("two registries are labelled %q: name them with NAME=PATH", s.Label)
		}
		seen[s.Label] = true
		specs = append(specs, s)
	}
	return specs, nil
}

// checkAge refuses a registry source older than maxAge and warns about one
// older than staleDays.
func checkAge(reg *registry.Set, maxAge time.Duration, now time.Time, stdio IO) error {
	for _, s := range reg.Sources() {
		age := scrub.AgeDays(s.AsOf, now)
		asOf := s.AsOf.Format(time.DateOnly)
		if maxAge > 0 && time.Duration(age)*24*time.Hour > maxAge {
			return fmt.Errorf("registry %s (%s) is %d days old (as of %s), older than --max-age %s: get a fresh copy",
				s.Label, s.Path, age, asOf, formatAge(maxAge))
		}
		if age > staleDays {
			fmt.Fprintf(stdio.ErrOut, "listscrub: warning: registry %s is %d days old (as of %s): lists must be re-scrubbed against a registry under 30 days old\n",
				s.Label, age, asOf)
		}
	}
	return nil
}

// parseAge parses --max-age: a number of days ("31d"), weeks ("4w") or a Go
// duration ("720h"); "0" means no limit.
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 0 {
				return 0, usagef("--max-age %q: want a duration such as 31d, 4w or 720h", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, usagef("--max-age %q: want a duration such as 31d, 4w or 720h", s)
	}
	return d, nil
}

func formatAge(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// parseSize parses a size such as "64MiB", "500kB" or "1048576" (bytes).
func parseSize(s string) (int, error) {
	units := []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	t := strings.TrimSpace(s)
	mult := 1
	for _, u := range units {
		if n, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > (1<<31-2)/mult {
		return 0, usagef("--max-row-size %q: want a size such as 64MiB (at most 2GiB)", s)
	}
	return n * mult, nil
}

// parseDelimiter parses --delimiter; 0 means sniff it.
func parseDelimiter(s string) (byte, error) {
	switch s {
	case "", "auto":
		return 0, nil
	case ";", "semicolon":
		return ';', nil
	case ",", "comma":
		return ',', nil
	case "tab", "\t", `\t`:
		return '\t', nil
	case "|", "pipe":
		return '|', nil
	}
	return 0, usagef("--delimiter %q: want auto, ';', ',', tab or '|'", s)
}

// exactArgs is cobra.ExactArgs with a message that says what is expected.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("want %s, got %d arguments", what, len(args))
		}
		return nil
	}
}
