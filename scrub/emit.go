package scrub

import (
	"fmt"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// write de-duplicates (in input order) and writes the job's rows. It runs on
// the sequencer, one batch at a time, in input order.
func (p *pipeline) write(j *job) error {
	b := &j.batch
	nc := len(p.cols)
	// Clean rows go out in runs: consecutive clean rows are adjacent in the
	// batch's buffer, and one write of the run saves a copy call per row.
	run := -1 // first row of the pending run of clean rows
	flush := func(end int) error {
		if run < 0 {
			return nil
		}
		err := p.w.cleanRun(b, run, end)
		run = -1
		return err
	}
	for i, res := range j.rows {
		nums := j.nums[i*nc : (i+1)*nc]
		if p.seen != nil && res.cat != Invalid {
			res = p.dedupe(res, nums)
		}
		if res.cat != Clean || !b.Adjacent(i) {
			if err := flush(i); err != nil {
				return err
			}
		}
		if res.cat == Clean {
			p.st.RowsClean++
			if run < 0 {
				run = i
			}
		} else if err := p.writeRow(b, i, res); err != nil {
			return err
		}
		if p.o.Observer != nil {
			p.row = Row{Line: b.Line(i), Category: res.cat, Reason: res.reason, Sources: res.mask,
				Numbers: nums, batch: b, index: i}
			p.o.Observer.Row(&p.row)
		}
	}
	if err := flush(len(j.rows)); err != nil {
		return err
	}
	if n := len(j.rows); n > 0 && j.rows[n-1].reason == ReasonTruncated {
		p.cutLine = b.Line(n - 1)
	}
	if p.probe != nil && p.probe.look(b, p.o.Normalizer) {
		p.reportNumberColumns()
	}
	p.addCounts(j)
	if p.o.Progress != nil {
		p.o.Progress(Progress{Rows: p.st.RowsIn, BytesRead: p.in.count.n.Load(), BytesSize: p.size})
	}
	return nil
}

// dedupe returns res, or a duplicate when one of the row's numbers was seen
// in an earlier row; a row that is not a duplicate adds its numbers to the
// numbers seen.
func (p *pipeline) dedupe(res rowResult, nums []normalize.Result) rowResult {
	for _, n := range nums {
		if n.Key != 0 && p.seen.has(n.Key) {
			return rowResult{cat: Duplicate, reason: ReasonDuplicate}
		}
	}
	for _, n := range nums {
		if n.Key != 0 {
			p.seen.add(n.Key)
		}
	}
	return res
}

// writeRow writes row i, which is not clean, to its category's output with
// its reason (and a blocked row's sources), and counts it.
func (p *pipeline) writeRow(b *csvsplit.Batch, i int, res rowResult) error {
	switch res.cat {
	case Blocked:
		p.st.RowsBlocked++
		p.byBlock[res.block]++
		if res.block.consentRule() {
			p.noConsent++
		}
		if res.block != blockRegistered {
			return p.w.blocked(b, i, res.reason, p.w.source(res))
		}
		for m, s := res.mask, 0; m != 0; m, s = m>>1, s+1 {
			if m&1 != 0 {
				p.bySource[s]++
			}
		}
		return p.w.blocked(b, i, res.reason, p.w.labelsOf(res.mask))
	case Invalid:
		p.st.RowsInvalid++
		p.byReason[res.reason]++
		return p.w.invalid(b, i, res.reason)
	case Duplicate:
		p.st.RowsDuplicate++
		return p.w.duplicate(b, i, res.reason)
	}
	return nil
}

// addCounts adds a written batch's rows and number counts to the stats.
func (p *pipeline) addCounts(j *job) {
	st := p.st
	st.RowsIn += int64(len(j.rows))
	c := &j.count
	st.NumbersChecked += c.checked
	st.NumbersValid += c.valid
	st.NumbersRegistered += c.registered
	st.NumbersExempted += c.exempted
	for t, n := range c.byType {
		st.ByType.Add(normalize.Type(t).String(), n)
	}
	if c.ccUsed {
		for cc, n := range c.rowsByCC {
			p.ccRows[cc] += int64(n)
		}
	}
}

// finishStats moves the writer's counters into the stats.
func (p *pipeline) finishStats() {
	if p.probe != nil {
		p.reportNumberColumns() // a file of fewer rows than the probe looks at
	}
	if p.o.Registry != nil {
		for i, s := range p.o.Registry.Sources() {
			p.st.BlockedBySource.Add(s.Label, p.bySource[i])
		}
	}
	if p.o.Consent != nil {
		p.st.BlockedBySource.Add(p.w.consent, p.noConsent)
	}
	for r := blockRegistered; r < numBlockReasons; r++ {
		if n := p.byBlock[r]; n > 0 {
			p.st.BlockedByReason.Add(blockNames[r], n)
		}
	}
	// Reasons in a stable order: normalize's, then scrub's own.
	for r := normalize.ReasonNone + 1; int(r) < normalize.NumReasons; r++ {
		if n := p.byReason[r.String()]; n > 0 {
			p.st.InvalidByReason.Add(r.String(), n)
		}
	}
	for _, r := range []string{ReasonNotCovered, ReasonNotScreened, ReasonRagged, ReasonTruncated, ReasonUncalculated} {
		if n := p.byReason[r]; n > 0 {
			p.st.InvalidByReason.Add(r, n)
		}
	}
	if reg := p.o.Registry; reg != nil && reg.Len() == 0 && !reg.Screening() {
		// Accepted only with --allow-empty-registry: said on every run all
		// the same, since it blocks nothing.
		p.st.Warnings = append(p.st.Warnings, "the registry holds no number: it blocks nothing, every row with a valid number is clean unless another rule applies")
	} else {
		p.st.Warnings = append(p.st.Warnings, notHeldWarnings(reg, &p.ccRows)...)
	}
}

// notHeldWarnings warns about every calling code whose prospects were
// checked against a registry that holds no number of it (one range count
// per calling code seen, at the end of the run): those rows could not be
// blocked, whether because the registry was read with the wrong region (a
// Belgian list read as French) or because no registry of that country was
// given.
func notHeldWarnings(reg *registry.Set, rows *[1000]int64) []string {
	if reg == nil {
		return nil
	}
	var out []string
	for cc, n := range rows {
		if n == 0 {
			continue
		}
		if msg := reg.NotHeld(cc); msg != "" {
			what := fmt.Sprintf("%d rows have +%d numbers", n, cc)
			if n == 1 {
				what = fmt.Sprintf("1 row has a +%d number", cc)
			}
			out = append(out, what+", but "+msg)
		}
	}
	return out
}
