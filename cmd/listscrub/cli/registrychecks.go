package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/listscrub/listscrub/registry"
)

// registryChecks are the flags that decide whether a registry source is
// accepted, bound by every command that reads registries (scrub, coverage,
// check, registry build); the rules themselves are registry.Checks.
type registryChecks struct {
	maxInvalid string
	allowEmpty bool // scrub, coverage, check: --allow-empty-registry
	lenient    bool // registry build: --lenient
	build      bool
}

// bind registers the flags; build selects registry build's set.
func (c *registryChecks) bind(f *pflag.FlagSet, build bool) {
	c.build = build
	f.StringVar(&c.maxInvalid, "max-invalid", registry.DefaultMaxInvalid.String(),
		"invalid lines a raw registry may hold (blank lines aside): a share of its lines (1%: rounded down, at least 1 line; 0% none) or a count (100); more stops the run")
	if build {
		f.BoolVar(&c.lenient, "lenient", false, "accept a source with too many invalid lines, unreadable lines or no number (with a warning)")
	} else {
		f.BoolVar(&c.allowEmpty, "allow-empty-registry", false, "accept a registry source that holds no number (it blocks nothing)")
	}
}

// checks returns the registry.Checks of the flags, warnings going to
// standard error.
func (c *registryChecks) checks(now time.Time, stdio IO) (registry.Checks, error) {
	th, err := registry.ParseThreshold(c.maxInvalid)
	if err != nil {
		return registry.Checks{}, usagef("--max-invalid %v", err)
	}
	return registry.Checks{
		MaxInvalid:     th,
		RequireNumbers: !c.allowEmpty,
		Lenient:        c.lenient,
		Now:            now,
		Warn:           func(m string) { fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", m) },
	}, nil
}

// explain adds to an error of registry.Checks the flag that accepts the
// source anyway.
func (c *registryChecks) explain(err error) error {
	var ile *registry.InvalidLinesError
	var ese *registry.EmptySourceError
	switch {
	case errors.As(err, &ile) && c.build:
		return fmt.Errorf("%w (--max-invalid %s; --lenient to accept it)", err, c.maxInvalid)
	case errors.As(err, &ile):
		return fmt.Errorf("%w (--max-invalid %s)", err, c.maxInvalid)
	case errors.As(err, &ese) && c.build:
		return fmt.Errorf("%w (--lenient to accept it)", err)
	case errors.As(err, &ese):
		return fmt.Errorf("%w (--allow-empty-registry to accept it)", err)
	}
	return err
}

// today is registry.Today: no as-of date is later.
func today(now time.Time) time.Time { return registry.Today(now) }
