package registry

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

var writeCorpus = flag.Bool("write-corpus", false, "write the seed corpora of testdata/fuzz (go test -run TestSeedCorpus ./registry -args -write-corpus)")

// seedCorpus returns the committed seed corpora of the fuzz targets, by
// target and file name, in the go test fuzz v1 encoding.
func seedCorpus(t *testing.T) map[string]map[string]string {
	enc := func(vals ...any) string {
		s := "go test fuzz v1\n"
		for _, v := range vals {
			switch v := v.(type) {
			case []byte:
				s += "[]byte(" + strconv.Quote(string(v)) + ")\n"
			case bool:
				s += fmt.Sprintf("bool(%v)\n", v)
			}
		}
		return s
	}
	out := map[string]map[string]string{"FuzzLoadRaw": {}, "FuzzReadSnapshot": {}}
	for name, data := range map[string]string{
		"seed-list":        "0612345678\n01 23 45 67 89\n+33698765432\n",
		"seed-header-crlf": "\xEF\xBB\xBFnumero\r\n06.12.34.56.78\r\n\r\n",
		"seed-csv-1252":    "nom;t\xe9l\xe9phone;ville\n\"Dupont; J\";\"06 12 34 56 78\";Paris\nX;;Y\n",
		"seed-nanp":        "202,5550123\n\"212\",\"5550199\"\n2025550100\n12025550101\n",
		"seed-nanp-header": "AreaCode,PhoneNumber\n202,5550123\n",
		"seed-invalid":     "abc\n6.12345678E+8\n123\n\n0612\n",
		"seed-quotes":      "tel\n\"06\"\"12\"\n\"0612345678\n",
	} {
		out["FuzzLoadRaw"][name] = enc([]byte(data))
	}
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	src := func(label string, n int) SourceInfo {
		return SourceInfo{Label: label, Path: label + ".txt", Kind: KindList, Entries: n, AsOf: asOf, Lines: n, Region: "FR"}
	}
	a, ab := []uint64{33123456789, 33612345678}, []uint64{33123456789, 33612345678, 33698765432}
	sets := []*Set{
		newSet(a, nil, 0, []SourceInfo{src("a", 2)}, true),
		newSet(ab, []byte{3, 1, 2}, 1, []SourceInfo{src("a", 2), src("b", 2)}, true),
		newScreenedSet(a[1:], nil, 0, []SourceInfo{{Label: "w", Path: "w.csv", Kind: KindWash, Entries: 1, Screened: 2, AsOf: asOf, Region: "FR"}}, true, a),
	}
	for i, s := range sets {
		var b bytes.Buffer
		meta := SnapshotMeta{AsOf: asOf, Created: asOf.Add(24 * time.Hour), Country: "FR"}
		if err := WriteSnapshot(&b, "s.snap", s, meta); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		out["FuzzReadSnapshot"][fmt.Sprintf("seed-valid-%d", i+1)] = enc(data, false)
		out["FuzzReadSnapshot"][fmt.Sprintf("seed-valid-%d-fix", i+1)] = enc(data, true)
		out["FuzzReadSnapshot"][fmt.Sprintf("seed-truncated-%d", i+1)] = enc(data[:len(data)-40], true)
	}
	return out
}

// TestSeedCorpus checks that the committed seeds of testdata/fuzz are those
// seedCorpus generates (a snapshot seed from an older format would only
// exercise the version check); -write-corpus writes them.
func TestSeedCorpus(t *testing.T) {
	for target, seeds := range seedCorpus(t) {
		dir := filepath.Join("testdata", "fuzz", target)
		for name, want := range seeds {
			p := filepath.Join(dir, name)
			if *writeCorpus {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(p)
			if err != nil || string(got) != want {
				t.Errorf("%s: not the seed seedCorpus generates (%v): go test -run TestSeedCorpus ./registry -args -write-corpus", p, err)
			}
		}
	}
}
