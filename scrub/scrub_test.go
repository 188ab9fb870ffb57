package scrub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

func TestResolveColumns(t *testing.T) {
	header := []string{"Numéro client", "Nom", "Tél. fixe", "Portable", "Email", "Téléphone 2", "Numéro"}
	for _, tc := range []struct {
		specs   []string
		header  []string
		want    []int
		wantErr string
	}{
		{nil, header, []int{2, 3, 5, 6}, ""},
		{[]string{"portable"}, header, []int{3}, ""},
		{[]string{"TEL. FIXE", "4", "4"}, header, []int{2, 3}, ""},
		{[]string{"9"}, header, nil, "only 7 columns"},
		{[]string{"0"}, header, nil, "start at 1"},
		{[]string{"fax"}, header, nil, "no such column"},
		{nil, []string{"id", "nom", "ville"}, nil, "no phone column"},
		{nil, nil, nil, "--column"},
		{[]string{"3"}, nil, []int{2}, ""},
		{[]string{"tel"}, nil, nil, "by number"},
		{nil, []string{"phone_number", "mobile phone", "GSM", "fax"}, []int{0, 1, 2}, ""},
		{nil, []string{"Name", "Phone", "MobilePhone", "HomePhoneNO"}, []int{1, 2, 3}, ""},
		{[]string{"mobilephone"}, []string{"Name", "Phone", "MobilePhone"}, []int{2}, ""},
		// A name two columns have (a header cell merged over both): both.
		{[]string{"Contacts"}, []string{"Nom", "Contacts", "Contacts", "Ville"}, []int{1, 2}, ""},
		{[]string{"contacts", "3"}, []string{"Nom", "Contacts", "Contacts"}, []int{1, 2}, ""},
		{nil, []string{"A", "0612345678"}, nil, "looks like data"},
		{[]string{"5"}, nil, nil, "the first row has only 3 columns"},
		{[]string{"2"}, nil, []int{1}, ""},
		{[]string{"2"}, []string{"Tel"}, nil, "the header has only 1 column (\"Tel\")"},
		{[]string{"99999999999999999999"}, header, nil, "--column <number>: a column number this large cannot exist"},
		{[]string{"99999999999999999999"}, nil, nil, "--column <number>: a column number this large cannot exist"},
		{[]string{"-99999999999999999999"}, nil, nil, "--column <number>: column numbers start at 1"},
	} {
		got, err := resolveColumns(tc.specs, tc.header, max(len(tc.header), 3))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("resolveColumns(%q, %q) error = %v, want %q", tc.specs, tc.header, err, tc.wantErr)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("resolveColumns(%q, %q) = %v, %v; want %v", tc.specs, tc.header, got, err, tc.want)
		}
	}
	// With --no-header, a first row of one field; and a column number no
	// file can have is a usage error, whatever the file.
	if _, err := resolveColumns([]string{"2"}, nil, 1); err == nil || !strings.HasSuffix(err.Error(), "the first row has only 1 column (--no-header)") {
		t.Errorf("resolveColumns(2, no header, width 1) error = %v", err)
	}
	var ue *UsageError
	if _, err := resolveColumns([]string{" 99999999999999999999 "}, []string{"Tel"}, 1); !errors.As(err, &ue) {
		t.Errorf("a column number too large for an int: %v, want a usage error", err)
	}
}

// TestProperties scrubs many random files and checks, against an independent
// model built with a Go map: conservation; no registered number reaches the
// clean output; clean rows hold a valid number; every output keeps input
// order; outputs are byte-identical whatever the number of workers.
func TestProperties(t *testing.T) {
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	n := 16
	if testing.Short() {
		n = 4
	}
	for seed := range n {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		dir := t.TempDir()
		input, regFile, registered := randomFiles(t, r, dir)
		reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: regFile}},
			registry.LoadOptions{Normalizer: norm, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		var first map[string][]byte
		for _, workers := range []int{1, 3} {
			outs := map[string]string{}
			for _, k := range []string{"clean", "blocked", "invalid", "dups"} {
				outs[k] = filepath.Join(dir, fmt.Sprintf("%s-%d.csv", k, workers))
			}
			st, err := Run(context.Background(), Options{
				Input: input, Out: outs["clean"], Blocked: outs["blocked"], Invalid: outs["invalid"],
				Duplicates: outs["dups"], Registry: reg, Normalizer: norm, Dedupe: seed%2 == 0, Workers: workers,
				HashOutputs: workers == 3,
			})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if st.RowsIn != st.RowsClean+st.RowsBlocked+st.RowsInvalid+st.RowsDuplicate {
				t.Fatalf("seed %d: conservation broken: %+v", seed, st)
			}
			got := map[string][]byte{}
			for k, p := range outs {
				got[k], _ = os.ReadFile(p)
			}
			// Stats.Outputs: each output's size, and its SHA-256 when asked.
			if len(st.Outputs) != 4 {
				t.Fatalf("seed %d: %d outputs in the stats, want 4", seed, len(st.Outputs))
			}
			for _, o := range st.Outputs {
				data := got[map[string]string{"clean": "clean", "blocked": "blocked", "invalid": "invalid", "duplicates": "dups"}[o.Name]]
				sum := sha256.Sum256(data)
				if o.Bytes != int64(len(data)) || (workers == 3) != (o.SHA256 != "") ||
					(o.SHA256 != "" && o.SHA256 != hex.EncodeToString(sum[:])) {
					t.Fatalf("seed %d: output %s: %d bytes, sha256 %q; the file has %d bytes, sha256 %x",
						seed, o.Name, o.Bytes, o.SHA256, len(data), sum)
				}
			}
			// Clean rows: no registered number, at least one valid number.
			for _, line := range strings.Split(strings.TrimSuffix(string(got["clean"]), "\n"), "\n")[1:] {
				fields := strings.Split(line, ";")
				valid := false
				for _, f := range fields[1:] {
					res := norm.NormalizeString(f)
					if res.Valid() {
						valid = true
						if registered[res.Key] {
							t.Fatalf("seed %d: registered number in clean row %q", seed, line)
						}
					}
				}
				if !valid {
					t.Fatalf("seed %d: clean row without a valid number: %q", seed, line)
				}
			}
			// Order: row ids increase in every output; all ids appear once.
			seen := map[string]bool{}
			for k, data := range got {
				last := -1
				for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
					var id int
					fmt.Sscanf(line, "%d;", &id)
					if id <= last {
						t.Fatalf("seed %d: %s out of order at row %d", seed, k, id)
					}
					last = id
					seen[fmt.Sprint(id)] = true
				}
			}
			if int64(len(seen)) != st.RowsIn {
				t.Fatalf("seed %d: %d distinct rows in outputs, rows_in %d", seed, len(seen), st.RowsIn)
			}
			if first == nil {
				first = got
			} else {
				for k := range got {
					if !bytes.Equal(first[k], got[k]) {
						t.Fatalf("seed %d: %s differs between -j 1 and -j %d", seed, k, workers)
					}
				}
			}
		}
	}
}

// randomFiles writes a random prospect file and registry and returns their
// paths and the registered keys.
func randomFiles(t *testing.T, r *rand.Rand, dir string) (input, reg string, registered map[normalize.Key]bool) {
	t.Helper()
	pool := make([]string, 60)
	for i := range pool {
		pool[i] = fmt.Sprintf("6%08d", r.IntN(100000000))
	}
	spell := func(nsn string) string {
		switch r.IntN(6) {
		case 0:
			return "0" + nsn
		case 1:
			return "+33 " + nsn
		case 2:
			return "0033" + nsn
		case 3:
			return nsn
		case 4:
			return ""
		default:
			return nsn[:4]
		}
	}
	registered = map[normalize.Key]bool{}
	var regb bytes.Buffer
	for _, nsn := range pool[:20] {
		if r.IntN(2) == 0 {
			fmt.Fprintf(&regb, "+33%s\n", nsn)
		} else {
			fmt.Fprintf(&regb, "0%s\n", nsn)
		}
		var k normalize.Key
		fmt.Sscan("33"+nsn, &k)
		registered[k] = true
	}
	var in bytes.Buffer
	in.WriteString("id;tel;mobile\n")
	rows := 1 + r.IntN(1500)
	for i := range rows {
		fmt.Fprintf(&in, "%d;%s;%s\n", i, spell(pool[r.IntN(len(pool))]), spell(pool[r.IntN(len(pool))]))
	}
	input, reg = filepath.Join(dir, "in.csv"), filepath.Join(dir, "reg.txt")
	if err := os.WriteFile(input, in.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(reg, regb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return input, reg, registered
}

// TestCancelLeavesNoOutput checks that a cancelled scrub writes nothing.
func TestCancelLeavesNoOutput(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	input, regFile, _ := randomFiles(t, rand.New(rand.NewPCG(1, 1)), dir)
	reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: regFile}},
		registry.LoadOptions{Normalizer: norm})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "clean.csv")
	if _, err := Run(ctx, Options{Input: input, Out: out, Registry: reg, Normalizer: norm}); err == nil {
		t.Fatal("cancelled run succeeded")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != "in.csv" && e.Name() != "reg.txt" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// recorder is an Observer that keeps what it saw.
type recorder struct {
	header []string
	cols   []int
	rows   []string
}

func (r *recorder) Header(names []string, cols []int) { r.header, r.cols = names, cols }
func (r *recorder) Row(row *Row) {
	r.rows = append(r.rows, fmt.Sprintf("%d %s %s %s %s", row.Line, row.Category, row.Reason,
		row.Field(0), row.Numbers[0].Key))
}

func TestObserverAndProgress(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	os.WriteFile(input, []byte("id;tel\n1;0612345678\n\n2;0612345679\n3;12\n4;+33612345679\n"), 0o644)
	reg := loadRegistry(t, dir, norm, "0612345678")
	rec := &recorder{}
	var last Progress
	calls := 0
	_, err := Run(context.Background(), Options{Input: input, Out: filepath.Join(dir, "out.csv"), Registry: reg,
		Normalizer: norm, Dedupe: true, Observer: rec, Progress: func(p Progress) { last = p; calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2 blocked registered 1 +33612345678",
		"4 clean  2 +33612345679",
		"5 invalid too-short 3 ",
		"6 duplicate duplicate 4 +33612345679",
	}
	if fmt.Sprint(rec.header, rec.cols) != "[id tel] [1]" || fmt.Sprint(rec.rows) != fmt.Sprint(want) {
		t.Errorf("observer saw %q %v\n%q, want\n%q", rec.header, rec.cols, rec.rows, want)
	}
	if calls == 0 || last.Rows != 4 || last.BytesSize != 54 || last.BytesRead != 54 {
		t.Errorf("progress: %d calls, last %+v", calls, last)
	}
}

// TestCleanRuns checks the clean output byte for byte where clean rows are
// written in runs: runs broken by blank lines, by other categories and by
// batch ends, with LF and CRLF line ends and a last line without one.
func TestCleanRuns(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	reg := loadRegistry(t, dir, norm, "0612345678")
	long := "id;tel\n"
	wantLong := long
	for i := range 3000 { // more than one batch
		line := fmt.Sprintf("%d;06%08d\n", i, 12345679+i)
		switch i % 11 {
		case 3:
			line = fmt.Sprintf("%d;0612345678\n", i) // blocked
		case 7:
			line = fmt.Sprintf("%d;N/A\n", i) // invalid
		}
		if i%11 != 3 && i%11 != 7 {
			wantLong += line
		}
		long += line
		if i%13 == 0 {
			long += "\n"
		}
	}
	tests := []struct{ in, want string }{
		{"id;tel\n1;0612345679\n2;0612345680\n3;0612345681\n", "id;tel\n1;0612345679\n2;0612345680\n3;0612345681\n"},
		{"id;tel\r\n1;0612345679\r\n\r\n2;0612345680\r\n3;0612345678\r\n4;0612345681", "id;tel\r\n1;0612345679\r\n2;0612345680\r\n4;0612345681"},
		{"id;tel\n\n1;0612345679\n\n\n2;0612345680\n\n", "id;tel\n1;0612345679\n2;0612345680\n"},
		{"id;tel\n1;0612345678\n2;N/A\n3;0612345679\n", "id;tel\n3;0612345679\n"},
		{long, wantLong},
	}
	for i, tt := range tests {
		input := filepath.Join(dir, fmt.Sprintf("in%d.csv", i))
		os.WriteFile(input, []byte(tt.in), 0o644)
		for _, workers := range []int{1, 2} {
			out := filepath.Join(dir, fmt.Sprintf("out%d-%d.csv", i, workers))
			if _, err := Run(context.Background(), Options{Input: input, Out: out, Registry: reg, Normalizer: norm, Workers: workers}); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(out); string(got) != tt.want {
				t.Errorf("case %d, -j %d: clean output\n%q\nwant\n%q", i, workers, got, tt.want)
			}
		}
	}
}

// TestCancelSilentInput cancels a scrub whose standard input has sent some
// rows and then stays silent (a pipe nobody writes to or closes): the workers
// waiting for input must return, with the cancellation as the error and
// nothing written, for every worker count.
func TestCancelSilentInput(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	_, regFile, _ := randomFiles(t, rand.New(rand.NewPCG(1, 1)), dir)
	reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: regFile}},
		registry.LoadOptions{Normalizer: norm})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			go func() {
				pw.Write([]byte("id;tel\n"))
				pw.Write(bytes.Repeat([]byte("1;0612345679\n"), 200000)) // a few of the reader's 1 MiB reads
			}()
			ctx, cancel := context.WithCancel(context.Background())
			out := filepath.Join(t.TempDir(), "clean.csv")
			progressed := make(chan struct{}, 1)
			done := make(chan error, 1)
			go func() {
				_, err := Run(ctx, Options{Input: "-", Stdin: pr, Out: out, Registry: reg, Normalizer: norm, Workers: workers,
					Progress: func(pr Progress) {
						if pr.Rows >= 100000 {
							select {
							case progressed <- struct{}{}:
							default:
							}
						}
					}})
				done <- err
			}()
			<-progressed                      // half the rows sent were written; the input then stays silent
			time.Sleep(50 * time.Millisecond) // for the workers to reach it (the test passes either way)
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("error %v, want the cancellation", err)
				}
			case <-time.After(time.Minute):
				t.Fatal("the cancelled scrub is still waiting for its input")
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output written: %v", err)
			}
		})
	}
}

// TestNoHeaderSameRules checks that --no-header changes nothing but the
// header: a random file scrubbed with its header line and without it (the
// first row's width then playing the header's role) puts every row in the
// same output, ragged rows included, whatever the number of workers.
func TestNoHeaderSameRules(t *testing.T) {
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	for seed := range 6 {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		dir := t.TempDir()
		input, regFile, _ := randomFiles(t, r, dir)
		data, err := os.ReadFile(input)
		if err != nil {
			t.Fatal(err)
		}
		// Make rows after the first ragged now and then.
		lines := strings.SplitAfter(string(data), "\n")
		for i := 2; i < len(lines); i++ {
			switch r.IntN(12) {
			case 0:
				lines[i] = strings.TrimSuffix(lines[i], "\n") + ";x\n"
			case 1:
				lines[i] = strings.SplitN(lines[i], ";", 2)[0] + "\n"
			}
		}
		withHeader := filepath.Join(dir, "with.csv")
		noHeader := filepath.Join(dir, "without.csv")
		if err := os.WriteFile(withHeader, []byte(strings.Join(lines, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(noHeader, []byte(strings.Join(lines[1:], "")), 0o644); err != nil {
			t.Fatal(err)
		}
		reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: regFile}},
			registry.LoadOptions{Normalizer: norm, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 3} {
			run := func(in string, noHeader bool) (*Stats, map[string]string) {
				outs := map[string]string{}
				for _, k := range []string{"clean", "blocked", "invalid"} {
					outs[k] = filepath.Join(dir, fmt.Sprintf("%s-%d-%v.csv", k, workers, noHeader))
				}
				st, err := Run(context.Background(), Options{
					Input: in, Out: outs["clean"], Blocked: outs["blocked"], Invalid: outs["invalid"],
					Registry: reg, Normalizer: norm, Workers: workers, NoHeader: noHeader, Columns: []string{"2", "3"},
				})
				if err != nil {
					t.Fatalf("seed %d, no header %v: %v", seed, noHeader, err)
				}
				got := map[string]string{}
				for k, p := range outs {
					b, _ := os.ReadFile(p)
					got[k] = string(b)
					if !noHeader {
						_, got[k], _ = strings.Cut(got[k], "\n")
					}
				}
				return st, got
			}
			stH, outH := run(withHeader, false)
			stN, outN := run(noHeader, true)
			if stH.RowsIn != stN.RowsIn || stH.RowsClean != stN.RowsClean || stH.RowsBlocked != stN.RowsBlocked ||
				stH.RowsInvalid != stN.RowsInvalid || stH.InvalidByReason.Get(ReasonRagged) != stN.InvalidByReason.Get(ReasonRagged) {
				t.Fatalf("seed %d, -j %d: with a header %+v, without %+v", seed, workers, stH, stN)
			}
			if stN.InvalidByReason.Get(ReasonRagged) == 0 {
				t.Fatalf("seed %d: no ragged row", seed)
			}
			for k := range outH {
				if outH[k] != outN[k] {
					t.Fatalf("seed %d, -j %d: %s output differs with and without a header", seed, workers, k)
				}
			}
		}
	}
}

// TestLooksPhone: what the probe of unchecked columns takes for a phone
// number, as written: valid, with a prefix or ten digits.
func TestLooksPhone(t *testing.T) {
	fr, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	us, err := normalize.New("US")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		norm *normalize.Normalizer
		in   string
		want bool
	}{
		{fr, "06 12 34 56 78", true}, {fr, "+33 6 12 34 56 78", true}, {fr, "0033612345678", true},
		{fr, "(0)1 45 67 89 01", true},
		{fr, "552100554", false}, // a SIREN: valid without its 0, not written as a phone number
		{fr, "75001", false}, {fr, "2024-01-01", false}, {fr, "Paris", false}, {fr, "12345678901234", false},
		{us, "202-555-0123", true}, {us, "(202) 555-0123", true}, {us, "2025550123", true},
	} {
		if got := looksPhone([]byte(tc.in), tc.norm); got != tc.want {
			t.Errorf("looksPhone(%q, %s) = %v, want %v", tc.in, tc.norm.Region(), got, tc.want)
		}
	}
}
