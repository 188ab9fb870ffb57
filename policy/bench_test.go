package policy

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// benchHistory holds 100,000 attempts of 33,334 numbers base, base+3, ...
// (a refusal every seventh line), in May 2026.
func benchHistory(b *testing.B, base uint64) *History {
	b.Helper()
	var hb HistoryBuilder
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		hb.Add(normalize.Key(base+uint64(i%33_334)*3), t0.Add(time.Duration(i)*time.Minute), i%7 == 0)
	}
	h, err := hb.Build()
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// benchAt is a Tuesday, 11:00 in Paris and 05:00 in New York.
var benchAt = time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC)

// BenchmarkReason is Policy.Reason, the per-call path without an Instant,
// under fr with a history (a third of the numbers in it).
func BenchmarkReason(b *testing.B) {
	p := mustPreset(b, "fr")
	h := benchHistory(b, 33600000000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Reason(normalize.Key(33600000000+uint64(i%300_000)), benchAt, h)
	}
}

// BenchmarkInstantReason is the scrub's per-row question: one Instant,
// many numbers, with and without a history (a third of the numbers in it).
func BenchmarkInstantReason(b *testing.B) {
	cases := []struct {
		name, policy string
		base         uint64
		history      bool
	}{
		{"fr-mobile", "fr", 33600000000, false},
		{"fr-mobile-history", "fr", 33600000000, true},
		{"fr-geographic", "fr", 33145000000, false},
		{"us", "us", 12125550000, false},
		{"us-history", "us", 12125550000, true},
		{"us-many-area-codes", "us", 0, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			p := mustPreset(b, c.policy)
			var h *History
			if c.history {
				h = benchHistory(b, c.base)
			}
			keys := make([]normalize.Key, 4096)
			rng := rand.New(rand.NewPCG(16, 5))
			for i := range keys {
				if c.base == 0 {
					keys[i] = normalize.Key(1e10 + (200+rng.Uint64N(800))*1e7 + rng.Uint64N(1e7))
				} else {
					keys[i] = normalize.Key(c.base + rng.Uint64N(100_000))
				}
			}
			in := p.At(benchAt)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				in.Reason(keys[i%len(keys)], h)
			}
		})
	}
}

// BenchmarkInstantReasonParallel asks one Instant from every P at once, as
// the scrub's workers do.
func BenchmarkInstantReasonParallel(b *testing.B) {
	p := mustPreset(b, "fr")
	in := p.At(benchAt)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		k := uint64(33600000000)
		for pb.Next() {
			in.Reason(normalize.Key(k), nil)
			k += 7
		}
	})
}

// sinkInstant keeps BenchmarkAt's Instants on the heap, as the scrub's are.
var sinkInstant *Instant

// BenchmarkAt is the cost of an Instant (and its first answers, for the
// zones a French file has), once per scrub or per check request.
func BenchmarkAt(b *testing.B) {
	p := mustPreset(b, "fr")
	keys := []normalize.Key{33612345678, 33145678901, 33387123456, 262262123456, 12125550123}
	p.At(benchAt).Reason(keys[0], nil) // zones loaded once per Policy
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkInstant = p.At(benchAt)
		}
	})
	b.Run("new-and-first-answers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			in := p.At(benchAt)
			sinkInstant = in
			for _, k := range keys {
				in.Reason(k, nil)
			}
		}
	})
}

// BenchmarkZoneSetOf is the zone table lookup alone.
func BenchmarkZoneSetOf(b *testing.B) {
	for _, c := range []struct {
		name string
		k    normalize.Key
	}{{"fr", 33612345678}, {"nanp", 12085550123}, {"reunion", 262692123456}} {
		b.Run(c.name, func(b *testing.B) {
			var s uint16
			for b.Loop() {
				s += zoneSetOf(c.k)
			}
			_ = s
		})
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
