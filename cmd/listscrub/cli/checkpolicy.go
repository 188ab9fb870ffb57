package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
)

// checkAnswer is check's answer for one number with --policy or --json.
type checkAnswer struct {
	Number string `json:"number"` // as given
	E164   string `json:"e164"`   // "" when invalid
	// Registry is "registered", "not registered", "not covered", "not
	// screened", "no registry" (no -r) or "invalid".
	Registry string   `json:"registry"`
	Sources  []string `json:"sources"` // labels of the sources holding it
	// Zones are the number's time zones (empty when none is known or no
	// policy is given).
	Zones []string `json:"zones"`
	// Callable says whether the number may be called at At: not
	// registered, checked, and allowed by the policy (without --policy,
	// by the registry alone).
	Callable bool `json:"callable"`
	// Reason is why not: an invalid number's reason, registered,
	// not-covered, not-screened, or a policy reason; "" when callable.
	Reason string `json:"reason"`
	At     string `json:"at,omitempty"` // the instant judged (RFC 3339, UTC), with --policy
	// NextUTC and NextLocal are the start of the next window in which the
	// policy allows the call (At itself when callable now), in UTC and in
	// each zone's local time (by zone); absent when there is none within
	// 400 days, when the number is registered, not checked or invalid.
	NextUTC   string            `json:"next_utc,omitempty"`
	NextLocal map[string]string `json:"next_local,omitempty"`
}

// runCheckPolicy is check with --policy or --json: one answer per number.
func runCheckPolicy(ctx context.Context, o *checkOptions, norm *normalize.Normalizer) error {
	stdio := o.IO
	now := time.Now()
	lp, err := o.policy.load(ctx, norm, &o.registry, false, now, stdio)
	if err != nil {
		return err
	}
	var set *registry.Set
	var sources []registry.SourceInfo
	if len(o.registry.registries) > 0 {
		if set, err = o.loadSet(ctx, norm); err != nil {
			return err
		}
		sources = set.Sources()
		printColumnsWarnings(stdio, sources)
	}
	var v checkVerdicts
	answers := make([]checkAnswer, 0, len(o.numbers))
	for _, n := range o.numbers {
		answers = append(answers, answerCheck(n, norm, set, sources, lp, &v))
	}
	w := bufio.NewWriter(stdio.Out)
	if o.asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(answers); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	} else {
		for _, a := range answers {
			writeCheckLine(w, &a)
		}
	}
	if set != nil {
		defer warnNotHeld(stdio, set, v.notRegistered)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return v.err()
}

// answerCheck answers for the number n, counting its verdict in v.
func answerCheck(n string, norm *normalize.Normalizer, set *registry.Set, sources []registry.SourceInfo, lp loadedPolicy, v *checkVerdicts) checkAnswer {
	a := checkAnswer{Number: n, Sources: []string{}, Zones: []string{}}
	res := norm.NormalizeString(n)
	if !res.Valid() {
		a.Registry, a.Reason = "invalid", res.Reason.String()
		return a
	}
	a.E164 = res.Key.String()
	checked := true
	switch {
	case set == nil:
		a.Registry = "no registry"
	case set.Lookup(res.Key) != 0:
		v.registered++
		a.Registry, a.Reason = "registered", "registered"
		a.Sources = labels(sources, set.Lookup(res.Key))
	case !set.Covers(res.Key):
		v.notCovered++
		a.Registry, a.Reason, checked = "not covered", "not-covered", false
	case !set.Screened(res.Key):
		v.notScreened++
		a.Registry, a.Reason, checked = "not screened", "not-screened", false
	default:
		v.notRegistered = append(v.notRegistered, norm.CallingCode(res.Key))
		a.Registry = "not registered"
	}
	if lp.pol == nil {
		a.Callable = a.Reason == ""
		return a
	}
	a.At = lp.at.UTC().Format(time.RFC3339)
	d := lp.pol.Decide(res.Key, lp.at, lp.history)
	a.Zones = append(a.Zones, d.Zones...)
	if a.Reason == "" && d.Reason != policy.Callable {
		a.Reason = d.Reason.String()
	}
	a.Callable = a.Reason == ""
	if a.Registry == "registered" || !checked || d.Next.IsZero() {
		return a
	}
	a.NextUTC = d.Next.UTC().Format(time.RFC3339)
	a.NextLocal = map[string]string{}
	for _, z := range d.Zones {
		if loc, err := time.LoadLocation(z); err == nil {
			a.NextLocal[z] = d.Next.In(loc).Format(time.RFC3339)
		}
	}
	return a
}

// writeCheckLine writes an answer as check's tab-separated line: E164 (or
// the number as given when invalid), the registry's verdict (with the
// sources), the zones, callable or why not, and the next window.
func writeCheckLine(w io.Writer, a *checkAnswer) {
	if a.E164 == "" {
		fmt.Fprintf(w, "%s\tinvalid\t%s\n", a.Number, a.Reason)
		return
	}
	reg := a.Registry
	if len(a.Sources) > 0 {
		reg += " " + strings.Join(a.Sources, ",")
	}
	zones := strings.Join(a.Zones, ",")
	if zones == "" {
		zones = "unknown time zone"
	}
	verdict := "callable"
	if !a.Callable {
		verdict = a.Reason
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s", a.E164, reg, zones, verdict)
	switch {
	case a.NextUTC != "" && !a.Callable:
		var local []string
		for _, z := range a.Zones {
			if t, ok := a.NextLocal[z]; ok {
				local = append(local, t+" "+z)
			}
		}
		fmt.Fprintf(w, "\tnext %s (%s)", strings.Join(local, ", "), a.NextUTC)
	case !a.Callable && a.Registry != "registered" && a.Reason != "not-covered" && a.Reason != "not-screened":
		fmt.Fprint(w, "\tno window within 400 days")
	}
	fmt.Fprintln(w)
}
