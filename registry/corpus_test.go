package registry

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestWriteSeedCorpus regenerates the committed seed corpora in
// testdata/fuzz when LISTSCRUB_WRITE_CORPUS=1.
func TestWriteSeedCorpus(t *testing.T) {
	if os.Getenv("LISTSCRUB_WRITE_CORPUS") != "1" {
		t.Skip("set LISTSCRUB_WRITE_CORPUS=1 to regenerate testdata/fuzz seeds")
	}
	write := func(fuzz, name string, vals ...any) {
		dir := filepath.Join("testdata", "fuzz", fuzz)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		s := "go test fuzz v1\n"
		for _, v := range vals {
			switch v := v.(type) {
			case []byte:
				s += "[]byte(" + strconv.Quote(string(v)) + ")\n"
			case bool:
				s += fmt.Sprintf("bool(%v)\n", v)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw := map[string]string{
		"seed-list":        "0612345678\n01 23 45 67 89\n+33698765432\n",
		"seed-header-crlf": "\xEF\xBB\xBFnumero\r\n06.12.34.56.78\r\n\r\n",
		"seed-csv-1252":    "nom;t\xe9l\xe9phone;ville\n\"Dupont; J\";\"06 12 34 56 78\";Paris\nX;;Y\n",
		"seed-nanp":        "202,5550123\n\"212\",\"5550199\"\n2025550100\n12025550101\n",
		"seed-nanp-header": "AreaCode,PhoneNumber\n202,5550123\n",
		"seed-invalid":     "abc\n6.12345678E+8\n123\n\n0612\n",
		"seed-quotes":      "tel\n\"06\"\"12\"\n\"0612345678\n",
	}
	for name, data := range raw {
		write("FuzzLoadRaw", name, []byte(data))
	}
	dir := t.TempDir()
	a := writeFile(t, dir, "a.txt", []byte("0612345678\n0123456789\n"))
	b := writeFile(t, dir, "b.txt", []byte("0123456789\n0698765432\n"))
	for i, specs := range [][]Spec{{{Label: "a", Path: a}}, {{Label: "a", Path: a}, {Label: "b", Path: b}}} {
		s, err := Load(context.Background(), specs, LoadOptions{Normalizer: normalizer(t, "FR")})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "s.snap")
		meta := SnapshotMeta{AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Created: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Country: "FR"}
		if err := WriteSnapshotFile(p, s, meta); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		write("FuzzReadSnapshot", fmt.Sprintf("seed-valid-%d", i+1), data, false)
		write("FuzzReadSnapshot", fmt.Sprintf("seed-valid-%d-fix", i+1), data, true)
		write("FuzzReadSnapshot", fmt.Sprintf("seed-truncated-%d", i+1), data[:len(data)-40], true)
	}
}
