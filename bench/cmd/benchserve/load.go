package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op performs operation i (an index into the scenario's inputs) and returns
// how many numbers it checked, or an error: a failed operation fails the
// scenario, as a dialer would see it fail.
type op func(ctx context.Context, i int) (numbers int, err error)

// limits bound a scenario: it stops after count operations or after max,
// whichever comes first, so that a slow target cannot hold the bench.
type limits struct {
	conc   int           // workers issuing operations back to back
	count  int           // operations measured
	warmup int           // operations run first and not measured
	max    time.Duration // wall-time cap of the measured phase
}

// result is one scenario's measurements.
type result struct {
	ops, numbers int
	wall         time.Duration
	lat          []time.Duration // one per measured operation, sorted
}

// opsPerSec returns operations per second over the measured phase.
func (r result) opsPerSec() float64 { return float64(r.ops) / r.wall.Seconds() }

// numbersPerSec returns numbers checked per second over the measured phase.
func (r result) numbersPerSec() float64 { return float64(r.numbers) / r.wall.Seconds() }

// quantile returns the q-quantile (0 < q ≤ 1) of the recorded latencies by
// the nearest-rank method, or 0 when none was recorded.
func (r result) quantile(q float64) time.Duration {
	n := len(r.lat)
	if n == 0 {
		return 0
	}
	rank := int(q*float64(n)+0.999999999) - 1 // ceil(q·n) - 1
	return r.lat[min(max(rank, 0), n-1)]
}

// phase runs operations first..first+count-1 on conc workers until they are
// all done, maxWall has passed or parent is done. With record, each worker
// records every operation's latency in its own slice (nothing shared on the
// hot path but one atomic counter); the warm-up runs unrecorded. A measured
// phase starts its indexes after the warm-up's, so that it does not replay
// the warm-up's inputs first.
func phase(parent context.Context, conc, first, count int, maxWall time.Duration, do op, record bool) (result, error) {
	if conc < 1 || count < 1 {
		return result{}, fmt.Errorf("concurrency %d and count %d must be at least 1", conc, count)
	}
	ctx, cancel := context.WithTimeout(parent, maxWall)
	defer cancel()
	var (
		next    atomic.Int64
		numbers atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		firstE  error
	)
	lats := make([][]time.Duration, conc)
	start := time.Now()
	for w := range conc {
		if record {
			lats[w] = make([]time.Duration, 0, count/conc+1)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var nums int64
			defer func() { numbers.Add(nums) }()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= count {
					return
				}
				t := time.Now()
				n, err := do(ctx, first+i)
				d := time.Since(t)
				if err != nil {
					if ctx.Err() != nil { // the time cap, not a failure
						return
					}
					errOnce.Do(func() { firstE = err; cancel() })
					return
				}
				nums += int64(n)
				if record {
					lats[w] = append(lats[w], d)
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if firstE != nil {
		return result{}, firstE
	}
	if err := parent.Err(); err != nil {
		return result{}, err
	}
	r := result{numbers: int(numbers.Load()), wall: wall}
	for _, l := range lats {
		r.lat = append(r.lat, l...)
	}
	slices.Sort(r.lat)
	r.ops = len(r.lat)
	return r, nil
}
