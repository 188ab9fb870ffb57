package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// policyFlags are the contact-policy flags (spec: "Contact policy"): the
// policy, the instant the calls will be made, the holidays it adds, the
// contact history it judges, and the maximum age of consents.
type policyFlags struct {
	policy        string   // --policy fr|us|FILE
	at            string   // --at RFC 3339 | now
	holidays      []string // --holidays FILE (repeatable)
	history       []string // --history FILE (repeatable)
	consentMaxAge string   // --consent-max-age (scrub and coverage only)
	consents      bool     // the command has --consent-max-age
	// noAt leaves --at out: serve takes the instant per request.
	noAt bool
}

// bind registers the flags; consents says the command reads consent lists.
func (p *policyFlags) bind(f *pflag.FlagSet, consents bool) {
	p.consents = consents
	f.StringVar(&p.policy, "policy", "", "contact policy: fr (D223-9: Mon-Fri 10-13 h and 14-20 h local, no public holiday, 4 attempts in 30 days, 60 days after a refusal), us (every day 08-21 h local) or a policy file (JSON)")
	if !p.noAt {
		f.StringVar(&p.at, "at", "", "the instant the calls will be made, RFC 3339 (2026-12-02T10:30:00+01:00) or now; default now with --policy")
	}
	f.StringArrayVar(&p.holidays, "holidays", nil, "more holidays for the policy: a file of YYYY-MM-DD dates, one per line (repeatable)")
	f.StringArrayVar(&p.history, "history", nil, "contact history: CSV or workbook with a number column, called_at (RFC 3339) and outcome (refused is a refusal) (repeatable; needs --policy)")
	if consents {
		f.StringVar(&p.consentMaxAge, "consent-max-age", "0", "consents older than this (by their consented_at) are expired, e.g. 365d; 0 = no limit")
	}
}

// addInputs registers the files the flags name as inputs of ps.
func (p *policyFlags) addInputs(ps *paths) {
	if p.policy != "" && !slices.Contains(policy.PresetNames, p.policy) {
		ps.input("--policy", p.policy)
	}
	ps.input("--holidays", p.holidays...)
	ps.input("--history", p.history...)
}

// parseAt parses --at: RFC 3339 with an offset, or "now" (or empty: now),
// to the second: the instant is judged at its whole second, and the
// history's and consents' times are rounded the way that blocks
// (registry.parseRFC3339Up).
func parseAt(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "now") {
		return now.Truncate(time.Second), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, usagef("--at %q: want an RFC 3339 instant with its offset, such as 2026-12-02T10:30:00+01:00 or 2026-12-02T09:30:00Z, or now", s)
	}
	if y := t.UTC().Year(); y < 1970 || y > 9999 {
		// Year 1 is Go's zero time, which would mean "now" further on.
		return time.Time{}, usagef("--at %q: want an instant from 1970 on", s)
	}
	return t.Truncate(time.Second), nil
}

// loadPolicy returns the policy --policy names (a preset, else a file) with
// the dates of the --holidays files added, and those files' stats; nil
// without --policy.
func (p *policyFlags) loadPolicy() (*policy.Policy, []scrub.FileStats, error) {
	if p.policy == "" {
		return nil, nil, nil
	}
	var pol *policy.Policy
	if slices.Contains(policy.PresetNames, p.policy) {
		var err error
		if pol, err = policy.Preset(p.policy); err != nil {
			return nil, nil, err
		}
	} else {
		data, err := os.ReadFile(p.policy)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, nil, usagef("--policy %s: no such preset (have %s) nor file", p.policy, strings.Join(policy.PresetNames, ", "))
			}
			return nil, nil, fmt.Errorf("--policy: %w", err)
		}
		if pol, err = policy.Parse(data); err != nil {
			return nil, nil, fmt.Errorf("--policy %s: %w", p.policy, err)
		}
	}
	var files []scrub.FileStats
	for _, path := range p.holidays {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("--holidays: %w", err)
		}
		dates, err := policy.ReadHolidays(bytes.NewReader(data), path)
		if err != nil {
			return nil, nil, err
		}
		pol = pol.WithDates(dates)
		sum := sha256.Sum256(data)
		files = append(files, scrub.FileStats{Path: path, SHA256: hex.EncodeToString(sum[:])})
	}
	return pol, files, nil
}

// loadedPolicy is what the policy flags name, loaded.
type loadedPolicy struct {
	pol      *policy.Policy // nil without --policy
	holidays []scrub.FileStats
	at       time.Time
	history  *policy.History // nil without --history
	sources  []*registry.SourceInfo
}

// unused refuses the policy flags when --policy is not given (only
// --at, whose instant also judges consent dates, when consent is true).
func (p *policyFlags) unused(consent bool) error {
	if p.policy != "" {
		return nil
	}
	switch {
	case len(p.history) > 0:
		return usagef("--history needs --policy: the policy says how attempts and refusals count")
	case len(p.holidays) > 0:
		return usagef("--holidays needs --policy")
	case p.at != "" && !consent:
		return usagef("--at needs --policy (or --consent, whose dates it judges)")
	}
	return nil
}

// load loads what the flags name; consent says consent lists are given
// (--at judges their dates even without --policy).
func (p *policyFlags) load(ctx context.Context, norm *normalize.Normalizer, lf *registryFlags, consent bool, now time.Time, stdio IO) (loadedPolicy, error) {
	var l loadedPolicy
	if err := p.unused(consent); err != nil {
		return l, err
	}
	var err error
	if l.at, err = parseAt(p.at, now); err != nil {
		return l, err
	}
	if l.pol, l.holidays, err = p.loadPolicy(); err != nil || len(p.history) == 0 {
		return l, err
	}
	l.history, l.sources, err = loadHistory(ctx, p.history, norm, lf, now, stdio)
	return l, err
}

// apply loads the policy, the history and the instant into o (whose
// Consent and Normalizer are set).
func (p *policyFlags) apply(ctx context.Context, o *scrub.Options, lf *registryFlags, now time.Time, stdio IO) error {
	maxAge, err := parseAge("--consent-max-age", p.consentMaxAge)
	if err != nil {
		return err
	}
	if maxAge > 0 && o.Consent == nil {
		return usagef("--consent-max-age needs --consent")
	}
	l, err := p.load(ctx, o.Normalizer, lf, o.Consent != nil, now, stdio)
	if err != nil {
		return err
	}
	o.ConsentMaxAge = maxAge
	o.Policy, o.HolidayFiles, o.At = l.pol, l.holidays, l.at
	o.History, o.HistorySources = l.history, l.sources
	for _, s := range l.sources {
		if s.Attempts == 0 {
			// Accepted (no call made yet), but said: a history read as
			// empty lets every number be called as often as the policy allows.
			m := fmt.Sprintf("history %s (%s) holds no attempt: no number is limited by it", s.Label, s.Path)
			o.Warnings = append(o.Warnings, m)
			fmt.Fprintf(stdio.ErrOut, "listscrub: warning: %s\n", m)
		}
	}
	return nil
}

// loadHistory reads the --history files ([NAME=]PATH, labelled like
// registries) into one contact history, with the registry flags'
// --max-invalid and the registries' checks (a history read short lets a
// number be called too often).
func loadHistory(ctx context.Context, args []string, norm *normalize.Normalizer, lf *registryFlags, now time.Time, stdio IO) (*policy.History, []*registry.SourceInfo, error) {
	specs, err := parseSpecs(args)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range specs {
		if s.Format != "" {
			return nil, nil, usagef("--history %s: a %s result is a registry (-r), never a contact history", s.Path, s.Format)
		}
	}
	opts, err := lf.loadOptions(norm, now, stdio)
	if err != nil {
		return nil, nil, err
	}
	var b policy.HistoryBuilder
	infos, err := registry.LoadHistory(ctx, specs, opts, &b)
	if err != nil {
		return nil, nil, lf.explain(err)
	}
	h, err := b.Build()
	if err != nil {
		return nil, nil, fmt.Errorf("--history: %w", err)
	}
	return h, infos, nil
}
