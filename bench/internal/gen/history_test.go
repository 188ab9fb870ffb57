package gen

import (
	"crypto/sha256"
	"os"
	"strings"
	"testing"
	"time"
)

// nsnOf returns the NSN a spelling of the generator's means: its last nine
// digits, when it has at least nine and they do not start with 0 (the
// generator's bad spellings have fewer, or a leading 0 left).
func nsnOf(s string) (string, bool) {
	var d []byte
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) < 9 || d[len(d)-9] == '0' {
		return "", false
	}
	return string(d[len(d)-9:]), true
}

// readLines returns path's lines without their CRLF or LF, header first.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// TestHistoryModel checks the generator's model against a slow reference
// that reads back the files it wrote: the rows' classes, and the rows the
// fr policy blocks at At for each history reason.
func TestHistoryModel(t *testing.T) {
	dir := t.TempDir()
	m, err := Generate(dir, 30_000, 15_000)
	if err != nil {
		t.Fatal(err)
	}
	lines := HistoryLines(m.Rows)
	h, err := GenerateHistory(dir, m, lines)
	if err != nil {
		t.Fatal(err)
	}
	input, reg, _ := Paths(dir)
	hp, _ := HistoryPaths(dir)

	listed := map[string]bool{}
	for _, l := range readLines(t, reg) {
		n, ok := nsnOf(l)
		if !ok {
			t.Fatalf("list line %q", l)
		}
		listed[n] = true
	}

	// history: every attempt's instant per number
	type hist struct {
		attempts []time.Time
		refusals []time.Time
	}
	byNum := map[string]*hist{}
	hl := readLines(t, hp)
	if hl[0] != "telephone;called_at;outcome" {
		t.Fatalf("history header %q", hl[0])
	}
	refusals, last := 0, time.Time{}
	for i, l := range hl[1:] {
		f := strings.Split(l, ";")
		if len(f) != 3 {
			t.Fatalf("history line %d: %q", i+2, l)
		}
		n, ok := nsnOf(f[0])
		if !ok {
			t.Fatalf("history line %d: number %q", i+2, f[0])
		}
		at, err := time.Parse(time.RFC3339, f[1])
		if err != nil {
			t.Fatalf("history line %d: %v", i+2, err)
		}
		if !at.Before(At) || !at.After(At.Add(-historySpan)) || at.Before(last) {
			t.Fatalf("history line %d: %s not in the 90 days before At in order", i+2, f[1])
		}
		if _, off := at.Zone(); off != 0 && off != 3600 && off != 7200 || (off == 7200) != at.Before(summerEnd) && off != 0 {
			t.Fatalf("history line %d: %s has the wrong Paris offset", i+2, f[1])
		}
		last = at
		x := byNum[n]
		if x == nil {
			x = &hist{}
			byNum[n] = x
		}
		x.attempts = append(x.attempts, at)
		switch f[2] {
		case "refused":
			refusals++
			x.refusals = append(x.refusals, at)
		case "answered", "no-answer", "voicemail", "busy":
		default:
			t.Fatalf("history line %d: outcome %q", i+2, f[2])
		}
	}
	if len(hl)-1 != lines || h.Lines != lines || refusals != h.Refusals {
		t.Fatalf("history: %d lines, %d refusals; meta %+v", len(hl)-1, refusals, h)
	}
	if f := float64(refusals) / float64(lines); f < 0.04 || f > 0.06 {
		t.Errorf("refusals are %.1f%% of the lines, want about 5%%", 100*f)
	}

	// the fr rules, read from cli.md, by instants
	within := func(ts []time.Time, d time.Duration) int {
		n := 0
		for _, x := range ts {
			if x.After(At.Add(-d)) && !x.After(At) {
				n++
			}
		}
		return n
	}
	var invalid, registered, kept, refused, limited, fromFile int
	rows := readLines(t, input)[1:]
	inFile := map[string]bool{}
	for _, l := range rows {
		f := strings.Split(l, ";")
		var nums []string
		for _, cell := range f[3:] {
			if n, ok := nsnOf(cell); ok {
				nums = append(nums, n)
				inFile[n] = true
			}
		}
		isReg := false
		for _, n := range nums {
			isReg = isReg || listed[n]
		}
		r, a := false, false
		for _, n := range nums {
			if x := byNum[n]; x != nil {
				r = r || within(x.refusals, refusalCooldown) > 0
				a = a || within(x.attempts, attemptWindow) >= attemptLimit
			}
		}
		switch {
		case len(nums) == 0:
			invalid++
		case isReg:
			registered++
		case r:
			refused++
		case a:
			limited++
		default:
			kept++
		}
	}
	for n, x := range byNum {
		if inFile[n] {
			fromFile += len(x.attempts)
		}
	}
	if invalid != m.Invalid || registered != m.Registered || kept+refused+limited != m.Kept {
		t.Errorf("rows: invalid %d registered %d clean %d; model %+v", invalid, registered, kept+refused+limited, m)
	}
	if refused != h.RefusedRecently || limited != h.AttemptLimit || kept != h.Kept {
		t.Errorf("policy: refused-recently %d attempt-limit %d kept %d; model %+v", refused, limited, kept, h)
	}
	if refused == 0 || limited == 0 {
		t.Errorf("the history blocks no row for one of the reasons: refused-recently %d, attempt-limit %d", refused, limited)
	}
	// 60% of the lines are the rows' numbers; the others may hit them by chance.
	if fromFile < lines*6/10 || h.FromFile != lines*6/10 {
		t.Errorf("%d lines of the rows' numbers, meta %d, want at least %d", fromFile, h.FromFile, lines*6/10)
	}
}

// TestHistoryDeterministic: the same data set gives the same history bytes,
// and the description read back is current.
func TestHistoryDeterministic(t *testing.T) {
	dir := t.TempDir()
	m, err := Generate(dir, 10_000, 5_000)
	if err != nil {
		t.Fatal(err)
	}
	hp, _ := HistoryPaths(dir)
	var sums [2][32]byte
	for i := range sums {
		if _, err := GenerateHistory(dir, m, 10_000); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(hp)
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = sha256.Sum256(b)
	}
	if sums[0] != sums[1] {
		t.Error("two histories of the same data set differ")
	}
	if _, err := ReadHistoryMeta(dir, m, 10_000); err != nil {
		t.Errorf("fresh history: %v", err)
	}
	if _, err := ReadHistoryMeta(dir, m, 20_000); err == nil {
		t.Error("a history of another size reads as current")
	}
	if _, err := Generate(dir, 10_000, 5_000); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadHistoryMeta(dir, m, 10_000); err == nil {
		t.Error("the history survives the data set's regeneration")
	}
}
