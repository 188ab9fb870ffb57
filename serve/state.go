package serve

import (
	"fmt"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// state is one load of everything a check reads. It is never changed once
// built: a reload builds a new one and swaps it in.
type state struct {
	checker *scrub.Checker
	policy  *policy.Policy  // nil without a policy
	history *policy.History // nil without a history
	norm    *normalize.Normalizer
	sources []Source
	// oldest is the as-of date of the oldest registry source (zero without
	// a registry: consent lists alone are not held to an age).
	oldest   time.Time
	entries  int    // numbers of the registries (0 without one)
	checksum string // the registries' merged set checksum, as registry info's (""  without one)
	loadedAt time.Time
	token    string // the bearer token required ("" : none)
}

// newState builds the state of o (as a scrub's options: Registry, Allow,
// Consent, Consents, ConsentMaxAge, Policy, History, HistorySources,
// Normalizer), loaded at loadedAt.
func newState(o scrub.Options, loadedAt time.Time) (*state, error) {
	if o.Normalizer == nil {
		return nil, fmt.Errorf("serve: no normalizer")
	}
	chk, err := scrub.NewChecker(o)
	if err != nil {
		return nil, err
	}
	st := &state{checker: chk, policy: o.Policy, history: o.History, norm: o.Normalizer, loadedAt: loadedAt}
	add := func(role string, set *registry.Set) {
		if set == nil {
			return
		}
		for _, s := range set.Sources() {
			st.sources = append(st.sources, sourceOf(role, &s, loadedAt))
		}
	}
	add(RoleRegistry, o.Registry)
	add(RoleAllow, o.Allow)
	add(RoleConsent, o.Consent)
	for _, s := range o.HistorySources {
		st.sources = append(st.sources, sourceOf(RoleHistory, s, loadedAt))
	}
	if o.Registry != nil {
		st.entries = o.Registry.Len()
		st.checksum = o.Registry.Checksum()
		for _, s := range o.Registry.Sources() {
			if st.oldest.IsZero() || s.AsOf.Before(st.oldest) {
				st.oldest = s.AsOf
			}
		}
	}
	return st, nil
}

// ageDays is the age of the oldest registry source at now, in days as a
// scrub counts them (scrub.AgeDays); 0 without a registry.
func (st *state) ageDays(now time.Time) int {
	if st.oldest.IsZero() {
		return 0
	}
	return scrub.AgeDays(st.oldest, now)
}

// fresh says whether no registry source is older than maxAge at now (0: no
// limit), as scrub's --max-age refuses them.
func (st *state) fresh(now time.Time, maxAge time.Duration) bool {
	return maxAge <= 0 || time.Duration(st.ageDays(now))*24*time.Hour <= maxAge
}
