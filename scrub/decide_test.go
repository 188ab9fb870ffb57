package scrub

import (
	"slices"
	"testing"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// TestVerdict lists how a row's facts decide it: an unchecked number
// (not covered, not screened) is never clean, registration wins over both,
// and not-covered comes before not-screened.
func TestVerdict(t *testing.T) {
	for _, c := range []struct {
		name  string
		f     rowFacts
		optIn bool
		want  rowResult
	}{
		{"clean", rowFacts{valid: true}, false, rowResult{cat: Clean}},
		{"no number", rowFacts{}, false, rowResult{cat: Invalid, reason: "empty"}},
		{"bad number", rowFacts{firstBad: normalize.ReasonTooShort}, false, rowResult{cat: Invalid, reason: "too-short"}},
		{"registered", rowFacts{valid: true, mask: 2}, false, rowResult{cat: Blocked, reason: ReasonRegistered, mask: 2, block: blockRegistered}},
		{"not covered", rowFacts{valid: true, uncovered: true}, false, rowResult{cat: Invalid, reason: ReasonNotCovered}},
		{"not screened", rowFacts{valid: true, unscreened: true}, false, rowResult{cat: Invalid, reason: ReasonNotScreened}},
		{"not covered before not screened", rowFacts{valid: true, uncovered: true, unscreened: true}, false, rowResult{cat: Invalid, reason: ReasonNotCovered}},
		{"registered wins over not screened", rowFacts{valid: true, mask: 1, unscreened: true}, false, rowResult{cat: Blocked, reason: ReasonRegistered, mask: 1, block: blockRegistered}},
		{"registered wins over not covered", rowFacts{valid: true, mask: 1, uncovered: true, unscreened: true}, false, rowResult{cat: Blocked, reason: ReasonRegistered, mask: 1, block: blockRegistered}},
		{"not screened, consented", rowFacts{valid: true, unscreened: true}, true, rowResult{cat: Invalid, reason: ReasonNotScreened}},
		{"not screened before no consent", rowFacts{valid: true, unscreened: true, consent: blockNoConsent}, true, rowResult{cat: Invalid, reason: ReasonNotScreened}},
		{"no consent", rowFacts{valid: true, consent: blockNoConsent}, true, rowResult{cat: Blocked, reason: ReasonNoConsent, block: blockNoConsent}},
		{"consented", rowFacts{valid: true}, true, rowResult{cat: Clean}},
		{"a bad number beside a valid one", rowFacts{valid: true, firstBad: normalize.ReasonTooShort}, false, rowResult{cat: Clean}},
		{"uncalculated beside a valid number", rowFacts{valid: true, uncalc: true}, false, rowResult{cat: Invalid, reason: ReasonUncalculated}},
		{"uncalculated alone", rowFacts{uncalc: true}, false, rowResult{cat: Invalid, reason: ReasonUncalculated}},
		{"registered wins over uncalculated", rowFacts{valid: true, mask: 1, uncalc: true}, false, rowResult{cat: Blocked, reason: ReasonRegistered, mask: 1, block: blockRegistered}},
		{"consent withdrawn", rowFacts{valid: true, consent: blockWithdrawn}, true, blockedAs("consent-withdrawn", blockWithdrawn)},
		{"no consent without opt-in", rowFacts{valid: true, consent: blockNoConsent}, false, rowResult{cat: Clean}},
		{"withdrawn, opt-in", rowFacts{valid: true, consent: blockWithdrawn}, true, blockedAs("consent-withdrawn", blockWithdrawn)},
		{"withdrawn before the policy", rowFacts{valid: true, consent: blockWithdrawn, pol: policy.RefusedRecently}, true, blockedAs("consent-withdrawn", blockWithdrawn)},
		{"consent expired", rowFacts{valid: true, consent: blockExpired}, true, blockedAs("consent-expired", blockExpired)},
		{"expired before the policy", rowFacts{valid: true, consent: blockExpired, pol: policy.RefusedRecently}, true, blockedAs("consent-expired", blockExpired)},
		{"no consent before the policy", rowFacts{valid: true, consent: blockNoConsent, pol: policy.OutsideHours}, true, blockedAs("no-consent", blockNoConsent)},
		{"registered before the policy", rowFacts{valid: true, mask: 1, pol: policy.Holiday}, false, rowResult{cat: Blocked, reason: ReasonRegistered, mask: 1, block: blockRegistered}},
		{"refused recently", rowFacts{valid: true, pol: policy.RefusedRecently}, false, blockedAs("refused-recently", blockRefused)},
		{"attempt limit", rowFacts{valid: true, pol: policy.AttemptLimit}, true, blockedAs("attempt-limit", blockAttempts)},
		{"holiday", rowFacts{valid: true, pol: policy.Holiday}, false, blockedAs("holiday", blockHoliday)},
		{"outside hours", rowFacts{valid: true, pol: policy.OutsideHours}, false, blockedAs("outside-hours", blockHours)},
		{"not covered before the policy", rowFacts{valid: true, uncovered: true, pol: policy.OutsideHours}, false, rowResult{cat: Invalid, reason: ReasonNotCovered}},
		{"invalid stays invalid under the policy", rowFacts{firstBad: normalize.ReasonTooShort, pol: policy.OutsideHours}, false, rowResult{cat: Invalid, reason: "too-short"}},
		{"uncalculated before no consent", rowFacts{valid: true, uncalc: true, consent: blockNoConsent}, true, rowResult{cat: Invalid, reason: ReasonUncalculated}},
	} {
		if got := c.f.verdict(c.optIn); got != c.want {
			t.Errorf("%s: verdict(%+v, optIn %v) = %+v, want %+v", c.name, c.f, c.optIn, got, c.want)
		}
	}
}

func blockedAs(reason string, b blockReason) rowResult {
	return rowResult{cat: Blocked, reason: reason, block: b}
}

// The stats list invalid reasons in a stable order: normalize's, then the
// scrub's own, not-screened right after not-covered.
func TestInvalidReasonOrder(t *testing.T) {
	p := &pipeline{st: newStats(), byReason: map[string]int64{
		ReasonTruncated: 1, ReasonRagged: 2, ReasonNotScreened: 3, ReasonNotCovered: 4, "too-short": 5, "empty": 6,
	}}
	p.finishStats()
	want := []string{"empty", "too-short", ReasonNotCovered, ReasonNotScreened, ReasonRagged, ReasonTruncated}
	if got := p.st.InvalidByReason.Keys(); !slices.Equal(got, want) {
		t.Errorf("invalid_by_reason keys = %q, want %q", got, want)
	}
	if n := p.st.InvalidByReason.Get(ReasonNotScreened); n != 3 {
		t.Errorf("not-screened rows = %d, want 3", n)
	}
}

// TestAddConsent checks that a row's consent rule is the first, in the
// contract's order, of its numbers' statuses: every valid number must be
// consented, as every one must be on no registry.
func TestAddConsent(t *testing.T) {
	for _, c := range []struct {
		name     string
		statuses []policy.ConsentStatus
		want     blockReason
	}{
		{"all consented", []policy.ConsentStatus{policy.ConsentGiven, policy.ConsentGiven}, notBlocked},
		{"one without consent", []policy.ConsentStatus{policy.ConsentGiven, policy.NoConsent}, blockNoConsent},
		{"no consent before withdrawn", []policy.ConsentStatus{policy.ConsentWithdrawn, policy.NoConsent}, blockNoConsent},
		{"withdrawn before expired", []policy.ConsentStatus{policy.ConsentExpired, policy.ConsentWithdrawn}, blockWithdrawn},
		{"expired beside consented", []policy.ConsentStatus{policy.ConsentExpired, policy.ConsentGiven}, blockExpired},
	} {
		var f rowFacts
		for _, s := range c.statuses {
			f.addConsent(s)
		}
		if f.consent != c.want {
			t.Errorf("%s: %v", c.name, blockNames[f.consent])
		}
	}
}
