package serve

import (
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/scrub"
)

// The statuses of an answer.
const (
	StatusClean       = "clean"
	StatusBlocked     = "blocked"
	StatusInvalid     = "invalid"
	StatusUnavailable = "unavailable" // not ready (stale registries): never clean
)

// ReasonStale is the reason of an unavailable answer: a registry is older
// than --max-age.
const ReasonStale = "registry-stale"

// statusIndex numbers the statuses for the counters.
const (
	iClean = iota
	iBlocked
	iInvalid
	iUnavailable
	numStatuses
)

var statusNames = [numStatuses]string{StatusClean, StatusBlocked, StatusInvalid, StatusUnavailable}

// answer is the decision about one number.
type answer struct {
	number string // as given
	e164   string // "" when invalid
	status int    // a status index
	reason string // as scrub_reason
	source string // as scrub_source
	// With a policy: the zones, whether the number may be called at the
	// instant asked, and the start of the next window (zero: none).
	zones    []string
	callable bool
	next     time.Time
}

// check decides number, read with norm, at instant at; ready false answers
// unavailable (fail closed).
func (st *state) check(number string, norm *normalize.Normalizer, at time.Time, ready bool) answer {
	a := st.checker.Check(number, norm, at)
	ans := answer{number: number, e164: a.E164, reason: a.Reason, source: a.Source}
	switch {
	case !ready:
		ans.status, ans.reason, ans.source = iUnavailable, ReasonStale, ""
		return ans
	case a.Category == scrub.Clean:
		ans.status = iClean
	case a.Category == scrub.Invalid:
		ans.status = iInvalid
	default:
		ans.status = iBlocked
	}
	if st.policy == nil || a.E164 == "" {
		return ans
	}
	switch {
	case ans.status == iClean:
		ans.zones, ans.callable, ans.next = policy.ZoneNames(a.Key), true, at.UTC()
	case isPolicyReason(a.Reason):
		// Only the policy holds it back: when may it be called?
		d := st.policy.Decide(a.Key, at, st.history)
		ans.zones, ans.next = d.Zones, d.Next
	default:
		// Registered, not consented, not checked: no window opens it.
		ans.zones = policy.ZoneNames(a.Key)
	}
	return ans
}

// isPolicyReason says whether reason is one of the policy's (hours,
// holidays, the history's limits), which a later instant may lift.
func isPolicyReason(reason string) bool {
	switch reason {
	case policy.RefusedRecently.String(), policy.AttemptLimit.String(), policy.Holiday.String(), policy.OutsideHours.String():
		return true
	}
	return false
}
