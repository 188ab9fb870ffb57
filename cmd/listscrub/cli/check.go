package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

func newCheckCmd(stdio IO) *cobra.Command {
	var registries []string
	var country string
	var numbers []string
	var checks registryChecks
	cmd := &cobra.Command{
		Use:   "check -r REGISTRY... NUMBER...",
		Short: "Say whether numbers are registered, and in which source",
		Long: `Check prints one line per NUMBER: its E.164 form and "registered" with the
sources that hold it, "not registered", or "invalid" with the reason.
Exit status: 0 when no number is registered, 3 when at least one is.`,
		Example: `  listscrub check -r bloctel.snap "06 12 34 56 78" +33145678901
  listscrub check -r dnc=dnc.snap --country US "(201) 555-0123" || echo "do not call"`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("want at least one NUMBER")
			}
			return nil
		},
		RunE: run(func(ctx context.Context) error { return runCheck(ctx, registries, country, numbers, &checks, stdio) }),
	}
	cmd.PreRun = func(_ *cobra.Command, args []string) { numbers = args }
	cmd.Flags().StringArrayVarP(&registries, "registry", "r", nil, "registry: raw list or snapshot, as PATH or NAME=PATH (repeatable, required)")
	cmd.Flags().StringVar(&country, "country", "FR", "region of numbers written in national format")
	checks.bind(cmd.Flags(), false)
	cmd.MarkFlagRequired("registry")
	return cmd
}

func runCheck(ctx context.Context, registries []string, country string, numbers []string, rc *registryChecks, stdio IO) error {
	norm, err := normalize.New(country)
	if err != nil {
		return usagef("--country: %v", err)
	}
	specs, err := parseSpecs(registries)
	if err != nil {
		return err
	}
	checks, err := rc.checks(time.Now(), stdio)
	if err != nil {
		return err
	}
	set, err := registry.Load(ctx, specs, registry.LoadOptions{Normalizer: norm, Strict: true, Checks: checks})
	if err != nil {
		return rc.explain(err)
	}
	if set.Len() == 0 {
		fmt.Fprintln(stdio.ErrOut, "listscrub: warning: the registry holds no number: it blocks nothing, every valid number is not registered")
	}
	sources := set.Sources()
	printColumnsWarnings(stdio, sources)
	found := false
	var ccs []int // calling codes of the numbers not registered, in order
	defer func() { warnNotHeld(stdio, set, ccs) }()
	for _, n := range numbers {
		res := norm.NormalizeString(n)
		if !res.Valid() {
			fmt.Fprintf(stdio.Out, "%s\tinvalid\t%s\n", n, res.Reason)
			continue
		}
		mask := set.Lookup(res.Key)
		if mask == 0 {
			ccs = append(ccs, norm.CallingCode(res.Key))
			fmt.Fprintf(stdio.Out, "%s\tnot registered\n", res.Key)
			continue
		}
		found = true
		var labels []string
		for i := range sources {
			if mask&(1<<i) != 0 {
				labels = append(labels, sources[i].Label)
			}
		}
		fmt.Fprintf(stdio.Out, "%s\tregistered\t%s\n", res.Key, strings.Join(labels, ","))
	}
	if found {
		return errRegistered
	}
	return nil
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
