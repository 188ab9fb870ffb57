package scrub

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestSequencer hands a sequencer batches finished out of order by several
// goroutines: every batch is written exactly once, in order, and goes back
// to the free list; a write error stops the writing and is returned (the
// workers then stop as the pipeline's do, on the cancelled context).
func TestSequencer(t *testing.T) {
	for _, tc := range []struct {
		name            string
		workers, jobs   int
		batches, failAt int // failAt < 0: no error
	}{
		{"one worker", 1, 4, 200, -1},
		{"two workers", 2, 6, 2000, -1},
		{"eight workers", 8, 18, 5000, -1},
		{"write error", 4, 10, 1000, 321},
	} {
		t.Run(tc.name, func(t *testing.T) {
			free := make(chan *job, tc.jobs)
			for range tc.jobs {
				free <- &job{}
			}
			var written []int64
			errWrite := errors.New("disk full")
			q := &sequencer{pending: make([]*job, tc.jobs), free: free, write: func(j *job) error {
				if j.seq == int64(tc.failAt) {
					return errWrite
				}
				written = append(written, j.seq) // one writer at a time: no lock
				return nil
			}}
			var mu sync.Mutex // the batch source: seqs in order
			seq := int64(0)
			var wg sync.WaitGroup
			errs := make(chan error, tc.workers)
			stop := make(chan struct{}) // closed on the first error, as the run's context is cancelled
			var once sync.Once
			for w := range tc.workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(uint64(w), 1))
					for {
						var j *job
						select {
						case j = <-free:
						case <-stop:
							return
						}
						mu.Lock()
						if seq == int64(tc.batches) {
							mu.Unlock()
							free <- j
							return
						}
						j.seq = seq
						seq++
						mu.Unlock()
						for range rng.IntN(2000) { // decide, for a while
							_ = rng.Uint64()
						}
						if err := q.done(j); err != nil {
							errs <- err
							once.Do(func() { close(stop) })
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			err := <-errs
			if tc.failAt >= 0 {
				if !errors.Is(err, errWrite) {
					t.Fatalf("error %v, want %v", err, errWrite)
				}
				if len(written) != tc.failAt {
					t.Fatalf("%d batches written before the failing one, want %d", len(written), tc.failAt)
				}
			} else if err != nil || len(written) != tc.batches || len(free) != tc.jobs {
				t.Fatalf("error %v, %d of %d batches written, %d of %d jobs free", err, len(written), tc.batches, len(free), tc.jobs)
			}
			for i, s := range written {
				if s != int64(i) {
					t.Fatalf("batch %d written at position %d", s, i)
				}
			}
		})
	}
}
