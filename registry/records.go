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
func (p *textParser) keep(r record) {
	p.records = append(p.records, r)
	if len(p.records) >= recordBatch {
		p.flushRecords()
	}
}

// flushRecords hands p's queued records to the sink.
func (p *textParser) flushRecords() {
	s := p.opts.records
	if s == nil || len(p.records) == 0 {
		return
	}
	s.mu.Lock()
	for _, r := range p.records {
		switch {
		case s.history != nil:
			s.history.Add(normalize.Key(r.key), time.Unix(r.a, 0), r.b != 0)
		case s.consents != nil:
			s.consents.Add(normalize.Key(r.key), r.a, r.b)
		}
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
