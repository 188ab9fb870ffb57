package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// checkOptions are check's: its streams, flags and numbers.
type checkOptions struct {
	IO       IO
	country  countryFlag
	registry registryFlags
	policy   policyFlags
	asJSON   bool
	numbers  []string
}

func newCheckCmd(stdio IO, runF func(context.Context, *checkOptions) error) *cobra.Command {
	o := &checkOptions{IO: stdio}
	cmd := &cobra.Command{
		Use:   "check [-r REGISTRY]... [--policy P --at TIME] NUMBER...",
		Short: "Say whether numbers are registered, and in which source, and when they may be called",
		Long: `Check prints one line per NUMBER: its E.164 form and "registered" with the
sources that hold it, "not registered", "not covered" (outside every
registry's --covers prefixes: it was not checked), "not screened" (a wash
result is given and none has a verdict for the number: it was not checked),
or "invalid" with the reason.

With --policy, each line also gives the number's time zones, "callable" or
why it may not be called at --at (default now), and the start of its next
window, local and UTC: E164, registry, zones, verdict, next window, tab
separated. -r is then optional (without it the registry field says "no
registry"). --json prints one JSON object per number, in an array.

Exit status: 0 when every number is invalid or not registered, 3 when at
least one is registered, 1 otherwise (a number not covered or not screened).
A number the policy does not allow to be called at --at does not change it.`,
		Example: `  listscrub check -r bloctel.snap "06 12 34 56 78" +33145678901
  listscrub check -r dnc=dnc.snap --country US "(201) 555-0123" || echo "do not call"
  listscrub check --country AU -r wash:dncr-result.csv "0412 345 678"
  listscrub check -r bloctel.snap --policy fr --at 2026-12-07T09:30:00+01:00 0612345678
  listscrub check --policy us --country US --json "(201) 555-0123"`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("want at least one NUMBER")
			}
			return nil
		},
		RunE: runner(o, func(o *checkOptions, args []string) { o.numbers = args }, runF, runCheck),
	}
	o.country.bind(cmd.Flags(), "")
	o.registry.bind(cmd.Flags(), forCheck)
	o.policy.bind(cmd.Flags(), false)
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print a JSON array, one object per number")
	return cmd
}

// runCheck loads the registries and prints each number's line.
func runCheck(ctx context.Context, o *checkOptions) error {
	stdio := o.IO
	norm, err := o.country.normalizer()
	if err != nil {
		return err
	}
	if len(o.registry.registries) == 0 && o.policy.policy == "" {
		return usagef("no registry given: use -r/--registry PATH (or --policy to ask when numbers may be called)")
	}
	if o.policy.policy != "" || o.asJSON {
		return runCheckPolicy(ctx, o, norm)
	}
	if err := o.policy.unused(false); err != nil {
		return err
	}
	set, err := o.loadSet(ctx, norm)
	if err != nil {
		return err
	}
	sources := set.Sources()
	printColumnsWarnings(stdio, sources)
	w := bufio.NewWriter(stdio.Out)
	v := checkNumbers(w, norm, set, sources, o.numbers)
	defer warnNotHeld(stdio, set, v.notRegistered)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return v.err()
}

// loadSet loads -r, warning about unused wash codes and an empty registry.
func (o *checkOptions) loadSet(ctx context.Context, norm *normalize.Normalizer) (*registry.Set, error) {
	specs, err := parseSpecs(o.registry.registries)
	if err != nil {
		return nil, err
	}
	opts, err := o.registry.loadOptions(norm, time.Now(), o.IO)
	if err != nil {
		return nil, err
	}
	set, err := registry.Load(ctx, specs, opts)
	if err != nil {
		return nil, o.registry.explain(err)
	}
	o.registry.warnWash(specs, set, o.IO)
	if set.Len() == 0 && !set.Screening() {
		fmt.Fprintln(o.IO.ErrOut, "listscrub: warning: the registry holds no number: it blocks nothing, every valid number is not registered")
	}
	return set, nil
}

// lookupSet is what check asks of a registry (a *registry.Set).
type lookupSet interface {
	Lookup(normalize.Key) uint64
	Covers(normalize.Key) bool
	Screened(normalize.Key) bool
}

// checkVerdicts counts check's verdicts.
type checkVerdicts struct {
	registered, notCovered, notScreened int
	notRegistered                       []int // their calling codes, in order
}

// err is check's outcome: errRegistered (exit 3) when a number is
// registered, an error (exit 1) when one was not checked, else nil.
func (v *checkVerdicts) err() error {
	switch {
	case v.registered > 0:
		return errRegistered
	case v.notCovered > 0:
		return fmt.Errorf("%d number(s) not covered: they are outside every registry's coverage (registry build --covers), they were not checked", v.notCovered)
	case v.notScreened > 0:
		return fmt.Errorf("%d number(s) not screened: no wash result has a verdict (--block-codes or --pass-codes) for them, they were not checked", v.notScreened)
	}
	return nil
}

// checkNumbers writes check's line for each number to w: invalid,
// registered (with the labels of sources), not covered, not screened, or
// not registered.
func checkNumbers(w io.Writer, norm *normalize.Normalizer, set lookupSet, sources []registry.SourceInfo, numbers []string) checkVerdicts {
	var v checkVerdicts
	for _, n := range numbers {
		res := norm.NormalizeString(n)
		if !res.Valid() {
			fmt.Fprintf(w, "%s\tinvalid\t%s\n", n, res.Reason)
			continue
		}
		mask := set.Lookup(res.Key)
		switch {
		case mask != 0:
			v.registered++
			fmt.Fprintf(w, "%s\tregistered\t%s\n", res.Key, strings.Join(labels(sources, mask), ","))
		case !set.Covers(res.Key):
			// Fail closed, like scrub's not-covered: no registry screens it.
			v.notCovered++
			fmt.Fprintf(w, "%s\tnot covered\n", res.Key)
		case !set.Screened(res.Key):
			// Fail closed: no wash result has a verdict for it, so it was
			// not checked; "not registered" would let it be called.
			v.notScreened++
			fmt.Fprintf(w, "%s\tnot screened\n", res.Key)
		default:
			v.notRegistered = append(v.notRegistered, norm.CallingCode(res.Key))
			fmt.Fprintf(w, "%s\tnot registered\n", res.Key)
		}
	}
	return v
}

// labels returns the labels of the sources whose bits are set in mask.
func labels(sources []registry.SourceInfo, mask uint64) []string {
	var out []string
	for i := range sources {
		if mask&(1<<i) != 0 {
			out = append(out, sources[i].Label)
		}
	}
	return out
}

// warnNotHeld warns, once per calling code, about numbers said not
// registered while the registry holds no number of their calling code at
// all (a Belgian list read as French): see registry.Set.NotHeld.
func warnNotHeld(stdio IO, set *registry.Set, ccs []int) {
	count := map[int]int{}
	var order []int
	for _, cc := range ccs {
		if count[cc] == 0 {
			order = append(order, cc)
		}
		count[cc]++
	}
	for _, cc := range order {
		msg := set.NotHeld(cc)
		if msg == "" || set.Len() == 0 {
			continue
		}
		what := fmt.Sprintf("%d numbers are +%d numbers", count[cc], cc)
		if count[cc] == 1 {
			what = fmt.Sprintf("1 number is a +%d number", cc)
		}
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s, but %s\n", what, msg)
	}
}
