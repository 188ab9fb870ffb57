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
	sources := set.Sources()
	printColumnsWarnings(stdio, sources)
	found := false
	for _, n := range numbers {
		res := norm.NormalizeString(n)
		if !res.Valid() {
			fmt.Fprintf(stdio.Out, "%s\tinvalid\t%s\n", n, res.Reason)
			continue
		}
		mask := set.Lookup(res.Key)
		if mask == 0 {
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
