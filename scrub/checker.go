package scrub

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// Checker decides single numbers with exactly a scrub's rules: a number is
// decided as a row whose one phone field holds it would be (rowFacts.verdict),
// with the same reasons and sources. It is what check services ask
// (listscrub serve). It is safe for concurrent use and read-only but for a
// cache of the policy at the current second.
type Checker struct {
	o      Options
	labels labels
	// now caches the policy at the last second asked (policy.At precomputes
	// per instant; instants are judged to the second).
	now atomic.Pointer[checkInstant]
	// counts is scratch for decideRow's counts, which a check does not
	// report (4 KiB each: not cleared on every check).
	counts sync.Pool
}

type checkInstant struct {
	sec int64
	in  *policy.Instant
}

// Answer is a Checker's decision about one number.
type Answer struct {
	E164     string   // "" when the number is not valid
	Category Category // Clean, Blocked or Invalid
	Reason   string   // as scrub_reason: "" when clean
	Source   string   // as scrub_source: "" unless blocked
	Key      normalize.Key
}

// NewChecker returns a Checker of o's lists, consents, policy and history
// (o.Registry, Allow, Consent, Consents, ConsentMaxAge, Policy, History,
// HistorySources); the rest of o is ignored.
func NewChecker(o Options) (*Checker, error) {
	if o.Registry == nil && o.Consent == nil {
		return nil, usageErrorf("no registry given: use -r/--registry (or --consent for opt-in mode)")
	}
	if o.History != nil && o.Policy == nil {
		return nil, errors.New("scrub: a contact history needs a policy")
	}
	c := &Checker{o: o, labels: newLabels(&o)}
	c.counts.New = func() any { return new(counts) }
	return c, nil
}

// Check decides number, read with norm (the region of national-format
// numbers), at instant at (the calls' instant: consents and the policy are
// judged then).
func (c *Checker) Check(number string, norm *normalize.Normalizer, at time.Time) Answer {
	res := norm.NormalizeString(number)
	return c.decide(res, norm, at)
}

// decide decides one normalized number.
func (c *Checker) decide(res normalize.Result, norm *normalize.Normalizer, at time.Time) Answer {
	var mask uint64
	if res.Valid() && c.o.Registry != nil {
		mask = c.o.Registry.Lookup(res.Key)
	}
	d := decider{o: &c.o, norm: norm, pol: c.instant(at), at: at.Unix()}
	cnt := c.counts.Get().(*counts) // written, never read: not cleared
	r := d.decideRow([]normalize.Result{res}, []uint64{mask}, nil, false, cnt)
	c.counts.Put(cnt)
	a := Answer{Category: r.cat, Reason: r.reason, Source: c.labels.source(r)}
	if res.Valid() {
		a.E164, a.Key = res.Key.String(), res.Key
	}
	return a
}

// instant returns the policy at at's second (nil without a policy), from
// the cache when it is the second last asked.
func (c *Checker) instant(at time.Time) *policy.Instant {
	if c.o.Policy == nil {
		return nil
	}
	sec := at.Unix()
	if ci := c.now.Load(); ci != nil && ci.sec == sec {
		return ci.in
	}
	ci := &checkInstant{sec: sec, in: c.o.Policy.At(time.Unix(sec, 0))}
	c.now.Store(ci)
	return ci.in
}

// Options returns the options the Checker was made with.
func (c *Checker) Options() Options { return c.o }
