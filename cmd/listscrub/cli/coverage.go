package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/report"
	"github.com/listscrub/listscrub/scrub"
)

// coverageOptions are coverage's: its streams and flags.
type coverageOptions struct {
	IO IO
	readFlags
	output string
	format string
	by     []string
	top    int
}

func newCoverageCmd(stdio IO, runF func(context.Context, *coverageOptions) error) *cobra.Command {
	o := &coverageOptions{IO: stdio}
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
by_territory and by_column), csv (one line per bucket; a cell that starts
with = + - @, a tab or a CR gets a leading ' so that a spreadsheet does not
run it as a formula, "+33" included), and html (one self-contained page with
charts, for a browser or a printer).

With --policy, blocked rows are also counted by reason (blocked_by_reason:
registered, no-consent, consent-withdrawn, consent-expired, refused-recently,
attempt-limit, holiday, outside-hours). With --policy and no --at, the report
also says when the file can be worked: callable_by_hour, for each of the 168
hours of the week that starts next Monday 00:00 local time (TZ), the rows
the policy allows to be called at the start of that hour (rows clean now, or
blocked by the policy only, whose every valid number may be called then);
the table shows it as a grid of days by hours, the HTML page as a heat map.`,
		Example: `  # How much of this campaign can we call?
  listscrub coverage -r bloctel=bloctel.snap -r optout=optout.csv --dedupe prospects.csv

  # By town and by campaign, top 5 values each, as JSON for CI
  listscrub coverage -r bloctel.snap --by Ville --by Campagne --top 5 --format json prospects.csv

  # A report to send round
  listscrub coverage -r bloctel.snap --by Campagne --format html -o report.html prospects.csv

  # When can this file be worked next week, under D223-9, Paris hours?
  TZ=Europe/Paris listscrub coverage -r bloctel.snap --policy fr prospects.csv`,
		Args: exactArgs(1, "INPUT (a file, or - for standard input)"),
		RunE: runner(o, func(o *coverageOptions, args []string) { o.input = args[0] }, runF, runCoverage),
	}
	f := cmd.Flags()
	o.bind(f, "run")
	f.StringVarP(&o.output, "out", "o", "", "write the report to this file (default standard output)")
	f.StringVar(&o.format, "format", "table", "report format: table, json, csv or html")
	f.StringArrayVar(&o.by, "by", nil, "also break down by this input column, by name or 1-based number (repeatable)")
	f.IntVar(&o.top, "top", report.DefaultTop, "values reported per --by column; the rest are summed as (other)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{
		"table\taligned text for a terminal", "json\tfor CI: scrub's stats keys plus the breakdowns",
		"csv\tone line per bucket", "html\tone self-contained page with charts",
	}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// runCoverage runs the scrub with no row output and renders its report.
func runCoverage(ctx context.Context, o *coverageOptions) error {
	stdio := o.IO
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
	ps := newPaths(stdio)
	o.addInputs(ps)
	out := o.output
	if out == "" {
		out = "-"
	}
	ps.output("-o", out)
	if err := ps.check(); err != nil {
		return err
	}
	outs := newOutputs(stdio)
	defer outs.abort()
	w, err := outs.create("-o", out)
	if err != nil {
		return err
	}
	now := time.Now()
	opts, err := o.prepare(ctx, stdio, now)
	if err != nil {
		return err
	}
	var week time.Time
	if opts.Policy != nil && o.policy.at == "" {
		if week, err = coverageWeek(now); err != nil {
			return err
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	agg := report.New(report.Config{Registry: opts.Registry, By: o.by, Top: o.top, OnError: func(error) { cancel() },
		Policy: opts.Policy, History: opts.History, Week: week})
	bar := newProgress(stdio, "coverage", o.quiet)
	opts.Writers, opts.Observer, opts.Progress = &scrub.Writers{}, agg, bar.Update
	st, err := scrub.Run(ctx, opts)
	bar.Finish()
	if aerr := agg.Err(); aerr != nil {
		return usagef("%v", aerr)
	}
	if err != nil {
		return err
	}
	printWarnings(stdio, st, len(opts.Warnings))
	rep := agg.Report(st)
	if err := render(rep, w); err != nil {
		return fmt.Errorf("write report %s: %w", out, err)
	}
	return outs.commit()
}

// weekFromEnv names the variable that, for tests only, sets the instant
// (RFC 3339) coverage takes as now when it picks the week of
// callable_by_hour, so that a test knows which holidays the week holds.
// It changes nothing else: the rows are still judged at --at (now).
const weekFromEnv = "LISTSCRUB_TEST_COVERAGE_NOW"

// coverageWeek returns the start of the week callable_by_hour counts: next
// Monday 00:00, local time (TZ), after now (or after $LISTSCRUB_TEST_COVERAGE_NOW).
func coverageWeek(now time.Time) (time.Time, error) {
	if s := os.Getenv(weekFromEnv); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s=%q: want an RFC 3339 instant", weekFromEnv, s)
		}
		now = t
	}
	return report.NextMonday(now.In(time.Local)), nil
}
