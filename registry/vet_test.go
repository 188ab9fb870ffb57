package registry

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in         string
		bad, lines int
		exceeded   bool
	}{
		{"1%", 1, 100, false},
		{"1%", 2, 100, true},
		// A share is rounded down, but allows at least one line.
		{"1%", 1, 99, false}, // at least one line
		{"1%", 1, 1, false},
		{"1%", 1, 3, false},
		{"1%", 2, 57, true},
		{"1%", 2, 101, true}, // 1.01 lines: 1
		{"1%", 2, 200, false},
		{"1%", 11, 1011, true}, // 10.11 lines: 10
		{"1%", 10, 1011, false},
		{"50%", 2, 3, true}, // 1.5 lines: 1
		{"50%", 1, 3, false},
		{"55%", 6, 10, true}, // 5.5 lines: 5
		{"55%", 5, 10, false},
		{"7%", 7, 100, false},
		{"7%", 8, 100, true},
		{"0.5%", 5, 1000, false},
		{"0.5%", 6, 1000, true},
		{"0%", 1, 1_000_000, true},
		{"100%", 10, 10, false},
		{"0", 1, 1_000_000, true},
		{"0", 0, 10, false},
		{"100", 100, 101, false},
		{"100", 101, 101, true},
		{" 5 % ", 2, 10, true},
	}
	for _, tt := range tests {
		th, err := ParseThreshold(tt.in)
		if err != nil {
			t.Errorf("ParseThreshold(%q): %v", tt.in, err)
			continue
		}
		if got := th.Exceeded(tt.bad, tt.lines); got != tt.exceeded {
			t.Errorf("%q.Exceeded(%d, %d) = %v, want %v", tt.in, tt.bad, tt.lines, got, tt.exceeded)
		}
	}
	for _, bad := range []string{"", "x", "-1", "5%%", "101%", "-1%", "1.5"} {
		if _, err := ParseThreshold(bad); err == nil {
			t.Errorf("ParseThreshold(%q) accepted", bad)
		}
	}
	for _, c := range []struct {
		in    string
		lines int
		want  string
	}{
		{"1%", 57, "the 1 allowed (1% of 57 lines rounded down, at least 1)"},
		{"55%", 10, "the 5 allowed (55% of 10 lines rounded down, at least 1)"},
		{"0%", 10, "the 0 allowed (0%)"},
		{"3", 10, "the 3 allowed"},
	} {
		th, _ := ParseThreshold(c.in)
		if got := th.rule(c.lines); got != c.want {
			t.Errorf("%q.rule(%d) = %q, want %q", c.in, c.lines, got, c.want)
		}
	}
	if (Threshold{}).Exceeded(1000, 1) {
		t.Error("the zero Threshold has a limit")
	}
	if s := DefaultMaxInvalid.String(); s != "1%" {
		t.Errorf("DefaultMaxInvalid = %s", s)
	}
}

// loadOne loads data as one raw source with checks c.
func loadOne(t *testing.T, region, name, data string, strict bool, c Checks) (*Set, error) {
	t.Helper()
	p := writeFile(t, t.TempDir(), name, []byte(data))
	return Load(context.Background(), []Spec{{Label: name, Path: p}}, LoadOptions{Normalizer: normalizer(t, region), Strict: strict, Checks: c})
}

func TestChecksInvalidLines(t *testing.T) {
	strictDefault := Checks{MaxInvalid: DefaultMaxInvalid, RequireNumbers: true}
	tests := []struct {
		name, region, data string
		strict             bool
		checks             Checks
		wantErr            string // "" for success
		wantLine           int
		wantBetter         string
	}{
		{"clean list", "FR", "0612345678\n0145678901\n", true, strictDefault, "", 0, ""},
		{"blank lines do not count", "FR", "0612345678\n\n\n0145678901\n\n", true, strictDefault, "", 0, ""},
		{"too-short over 1%", "FR", "0612345678\n0145678901\n01 23\n0199\n", true, strictDefault, "2 of 4 lines", 3, ""},
		{"one stray line", "FR", "0612345678\n0145678901\n01 23\n", true, strictDefault, "", 0, ""},
		{"too-short under a count", "FR", "0612345678\n01 23\n0199\n", true, Checks{MaxInvalid: Threshold{Count: 2, set: true}}, "", 0, ""},
		{"too-short over a count", "FR", "0612345678\n01 23\n0199\n", true, Checks{MaxInvalid: Threshold{Count: 1, set: true}}, "2 of 3 lines", 2, ""},
		{"a single US number read as FR", "FR", "2015550123\n", true, strictDefault, "no phone number in 1 lines read as FR; they are valid US numbers: use --country US", 0, ""},
		{"lenient", "FR", "0612345678\n01 23\n0199\n", true, Checks{MaxInvalid: DefaultMaxInvalid, Lenient: true}, "", 0, ""},
		{"US list read as FR", "FR", "2015550123\n2015550124\n2015550125\n2015550126\n", true, strictDefault, "use --country US", 1, "US"},
		{"Belgian fixed lines read as FR", "FR", "02 512 34 56\n03 234 56 78\n09 234 56 78\n0470 12 34 56\n", true, strictDefault, "valid BE or IT numbers, not FR ones: use --country BE or --country IT", 1, "BE,IT"},
		// Regions that read as many lines are all named, in candidate order.
		{"Belgian fixed lines that DE and IT read too", "FR", "025123456\n025123457\n", true, strictDefault, "valid BE, DE or IT numbers, not FR ones: use --country BE, --country DE or --country IT", 1, "BE,DE,IT"},
		// Ties broken by the trunk 0: GB and DE read 2015550123 only as if
		// its 0 had been dropped; CA is US's plan, named once.
		{"US numbers GB and DE read without their 0", "FR", "2015550123\n2125550188\n", true, strictDefault, "valid US numbers, not FR ones: use --country US:", 1, "US"},
		{"HTML page, lenient parse", "FR", "<html>\n<body>Service unavailable</body>\n</html>\n", false, strictDefault, "2 of 2 lines", 2, ""},
		{"HTML page, strict parse", "FR", "<html>\n<body>Service unavailable</body>\n</html>\n", true, strictDefault, "reg.txt:2: not a phone number", 0, ""},
		{"unbalanced quotes", "FR", "nom;tel\na;0612345678\nb;\"0145678901\n", true, strictDefault, "reg.txt:3: unbalanced quotes", 0, ""},
		{"no number", "FR", "", true, strictDefault, "no phone number in 0 lines", 0, ""},
		{"no number, not required", "FR", "", true, Checks{MaxInvalid: DefaultMaxInvalid}, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warned []string
			tt.checks.Warn = func(m string) { warned = append(warned, m) }
			_, err := loadOne(t, tt.region, "reg.txt", tt.data, tt.strict, tt.checks)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if tt.checks.Lenient && len(warned) == 0 {
					t.Error("lenient: no warning")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			var ile *InvalidLinesError
			if errors.As(err, &ile) {
				if better := strings.Join(ile.BetterRegion, ","); ile.Line != tt.wantLine || better != tt.wantBetter {
					t.Errorf("line %d better %q, want %d %q", ile.Line, better, tt.wantLine, tt.wantBetter)
				}
			}
			if !strings.Contains(err.Error(), "reg.txt") {
				t.Errorf("error names no file: %v", err)
			}
			for _, digits := range []string{"2015550123", "0612345678", "123 45 67", "0145678901"} {
				if strings.Contains(err.Error(), digits) {
					t.Errorf("error holds a number: %v", err)
				}
			}
		})
	}
}

func TestMultipleNumbersOnALine(t *testing.T) {
	fr := []uint64{33145678901, 33612345678}
	tests := []struct {
		name, region, data string
		want               []uint64
		invalid            int
	}{
		{"tab", "FR", "0612345678\t0145678901\n", fr, 0},
		{"slash", "FR", "0612345678 / 0145678901\n", fr, 0},
		{"comma", "FR", "0612345678, 0145678901\n", fr, 0},
		{"semicolon", "FR", "0612345678;0145678901\n", fr, 0},
		{"pipe", "FR", "06 12 34 56 78 | 01 45 67 89 01\n", fr, 0},
		{"space", "FR", "0612345678 0145678901\n", fr, 0},
		{"three", "FR", "0612345678 / 0145678901 / +33698765432\n", []uint64{33145678901, 33612345678, 33698765432}, 0},
		{"slashes inside one number", "FR", "06/12/34/56/78\n", fr[1:], 0},
		{"one part invalid stays invalid", "FR", "0612345678 / 0145\n", nil, 1},
		{"a number and digits stay invalid", "FR", "06 12 34 56 78 9\n", nil, 1},
		{"CSV field", "FR", "nom;tel\na;0612345678 / 0145678901\n", fr, 0},
		{"spaced hyphen", "FR", "0612345678 - 0145678901\n", fr, 0},
		{"spaced en dash", "FR", "0612345678 \u2013 0145678901\n", fr, 0},
		{"spaced em dash", "FR", "0612345678 \u2014 0145678901\n", fr, 0},
		{"spaced minus sign", "FR", "0612345678 \u2212 0145678901\n", fr, 0},
		{"no-break space", "FR", "0612345678\u00a00145678901\n", fr, 0},
		{"ideographic space", "FR", "0612345678\u30000145678901\n", fr, 0},
		{"hyphens inside one number", "FR", "06-12-34-56-78\n", fr[1:], 0},
		{"CSV line longer than its header", "FR", "nom;tel\na;0612345678;0145678901\n", fr, 0},
		{"NANP line is one number", "US", "201,5550123\n202,5550124\n", []uint64{12015550123, 12025550124}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := loadOne(t, tt.region, "reg.txt", tt.data, false, Checks{})
			if err != nil {
				t.Fatal(err)
			}
			if got := keysOf(s); !slices.Equal(got, tt.want) {
				t.Errorf("keys %v, want %v", got, tt.want)
			}
			si := s.Sources()[0]
			if got := si.InvalidLines(); got != tt.invalid {
				t.Errorf("invalid lines %d (%v), want %d", got, si.Invalid, tt.invalid)
			}
			if si.Lines != strings.Count(tt.data, "\n")-map[bool]int{true: 1}[strings.HasPrefix(tt.data, "nom")] {
				t.Errorf("lines %d", si.Lines)
			}
		})
	}
}

// The first invalid line is the lowest whatever worker parsed it.
func TestFirstInvalidAcrossChunks(t *testing.T) {
	var b strings.Builder
	for range 5000 {
		b.WriteString("0612345678\n")
	}
	b.WriteString("01 23\n")
	for range 5000 {
		b.WriteString("0145678901\n")
	}
	b.WriteString("0199\n")
	p := writeFile(t, t.TempDir(), "reg.txt", []byte(b.String()))
	s, err := Load(context.Background(), []Spec{{Label: "r", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), chunkBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	if si := s.Sources()[0]; si.FirstInvalid != 5001 || si.FirstReason != "too-short" || si.Region != "FR" {
		t.Errorf("first invalid %d %q region %q", si.FirstInvalid, si.FirstReason, si.Region)
	}
}

func TestChecksFutureAsOf(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "reg.txt", []byte("0612345678\n"))
	now := time.Now()
	n := normalizer(t, "FR")
	load := func() error {
		_, err := Load(context.Background(), []Spec{{Label: "r", Path: p}}, LoadOptions{Normalizer: n, Checks: Checks{Now: now}})
		return err
	}
	for _, tt := range []struct {
		mtime time.Time
		ok    bool
	}{
		{now.AddDate(-5, 0, 0), true},
		{now, true},
		{now.Add(20 * time.Hour), true}, // clock skew
		{now.Add(72 * time.Hour), false},
		{time.Date(2200, 12, 31, 0, 0, 0, 0, time.UTC), false}, // os.Chtimes cannot go past 2262
	} {
		if err := os.Chtimes(p, tt.mtime, tt.mtime); err != nil {
			t.Fatal(err)
		}
		err := load()
		var fe *FutureAsOfError
		if tt.ok != (err == nil) || (err != nil && !errors.As(err, &fe)) {
			t.Errorf("mtime %v: err %v", tt.mtime, err)
		}
	}

	// A snapshot dated in the future (as an older build wrote it).
	if err := os.Chtimes(p, now, now); err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), []Spec{{Label: "r", Path: p}}, LoadOptions{Normalizer: n})
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "r.snap")
	if err := WriteSnapshotFile(snap, s, SnapshotMeta{AsOf: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), []Spec{{Label: "s", Path: snap}}, LoadOptions{Normalizer: n, Checks: Checks{Now: now}})
	if fe := (*FutureAsOfError)(nil); !errors.As(err, &fe) || !strings.Contains(err.Error(), "9999-12-31") {
		t.Errorf("future snapshot: %v", err)
	}
	// And as the base of change files.
	_, _, err = ApplyChanges(context.Background(), snap, nil, LoadOptions{Normalizer: n, Checks: Checks{Now: now}})
	if fe := (*FutureAsOfError)(nil); !errors.As(err, &fe) {
		t.Errorf("future base: %v", err)
	}
}

// TestAsOfClampedToToday checks that a source dated after today but within
// the clock skew (a raw list written 20 hours ahead) is dated today, for a
// raw list, a snapshot, and the set: a snapshot is never dated after the
// day it is built, and an age is never negative.
func TestAsOfClampedToToday(t *testing.T) {
	dir := t.TempDir()
	n := normalizer(t, "FR")
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	today := Today(now)
	ahead := now.Add(20 * time.Hour) // 2 March, 06:00 UTC
	p := writeFile(t, dir, "reg.txt", []byte("0612345678\n"))
	if err := os.Chtimes(p, ahead, ahead); err != nil {
		t.Fatal(err)
	}
	set, err := Load(context.Background(), []Spec{{Label: "r", Path: p}}, LoadOptions{Normalizer: n, Checks: Checks{Now: now}})
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Sources()[0].AsOf; !got.Equal(today) || !set.AsOf().Equal(today) {
		t.Errorf("raw list %v ahead: as-of %v (set %v), want today %v", ahead, got, set.AsOf(), today)
	}
	snap := filepath.Join(dir, "r.snap")
	if err := WriteSnapshotFile(snap, set, SnapshotMeta{AsOf: ahead.Truncate(24 * time.Hour), Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	set, err = Load(context.Background(), []Spec{{Label: "s", Path: snap}}, LoadOptions{Normalizer: n, Checks: Checks{Now: now}})
	if err != nil {
		t.Fatal(err)
	}
	if got := set.AsOf(); !got.Equal(today) {
		t.Errorf("snapshot dated tomorrow: as-of %v, want today %v", got, today)
	}
}

func TestSnapshotRegion(t *testing.T) {
	dir := t.TempDir()
	us := normalizer(t, "US")
	p := writeFile(t, dir, "dnc.txt", []byte("2015550123\n"))
	s, err := Load(context.Background(), []Spec{{Label: "dnc", Path: p}}, LoadOptions{Normalizer: us})
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "dnc.snap")
	if err := WriteSnapshotFile(snap, s, SnapshotMeta{Country: "US"}); err != nil {
		t.Fatal(err)
	}
	meta, info, err := ReadSnapshotInfo(snap)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Country != "US" || info.Sources()[0].Region != "US" {
		t.Errorf("country %q, source region %q", meta.Country, info.Sources()[0].Region)
	}
	var warned []string
	c := Checks{Warn: func(m string) { warned = append(warned, m) }}
	set, err := Load(context.Background(), []Spec{{Label: "s", Path: snap}}, LoadOptions{Normalizer: normalizer(t, "FR"), Checks: c})
	if err != nil {
		t.Fatal(err)
	}
	if set.Sources()[0].Region != "US" || len(warned) != 1 || !strings.Contains(warned[0], "read as US, this run reads them as FR") {
		t.Errorf("region %q, warnings %q", set.Sources()[0].Region, warned)
	}
	warned = nil
	if _, err := Load(context.Background(), []Spec{{Label: "s", Path: snap}}, LoadOptions{Normalizer: us, Checks: c}); err != nil || len(warned) != 0 {
		t.Errorf("same region: %v, %q", err, warned)
	}
}

// A version 1 snapshot (no region per source) still loads; its raw sources
// take the snapshot's country.
func TestSnapshotVersion1(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "dnc.txt", []byte("2015550123\n"))
	s, err := Load(context.Background(), []Spec{{Label: "dnc", Path: p}}, LoadOptions{Normalizer: normalizer(t, "US")})
	if err != nil {
		t.Fatal(err)
	}
	s.sources[0].Region = "" // as version 1 wrote it
	snap := filepath.Join(dir, "v1.snap")
	if err := WriteSnapshotFile(snap, s, SnapshotMeta{Country: "US"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(`"region"`)) {
		t.Fatal("region written for an empty region")
	}
	v1 := func(data []byte) []byte {
		data = bytes.Clone(data)
		data[len(snapMagic)] = 1
		i := bytes.Index(data, []byte(`"format":2`))
		data[i+len(`"format":`)] = '1'
		n := len(data) - trailerLen
		binary.LittleEndian.PutUint64(data[n:], xxhash.Sum64(data[:n]))
		return data
	}
	if err := os.WriteFile(snap, v1(data), 0o644); err != nil {
		t.Fatal(err)
	}
	meta, info, err := ReadSnapshotInfo(snap)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Country != "US" || info.Sources()[0].Region != "US" || info.Len() != 1 {
		t.Errorf("v1: country %q region %q len %d", meta.Country, info.Sources()[0].Region, info.Len())
	}
	// A version 1 header with a region field is refused.
	s.sources[0].Region = "US"
	if err := WriteSnapshotFile(snap, s, SnapshotMeta{Country: "US"}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(snap)
	if err := os.WriteFile(snap, v1(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadSnapshotInfo(snap); !errors.Is(err, ErrCorrupt) {
		t.Errorf("v1 with region: %v", err)
	}
}
