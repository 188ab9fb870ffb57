package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// staleDays is the age past which a registry is warned about: opposition
// lists must be re-scrubbed every 30 days (Bloctel) or 31 days (US DNC).
const staleDays = 30

// registryUse says which registry flags a command has.
type registryUse int

const (
	// forScrub is scrub's and coverage's set: -r, --max-age,
	// --allow-empty-registry, --allow and --consent.
	forScrub registryUse = iota
	// forCheck is check's: -r (required) and --allow-empty-registry.
	forCheck
	// forBuild is registry build's, whose sources are its arguments:
	// --lenient instead of --allow-empty-registry.
	forBuild
)

// registryFlags are the flags that say which registry sources a command
// reads and whether it accepts them, declared here once for every command
// that reads registries; the rules themselves are registry.Checks and
// registry.WashCodes. Every use has --max-invalid, --block-codes and
// --pass-codes.
type registryFlags struct {
	use        registryUse
	registries []string // -r; registry build's SOURCE arguments
	allow      []string // forScrub: --allow
	consent    []string // forScrub: --consent
	maxAge     string   // forScrub: --max-age
	maxInvalid string
	allowEmpty bool // forScrub, forCheck: --allow-empty-registry
	lenient    bool // forBuild: --lenient
	blockCodes []string
	passCodes  []string
	// keepStale loads a registry older than --max-age instead of refusing
	// it: serve holds it and answers unavailable (fail closed) until a
	// fresh one is loaded, judging the age at each request.
	keepStale bool
}

// bind registers the flags of use on f.
func (r *registryFlags) bind(f *pflag.FlagSet, use registryUse) {
	r.use = use
	if use != forBuild {
		help := "registry: raw list, wash result (wash:PATH) or snapshot, as PATH or NAME=PATH (repeatable"
		if use == forCheck {
			help += ", required"
		}
		f.StringArrayVarP(&r.registries, "registry", "r", nil, help+")")
	}
	if use == forScrub {
		f.StringArrayVar(&r.allow, "allow", nil, "exempt numbers (customers with a contract in progress): never blocked (repeatable)")
		f.StringArrayVar(&r.consent, "consent", nil, "opt-in mode: a row is clean only if its valid numbers are in this list (consented_at and withdrawn_at columns are read; repeatable)")
		f.StringVar(&r.maxAge, "max-age", "0", "refuse a registry whose as-of date is older, e.g. 31d; 0 = no limit (warns past 30 days)")
	}
	f.StringVar(&r.maxInvalid, "max-invalid", registry.DefaultMaxInvalid.String(),
		"invalid lines a raw registry may hold (blank lines aside): a share of its lines (1%: rounded down, at least 1 line; 0% none) or a count (100); more stops the run")
	if use == forBuild {
		f.BoolVar(&r.lenient, "lenient", false, "accept a source with too many invalid lines, unreadable lines or no number (with a warning)")
	} else {
		f.BoolVar(&r.allowEmpty, "allow-empty-registry", false, "accept a registry source that holds no number (it blocks nothing)")
	}
	f.StringSliceVar(&r.blockCodes, "block-codes", []string{"Y"}, "wash results: the verdicts that register a number, e.g. D,F,M")
	f.StringSliceVar(&r.passCodes, "pass-codes", []string{"N"}, "wash results: the verdicts that mean screened and not registered (any other verdict: not screened, never clean)")
}

// addInputs registers the files the flags name as inputs of ps, under the
// flag that names each (flag is how registry build's arguments are called).
func (r *registryFlags) addInputs(ps *paths, flag string) {
	ps.specs(flag, r.registries)
	ps.specs("--allow", r.allow)
	ps.specs("--consent", r.consent)
}

// loadOptions returns the registry.LoadOptions of the flags, warnings going
// to standard error.
func (r *registryFlags) loadOptions(norm *normalize.Normalizer, now time.Time, stdio IO) (registry.LoadOptions, error) {
	th, err := registry.ParseThreshold(r.maxInvalid)
	if err != nil {
		return registry.LoadOptions{}, usagef("--max-invalid %v", err)
	}
	wash, err := r.wash()
	if err != nil {
		return registry.LoadOptions{}, err
	}
	return registry.LoadOptions{
		Normalizer: norm,
		Strict:     !r.lenient,
		// check reports no checksum; the others record it.
		Checksum: r.use != forCheck,
		Checks: registry.Checks{
			MaxInvalid:     th,
			RequireNumbers: !r.allowEmpty,
			Lenient:        r.lenient,
			Now:            now,
			Warn:           func(m string) { fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", m) },
		},
		Wash: wash,
	}, nil
}

// wash returns --block-codes and --pass-codes: each holds at least one
// verdict, and no verdict is in both (it would both register a number and
// pass it).
func (r *registryFlags) wash() (registry.WashCodes, error) {
	block, err := verdicts("--block-codes", r.blockCodes)
	if err != nil {
		return registry.WashCodes{}, err
	}
	pass, err := verdicts("--pass-codes", r.passCodes)
	if err != nil {
		return registry.WashCodes{}, err
	}
	for _, p := range pass {
		for _, b := range block {
			if strings.EqualFold(p, b) {
				return registry.WashCodes{}, usagef("verdict %q is in both --block-codes and --pass-codes: a verdict either registers a number or passes it", p)
			}
		}
	}
	return registry.WashCodes{Block: block, Pass: pass}, nil
}

// verdicts returns the codes of a verdict flag, trimmed; none, or an empty
// one, is a usage error.
func verdicts(flag string, codes []string) ([]string, error) {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" {
			return nil, usagef("%s: an empty verdict (want codes such as Y, or D,F,M)", flag)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, usagef("%s: want at least one verdict", flag)
	}
	return out, nil
}

// warnWash warns when --block-codes or --pass-codes was given but they
// apply to no source (see washCodesUnused); set is what was loaded (nil
// when nothing was).
func (r *registryFlags) warnWash(specs []registry.Spec, set *registry.Set, stdio IO) {
	if m := r.washCodesUnused(specs, set); m != "" {
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", m)
	}
}

// washCodesUnused says why --block-codes and --pass-codes, when given, apply
// to nothing: no source is a wash result (one given without its wash:
// prefix is read as a list of registered numbers), or the wash results are
// in snapshots, whose verdicts were read when they were built. "" when the
// codes are the defaults or read a wash result.
func (r *registryFlags) washCodesUnused(specs []registry.Spec, set *registry.Set) string {
	if slicesEqualFold(r.blockCodes, []string{"Y"}) && slicesEqualFold(r.passCodes, []string{"N"}) {
		return ""
	}
	for _, s := range specs {
		if s.Format == registry.KindWash {
			return ""
		}
	}
	if set != nil && set.Screening() {
		return "--block-codes and --pass-codes change nothing here: the wash results are in snapshots, whose verdicts were read with the codes given when they were built"
	}
	return "--block-codes and --pass-codes apply to wash results only, and no source is one (give it as wash:PATH or NAME=wash:PATH)"
}

func slicesEqualFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(strings.TrimSpace(a[i]), b[i]) {
			return false
		}
	}
	return true
}

// registries are the sets a scrub-like command reads: nil when not given.
type registries struct {
	reg, allow, consent *registry.Set
	// consents are the consent lists' dated lines (nil: none dated).
	consents *policy.Consents
	// warnings are what loading them warned about (also printed then), for
	// the run's stats.
	warnings []string
}

// load loads the registries (refusing stale ones past --max-age) and the
// allow and consent lists, reading national-format numbers with norm.
func (r *registryFlags) load(ctx context.Context, norm *normalize.Normalizer, now time.Time, stdio IO) (registries, error) {
	if len(r.registries) == 0 && len(r.consent) == 0 {
		return registries{}, usagef("no registry given: use -r/--registry PATH (or --consent PATH for opt-in mode)")
	}
	maxAge, err := parseAge("--max-age", r.maxAge)
	if err != nil {
		return registries{}, err
	}
	opts, err := r.loadOptions(norm, now, stdio)
	if err != nil {
		return registries{}, err
	}
	var specs [3][]registry.Spec // registries, allow, consent
	for i, args := range [][]string{r.registries, r.allow, r.consent} {
		if specs[i], err = parseSpecs(args); err != nil {
			return registries{}, err
		}
	}
	for i, flag := range []string{"--allow", "--consent"} {
		for _, s := range specs[i+1] {
			if s.Format != "" {
				// Its entries are the numbers it registers: as exempt
				// numbers they would be the very ones not to call.
				return registries{}, usagef("%s %s: a %s result is a registry (-r), never an allow or consent list", flag, s.Path, s.Format)
			}
		}
	}
	var sets registries
	warn := func(m string) {
		sets.warnings = append(sets.warnings, m)
		fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", m)
	}
	opts.Checks.Warn = warn
	load := func(specs []registry.Spec, opts registry.LoadOptions) (*registry.Set, error) {
		if len(specs) == 0 {
			return nil, nil
		}
		set, err := registry.Load(ctx, specs, opts)
		return set, r.explain(err)
	}
	if sets.reg, err = load(specs[0], opts); err != nil {
		return registries{}, err
	}
	if m := r.washCodesUnused(specs[0], sets.reg); m != "" {
		warn(m)
	}
	if sets.reg != nil && r.use == forScrub {
		if r.keepStale {
			maxAge = 0
		}
		if err := checkAge(sets.reg, maxAge, now, warn); err != nil {
			return registries{}, err
		}
	}
	// Allow and consent lists only ever make fewer rows clean when read
	// short: they are not held to the registries' checks, and read fewer
	// columns (registry.LoadOptions.Exempt).
	opts.Checks = registry.Checks{Warn: opts.Checks.Warn}
	opts.Exempt = true
	if sets.allow, err = load(specs[1], opts); err != nil {
		return registries{}, err
	}
	consents := &policy.ConsentBuilder{}
	opts.Consents = consents
	if sets.consent, err = load(specs[2], opts); err != nil {
		return registries{}, err
	}
	if consents.Len() > 0 {
		sets.consents = consents.Build()
	}
	for _, l := range []struct {
		what string
		set  *registry.Set
	}{{"allow list", sets.allow}, {"consent list", sets.consent}} {
		if l.set == nil {
			continue
		}
		for _, s := range l.set.Sources() {
			// Not refused (a list read short only exempts fewer numbers),
			// but said: the numbers of those lines are not exempt.
			if n := s.InvalidLines(); n > 0 {
				warn(fmt.Sprintf("%s %s: %d of %d lines hold no valid number (read as %s): their numbers are not on the list; read it with the --country of its numbers",
					l.what, s.Label, n, s.Lines, norm.Region()))
			}
		}
	}
	for _, l := range []struct {
		flag string
		set  *registry.Set
	}{{"--allow", sets.allow}, {"--consent", sets.consent}} {
		if l.set != nil && l.set.Screening() {
			// A snapshot of wash results: its numbers are the registered ones.
			return registries{}, usagef("%s: a snapshot built from wash results is a registry (-r), never an allow or consent list", l.flag)
		}
	}
	return sets, nil
}

// explain adds to an error of registry.Checks the flag that accepts the
// source anyway.
func (r *registryFlags) explain(err error) error {
	var ile *registry.InvalidLinesError
	var ese *registry.EmptySourceError
	build := r.use == forBuild
	switch {
	case errors.As(err, &ile) && build:
		return fmt.Errorf("%w (--max-invalid %s; --lenient to accept it)", err, r.maxInvalid)
	case errors.As(err, &ile):
		return fmt.Errorf("%w (--max-invalid %s)", err, r.maxInvalid)
	case errors.As(err, &ese) && build:
		return fmt.Errorf("%w (--lenient to accept it)", err)
	case errors.As(err, &ese):
		return fmt.Errorf("%w (--allow-empty-registry to accept it)", err)
	}
	return err
}

// parseSpecs parses registry arguments and refuses two sources with one label.
func parseSpecs(args []string) ([]registry.Spec, error) {
	specs := make([]registry.Spec, 0, len(args))
	seen := map[string]bool{}
	for _, a := range args {
		s := registry.ParseSpec(a)
		if s.Path == "" || (s.Format == "" && s.Path == registry.KindWash+":") {
			return nil, usagef("registry %q: no path", a)
		}
		if strings.Contains(s.Label, "+") {
			// scrub_source joins the labels of several sources with "+".
			return nil, usagef("registry %q: a label may not hold \"+\", which joins the labels of several sources in scrub_source: name it with NAME=PATH", a)
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
func checkAge(reg *registry.Set, maxAge time.Duration, now time.Time, warn func(string)) error {
	for _, s := range reg.Sources() {
		age := scrub.AgeDays(s.AsOf, now)
		asOf := s.AsOf.Format(time.DateOnly)
		if maxAge > 0 && time.Duration(age)*24*time.Hour > maxAge {
			return fmt.Errorf("registry %s (%s) is %d days old (as of %s), older than --max-age %s: get a fresh copy",
				s.Label, s.Path, age, asOf, formatAge(maxAge))
		}
		if age > staleDays {
			warn(fmt.Sprintf("registry %s is %d days old (as of %s): lists must be re-scrubbed against a registry under 30 days old",
				s.Label, age, asOf))
		}
	}
	return nil
}

// parseAge parses an age flag (--max-age, --consent-max-age): a number of days ("31d"), weeks ("4w") or a Go
// duration ("720h"); "0" means no limit.
func parseAge(flag, s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 0 || int64(v) > math.MaxInt64/int64(unit) {
				return 0, usagef("%s %q: want a duration such as 31d, 4w or 720h", flag, s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, usagef("%s %q: want a duration such as 31d, 4w or 720h", flag, s)
	}
	return d, nil
}

func formatAge(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// today is registry.Today: no as-of date is later.
func today(now time.Time) time.Time { return registry.Today(now) }
