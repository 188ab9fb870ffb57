package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

// Numbers of the wash tests: a registered, b passed, c not screened (I),
// d absent.
const (
	washA = normalize.Key(33612345678)
	washB = normalize.Key(33123456789)
	washC = normalize.Key(33698765432)
	washD = normalize.Key(33611111111)
)

func loadWash(t *testing.T, data string, opts LoadOptions) (*Set, error) {
	t.Helper()
	p := writeFile(t, t.TempDir(), "res.csv", []byte(data))
	if opts.Normalizer == nil {
		opts.Normalizer = normalizer(t, "FR")
	}
	return Load(context.Background(), []Spec{ParseSpec("wash:" + p)}, opts)
}

// TestWashVerdicts reads wash results of every shape: verdicts in any case
// and with blanks, a header or none, ',' ';' or tab, LF, CRLF or CR.
func TestWashVerdicts(t *testing.T) {
	for _, c := range []struct {
		name, data string
		codes      WashCodes
		registered []normalize.Key
		screened   []normalize.Key
	}{
		{"dncr", "0612345678,Y\n0123456789,N\n0698765432,I\n", WashCodes{}, []normalize.Key{washA}, []normalize.Key{washA, washB}},
		{"case-and-blanks", "0612345678, y \n0123456789,\" N \"\n0698765432,i\n", WashCodes{}, []normalize.Key{washA}, []normalize.Key{washA, washB}},
		{"header", "phone,result\n0612345678,Y\n0123456789,N\n", WashCodes{}, []normalize.Key{washA}, []normalize.Key{washA, washB}},
		{"header-semicolon-crlf", "Number;Status\r\n06 12 34 56 78;Y\r\n01 23 45 67 89;N\r\n", WashCodes{}, []normalize.Key{washA}, []normalize.Key{washA, washB}},
		{"tab-cr", "0612345678\tY\r0123456789\tN\r0698765432\tX\r", WashCodes{}, []normalize.Key{washA}, []normalize.Key{washA, washB}},
		{"unknown-code", "0612345678,Y\n0123456789,Z\n", WashCodes{}, []normalize.Key{washA}, []normalize.Key{washA}},
		{"us-codes", "number,code\n+33612345678,D\n+33123456789,C\n+33698765432,Q\n+33611111111,w\n",
			WashCodes{Block: []string{"D", "F", "M", "B", "P"}, Pass: []string{"C", "W"}}, []normalize.Key{washA}, []normalize.Key{washA, washB, washD}},
		{"blocking-wins", "0612345678,N\n0612345678,Y\n0123456789,I\n0123456789,N\n", WashCodes{}, []normalize.Key{washA}, []normalize.Key{washA, washB}},
		{"all-passed", "0612345678,N\n", WashCodes{}, nil, []normalize.Key{washA}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := loadWash(t, c.data, LoadOptions{Wash: c.codes, Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			var reg, scr []normalize.Key
			for _, k := range []normalize.Key{washA, washB, washC, washD} {
				if s.Lookup(k) != 0 {
					reg = append(reg, k)
				}
				if s.Screened(k) {
					scr = append(scr, k)
				}
			}
			slices.Sort(c.screened)
			slices.Sort(scr)
			if !slices.Equal(reg, c.registered) || !slices.Equal(scr, c.screened) {
				t.Errorf("registered %v, screened %v; want %v, %v", reg, scr, c.registered, c.screened)
			}
			si := s.Sources()[0]
			if si.Kind != KindWash || si.Entries != len(c.registered) || si.Screened != len(c.screened) || s.ScreenedLen() != len(c.screened) || !s.Screening() {
				t.Errorf("source %+v, ScreenedLen %d", si, s.ScreenedLen())
			}
		})
	}
}

// TestWashInvalid: a line without a verdict, or whose number is not valid,
// is an invalid line (an error with Strict for a missing verdict), named
// by file and line, without the number.
func TestWashInvalid(t *testing.T) {
	s, err := loadWash(t, "0612345678,Y\n0123456789\n0612,N\n", LoadOptions{Checks: Checks{MaxInvalid: Threshold{Count: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	si := s.Sources()[0]
	if si.InvalidLines() != 2 || si.FirstInvalid != 2 || s.Screened(washB) {
		t.Errorf("invalid %v, first %d, screened(b) %v", si.Invalid, si.FirstInvalid, s.Screened(washB))
	}
	_, err = loadWash(t, "0612345678,Y\n0123456789\n", LoadOptions{Strict: true})
	if err == nil || !strings.Contains(err.Error(), "res.csv:2: no verdict") || strings.Contains(err.Error(), "0123456789") {
		t.Errorf("strict, no verdict: %v", err)
	}
	zero, _ := ParseThreshold("0")
	_, err = loadWash(t, "0612345678,Y\n0612,N\n", LoadOptions{Checks: Checks{MaxInvalid: zero}})
	var ie *InvalidLinesError
	if !errors.As(err, &ie) || ie.Line != 2 || strings.Contains(err.Error(), "0612,") {
		t.Errorf("invalid number over --max-invalid: %v", err)
	}
}

// TestWashCodes: a code both blocking and passing is refused, naming it.
func TestWashCodes(t *testing.T) {
	codes := WashCodes{Block: []string{"Y", "d"}, Pass: []string{"N", " D "}}
	if err := codes.Validate(); err == nil || !strings.Contains(err.Error(), `"D"`) {
		t.Errorf("Validate: %v", err)
	}
	if _, err := loadWash(t, "0612345678,Y\n", LoadOptions{Wash: codes}); err == nil || !strings.Contains(err.Error(), `"D"`) {
		t.Errorf("Load: %v", err)
	}
	if err := (WashCodes{}).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestWashEmpty: a wash result that screened no number is refused like an
// empty source; one whose numbers all passed is not.
func TestWashEmpty(t *testing.T) {
	req := LoadOptions{Checks: Checks{RequireNumbers: true, MaxInvalid: Threshold{Count: 10}}}
	_, err := loadWash(t, "phone,result\n0612345678,I\n", req)
	var ee *EmptySourceError
	if !errors.As(err, &ee) {
		t.Errorf("nothing screened: %v", err)
	}
	if _, err := loadWash(t, "0612345678,N\n", req); err != nil {
		t.Errorf("all passed: %v", err)
	}
}

// TestScreenedWithoutWash: without a wash result every number is screened;
// with one beside another registry, the union of the wash results'
// screened sets.
func TestScreenedWithoutWash(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, dir, "list.txt", []byte("0698765432\n"))
	fr := normalizer(t, "FR")
	s, err := Load(context.Background(), []Spec{ParseSpec(list)}, LoadOptions{Normalizer: fr})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Screened(washD) || s.Screening() || s.ScreenedLen() != 0 {
		t.Error("a set without wash results screens every number")
	}
	w1 := writeFile(t, dir, "w1.csv", []byte("0612345678,Y\n"))
	w2 := writeFile(t, dir, "w2.csv", []byte("0123456789,N\n"))
	s, err = Load(context.Background(), []Spec{ParseSpec(list), ParseSpec("wash:" + w1), ParseSpec("w2=wash:" + w2)}, LoadOptions{Normalizer: fr})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Screened(washA) || !s.Screened(washB) || s.Screened(washC) || s.Screened(washD) || s.Lookup(washC) != 1 || s.Lookup(washA) != 2 {
		t.Errorf("screened a %v b %v c %v d %v, lookup c %b a %b", s.Screened(washA), s.Screened(washB), s.Screened(washC), s.Screened(washD), s.Lookup(washC), s.Lookup(washA))
	}
	if a := testing.AllocsPerRun(100, func() { s.Screened(washB) }); a != 0 {
		t.Errorf("Screened allocates %v", a)
	}
}

func TestParseSpecWash(t *testing.T) {
	for _, c := range []struct {
		arg  string
		want Spec
	}{
		{"wash:res/dncr-2026.csv", Spec{Label: "dncr-2026.csv", Path: "res/dncr-2026.csv", Format: KindWash}},
		{"dncr=wash:res.csv", Spec{Label: "dncr", Path: "res.csv", Format: KindWash}},
		{"wash:a=b.csv", Spec{Label: "a=b.csv", Path: "a=b.csv", Format: KindWash}},
		{"dncr=res.csv", Spec{Label: "dncr", Path: "res.csv"}},
		{"washes.csv", Spec{Label: "washes.csv", Path: "washes.csv"}},
	} {
		if got := ParseSpec(c.arg); got != c.want {
			t.Errorf("ParseSpec(%q) = %+v, want %+v", c.arg, got, c.want)
		}
	}
}

// TestWashSnapshot: a snapshot built from a wash result keeps its screened
// set (and checksum), loads as the wash result does, is refused when the
// screened set is damaged, and cannot be a --base.
func TestWashSnapshot(t *testing.T) {
	dir := t.TempDir()
	fr := normalizer(t, "FR")
	w := writeFile(t, dir, "res.csv", []byte("0612345678,Y\n0123456789,N\n0698765432,I\n"))
	list := writeFile(t, dir, "list.txt", []byte("0611111111\n"))
	raw, err := Load(context.Background(), []Spec{ParseSpec("wash:" + w), ParseSpec(list)}, LoadOptions{Normalizer: fr})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := Load(context.Background(), []Spec{ParseSpec(list)}, LoadOptions{Normalizer: fr})
	if raw.Checksum() == plain.Checksum() {
		t.Fatal("the checksum does not cover the screened set")
	}
	snap := filepath.Join(dir, "x.snap")
	if err := WriteSnapshotFile(snap, raw, SnapshotMeta{Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	for _, keep := range []bool{true, false} {
		var s *Set
		if keep {
			_, s, err = ReadSnapshotInfo(snap)
		} else {
			s, err = Load(context.Background(), []Spec{ParseSpec(snap)}, LoadOptions{Normalizer: fr})
		}
		if err != nil {
			t.Fatal(err)
		}
		if !s.Screened(washA) || !s.Screened(washB) || s.Screened(washC) || s.Screened(washD) || s.ScreenedLen() != 2 || s.Lookup(washA) == 0 || s.Lookup(washD) == 0 {
			t.Errorf("snapshot (info %v): screened a %v b %v c %v d %v", keep, s.Screened(washA), s.Screened(washB), s.Screened(washC), s.Screened(washD))
		}
		if keep && (s.Checksum() != raw.Checksum() || s.Sources()[0].Screened != 2) {
			t.Errorf("snapshot checksum %s, want %s; source %+v", s.Checksum(), raw.Checksum(), s.Sources()[0])
		}
		if !keep && s.Sources()[0].Screened != 2 {
			t.Errorf("snapshot source: Screened %d", s.Sources()[0].Screened)
		}
	}
	// Merged with another source, the snapshot's screened set is kept.
	other := writeFile(t, dir, "other.txt", []byte("0698765432\n"))
	m, err := Load(context.Background(), []Spec{ParseSpec(snap), ParseSpec(other)}, LoadOptions{Normalizer: fr})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Screened(washB) || m.Screened(washC) || m.Lookup(washC) == 0 {
		t.Error("merged snapshot lost its screened set")
	}
	// A flipped byte in the screened section (just before the trailer).
	data, _ := os.ReadFile(snap)
	bad := slices.Clone(data)
	bad[len(bad)-trailerLen-1] ^= 0x40
	bp := writeFile(t, dir, "bad.snap", bad)
	if _, err := Load(context.Background(), []Spec{ParseSpec(bp)}, LoadOptions{Normalizer: fr}); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("damaged screened set: %v", err)
	}
	// The same with the trailer fixed: the structure check refuses it, or
	// the screened set differs from the checksum recorded.
	if _, s, err := ReadSnapshotInfo(writeFile(t, dir, "fixed.snap", fixChecksum(bad))); err == nil {
		if err := s.validateContent(); err == nil && s.Checksum() == raw.Checksum() && s.computeChecksum() == raw.Checksum() {
			t.Error("damaged screened set read as good")
		}
	}
	add := writeFile(t, dir, "add.txt", []byte("0622222222\n"))
	if _, _, err := ApplyChanges(context.Background(), snap, []Change{{Path: add}}, LoadOptions{Normalizer: fr}); err == nil || !strings.Contains(err.Error(), "wash results") {
		t.Errorf("base with wash results: %v", err)
	}
}

// FuzzWash reads arbitrary bytes as a wash result: it never panics, every
// registered number is screened, and every screened number is the first
// field of some line (whatever the delimiter), as the normalizer reads it.
func FuzzWash(f *testing.F) {
	for _, s := range []string{
		"0612345678,Y\n0123456789,N\n0698765432,I\n",
		"phone,result\r\n0612345678, y\r\n\"0123456789\",\"N\"\r\n",
		"Number;Status\n06 12 34 56 78;Y\n0612;N\n;Y\n",
		"0612345678\tY\r0123456789\tX\r",
		"0612345678\n0123456789,\n\"06,Y\n",
		"+33612345678,D\n+33123456789,C\n",
	} {
		f.Add([]byte(s))
	}
	fr := normalizer(f, "FR")
	dir := f.TempDir()
	codes := WashCodes{Block: []string{"Y", "D"}, Pass: []string{"N", "C"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		p := filepath.Join(dir, "res.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(context.Background(), []Spec{{Label: "w", Path: p, Format: KindWash}}, LoadOptions{Normalizer: fr, Wash: codes})
		if err != nil {
			return
		}
		firsts := map[normalize.Key]bool{}
		for _, line := range strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' || r == '\r' }) {
			for _, d := range []string{",", ";", "\t"} {
				field, _, _ := strings.Cut(line, d)
				for _, g := range []string{field, strings.Trim(strings.TrimSpace(field), `"`)} {
					if r := fr.Normalize([]byte(g)); r.Valid() {
						firsts[r.Key] = true
					}
				}
			}
		}
		for k := range s.All() {
			if !s.Screened(k) {
				t.Fatalf("registered %d not screened", k)
			}
		}
		if s.screened == nil {
			t.Fatal("a wash result's set has no screened set")
		}
		for _, k := range s.screened.decodeAll() {
			if !firsts[normalize.Key(k)] {
				t.Fatalf("screened %d is no line's first field", k)
			}
		}
	})
}
