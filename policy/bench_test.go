package policy

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// BenchmarkReason is the scrub's per-row question under fr, with a history.
func BenchmarkReason(b *testing.B) {
	p := mustPreset(b, "fr")
	var hb HistoryBuilder
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		hb.Add(normalize.Key(33600000000+uint64(i)*3), t0.Add(time.Duration(i)*time.Minute), i%7 == 0)
	}
	h, err := hb.Build()
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Reason(normalize.Key(33600000000+uint64(i%300_000)), at, h)
	}
}

// BenchmarkHistoryBuild streams 1M lines into a History.
func BenchmarkHistoryBuild(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]normalize.Key, n)
	for i := range keys {
		keys[i] = normalize.Key(33600000000 + rng.Uint64N(n/3)*7)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		var hb HistoryBuilder
		hb.Grow(n)
		for i, k := range keys {
			hb.Add(k, t0.Add(time.Duration(i)*time.Second), i%10 == 0)
		}
		h, err := hb.Build()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(h.Bytes())/n, "state-B/line")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/line")
}
