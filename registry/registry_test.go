package registry

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

func normalizer(t testing.TB, region string) *normalize.Normalizer {
	t.Helper()
	n, err := normalize.New(region)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func keysOf(s *Set) []uint64 {
	var out []uint64
	for k := range s.All() {
		out = append(out, uint64(k))
	}
	return out
}

func TestLoadFormats(t *testing.T) {
	fr := []uint64{33612345678, 33123456789}
	tests := []struct {
		name, region, file string
		data               []byte
		kind               string
		want               []uint64
		lines              int
		invalid            map[string]int
	}{
		{"plain", "FR", "a.txt", []byte("0612345678\n01 23 45 67 89\n"), KindList, fr, 2, nil},
		{"plain-e164", "FR", "a.txt", []byte("+33612345678\n+33 1 23 45 67 89"), KindList, fr, 2, nil},
		{"header-word", "FR", "a.txt", []byte("numero\n0612345678\n0123456789\n"), KindList, fr, 2, nil},
		{"header-phone", "FR", "a.txt", []byte("Phone\r\n0612345678\r\n0123456789\r\n"), KindList, fr, 2, nil},
		{"unknown-header-word", "FR", "a.txt", []byte("liste\n0612345678\n0123456789\n"), KindList, fr, 2, nil},
		{"bom-crlf", "FR", "a.txt", []byte("\xEF\xBB\xBF0612345678\r\n0123456789\r\n"), KindList, fr, 2, nil},
		{"bom-header", "FR", "a.txt", []byte("\xEF\xBB\xBFtéléphone\r\n0612345678\r\n0123456789\r\n"), KindList, fr, 2, nil},
		{"csv-semicolon", "FR", "a.csv", []byte("nom;Téléphone;ville\nDupont;\"06 12 34 56 78\";Paris\nMartin;01.23.45.67.89;Lyon\n"), KindCSV, fr, 2, nil},
		{"csv-comma", "FR", "a.csv", []byte("id,name,phone_number\n1,\"Dupont, Jean\",0612345678\n2,Martin,+33123456789\n"), KindCSV, fr, 2, nil},
		{"csv-tab", "FR", "a.csv", []byte("id\tmobile\n1\t0612345678\n2\t0123456789\n"), KindCSV, fr, 2, nil},
		{"csv-pipe", "FR", "a.csv", []byte("GSM|x\n0612345678|a\n0123456789|b\n"), KindCSV, fr, 2, nil},
		{"csv-win1252", "FR", "a.csv", []byte("nom;t\xe9l\xe9phone\nA;0612345678\nB;0123456789\n"), KindCSV, fr, 2, nil},
		{"csv-prefers-phone-over-numero", "FR", "a.csv", []byte("numero;telephone\n1;0612345678\n2;0123456789\n"), KindCSV, fr, 2, map[string]int{}},
		{"csv-crm-camel-case", "FR", "a.csv", []byte("Id;HomePhone;WorkPhone;Notes\n1;0612345678;;x\n2;;0123456789;y\n"), KindCSV, fr, 2, map[string]int{}},
		{"csv-crm-contact-number", "FR", "a.csv", []byte("Company,ContactNumber\nA,0612345678\nB,0123456789\n"), KindCSV, fr, 2, map[string]int{}},
		{"csv-mention-not-read", "FR", "a.csv", []byte("Phone;Phone type\n0612345678;mobile\n0123456789;fixed\n"), KindCSV, fr, 2, map[string]int{}},
		{"data-beside-a-header-word", "FR", "a.txt", []byte("tel;0612345678\n0123456789\n"), KindList, fr, 2, map[string]int{}},
		{"csv-empty-field", "FR", "a.csv", []byte("nom;tel\nA;0612345678\nB;\nC\n"), KindCSV, fr[:1], 3, map[string]int{"empty": 2}},
		{"gz", "FR", "a.txt.gz", gz(t, []byte("0612345678\n0123456789\n")), KindList, fr, 2, nil},
		{"nanp", "US", "dnc.txt", []byte("202,5550123\n212,5550199\n"), KindNANP, []uint64{12025550123, 12125550199}, 2, nil},
		{"nanp-fr-region", "FR", "dnc.txt", []byte("202,5550123\r\n2125550199\r\n"), KindNANP, []uint64{12025550123, 12125550199}, 2, nil},
		{"nanp-header", "FR", "dnc.csv", []byte("AreaCode,PhoneNumber\n202,5550123\n\"212\",\"5550199\"\n"), KindNANP, []uint64{12025550123, 12125550199}, 2, nil},
		{"us-10-digit", "US", "dnc.txt", []byte("2025550123\n2125550199\n"), KindList, []uint64{12025550123, 12125550199}, 2, nil},
		{"duplicates", "FR", "a.txt", []byte("0612345678\n+33612345678\n06.12.34.56.78\n"), KindList, fr[:1], 3, nil},
		{"invalid-counted", "FR", "a.txt", []byte("0612345678\n\n123\nabc\n6.12345678E+8\n"), KindList, fr[:1], 5,
			map[string]int{"empty": 1, "not-a-number": 1, "excel-scientific": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, tc.file, tc.data)
			s, err := Load(context.Background(), []Spec{ParseSpec(p)}, LoadOptions{Normalizer: normalizer(t, tc.region)})
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Sorted(slices.Values(tc.want))
			if got := keysOf(s); !slices.Equal(got, want) {
				t.Fatalf("keys = %v, want %v", got, want)
			}
			src := s.Sources()[0]
			if src.Kind != tc.kind {
				t.Errorf("kind = %q, want %q", src.Kind, tc.kind)
			}
			if src.Lines != tc.lines {
				t.Errorf("lines = %d, want %d", src.Lines, tc.lines)
			}
			if src.Entries != len(want) {
				t.Errorf("entries = %d, want %d", src.Entries, len(want))
			}
			for r, n := range tc.invalid {
				if src.Invalid[r] != n {
					t.Errorf("invalid[%s] = %d, want %d (all %v)", r, src.Invalid[r], n, src.Invalid)
				}
			}
			// Every line is either valid or counted.
			total := 0
			for _, n := range src.Invalid {
				total += n
			}
			if tc.invalid != nil && total+len(want) > src.Lines {
				t.Errorf("invalid %v + valid %d > lines %d", src.Invalid, len(want), src.Lines)
			}
			for _, k := range want {
				if s.Lookup(normalize.Key(k)) != 1 {
					t.Errorf("Lookup(%d) = 0", k)
				}
			}
			sum := sha256Hex(tc.data)
			if src.SHA256 != sum {
				t.Errorf("sha256 = %s, want %s", src.SHA256, sum)
			}
			if src.AsOf.IsZero() || src.Label != tc.file {
				t.Errorf("asof %v label %q", src.AsOf, src.Label)
			}
		})
	}
}

func TestLoadInvalidCountsEveryLine(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "a.txt", []byte("0612345678\n\n123\nabc\n6.12345678E+8\n0612\n0612345678\n"))
	s, err := Load(context.Background(), []Spec{ParseSpec(p)}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	src := s.Sources()[0]
	total := 0
	for _, n := range src.Invalid {
		total += n
	}
	if src.Lines != 7 || total != 5 {
		t.Fatalf("lines %d invalid %v", src.Lines, src.Invalid)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		strict bool
		want   string // substring of the error after the path
	}{
		{"strict-letters", []byte("0612345678\nabc\n"), true, "a.txt:2:"},
		{"strict-scientific", []byte("numero\n0612345678\n0123456789\n6.12345678E+8\n"), true, "a.txt:4:"},
		{"strict-csv", []byte("nom;tel\nA;0612345678\nB;inconnu\n"), true, "a.txt:3:"},
		{"strict-unbalanced-quote", []byte("nom;tel\nA;\"0612345678\n"), true, "a.txt:2:"},
		{"binary", []byte("0612345678\n\x00\x01\x02\n"), false, "a.txt:2: binary"},
		{"utf16", []byte("\xff\xfe0\x006\x00"), false, "UTF-16"},
		{"truncated-gzip", gz(t, bytes.Repeat([]byte("0612345678\n"), 1000))[:60], false, "a.txt"},
		{"no-number-column", []byte("nom;ville\nA;B\n"), false, "a.txt:1: header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "a.txt", tc.data)
			_, err := Load(context.Background(), []Spec{{Label: "a", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Strict: tc.strict})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "0612345678") || strings.Contains(err.Error(), "33612345678") {
				t.Fatalf("error %q contains a phone number", err)
			}
		})
	}
	// Without Strict, the same letters line is only counted.
	dir := t.TempDir()
	p := writeFile(t, dir, "a.txt", []byte("0612345678\nabc\n"))
	s, err := Load(context.Background(), []Spec{{Label: "a", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil || s.Sources()[0].Invalid["not-a-number"] != 1 {
		t.Fatalf("non-strict: %v %v", err, s)
	}
	// Strict does not stop on too-short numbers.
	p = writeFile(t, dir, "b.txt", []byte("0612345678\n0612\n"))
	if _, err := Load(context.Background(), []Spec{{Label: "b", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Strict: true}); err != nil {
		t.Fatalf("strict too-short: %v", err)
	}
	// Missing file.
	_, err = Load(context.Background(), []Spec{{Label: "m", Path: filepath.Join(dir, "missing.txt")}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err == nil || !strings.Contains(err.Error(), "missing.txt") || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
	// Duplicate labels, too many sources, no sources.
	if _, err := Load(context.Background(), []Spec{{Label: "a", Path: p}, {Label: "a", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")}); err == nil {
		t.Fatal("duplicate labels accepted")
	}
	var many []Spec
	for i := range 65 {
		many = append(many, Spec{Label: string(rune('A' + i)), Path: p})
	}
	if _, err := Load(context.Background(), many, LoadOptions{Normalizer: normalizer(t, "FR")}); err == nil {
		t.Fatal("65 sources accepted")
	}
	if _, err := Load(context.Background(), nil, LoadOptions{Normalizer: normalizer(t, "FR")}); err == nil {
		t.Fatal("no sources accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, []Spec{{Label: "b", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestParseSpec(t *testing.T) {
	tests := []struct{ in, label, path string }{
		{"bloctel=/data/b.csv", "bloctel", "/data/b.csv"},
		{"path/bloctel-2026-11.csv.gz", "bloctel-2026-11.csv.gz", "path/bloctel-2026-11.csv.gz"},
		{"dnc.TXT", "dnc.TXT", "dnc.TXT"},
		{"x.snap", "x.snap", "x.snap"},
		{"/data/a=b/list.txt", "list.txt", "/data/a=b/list.txt"},
		{`C:\lists\tps.csv`, "tps.csv", `C:\lists\tps.csv`},
		{`C:\a=b\tps.csv`, "tps.csv", `C:\a=b\tps.csv`},
		{"=file.txt", "=file.txt", "=file.txt"},
		{"name=", "name=", "name="},
		{"a=b=c.txt", "a", "b=c.txt"},
		{"list.xlsx", "list.xlsx", "list.xlsx"},
		{".csv", ".csv", ".csv"},
	}
	for _, tc := range tests {
		got := ParseSpec(tc.in)
		if got.Label != tc.label || got.Path != tc.path {
			t.Errorf("ParseSpec(%q) = %+v, want %q %q", tc.in, got, tc.label, tc.path)
		}
	}
}

func TestMultiSourceMasks(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.txt", []byte("0612345678\n0123456789\n"))
	b := writeFile(t, dir, "b.csv", []byte("tel;x\n0123456789;1\n0698765432;2\n"))
	c := writeFile(t, dir, "c.txt.gz", gz(t, []byte("+33698765432\n+33123456789\n0555555555\n")))
	s, err := Load(context.Background(), []Spec{ParseSpec(a), ParseSpec("B=" + b), ParseSpec(c)}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64]uint64{33612345678: 0b001, 33123456789: 0b111, 33698765432: 0b110, 33555555555: 0b100}
	for k, m := range want {
		if got := s.Lookup(normalize.Key(k)); got != m {
			t.Errorf("Lookup(%d) = %b, want %b", k, got, m)
		}
		for _, d := range []uint64{k - 1, k + 1} {
			if _, ok := want[d]; !ok && s.Lookup(normalize.Key(d)) != 0 {
				t.Errorf("neighbour %d found", d)
			}
		}
	}
	if s.Len() != 4 {
		t.Errorf("Len = %d", s.Len())
	}
	if got := s.Labels(0b101); !slices.Equal(got, []string{"a.txt", "c.txt.gz"}) {
		t.Errorf("Labels = %v", got)
	}
	if got := s.Sources(); got[1].Label != "B" || got[1].Entries != 2 || got[2].Entries != 3 || got[0].Kind != KindList || got[1].Kind != KindCSV {
		t.Errorf("sources %+v", got)
	}
	for _, k := range []uint64{0, 1, 33612345677, 99999999999999, 1 << 63} {
		if s.Lookup(normalize.Key(k)) != 0 {
			t.Errorf("Lookup(%d) != 0", k)
		}
	}
}

func TestChecksumStable(t *testing.T) {
	dir := t.TempDir()
	fr := normalizer(t, "FR")
	// load loads specs twice: the checksum computed while the set is built
	// (LoadOptions.Checksum) must be the one computed afterwards.
	load := func(specs ...Spec) *Set {
		s, err := Load(context.Background(), specs, LoadOptions{Normalizer: fr})
		if err != nil {
			t.Fatal(err)
		}
		early, err := Load(context.Background(), specs, LoadOptions{Normalizer: fr, Checksum: true})
		if err != nil {
			t.Fatal(err)
		}
		if early.checksum == "" {
			t.Fatal("LoadOptions.Checksum: no checksum computed while loading")
		}
		if early.Checksum() != s.Checksum() {
			t.Fatalf("checksum while loading %s, after %s", early.Checksum(), s.Checksum())
		}
		return s
	}
	l1 := writeFile(t, dir, "l1.txt", []byte("0612345678\n0123456789\n0698765432\n"))
	l2 := writeFile(t, dir, "l2.txt", []byte("numero\r\n+33698765432\r\n06 12 34 56 78\r\n0123456789\r\n0612345678\r\n"))
	l3 := writeFile(t, dir, "l3.csv.gz", gz(t, []byte("x;tel\n1;0123456789\n2;0698765432\n3;0612345678\n")))
	s1, s2, s3 := load(Spec{Label: "L", Path: l1}), load(Spec{Label: "L", Path: l2}), load(Spec{Label: "L", Path: l3})
	if s1.Checksum() != s2.Checksum() || s1.Checksum() != s3.Checksum() {
		t.Fatalf("checksums differ: %s %s %s", s1.Checksum(), s2.Checksum(), s3.Checksum())
	}
	o := writeFile(t, dir, "o.txt", []byte("0612345678\n0555555555\n"))
	ab, ba := load(Spec{Label: "A", Path: l1}, Spec{Label: "O", Path: o}), load(Spec{Label: "O", Path: o}, Spec{Label: "A", Path: l1})
	if ab.Checksum() != ba.Checksum() {
		t.Fatal("source order changes the checksum")
	}
	if ab.Checksum() == s1.Checksum() {
		t.Fatal("different content, same checksum")
	}
	// Different memberships, same keys: different checksums.
	x := load(Spec{Label: "A", Path: l1}, Spec{Label: "O", Path: l2})
	y := load(Spec{Label: "A", Path: l1}, Spec{Label: "O", Path: o})
	if x.Checksum() == y.Checksum() {
		t.Fatal("memberships not in checksum")
	}
}

// TestCSVSeveralNumberColumns checks that a suppression list with several
// phone columns registers the numbers of every one of them.
func TestCSVSeveralNumberColumns(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "optout.csv")
	data := "id;Tél. fixe;Portable;numero\n1;01 45 67 89 01;06 12 34 56 78;7\n2;;07 81 23 45 67;8\n3;;;9\n"
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	norm, _ := normalize.New("FR")
	set, err := Load(context.Background(), []Spec{{Label: "o", Path: p}}, LoadOptions{Normalizer: norm, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"+33145678901", "+33612345678", "+33781234567"} {
		k, _ := normalize.ParseE164(n)
		if set.Lookup(k) == 0 {
			t.Errorf("%s not registered", n)
		}
	}
	if set.Len() != 3 {
		t.Errorf("Len = %d, want 3", set.Len())
	}
	if got := set.Sources()[0].Invalid["empty"]; got != 1 {
		t.Errorf("empty lines = %d, want 1", got)
	}
}

// TestCommentLines checks that lines starting with '#' are comments, even
// with Strict, and that a number after them still loads.
func TestCommentLines(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "optout.txt", []byte("# internal opt-out list\n0612345678\n  # exported 2026-11-01\n0145678901\n"))
	s, err := Load(context.Background(), []Spec{ParseSpec(p)}, LoadOptions{Normalizer: normalizer(t, "FR"), Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 || s.Sources()[0].Lines != 2 || len(s.Sources()[0].Invalid) != 0 {
		t.Errorf("Len %d, source %+v", s.Len(), s.Sources()[0])
	}
}

// TestLookupBatch checks LookupBatch against Lookup: registered keys, their
// neighbours, zero, keys below and above the set, several sources.
func TestLookupBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{0, 1, 5, 1000, 100_000} {
		keys := make([]uint64, 0, n)
		for len(keys) < n {
			for len(keys) < n {
				keys = append(keys, 33600000000+r.Uint64N(10_000_000))
			}
			keys = sortDedup(keys)
		}
		masks := make([]byte, len(keys))
		for i := range masks {
			masks[i] = byte(1 + r.IntN(3))
		}
		s := newSet(keys, masks, 1, []SourceInfo{{Label: "a"}, {Label: "b"}}, false)
		var probe []normalize.Key
		for _, k := range keys {
			probe = append(probe, normalize.Key(k), normalize.Key(k-1), normalize.Key(k+1))
		}
		probe = append(probe, 0, 1, 33599999999, 33700000000, normalize.Key(maxKey))
		for range 1000 {
			probe = append(probe, normalize.Key(33600000000+r.Uint64N(10_000_000)))
		}
		r.Shuffle(len(probe), func(i, j int) { probe[i], probe[j] = probe[j], probe[i] })
		got := make([]uint64, len(probe))
		s.LookupBatch(probe, got)
		for i, k := range probe {
			if want := s.Lookup(k); got[i] != want {
				t.Fatalf("n=%d: LookupBatch(%d) = %b, Lookup = %b", n, k, got[i], want)
			}
		}
	}
}

// TestParallelParseChunks parses one list in chunks of a few lines and in
// one chunk: the same keys, counts and first error, whatever the chunking.
func TestParallelParseChunks(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(31, 32))
	var b strings.Builder
	b.WriteString("numero\n")
	for i := range 5000 {
		switch r.IntN(20) {
		case 0:
			b.WriteString("\n")
		case 1:
			b.WriteString("# comment\n")
		case 2:
			b.WriteString("01 23\n")
		default:
			fmt.Fprintf(&b, "06%08d\n", i)
		}
	}
	good := writeFile(t, dir, "good.txt", []byte(b.String()))
	bad := writeFile(t, dir, "bad.txt", []byte(b.String()+"hello\n0612345678\nworld\n"))
	norm := normalizer(t, "FR")
	for _, path := range []string{good, bad} {
		var want *Set
		var wantErr string
		for _, size := range []int{0, 1, 17, 300} {
			s, err := Load(context.Background(), []Spec{{Label: "x", Path: path}},
				LoadOptions{Normalizer: norm, Strict: true, chunkBytes: size})
			errS := fmt.Sprint(err)
			if size == 0 {
				want, wantErr = s, errS
				continue
			}
			if errS != wantErr {
				t.Fatalf("%s, chunks of %d: error %q, want %q", path, size, errS, wantErr)
			}
			if err != nil {
				continue
			}
			if !slices.Equal(keysOf(s), keysOf(want)) || s.Sources()[0].Lines != want.Sources()[0].Lines ||
				fmt.Sprint(s.Sources()[0].Invalid) != fmt.Sprint(want.Sources()[0].Invalid) {
				t.Fatalf("%s, chunks of %d: %d keys %+v, want %d keys %+v", path, size, s.Len(), s.Sources()[0], want.Len(), want.Sources()[0])
			}
		}
		if path == bad && !strings.Contains(wantErr, fmt.Sprintf("bad.txt:%d:", 5002)) {
			t.Errorf("error %q does not name line 5002", wantErr)
		}
	}
}

// TestCSVColumnsByRole: a block list (a registry CSV) reads every column
// that may hold a number a person listed, fax included, where a field looks
// like a number; an allow or consent list (Exempt) reads only the columns
// that surely hold phone numbers. Both report the phone-like columns they
// do not read.
func TestCSVColumnsByRole(t *testing.T) {
	const (
		a = 33612345678
		b = 33145678901
		c = 33699999999
	)
	for _, tc := range []struct {
		name, data  string
		exempt      bool
		want        []uint64
		ignored     []string
		invalidRows int
	}{
		{"spanish-movil", "Nom,Tel,Móvil\nx,0612345678,0145678901\n", false, []uint64{a, b}, []string{}, 0},
		{"fax-block", "Nom,Phone,Fax\nx,0612345678,0145678901\ny,,0699999999\n", false, []uint64{a, b, c}, []string{}, 0},
		{"fax-exempt", "Nom,Phone,Fax\nx,0612345678,0145678901\n", true, []uint64{a}, []string{"Fax"}, 0},
		{"mention-labels-not-invalid", "Phone;Phone type\n0612345678;mobile\n0145678901;fixed\n", false, []uint64{a, b}, []string{}, 0},
		{"mention-number-read", "Phone;Phone type\n0612345678;0145678901\n", false, []uint64{a, b}, []string{}, 0},
		{"mention-exempt", "Phone;Phone type\n0612345678;0145678901\n", true, []uint64{a}, []string{"Phone type"}, 0},
		{"customer-number-ignored", "Nom;Tel;Numéro client\nx;0612345678;0145678901\n", false, []uint64{a}, []string{"Numéro client"}, 0},
		{"ambiguous-ignored", "Tel;Domicile;Bureau\n0612345678;0145678901;\n", false, []uint64{a}, []string{"Domicile", "Bureau"}, 0},
		// An extra column's field that is not a number is no invalid line: it
		// never refuses a list its number columns read right.
		{"fax-invalid-not-counted", "Tel,Fax\n0612345678,0612 345 678 999\n", false, []uint64{a}, []string{}, 0},
		{"id-beside-phone", "numero;telephone\n100001;0612345678\n100002;0145678901\n", false, []uint64{a, b}, []string{}, 0},
		{"id-holding-a-number", "numero;telephone\n0699999999;0612345678\n", false, []uint64{a, c}, []string{}, 0},
		{"two-numbers-in-fax", "Tel,Fax\n0612345678,0145678901 / 0699999999\n", false, []uint64{a, b, c}, []string{}, 0},
		{"no-header-nothing-ignored", "0612345678\n", false, []uint64{a}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "l.csv", []byte(tc.data))
			set, err := Load(context.Background(), []Spec{ParseSpec(p)}, LoadOptions{Normalizer: normalizer(t, "FR"), Strict: true, Exempt: tc.exempt})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := keysOf(set), slices.Sorted(slices.Values(tc.want)); !slices.Equal(got, want) {
				t.Errorf("keys = %v, want %v", got, want)
			}
			src := set.Sources()[0]
			if !slices.Equal(src.ColumnsIgnored, tc.ignored) || (src.ColumnsIgnored == nil) != (tc.ignored == nil) {
				t.Errorf("ColumnsIgnored = %q, want %q", src.ColumnsIgnored, tc.ignored)
			}
			inv := src.InvalidLines() - src.Invalid["empty"]
			if inv != tc.invalidRows {
				t.Errorf("invalid lines = %d (%v), want %d", inv, src.Invalid, tc.invalidRows)
			}
			w := src.ColumnsWarning("registry")
			if (w != "") != (len(tc.ignored) > 0) || strings.Contains(w, "0145678901") {
				t.Errorf("ColumnsWarning = %q", w)
			}
		})
	}
}
