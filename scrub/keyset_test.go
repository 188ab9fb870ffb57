package scrub

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

// keySet answers as a map does, on key sets of every shape: few distinct
// keys (most adds are duplicates), consecutive numbers, random numbers of a
// whole plan, keys near 0 and near 2^50; across many doublings and with
// probes that wrap around the end of the table.
func TestKeySetMatchesMap(t *testing.T) {
	gens := map[string]func(r *rand.Rand) normalize.Key{
		"few":         func(r *rand.Rand) normalize.Key { return normalize.Key(33600000000 + r.IntN(500)) },
		"consecutive": nil, // filled below
		"plan":        func(r *rand.Rand) normalize.Key { return normalize.Key(33600000000 + r.IntN(200_000_000)) },
		"small":       func(r *rand.Rand) normalize.Key { return normalize.Key(1 + r.IntN(5000)) },
		"wide":        func(r *rand.Rand) normalize.Key { return normalize.Key(1 + r.Uint64N(1<<50)) },
	}
	var next normalize.Key = 12015550000
	gens["consecutive"] = func(r *rand.Rand) normalize.Key {
		if r.IntN(4) == 0 {
			return next - normalize.Key(r.IntN(100)) // an earlier one, maybe
		}
		next++
		return next
	}
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(len(name))))
			s := newKeySet()
			m := map[normalize.Key]bool{}
			for i := range 60_000 {
				k := gen(r)
				if got, want := s.has(k), m[k]; got != want {
					t.Fatalf("op %d: has(%d) = %v, map says %v", i, k, got, want)
				}
				if r.IntN(3) > 0 {
					s.add(k)
					m[k] = true
				}
				if s.len() != len(m) {
					t.Fatalf("op %d: len %d, map %d", i, s.len(), len(m))
				}
			}
			for k := range m {
				if !s.has(k) {
					t.Fatalf("%d lost", k)
				}
			}
			// 8 bytes a slot, 3/8 to 3/4 of the slots used: at most 21.4
			// bytes a number (a map: about 45).
			if s.len() > 0 && s.len()*4 > len(s.slots)*3 {
				t.Errorf("%d keys in %d slots: over 3/4 full", s.len(), len(s.slots))
			}
			if len(s.slots) > keySetMinSlots && s.len()*8 < len(s.slots)*3 {
				t.Errorf("%d keys in %d slots: under 3/8 full", s.len(), len(s.slots))
			}
		})
	}
}

// A table whose keys all hash near its end probes past the last slot to
// the first ones.
func TestKeySetWraps(t *testing.T) {
	s := newKeySet()
	var ks []normalize.Key
	for k := normalize.Key(1); len(ks) < 200; k++ {
		if s.home(k) >= uint64(len(s.slots))-2 {
			ks = append(ks, k)
		}
	}
	for i, k := range ks[:keySetMinSlots/8] { // stays in the first table
		s.add(k)
		for _, j := range ks[:i+1] {
			if !s.has(j) {
				t.Fatalf("after %d adds: %d lost", i+1, j)
			}
		}
	}
	if s.slots[0] == 0 {
		t.Error("no key wrapped around to slot 0")
	}
	if s.has(ks[len(ks)-1]) {
		t.Error("has a key never added")
	}
}

// BenchmarkDedupeSet compares the keySet with the map it replaced on what
// --dedupe does with each number (a look-up, then an add when new), 10%
// duplicates, French mobile numbers: ns/number and the live heap the set
// holds, in bytes/number (and all bytes allocated while it grew).
func BenchmarkDedupeSet(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000, 6_350_000} {
		r := rand.New(rand.NewPCG(1, 2))
		keys := make([]normalize.Key, n)
		for i := range keys {
			if i > 0 && r.IntN(10) == 0 {
				keys[i] = keys[r.IntN(i)]
			} else {
				keys[i] = normalize.Key(33600000000 + r.IntN(200_000_000))
			}
		}
		// run builds the set and returns the bytes it holds outside the Go
		// heap and the bytes it allocated there (the keySet's mapped
		// tables, which ReadMemStats does not see), and a release.
		impls := []struct {
			name string
			run  func() (mapped, mappedAlloc float64, release func())
		}{
			{"map", func() (float64, float64, func()) {
				m := map[normalize.Key]struct{}{}
				for _, k := range keys {
					if _, ok := m[k]; !ok {
						m[k] = struct{}{}
					}
				}
				return 0, 0, func() { runtime.KeepAlive(m) }
			}},
			{"keyset", func() (float64, float64, func()) {
				s := newKeySet()
				for _, k := range keys {
					if !s.has(k) {
						s.add(k)
					}
				}
				// The tables of every doubling: min + 2 min + ... + len.
				size := float64(len(s.slots) * 8)
				return size, 2*size - keySetMinSlots*8, s.release
			}},
		}
		for _, impl := range impls {
			b.Run(fmt.Sprintf("n=%d/%s", n, impl.name), func(b *testing.B) {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				mapped, mappedAlloc, release := impl.run()
				runtime.GC()
				runtime.ReadMemStats(&after)
				live := float64(after.HeapAlloc) - float64(before.HeapAlloc) + mapped
				alloc := float64(after.TotalAlloc-before.TotalAlloc) + mappedAlloc
				release()
				for b.Loop() {
					_, _, release := impl.run()
					release()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/number")
				b.ReportMetric(live/float64(n), "B/number")
				b.ReportMetric(alloc/float64(n), "alloc-B/number")
			})
		}
	}
}
