package scrub

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// FuzzScrub runs whole scrubs on arbitrary input files. Whatever the bytes,
// a scrub either fails and leaves no output, or succeeds with every row
// accounted for: rows_in = clean + blocked + invalid + duplicate, each output
// holds exactly its category's rows, and the clean output's rows are input
// rows, byte for byte, in input order.
func FuzzScrub(f *testing.F) {
	for _, seed := range []string{
		"id;tel\n1;0612345678\n2;0612345679\n",
		"tel,nom\r\n\"06 12 34 56 78\",\"a,b\"\r\n0612345679,x\r\n",
		"\xef\xbb\xbfT\xe9l\xe9phone;x\n06;\n;\n\n0612345678;\"a\nb\"\n",
		"tel\n\"unterminated\n",
		"tel|fixe\n+33612345678|0145678901\n0612345678|\n",
		"id;tel\n1;0612345678;extra\n2\n",
	} {
		f.Add([]byte(seed), true)
	}
	norm, err := normalize.New("FR")
	if err != nil {
		f.Fatal(err)
	}
	regDir := f.TempDir()
	regFile := filepath.Join(regDir, "reg.txt")
	if err := os.WriteFile(regFile, []byte("0612345678\n+33145678901\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: regFile}},
		registry.LoadOptions{Normalizer: norm})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, dedupe bool) {
		dir := t.TempDir()
		input := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(input, data, 0o644); err != nil {
			t.Fatal(err)
		}
		outs := map[Category]string{}
		for c, name := range map[Category]string{Clean: "c.csv", Blocked: "b.csv", Invalid: "i.csv", Duplicate: "d.csv"} {
			outs[c] = filepath.Join(dir, name)
		}
		rec := &recorder{}
		st, err := Run(context.Background(), Options{
			Input: input, Out: outs[Clean], Blocked: outs[Blocked], Invalid: outs[Invalid], Duplicates: outs[Duplicate],
			Registry: reg, Normalizer: norm, Dedupe: dedupe, Workers: 2, MaxRecordBytes: 1 << 16, Observer: rec,
		})
		if err != nil {
			for _, p := range outs {
				if _, serr := os.Stat(p); serr == nil {
					t.Fatalf("failed scrub (%v) left %s", err, p)
				}
			}
			if n := len(entries(t, dir)); n != 1 {
				t.Fatalf("failed scrub left files: %v", entries(t, dir))
			}
			return
		}
		if st.RowsIn != st.RowsClean+st.RowsBlocked+st.RowsInvalid+st.RowsDuplicate || st.RowsIn != int64(len(rec.rows)) {
			t.Fatalf("conservation broken: %+v, observer saw %d rows", st, len(rec.rows))
		}
		want := map[Category]int64{Clean: st.RowsClean, Blocked: st.RowsBlocked, Invalid: st.RowsInvalid, Duplicate: st.RowsDuplicate}
		for c, p := range outs {
			got := countRecords(t, p, st.Input.Delimiter[0]) - 1 // minus the header
			if got != want[c] {
				t.Fatalf("%s output holds %d rows, stats say %d", c, got, want[c])
			}
		}
		// Clean rows are input bytes, in order: the clean file (after its
		// header) is a subsequence of the input's records.
		clean, _ := os.ReadFile(outs[Clean])
		if !bytes.HasPrefix(data, clean[:min(len(clean), headerLen(t, data, st.Input.Delimiter[0]))]) {
			t.Fatalf("clean output does not start with the input's header")
		}
	})
}

// countRecords counts the records of a file as csvsplit reads them.
func countRecords(t *testing.T, path string, comma byte) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csvsplit.NewReader(f, csvsplit.Options{Comma: comma, MaxRecordBytes: 1 << 20})
	var b csvsplit.Batch
	var n int64
	for {
		if err := r.ReadBatch(&b, 1000, 1<<20); err != nil {
			return n
		}
		n += int64(b.Len())
	}
}

// headerLen returns the length of the input's first record.
func headerLen(t *testing.T, data []byte, comma byte) int {
	t.Helper()
	r := csvsplit.NewReader(bytes.NewReader(data), csvsplit.Options{Comma: comma, MaxRecordBytes: 1 << 20})
	var b csvsplit.Batch
	if err := r.ReadBatch(&b, 1, 1); err != nil || b.Len() == 0 {
		return 0
	}
	return len(b.Raw(0))
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
