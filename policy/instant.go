package policy

import (
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// Instant is a policy evaluated at one instant: the scrub's question for
// every row of a file, asked at the same T.
type Instant struct {
	p *Policy
	t time.Time
}

// At returns the policy evaluated at t.
func (p *Policy) At(t time.Time) *Instant { return &Instant{p: p, t: t} }

// Time returns the instant.
func (in *Instant) Time() time.Time { return in.t }

// Policy returns the policy.
func (in *Instant) Policy() *Policy { return in.p }

// Reason answers for the number k, with its history h (nil: none): the
// same answer as Policy.Reason at the instant.
func (in *Instant) Reason(k normalize.Key, h *History) Reason { return in.p.Reason(k, in.t, h) }
