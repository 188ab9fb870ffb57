package scrub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/workbook"
)

// Batch sizes: a batch ends after batchRows rows or batchBytes bytes.
const (
	batchRows  = 1024
	batchBytes = 1 << 20
)

// pipeline is one run of the reader, the workers and the writer.
type pipeline struct {
	o    Options
	cols []int
	r    rowReader
	w    *writer
	st   *Stats
	name string
	in   *input
	size int64
	// nFields is the header's field count (without a header, the first
	// row's): a row with another count is misaligned, and its phone
	// columns cannot be trusted.
	nFields int
	// first is the first row when there is no header: read before the
	// pipeline to learn the width, it is its first batch.
	first *job
	// unproven says that the input's end proves nothing: a plain stream
	// (standard input from a pipe, a FIFO), which ends the same whether its
	// writer finished or was killed. A regular file's size proves its end
	// (input.finish), and so does gzip's trailer. A stream's last row with
	// no line break may be a row cut short, whose number, cut, may be
	// another valid number: it is invalid as ReasonTruncated (see cutRow).
	unproven bool
	// cells says that the rows are a workbook's cells, their fields tagged
	// with their workbook.Kind: a phone field that is a formula never
	// calculated makes its row ReasonUncalculated.
	cells bool

	// names are the header's names (nil without a header), for messages.
	names []string
	// d decides the rows, with o's lists and policy.
	d decider

	// Writer-side state.
	cutLine   int          // the line where the row made ReasonTruncated starts (0: none)
	probe     *numberProbe // unchecked columns' fields in the first rows; nil once looked at
	seen      *keySet      // numbers seen, with Dedupe
	bySource  []int64      // blocked rows per registry source
	noConsent int64        // rows blocked by a consent rule
	byBlock   [numBlockReasons]int64
	byReason  map[string]int64
	row       Row
	// ccRows counts, by calling code, the rows with a valid number of that
	// code that a registry screens and does not hold: when the registry
	// holds no number of the code at all, it was most likely read with the
	// wrong region (finishStats warns).
	ccRows [1000]int64
}

// run scrubs the input with workers goroutines. There is no reader or
// writer goroutine: each worker reads the next batch itself (the reader is
// shared under a lock), decides it, and hands it to the sequencer, which
// has whichever worker finds the next batch in input order ready write it,
// and any ready batches after it. A batch never waits for a goroutine to be
// woken up to read, decide or write it, so two workers keep two cores busy,
// and one worker runs the whole pipeline without a single hand-off.
func (p *pipeline) run(ctx context.Context, workers int) error {
	nJobs := 2*workers + 2
	free := make(chan *job, nJobs)
	fresh := nJobs
	if p.first != nil {
		fresh-- // the first row's job is one of the nJobs
	}
	for range fresh {
		free <- &job{}
	}
	if p.o.Registry != nil {
		p.bySource = make([]int64, len(p.o.Registry.Sources()))
	}
	if p.o.Dedupe {
		p.seen = newKeySet()
		defer p.seen.release()
	}
	p.byReason = map[string]int64{}
	in := &batchSource{p: p, free: free}
	out := &sequencer{pending: make([]*job, nJobs), write: p.write, free: free}
	if j := p.first; j != nil {
		// Batch 0, decided and written before the workers start; its job
		// then joins the free list.
		in.seq = 1
		p.decide(j)
		if err := out.done(j); err != nil {
			return err
		}
	}

	g, gctx := errgroup.WithContext(ctx)
	for range workers {
		g.Go(func() error {
			for {
				j, err := in.next(gctx)
				if err == nil && j != nil {
					p.decide(j)
					err = out.done(j)
				}
				if err != nil {
					// The other workers may be waiting for input: it
					// fails for them too, now.
					p.in.count.cancel(err)
				}
				if j == nil || err != nil {
					return err
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	p.finishStats()
	return nil
}

// batchSource hands out the input's batches, in order, to the workers.
type batchSource struct {
	p    *pipeline
	free chan *job // batches written and free for reuse
	mu   sync.Mutex
	seq  int64 // the next batch's number
	done bool  // the input is exhausted, or failed
}

// next reads the next batch into a free job. It returns nil, nil at the end
// of the input.
func (s *batchSource) next(ctx context.Context) (*job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var j *job
	select {
	case j = <-s.free:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		s.free <- j
		return nil, nil
	}
	if err := s.p.r.ReadBatch(&j.batch, batchRows, batchBytes); err != nil {
		s.done = true
		s.free <- j
		if err == io.EOF {
			return nil, nil
		}
		return nil, readError(s.p.name, err)
	}
	j.seq = s.seq
	s.seq++
	return j, nil
}

// sequencer writes decided batches in input order. Batches are written by
// the worker that completes the run of ready batches: the one whose batch
// is next in order, or the one already writing, which goes on with every
// batch that became ready meanwhile.
type sequencer struct {
	write   func(*job) error
	free    chan *job
	mu      sync.Mutex
	pending []*job // decided batches not yet written, by seq modulo its length
	next    int64  // the seq of the next batch to write
	writing bool   // a worker is writing
}

// done takes a decided batch, and writes it and the ready batches after it
// unless another worker is writing them. At most len(pending) batches exist
// (the free list holds the others), so their seqs are distinct modulo
// len(pending).
func (q *sequencer) done(j *job) error {
	n := int64(len(q.pending))
	q.mu.Lock()
	q.pending[j.seq%n] = j
	if q.writing {
		q.mu.Unlock()
		return nil
	}
	q.writing = true
	for {
		k := q.pending[q.next%n]
		if k == nil || k.seq != q.next {
			q.writing = false
			q.mu.Unlock()
			return nil
		}
		q.pending[q.next%n] = nil
		q.next++
		q.mu.Unlock()
		err := q.write(k)
		q.free <- k
		if err != nil {
			return err // the run fails: nobody writes after this
		}
		q.mu.Lock()
	}
}

// readError gives a read error the input's name unless it already has it.
func readError(name string, err error) error {
	var pe *csvsplit.ParseError
	var we *workbook.ReadError
	if errors.As(err, &pe) || errors.As(err, &we) {
		return err // names the file and where in it
	}
	return fmt.Errorf("read %s: %w", name, err)
}

// resize returns s with length n, reusing its storage when it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
