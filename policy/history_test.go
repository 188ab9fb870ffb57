package policy

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

type line struct {
	k       normalize.Key
	at      time.Time
	refused bool
}

func build(t testing.TB, lines []line) *History {
	t.Helper()
	var b HistoryBuilder
	for _, l := range lines {
		b.Add(l.k, l.at, l.refused)
	}
	h, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHistoryRules(t *testing.T) {
	fr := mustPreset(t, "fr")
	at := utc(t, "2026-06-02T09:00:00Z") // a Tuesday, 11:00 in Paris
	day := 24 * time.Hour
	k := mustKey(t, "+33612345678")
	other := mustKey(t, "+33612345679")
	cases := []struct {
		name  string
		lines []line
		want  Reason
		next  string
	}{
		{"none", nil, Callable, "2026-06-02T09:00:00Z"},
		{"refused 59 days back", []line{{k, at.Add(-59 * day), true}}, RefusedRecently, "2026-06-03T09:00:00Z"},
		{"refused 61 days back", []line{{k, at.Add(-61 * day), true}}, Callable, "2026-06-02T09:00:00Z"},
		{"refused exactly 1440h back", []line{{k, at.Add(-1440 * time.Hour), true}}, Callable, "2026-06-02T09:00:00Z"},
		{"refused 1440h-1s back", []line{{k, at.Add(-1440*time.Hour + time.Second), true}}, RefusedRecently, "2026-06-02T09:00:01Z"},
		{"refused at T", []line{{k, at, true}}, RefusedRecently, "2026-08-03T08:00:00Z"}, // 1 Aug is a Saturday
		{"refused after T", []line{{k, at.Add(time.Second), true}}, Callable, "2026-06-02T09:00:00Z"},
		{"another number refused", []line{{other, at.Add(-day), true}}, Callable, "2026-06-02T09:00:00Z"},
		{"3 attempts", []line{{k, at.Add(-1 * day), false}, {k, at.Add(-2 * day), false}, {k, at.Add(-29 * day), false}}, Callable, "2026-06-02T09:00:00Z"},
		{"4 attempts", []line{{k, at.Add(-1 * day), false}, {k, at.Add(-2 * day), false}, {k, at.Add(-3 * day), false}, {k, at.Add(-29 * day), false}}, AttemptLimit, "2026-06-03T09:00:00Z"},
		{"4 attempts, one at T-720h", []line{{k, at.Add(-1 * day), false}, {k, at.Add(-2 * day), false}, {k, at.Add(-3 * day), false}, {k, at.Add(-720 * time.Hour), false}}, Callable, "2026-06-02T09:00:00Z"},
		{"4 attempts, one at T", []line{{k, at, false}, {k, at.Add(-2 * day), false}, {k, at.Add(-3 * day), false}, {k, at.Add(-4 * day), false}}, AttemptLimit, "2026-06-29T08:00:00Z"}, // free on Sunday 28th
		{"refusal before limit", []line{{k, at.Add(-1 * day), true}, {k, at.Add(-2 * day), false}, {k, at.Add(-3 * day), false}, {k, at.Add(-4 * day), false}}, RefusedRecently, "2026-07-31T09:00:00Z"},
		// The attempts free the number at 20:30 local: the next window is the next morning.
		{"free outside hours", []line{{k, at.Add(-1 * day), false}, {k, at.Add(-2 * day), false}, {k, at.Add(-3 * day), false}, {k, utc(t, "2026-05-03T18:30:00Z"), false}}, AttemptLimit, "2026-06-03T08:00:00Z"},
	}
	for _, c := range cases {
		h := build(t, c.lines)
		d := fr.Decide(k, at, h)
		if d.Reason != c.want || !d.Next.Equal(utc(t, c.next)) {
			t.Errorf("%s: %q next %v, want %q next %s", c.name, d.Reason, d.Next, c.want, c.next)
		}
	}
}

func TestHistorySpan(t *testing.T) {
	var b HistoryBuilder
	b.Add(1, time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), false)
	b.Add(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false)
	if _, err := b.Build(); err == nil {
		t.Fatal("a 76-year history built")
	}
}

// naiveReason is the slow reference: every line of the number scanned.
func naiveReason(lines []line, k normalize.Key, t int64, p *Policy) Reason {
	n := 0
	for _, l := range lines {
		s := l.at.Unix()
		if l.k != k || s > t {
			continue
		}
		if l.refused && p.RefusalCooldown > 0 && s > t-int64(p.RefusalCooldown/time.Second) {
			return RefusedRecently
		}
		if s > t-int64(p.AttemptWindow/time.Second) {
			n++
		}
	}
	if p.AttemptLimit > 0 && n >= p.AttemptLimit {
		return AttemptLimit
	}
	return Callable
}

// naiveHours is the slow reference for one zone: the wall clock read
// directly.
func naiveHours(p *Policy, k normalize.Key, t time.Time, locs []*time.Location) Reason {
	r := Callable
	for _, loc := range locs {
		lt := t.In(loc)
		ws := p.Windows[lt.Weekday()]
		switch {
		case len(ws) == 0:
			r = worse(r, OutsideHours)
		case p.holiday(k, lt.Year(), lt.Month(), lt.Day()):
			r = worse(r, Holiday)
		default:
			s := int32(lt.Hour()*3600 + lt.Minute()*60 + lt.Second())
			in := false
			for _, w := range ws {
				in = in || w.Start <= s && s < w.End
			}
			if !in {
				r = worse(r, OutsideHours)
			}
		}
	}
	return r
}

func randomPolicy(rng *rand.Rand) *Policy {
	p := &Policy{Name: "random", zones: &zoneCache{}}
	for d := range 7 {
		if rng.IntN(3) == 0 {
			continue
		}
		at := int32(0)
		for at < 86400 && rng.IntN(3) != 0 {
			start := at + int32(rng.IntN(8*60))*60
			end := start + int32(1+rng.IntN(6*60))*60
			if end > 86400 {
				break
			}
			p.Windows[d] = append(p.Windows[d], Window{start, end})
			at = end
		}
	}
	p.Windows[rng.IntN(7)] = append(p.Windows[rng.IntN(7)][:0:0], Window{36000, 46800})
	if rng.IntN(2) == 0 {
		p.Calendars = []string{CalendarFR}
	}
	if rng.IntN(2) == 0 {
		p.AttemptLimit = 1 + rng.IntN(4)
		p.AttemptWindow = time.Duration(1+rng.IntN(180)) * time.Minute
	}
	if rng.IntN(2) == 0 {
		p.RefusalCooldown = time.Duration(1+rng.IntN(180)) * time.Minute
	}
	return p
}

// TestDecideProperty: for random policies, histories, zones and instants
// (around DST changes and holidays), Reason and Next equal the slow
// references. The reference Next tries T, every minute boundary, and every
// instant an attempt leaves the window or a refusal the cool-down, in order:
// the only instants at which the answer can change.
func TestDecideProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	zoneSets := [][]string{{"Europe/Paris"}, {"America/New_York"}, {"America/Adak", "America/Anchorage"},
		{"Australia/Lord_Howe"}, {"Pacific/Chatham"}, {"Indian/Reunion"}, {"Europe/Paris", "America/New_York"}}
	keys := []normalize.Key{33612345678, 33145678901, 262262123456, 12125550123}
	bases := []string{"2026-03-29T00:30:00Z", "2026-10-25T00:30:00Z", "2026-03-08T06:00:00Z", "2026-11-01T05:30:00Z",
		"2026-04-04T20:00:00Z", "2026-05-01T03:00:00Z", "2026-12-24T12:00:00Z", "2026-04-05T14:00:00Z"}
	const horizonRef = 4 * 24 * time.Hour
	for iter := range 150 {
		p := randomPolicy(rng)
		var locs []*time.Location
		for _, n := range zoneSets[rng.IntN(len(zoneSets))] {
			loc, err := time.LoadLocation(n)
			if err != nil {
				t.Fatal(err)
			}
			locs = append(locs, loc)
		}
		at := utc(t, bases[rng.IntN(len(bases))]).Add(time.Duration(rng.IntN(6*3600)-3*3600) * time.Second)
		k := keys[rng.IntN(len(keys))]
		var lines []line
		for range rng.IntN(12) {
			lines = append(lines, line{keys[rng.IntN(len(keys))], at.Add(time.Duration(rng.IntN(8*3600)-6*3600) * time.Second), rng.IntN(4) == 0})
		}
		h := build(t, lines)
		ref := func(c time.Time) Reason {
			if r := naiveReason(lines, k, c.Unix(), p); r != Callable {
				return r
			}
			return naiveHours(p, k, c, locs)
		}
		got := h.reason(k, at.Unix(), p)
		if got == Callable {
			got = p.hoursReason(k, at, locs)
		}
		if want := ref(at); got != want {
			t.Fatalf("iter %d at %v: reason %q, reference %q", iter, at, got, want)
		}
		cands := []time.Time{at}
		for m := at.Truncate(time.Minute).Add(time.Minute); m.Before(at.Add(horizonRef)); m = m.Add(time.Minute) {
			cands = append(cands, m)
		}
		for _, l := range lines {
			cands = append(cands, l.at.Add(p.AttemptWindow), l.at.Add(p.RefusalCooldown))
		}
		slices.SortFunc(cands, func(a, b time.Time) int { return a.Compare(b) })
		var want time.Time
		for _, c := range cands {
			if !c.Before(at) && c.Before(at.Add(horizonRef)) && ref(c) == Callable {
				want = c
				break
			}
		}
		next := p.next(k, at, h, locs)
		if want.IsZero() {
			if !next.IsZero() && next.Before(at.Add(horizonRef)) {
				t.Fatalf("iter %d at %v: next %v, reference none within %v", iter, at, next, horizonRef)
			}
		} else if !next.Equal(want) {
			t.Fatalf("iter %d at %v zones %v: next %v, reference %v", iter, at, locs, next, want)
		}
	}
}

// TestHistoryProperty: for random histories of many numbers, the packed
// state answers every number at many instants as the naive scan does.
func TestHistoryProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	t0 := utc(t, "2026-06-01T00:00:00Z")
	for iter := range 50 {
		p := &Policy{AttemptLimit: 1 + rng.IntN(5), AttemptWindow: time.Duration(1+rng.IntN(40)) * 24 * time.Hour,
			RefusalCooldown: time.Duration(rng.IntN(70)) * 24 * time.Hour}
		keys := make([]normalize.Key, 1+rng.IntN(20))
		for i := range keys {
			keys[i] = normalize.Key(33600000000 + rng.Uint64N(1e8))
		}
		var lines []line
		for range rng.IntN(300) {
			lines = append(lines, line{keys[rng.IntN(len(keys))], t0.Add(time.Duration(rng.Int64N(int64(120 * 24 * time.Hour)))).Truncate(time.Second), rng.IntN(5) == 0})
		}
		h := build(t, lines)
		if h.Lines() != len(lines) {
			t.Fatalf("Lines %d, want %d", h.Lines(), len(lines))
		}
		for range 200 {
			k := keys[rng.IntN(len(keys))]
			at := t0.Unix() + rng.Int64N(150*86400) - 10*86400
			if got, want := h.reason(k, at, p), naiveReason(lines, k, at, p); got != want {
				t.Fatalf("iter %d: %v at %d: %q, reference %q", iter, k, at, got, want)
			}
		}
	}
}

// TestHistoryMemory measures the built state's memory per line: 4 bytes a
// line and 12 a distinct number plus its filter bits (1 to 2 bytes), so
// about 8.5 bytes a line when each number has 3 attempts, and the heap keeps
// no more than that once the builder is gone.
func TestHistoryMemory(t *testing.T) {
	const lines, numbers = 300_000, 100_000
	rng := rand.New(rand.NewPCG(16, 3))
	t0 := utc(t, "2026-01-01T00:00:00Z")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var b HistoryBuilder
	for i := range lines {
		b.Add(normalize.Key(33600000000+uint64(i%numbers)*7), t0.Add(time.Duration(rng.IntN(90*86400))*time.Second), i%10 == 0)
	}
	h, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if h.Numbers() != numbers || h.Lines() != lines {
		t.Fatalf("numbers %d lines %d", h.Numbers(), h.Lines())
	}
	if got := float64(h.Bytes()) / lines; got > 8.5 {
		t.Errorf("state %.2f bytes a line, want at most 8.5", got)
	}
	heap := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / lines
	t.Logf("state %.2f bytes a line (Bytes), heap kept %.2f bytes a line", float64(h.Bytes())/lines, heap)
	if heap > 9 {
		t.Errorf("heap grew %.2f bytes a line, want at most 9 (the builder must be freed)", heap)
	}
	runtime.KeepAlive(h)
}

// TestHistoryHas checks Has against the numbers added.
func TestHistoryHas(t *testing.T) {
	var b HistoryBuilder
	t0 := utc(t, "2026-11-01T10:00:00Z")
	b.Add(33612345678, t0, false)
	b.Add(33612345670, t0, true)
	h, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[normalize.Key]bool{33612345678: true, 33612345670: true, 33612345679: false, 0: false} {
		if h.Has(k) != want {
			t.Errorf("Has(%d) = %v, want %v", k, !want, want)
		}
	}
}
