package scrub

import (
	"slices"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/workbook"
)

// rowResult is a worker's decision about one row.
type rowResult struct {
	cat    Category
	reason string      // scrub_reason; "" for clean rows
	mask   uint64      // registry sources, for rows blocked as registered
	block  blockReason // why a blocked row is
}

// blockReason is why a row is blocked, in the contract's order of
// precedence: the first that applies is the row's scrub_reason.
type blockReason uint8

const (
	notBlocked blockReason = iota
	blockRegistered
	blockNoConsent
	blockWithdrawn
	blockExpired
	blockRefused
	blockAttempts
	blockHoliday
	blockHours
	numBlockReasons
)

// blockNames are the scrub_reason of each blockReason: the consent and
// policy ones are the policy package's names.
var blockNames = [numBlockReasons]string{"", ReasonRegistered, ReasonNoConsent,
	policy.ConsentWithdrawn.String(), policy.ConsentExpired.String(),
	policy.RefusedRecently.String(), policy.AttemptLimit.String(),
	policy.Holiday.String(), policy.OutsideHours.String()}

// policyBlock maps a policy reason to its blockReason.
var policyBlock = [...]blockReason{policy.Callable: notBlocked, policy.RefusedRecently: blockRefused,
	policy.AttemptLimit: blockAttempts, policy.Holiday: blockHoliday, policy.OutsideHours: blockHours}

// blocked returns the result of a row blocked for r.
func blocked(r blockReason) rowResult {
	return rowResult{cat: Blocked, reason: blockNames[r], block: r}
}

// consentRule says whether a blockReason is a consent rule's (its rows are
// the consent list's in blocked_by_source and scrub_source).
func (r blockReason) consentRule() bool { return r >= blockNoConsent && r <= blockExpired }

// historyRule says whether a blockReason is decided by the contact history.
func (r blockReason) historyRule() bool { return r == blockRefused || r == blockAttempts }

// job is one batch of rows travelling through the pipeline.
type job struct {
	batch csvsplit.Batch
	rows  []rowResult
	nums  []normalize.Result // len(cols) results per row
	// uncalc says, per row, that a phone field is a workbook formula never
	// calculated (pipeline.cells).
	uncalc []bool
	// keys and regMasks are scratch for the batched registry look-up: one
	// per phone field, like nums.
	keys     []normalize.Key
	regMasks []uint64
	// hist says, per phone field, that its number may have contact
	// history (policy.History.MayHave); nil without a history.
	hist  []bool
	count counts
	seq   int64 // the batch's number in input order, from 0
}

// counts are the per-number statistics a worker gathers for one batch.
type counts struct {
	checked, valid, registered, exempted int64
	byType                               [normalize.NumTypes]int64
	// rowsByCC counts, by calling code, the rows with a valid number of
	// that code that a registry screens but does not hold (see ccRows);
	// ccUsed says whether any is non-zero.
	rowsByCC [1000]int32
	ccUsed   bool
}

// decide normalizes and looks up every phone field of the job's rows, and
// decides each row. It runs on a worker and touches only the job.
func (p *pipeline) decide(j *job) {
	b := &j.batch
	n := b.Len()
	nc := len(p.cols)
	j.rows = resize(j.rows, n)
	j.nums = resize(j.nums, n*nc)
	j.keys = resize(j.keys, n*nc)
	j.regMasks = resize(j.regMasks, n*nc)
	j.uncalc = resize(j.uncalc, n)
	clear(j.uncalc)
	j.count = counts{}
	cut := p.cutRow(b)

	p.normalizeRows(j, cut)
	// Look every valid number up at once, so that the registry's memory
	// loads overlap (see registry.Set.LookupBatch).
	for i, r := range j.nums {
		j.keys[i] = r.Key // 0 when not a valid number
	}
	if reg := p.o.Registry; reg != nil {
		reg.LookupBatch(j.keys, j.regMasks)
	} else {
		clear(j.regMasks)
	}
	var hist []bool
	if h := p.o.History; h != nil {
		j.hist = resize(j.hist, n*nc)
		h.MayHave(j.keys, j.hist)
		hist = j.hist
	}
	for i := range n {
		switch {
		case i == cut:
			j.rows[i] = rowResult{cat: Invalid, reason: ReasonTruncated}
		case p.ragged(b, i):
			j.rows[i] = rowResult{cat: Invalid, reason: ReasonRagged}
		default:
			var h []bool
			if hist != nil {
				h = hist[i*nc : (i+1)*nc]
			}
			j.rows[i] = p.d.decideRow(j.nums[i*nc:(i+1)*nc], j.regMasks[i*nc:(i+1)*nc], h, j.uncalc[i], &j.count)
		}
	}
}

// ragged reports whether row i has more or fewer fields than the header.
func (p *pipeline) ragged(b *csvsplit.Batch, i int) bool {
	return p.nFields > 0 && b.NumFields(i) != p.nFields
}

// normalizeRows normalizes every phone field of the job's rows into j.nums.
// A ragged row's fields are not read: a field too many or too few shifts
// the columns, so the number in the phone column may not be the row's, and
// the real one may be registered. Never clean, never guessed. Nor are the
// fields of row cut, which may have been cut short.
func (p *pipeline) normalizeRows(j *job, cut int) {
	b := &j.batch
	nc := len(p.cols)
	norm := p.o.Normalizer
	for i := range b.Len() {
		nums := j.nums[i*nc : (i+1)*nc]
		if p.ragged(b, i) || i == cut {
			for ci := range nums {
				nums[ci] = unread // not a valid number, to an Observer too
			}
			continue
		}
		nf := b.NumFields(i)
		for ci, col := range p.cols {
			var field []byte
			if col < nf {
				field = b.Field(i, col)
				if p.cells && b.Tag(i, col) == byte(workbook.Formula) {
					j.uncalc[i] = true
					nums[ci] = unread
					continue
				}
			}
			nums[ci] = norm.Normalize(field)
		}
	}
}

// decider decides rows from their numbers' results: a pipeline's, or a
// Checker's for single numbers. It is small, so that a single check
// builds one on the stack.
type decider struct {
	o    *Options
	norm *normalize.Normalizer // reads national numbers: o's, or a check's region
	pol  *policy.Instant       // Options.Policy at Options.At (nil: no policy)
	at   int64                 // Options.At in Unix seconds, for consents
}

// decideRow decides a row from its phone fields' results, registry masks
// and history hints (one each per phone column; hist nil: ask the history
// of every number), and whether one of its phone fields is a formula never
// calculated, counting its numbers in c.
func (p *decider) decideRow(nums []normalize.Result, masks []uint64, hist []bool, uncalc bool, c *counts) rowResult {
	reg, allow, consent := p.o.Registry, p.o.Allow, p.o.Consent
	f := rowFacts{uncalc: uncalc}
	exempt := false
	var rowCC [4]int // calling codes counted for this row
	nrc := 0
	for ci, res := range nums {
		if res.Reason == normalize.ReasonEmpty {
			continue
		}
		c.checked++
		if !res.Valid() {
			if f.firstBad == normalize.ReasonNone {
				f.firstBad = res.Reason
			}
			continue
		}
		f.valid = true
		c.valid++
		c.byType[res.Type]++
		m := masks[ci]
		if m != 0 {
			c.registered++
		}
		if (m != 0 || consent != nil) && allow != nil && allow.Lookup(res.Key) != 0 {
			// Exempt (a contract in progress): never blocked, and no
			// consent is needed.
			if m != 0 {
				c.exempted++
			}
			exempt = true
			m = 0
		}
		if m == 0 && reg != nil {
			// Not blocked, so it must have been checked: inside a
			// registry's coverage and, with wash results, screened by one.
			// This holds for an exempt number too, whatever registry
			// holds it, so that an unrelated list cannot make it clean.
			switch {
			case !reg.Covers(res.Key):
				f.uncovered = true
			case masks[ci] == 0:
				f.unscreened = f.unscreened || !reg.Screened(res.Key)
				p.countCallingCode(res.Key, c, &rowCC, &nrc)
			default:
				f.unscreened = f.unscreened || !reg.Screened(res.Key)
			}
		}
		f.mask |= m
		if consent != nil && !exempt {
			f.addConsent(p.consentOf(res.Key))
		}
		exempt = false
		if p.pol != nil {
			// Exempt numbers too: D223-9 governs calls to customers.
			h := p.o.History
			if hist != nil && !hist[ci] {
				h = nil // surely no attempt: the filter said so for the batch
			}
			if r := p.pol.Reason(res.Key, h); r != policy.Callable && (f.pol == policy.Callable || r < f.pol) {
				f.pol = r
			}
		}
	}
	return f.verdict(consent != nil)
}

// consentOf returns the consent status of k at the run's instant: by its
// dated lines when it has some, else consented (undated) when a consent
// list holds it.
func (p *decider) consentOf(k normalize.Key) policy.ConsentStatus {
	if cs := p.o.Consents; cs != nil {
		if s, found := cs.Judge(k, p.at, p.o.ConsentMaxAge); found {
			return s
		}
	}
	if p.o.Consent.Lookup(k) == 0 {
		return policy.NoConsent
	}
	if p.o.ConsentMaxAge > 0 {
		return policy.ConsentExpired // an undated consent's age cannot be shown
	}
	return policy.ConsentGiven
}

// countCallingCode counts the row under k's calling code once (a number
// no registry holds; see registry.Set.NotHeld), remembering up to four
// codes of the row in rowCC.
func (p *decider) countCallingCode(k normalize.Key, c *counts, rowCC *[4]int, nrc *int) {
	cc := p.norm.CallingCode(k)
	if cc == 0 || slices.Contains(rowCC[:*nrc], cc) {
		return
	}
	c.rowsByCC[cc]++
	c.ccUsed = true
	if *nrc < len(rowCC) {
		rowCC[*nrc] = cc
		*nrc++
	}
}

// rowFacts are what a row's decision rests on, gathered over its phone
// fields (empty ones ignored).
type rowFacts struct {
	mask       uint64 // registry sources holding one of its numbers, exempt ones left out
	valid      bool   // at least one number is valid
	uncovered  bool   // a valid number no registry holds is outside every registry's coverage
	unscreened bool   // a valid number no registry holds, covered, was screened by no wash result
	// consent is the first consent rule that blocks one of its valid
	// numbers (no-consent, consent-withdrawn, consent-expired), exempt ones
	// left out; notBlocked when none does or consent is not required.
	consent  blockReason
	pol      policy.Reason    // the first policy reason of its numbers
	uncalc   bool             // a phone field is a workbook formula never calculated: its number is unknown
	firstBad normalize.Reason // the first invalid number's reason
}

// consent adds a number's consent status to the facts: every valid number
// of a row must be consented (or exempt), as it must be on no registry,
// since the dialler may call any of them.
func (f *rowFacts) addConsent(s policy.ConsentStatus) {
	r := [...]blockReason{policy.ConsentGiven: notBlocked, policy.NoConsent: blockNoConsent,
		policy.ConsentWithdrawn: blockWithdrawn, policy.ConsentExpired: blockExpired}[s]
	if r != notBlocked && (f.consent == notBlocked || r < f.consent) {
		f.consent = r
	}
}

// verdict decides a row from its facts; optIn says consent is required.
// A number that could not be checked makes the row invalid, never clean,
// unless another of its numbers is registered: registration wins, and a
// registered number is blocked whatever else holds. An uncalculated
// formula comes first of those (the row is invalid even with no valid
// number: its unknown one might be), not-covered before not-screened, and
// all before the consent rules, and those before the policy's.
func (f *rowFacts) verdict(optIn bool) rowResult {
	switch {
	case f.uncalc && f.mask == 0:
		return rowResult{cat: Invalid, reason: ReasonUncalculated}
	case !f.valid:
		if f.firstBad == normalize.ReasonNone {
			return rowResult{cat: Invalid, reason: normalize.ReasonEmpty.String()}
		}
		return rowResult{cat: Invalid, reason: f.firstBad.String()}
	case f.mask != 0:
		r := blocked(blockRegistered)
		r.mask = f.mask
		return r
	case f.uncovered:
		return rowResult{cat: Invalid, reason: ReasonNotCovered}
	case f.unscreened:
		return rowResult{cat: Invalid, reason: ReasonNotScreened}
	case optIn && f.consent != notBlocked:
		return blocked(f.consent)
	case f.pol != policy.Callable:
		return blocked(policyBlock[f.pol])
	}
	return rowResult{cat: Clean}
}

// unread is the result of a phone field not read: a ragged or truncated
// row's. (The zero Result is a valid number, of key 0.)
var unread = normalize.Result{Reason: normalize.ReasonEmpty}

// cutRow returns the index of the batch's row that may have been cut short,
// or -1: with an unproven input (a stream), its last row when that row has
// no line terminator. Only the input's last row can lack one, and it is
// the last of its batch, so one row a batch is looked at.
func (p *pipeline) cutRow(b *csvsplit.Batch) int {
	n := b.Len()
	if !p.unproven || n == 0 || len(b.Raw(n-1)) != len(b.Content(n-1)) {
		return -1
	}
	return n - 1
}
