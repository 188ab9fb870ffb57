package registry

import (
	"sync"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// Contact records (history attempts, dated consent lines) are streamed
// into policy's builders as their lines are parsed: each parsing worker
// keeps up to recordBatch of them and hands them over under the sink's
// lock, so that no file is ever held and the workers rarely wait.

// recordBatch is how many records a worker keeps before handing them over.
const recordBatch = 4096

// recordSink is where the records of a load go: its builders, shared by
// every source and worker of the load.
type recordSink struct {
	mu       sync.Mutex
	history  *policy.HistoryBuilder
	consents *policy.ConsentBuilder
}

// record is one attempt (a: called at, b: 1 when refused) or one consent
// line (a: given, b: withdrawn), in Unix seconds.
type record struct {
	key  uint64
	a, b int64
}

// keep queues a record of p's, handing the queue over when it is full.
// A history's attempts go to p's own builder, which sorts its chunks as
// they fill (on p's goroutine, so on every core), and is handed over whole.
func (p *textParser) keep(r record) {
	if s := p.opts.records; s != nil && s.history != nil {
		p.history.Add(normalize.Key(r.key), time.Unix(r.a, 0), r.b != 0)
		return
	}
	p.records = append(p.records, r)
	if len(p.records) >= recordBatch {
		p.flushRecords()
	}
}

// flushRecords hands p's queued records (and its history builder) to the
// sink.
func (p *textParser) flushRecords() {
	s := p.opts.records
	if s == nil || len(p.records) == 0 && p.history.Len() == 0 {
		return
	}
	s.mu.Lock()
	for _, r := range p.records {
		if s.consents != nil {
			s.consents.Add(normalize.Key(r.key), r.a, r.b)
		}
	}
	if s.history != nil {
		s.history.Absorb(&p.history)
	}
	s.mu.Unlock()
	p.records = p.records[:0]
}

// addUndated adds keys to the sink's consents as consents of unknown date,
// never withdrawn: the numbers of a consent source without dates (a plain
// list, a CSV without date columns, a snapshot), so that Consents alone
// says whether a number has a consent.
func (s *recordSink) addUndated(keys []uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.consents.Add(normalize.Key(k), policy.Undated, policy.NotWithdrawn)
	}
}
