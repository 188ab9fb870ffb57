package policy

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// randomKey draws a key from the places whose answers differ: French
// fixed, Alsace-Moselle, mobile and overseas numbers, NANP area codes of
// every zone, countries with several zones, numbers with no known zone, and
// keys too short for their plan.
func randomKey(rng *rand.Rand) normalize.Key {
	digits := func(n int) uint64 { return rng.Uint64N(pow10[n]) }
	var v uint64
	switch rng.IntN(14) {
	case 0:
		v = 33_1_0000_0000 + uint64(rng.IntN(5))*1e8 + digits(8) // geographic 01–05
	case 1:
		v = 33_3_8700_0000 + uint64(rng.IntN(3))*1e6 + digits(6) // 03 87/88/89
	case 2:
		v = 33_6_0000_0000 + uint64(rng.IntN(4))*1e8 + digits(8) // 06, 07, 08, 09
	case 3:
		v = []uint64{262_269_000_000, 262_639_000_000, 262_262_000_000, 262_692_000_000}[rng.IntN(4)] + digits(6)
	case 4:
		v = []uint64{590_590_000_000, 590_690_000_000, 596_596_000_000, 596_696_000_000, 594_594_000_000, 594_694_000_000}[rng.IntN(6)] + digits(6)
	case 5:
		v = 508_41_0000 + digits(4)
	case 6, 7, 8:
		v = 1_000_000_0000 + (200+uint64(rng.IntN(800)))*1e7 + digits(7) // NANP
	case 9:
		v = []uint64{61_0000_0000, 7_000_000_0000, 55_00_0000_0000, 44_0000_000000, 49_0000_0000000}[rng.IntN(5)] + digits(9)
	case 10:
		v = []uint64{800_0000_0000, 882_1300_0000, 881_0000_0000}[rng.IntN(3)] + digits(8) // no zone
	case 11:
		v = 1 + digits(1+rng.IntN(6)) // too short for any plan
	case 12:
		v = 100_000_000 + digits(15-9) + uint64(rng.IntN(899))*pow10[15-3] // any code, 15 digits
	default:
		v = 33 // the bare country code
	}
	return normalize.Key(v)
}

// refReason is the slow reference for one number: the history scanned,
// then the hours read in every zone of ZoneNames, OutsideHours without one.
func refReason(t *testing.T, p *Policy, lines []line, k normalize.Key, at time.Time) Reason {
	if r := naiveReason(lines, k, at.Unix(), p); r != Callable {
		return r
	}
	names := ZoneNames(k)
	if len(names) == 0 {
		return OutsideHours
	}
	var locs []*time.Location
	for _, n := range names {
		loc, err := time.LoadLocation(n)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, loc)
	}
	return naiveHours(p, k, at, locs)
}

// TestInstantProperty: for random policies (the presets, random windows,
// extra dates), instants around DST changes and holidays, histories and
// keys, Instant.Reason (asked from several goroutines at once) equals
// Policy.Reason and the slow reference.
func TestInstantProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 4))
	bases := []string{"2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-10-25T00:59:59Z", "2026-10-25T01:00:00Z",
		"2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-11-01T05:59:59Z", "2026-11-01T06:00:00Z",
		"2026-04-03T09:00:00Z", "2026-05-01T03:00:00Z", "2026-12-24T12:00:00Z", "2026-12-26T12:00:00Z",
		"2026-04-27T08:00:00Z", "2026-05-27T15:00:00Z", "2026-06-10T14:00:00Z", "2026-12-20T07:00:00Z",
		"2026-06-02T09:00:00Z", "2026-06-02T12:00:00Z", "2026-06-06T12:00:00Z"}
	fr, us := mustPreset(t, "fr"), mustPreset(t, "us")
	for iter := range 60 {
		var p *Policy
		switch iter % 4 {
		case 0:
			p = fr
		case 1:
			p = us
		case 2:
			p = randomPolicy(rng)
		default:
			p = fr.WithDates([]int{20260402, 20261224, 20260606})
		}
		at := utc(t, bases[rng.IntN(len(bases))])
		if rng.IntN(2) == 0 {
			at = at.Add(time.Duration(rng.IntN(12*3600)-6*3600) * time.Second)
		}
		keys := make([]normalize.Key, 400)
		for i := range keys {
			keys[i] = randomKey(rng)
		}
		var lines []line
		for range rng.IntN(200) {
			lines = append(lines, line{keys[rng.IntN(len(keys))], at.Add(-time.Duration(rng.Int64N(int64(70*24*time.Hour))) + time.Hour).Truncate(time.Second), rng.IntN(4) == 0})
		}
		var h *History
		if len(lines) > 0 {
			h = build(t, lines)
		}
		want := make([]Reason, len(keys))
		for i, k := range keys {
			want[i] = refReason(t, p, lines, k, at)
			if got := p.Reason(k, at, h); got != want[i] {
				t.Fatalf("iter %d %s +%d at %v: Policy.Reason %q, reference %q", iter, p.Name, k, at, got, want[i])
			}
		}
		in := p.At(at)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 4 {
			wg.Go(func() {
				for j := range keys {
					i := (j*7 + g*101) % len(keys) // each goroutine in its own order
					if got := in.Reason(keys[i], h); got != want[i] {
						errs <- errors.New(p.Name + " " + keys[i].String() + " at " + at.String() + ": Instant.Reason " + got.String() + ", reference " + want[i].String())
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("iter %d: %v", iter, err)
		}
	}
}

// TestInstantZoneLoadFails: a zone that cannot be loaded makes its numbers
// outside-hours (fail closed), for the Instant, Reason and Decide alike.
func TestInstantZoneLoadFails(t *testing.T) {
	p := mustPreset(t, "fr")
	k := mustKey(t, "+33612345678")
	at := utc(t, "2026-06-02T09:00:00Z") // a Tuesday, 11:00 in Paris
	if r := p.At(at).Reason(k, nil); r != Callable {
		t.Fatalf("before: %q", r)
	}
	p.zones.sets[zoneSetOf(k)] = &zoneLocs{err: errors.New("no zone data")}
	if r := p.At(at).Reason(k, nil); r != OutsideHours {
		t.Errorf("Instant.Reason %q, want outside-hours", r)
	}
	if r := p.Reason(k, at, nil); r != OutsideHours {
		t.Errorf("Policy.Reason %q, want outside-hours", r)
	}
	if d := p.Decide(k, at, nil); d.Reason != OutsideHours || !d.Next.IsZero() {
		t.Errorf("Decide %q next %v, want outside-hours and no next", d.Reason, d.Next)
	}
}

// TestReasonPrecedenceWithoutZone: a number with no known zone that was
// refused recently is refused-recently, the history reasons coming first.
func TestReasonPrecedenceWithoutZone(t *testing.T) {
	p := mustPreset(t, "fr")
	k := mustKey(t, "+80012345678")
	at := utc(t, "2026-06-02T09:00:00Z")
	h := build(t, []line{{k, at.Add(-24 * time.Hour), true}})
	if r := p.At(at).Reason(k, h); r != RefusedRecently {
		t.Errorf("Instant.Reason %q", r)
	}
	if d := p.Decide(k, at, h); d.Reason != RefusedRecently || d.Zones != nil || !d.Next.IsZero() {
		t.Errorf("Decide %+v", d)
	}
	if r := p.At(at).Reason(k, nil); r != OutsideHours {
		t.Errorf("without history: %q", r)
	}
}

// TestHoursKey checks that numbers with the same HoursKey get the same hours
// answer at many instants, and that the key tells apart what must be told
// apart (two zones, a Paris and an Alsace number under fr).
func TestHoursKey(t *testing.T) {
	fr, err := Preset("fr")
	if err != nil {
		t.Fatal(err)
	}
	keys := []normalize.Key{33612345678, 33698765432, 33145678901, 33388123456, 262262123456, 262269123456,
		590590123456, 12125550100, 12135550100, 18085550100, 4420712345678}
	byKey := map[uint64][]normalize.Key{}
	for _, k := range keys {
		byKey[fr.HoursKey(k)] = append(byKey[fr.HoursKey(k)], k)
	}
	if fr.HoursKey(33145678901) == fr.HoursKey(33388123456) || fr.HoursKey(12125550100) == fr.HoursKey(12135550100) {
		t.Error("HoursKey does not tell Paris from Alsace, or New York from Los Angeles")
	}
	start := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)
	for h := 0; h < 24*40; h += 7 {
		at := start.Add(time.Duration(h) * time.Hour)
		for _, ks := range byKey {
			for _, k := range ks[1:] {
				if a, b := fr.Reason(ks[0], at, nil), fr.Reason(k, at, nil); a != b {
					t.Errorf("at %v: %d and %d share a HoursKey but get %v and %v", at, ks[0], k, a, b)
				}
			}
		}
	}
}
