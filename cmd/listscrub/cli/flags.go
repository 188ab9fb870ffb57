package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/listscrub/listscrub/normalize"
)

// countryFlag is --country, the region national-format numbers are read
// with, declared here once for every command that reads numbers.
type countryFlag struct {
	code string
	// given is true when the flag was on the command line (registry build
	// --base reads with the base's region otherwise).
	given bool
}

// bind registers --country on f, default FR; more completes its help.
func (c *countryFlag) bind(f *pflag.FlagSet, more string) {
	c.code = "FR"
	help := "region of numbers written in national format (ISO 3166 code)"
	if more != "" {
		help += " " + more
	}
	f.Var(c, "country", help)
}

func (c *countryFlag) String() string { return c.code }
func (c *countryFlag) Type() string   { return "string" }

func (c *countryFlag) Set(s string) error {
	c.code, c.given = s, true
	return nil
}

// normalizer returns the normalizer of the region.
func (c *countryFlag) normalizer() (*normalize.Normalizer, error) {
	return newNormalizer(c.code)
}

// newNormalizer returns the normalizer of region, or a usage error naming
// --country.
func newNormalizer(region string) (*normalize.Normalizer, error) {
	n, err := normalize.New(region)
	if err != nil {
		return nil, usagef("--country: %v", err)
	}
	return n, nil
}

// bindQuiet registers -q/--quiet, which turns off the progress display
// (what: "bar", "line") drawn when standard error is a terminal.
func bindQuiet(f *pflag.FlagSet, quiet *bool, what string) {
	f.BoolVarP(quiet, "quiet", "q", false, "no progress "+what+" (it is drawn only when standard error is a terminal)")
}

// parseSize parses flag's size such as "64MiB", "500kB" or "1048576" (bytes).
func parseSize(flag, s string) (int, error) {
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
		return 0, usagef("%s %q: want a size such as 64MiB (at most 2GiB)", flag, s)
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
