package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// testIO returns an IO of buffers, with in as standard input.
func testIO(in string) (IO, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return IO{In: strings.NewReader(in), Out: &out, ErrOut: &errOut}, &out, &errOut
}

// writeFiles writes name→content files into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustNormalizer(t *testing.T, region string) *normalize.Normalizer {
	t.Helper()
	n, err := normalize.New(region)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// bound runs cmd with args, its runF having captured the options; it fails
// the test on an error.
func bound(t *testing.T, cmd *cobra.Command, args ...string) {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
}

// TestScrubFlagsBind: scrub's flags, shared ones included, land in its
// options; the wash codes reach registry.LoadOptions.Wash.
func TestScrubFlagsBind(t *testing.T) {
	stdio, _, _ := testIO("")
	var got *scrubOptions
	cmd := newScrubCmd(stdio, func(_ context.Context, o *scrubOptions) error { got = o; return nil })
	bound(t, cmd, "-r", "dnc=wash:w.csv", "--allow", "a.csv", "--consent", "c.csv", "--country", "us",
		"--max-age", "31d", "--max-invalid", "5", "--allow-empty-registry", "--block-codes", "D,F", "--pass-codes", "C", "--pass-codes", "W",
		"-j", "3", "-o", "clean.csv", "--receipt", "r.json", "in.csv")
	r := got.registry
	if got.input != "in.csv" || got.out != "clean.csv" || got.receipt != "r.json" || got.workers != 3 ||
		got.country.code != "us" || !got.country.given ||
		!reflect.DeepEqual(r.registries, []string{"dnc=wash:w.csv"}) || !reflect.DeepEqual(r.allow, []string{"a.csv"}) ||
		!reflect.DeepEqual(r.consent, []string{"c.csv"}) || r.maxAge != "31d" || r.maxInvalid != "5" || !r.allowEmpty {
		t.Errorf("bound options: %+v", got)
	}
	opts, err := r.loadOptions(mustNormalizer(t, "US"), time.Now(), stdio)
	if err != nil {
		t.Fatal(err)
	}
	if want := (registry.WashCodes{Block: []string{"D", "F"}, Pass: []string{"C", "W"}}); !reflect.DeepEqual(opts.Wash, want) {
		t.Errorf("LoadOptions.Wash = %+v, want %+v", opts.Wash, want)
	}
}

// TestWashCodes: the verdict flags' defaults are Y and N; a verdict in both
// lists, or an empty list, is a usage error (exit 2) in every command that
// has them.
func TestWashCodes(t *testing.T) {
	for _, tc := range []struct {
		block, pass []string
		want        registry.WashCodes
		err         string
	}{
		{[]string{"Y"}, []string{"N"}, registry.WashCodes{Block: []string{"Y"}, Pass: []string{"N"}}, ""},
		{[]string{" D", "F "}, []string{"C"}, registry.WashCodes{Block: []string{"D", "F"}, Pass: []string{"C"}}, ""},
		{[]string{"Y", "b"}, []string{"N", "B"}, registry.WashCodes{}, `verdict "B" is in both`},
		{nil, []string{"N"}, registry.WashCodes{}, "--block-codes: want at least one verdict"},
		{[]string{"Y"}, []string{""}, registry.WashCodes{}, "--pass-codes: an empty verdict"},
	} {
		r := registryFlags{blockCodes: tc.block, passCodes: tc.pass}
		got, err := r.wash()
		var ue *usageError
		switch {
		case tc.err == "" && (err != nil || !reflect.DeepEqual(got, tc.want)):
			t.Errorf("%q %q: %+v, %v; want %+v", tc.block, tc.pass, got, err, tc.want)
		case tc.err != "" && (!errors.As(err, &ue) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q %q: error %v, want a usage error with %q", tc.block, tc.pass, err, tc.err)
		}
	}
	dir := writeFiles(t, map[string]string{"reg.txt": "0612345678\n", "in.csv": "tel\n0612345679\n"})
	reg, in, out := filepath.Join(dir, "reg.txt"), filepath.Join(dir, "in.csv"), filepath.Join(dir, "out")
	both := []string{"--block-codes", "Y,X", "--pass-codes", "N,x"}
	for _, args := range [][]string{
		{"scrub", "-r", reg, "-o", out, in},
		{"coverage", "-r", reg, in},
		{"check", "-r", reg, "0612345678"},
		{"registry", "build", "-o", out, reg},
	} {
		stdio, _, errOut := testIO("")
		if code := Main(append(args, both...), stdio); code != ExitUsage || !strings.Contains(errOut.String(), "in both --block-codes and --pass-codes") {
			t.Errorf("%s with X in both lists: exit %d, %s", args[0], code, errOut)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("an output was written by a refused command")
	}
}

// TestRunScrub calls scrub's run with options built by hand.
func TestRunScrub(t *testing.T) {
	dir := writeFiles(t, map[string]string{"reg.txt": "0612345678\n", "in.csv": "tel\n0612345678\n0612345679\n"})
	stdio, out, errOut := testIO("")
	o := &scrubOptions{IO: stdio, blocked: filepath.Join(dir, "blocked.csv")}
	o.input = filepath.Join(dir, "in.csv")
	o.quiet = true
	o.registry = registryFlags{registries: []string{filepath.Join(dir, "reg.txt")}, maxInvalid: "1%", blockCodes: []string{"Y"}, passCodes: []string{"N"}}
	o.country.code = "FR"
	o.maxRow = "1MiB"
	if err := runScrub(context.Background(), o); err != nil {
		t.Fatalf("runScrub: %v (%s)", err, errOut)
	}
	if out.String() != "tel\n0612345679\n" {
		t.Errorf("clean rows on standard output: %q", out)
	}
	if b, _ := os.ReadFile(o.blocked); !strings.Contains(string(b), "0612345678") {
		t.Errorf("blocked rows: %q", b)
	}
}

// TestReceiptCommandLine: the receipt records the arguments Main was given
// (not the process's os.Args, which here are the test binary's).
func TestReceiptCommandLine(t *testing.T) {
	dir := writeFiles(t, map[string]string{"reg.txt": "0612345678\n", "in.csv": "tel\n0612345679\n"})
	rec := filepath.Join(dir, "r.json")
	args := []string{"scrub", "-q", "-r", filepath.Join(dir, "reg.txt"), "-o", filepath.Join(dir, "c.csv"), "--receipt", rec, filepath.Join(dir, "in.csv")}
	stdio, _, errOut := testIO("")
	if code := Main(args, stdio); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var r receipt
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if want := append([]string{"listscrub"}, args...); !reflect.DeepEqual(r.CommandLine, want) {
		t.Errorf("receipt command_line %q, want %q", r.CommandLine, want)
	}
}

// TestRunCoverage calls coverage's run; its flags bind like scrub's.
func TestRunCoverage(t *testing.T) {
	stdio, out, errOut := testIO("")
	var got *coverageOptions
	bound(t, newCoverageCmd(stdio, func(_ context.Context, o *coverageOptions) error { got = o; return nil }),
		"-r", "reg.txt", "--by", "Ville", "--top", "3", "--format", "json", "--block-codes", "D", "in.csv")
	if got.input != "in.csv" || got.format != "json" || got.top != 3 || !reflect.DeepEqual(got.by, []string{"Ville"}) ||
		!reflect.DeepEqual(got.registry.blockCodes, []string{"D"}) {
		t.Errorf("bound options: %+v", got)
	}
	dir := writeFiles(t, map[string]string{"reg.txt": "0612345678\n", "in.csv": "tel\n0612345678\n0612345679\n"})
	got.IO = stdio
	got.input = filepath.Join(dir, "in.csv")
	got.registry.registries = []string{filepath.Join(dir, "reg.txt")}
	got.registry.blockCodes = []string{"Y"}
	got.by = nil
	got.quiet = true
	if err := runCoverage(context.Background(), got); err != nil {
		t.Fatalf("runCoverage: %v (%s)", err, errOut)
	}
	var rep struct {
		RowsIn    int `json:"rows_in"`
		RowsClean int `json:"rows_clean"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.RowsIn != 2 || rep.RowsClean != 1 {
		t.Errorf("report %+v, %v: %s", rep, err, out)
	}
}

// fakeSet is a registry for checkNumbers: registered numbers (mask 1), the
// screened ones and the uncovered ones.
type fakeSet struct{ registered, screened, uncovered map[normalize.Key]bool }

func (f fakeSet) Lookup(k normalize.Key) uint64 {
	if f.registered[k] {
		return 1
	}
	return 0
}
func (f fakeSet) Screened(k normalize.Key) bool { return f.screened[k] }
func (f fakeSet) Covers(k normalize.Key) bool   { return !f.uncovered[k] }

// TestCheckNotScreened: a valid number that no wash result screened is "not
// screened", never "not registered", and makes check fail (exit 1) unless a
// number is registered (exit 3).
func TestCheckNotScreened(t *testing.T) {
	norm := mustNormalizer(t, "FR")
	key := func(s string) normalize.Key { return norm.NormalizeString(s).Key }
	set := fakeSet{
		registered: map[normalize.Key]bool{key("0612345678"): true},
		screened:   map[normalize.Key]bool{key("0612345678"): true, key("0612345679"): true},
	}
	var out bytes.Buffer
	v := checkNumbers(&out, norm, set, []registry.SourceInfo{{Label: "wash"}}, []string{"0612345678", "0612345679", "0612345600", "01"})
	want := "+33612345678\tregistered\twash\n+33612345679\tnot registered\n+33612345600\tnot screened\n01\tinvalid\ttoo-short\n"
	if out.String() != want {
		t.Errorf("check lines:\n%s\nwant:\n%s", out.String(), want)
	}
	if v.registered != 1 || v.notScreened != 1 || len(v.notRegistered) != 1 {
		t.Errorf("verdicts %+v", v)
	}
}

// TestCheckNotCovered: a valid number outside every registry's coverage is
// "not covered" (not checked), never "not registered".
func TestCheckNotCovered(t *testing.T) {
	norm := mustNormalizer(t, "FR")
	key := func(s string) normalize.Key { return norm.NormalizeString(s).Key }
	set := fakeSet{
		screened:  map[normalize.Key]bool{key("0612345678"): true, key("0145678901"): true},
		uncovered: map[normalize.Key]bool{key("0145678901"): true},
	}
	var out bytes.Buffer
	v := checkNumbers(&out, norm, set, nil, []string{"0612345678", "0145678901"})
	if want := "+33612345678\tnot registered\n+33145678901\tnot covered\n"; out.String() != want {
		t.Errorf("check lines:\n%s\nwant:\n%s", out.String(), want)
	}
	if v.notCovered != 1 || len(v.notRegistered) != 1 {
		t.Errorf("verdicts %+v", v)
	}
}

// TestRunCheck calls check's run: exit 3 (errRegistered) when a number is
// registered, nil otherwise.
func TestRunCheck(t *testing.T) {
	dir := writeFiles(t, map[string]string{"reg.txt": "0612345678\n"})
	stdio, out, _ := testIO("")
	var got *checkOptions
	bound(t, newCheckCmd(stdio, func(_ context.Context, o *checkOptions) error { got = o; return nil }),
		"-r", filepath.Join(dir, "reg.txt"), "--pass-codes", "N,W", "0612345678", "0612345679")
	if !reflect.DeepEqual(got.numbers, []string{"0612345678", "0612345679"}) || !reflect.DeepEqual(got.registry.passCodes, []string{"N", "W"}) {
		t.Fatalf("bound options: %+v", got)
	}
	if err := runCheck(context.Background(), got); !errors.Is(err, errRegistered) {
		t.Errorf("runCheck: %v, want errRegistered", err)
	}
	if want := "+33612345678\tregistered\treg.txt\n+33612345679\tnot registered\n"; out.String() != want {
		t.Errorf("output %q, want %q", out, want)
	}
	got.numbers = []string{"0612345679"}
	if err := runCheck(context.Background(), got); err != nil {
		t.Errorf("runCheck, no number registered: %v", err)
	}
}

// TestRunNormalize calls normalize's run on standard input.
func TestRunNormalize(t *testing.T) {
	stdio, out, _ := testIO("06 12 34 56 78\nnope\n")
	var got *normalizeOptions
	bound(t, newNormalizeCmd(stdio, func(_ context.Context, o *normalizeOptions) error { got = o; return nil }), "--country", "FR")
	if got.path != "-" || got.country.code != "FR" {
		t.Fatalf("bound options: %+v", got)
	}
	if err := runNormalize(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	if out.String() != "+33612345678\n\n" {
		t.Errorf("output %q", out)
	}
}

// TestRegistryCommands: build's flags bind (dates and --country remember
// whether they were given); build, info and diff run on options built by
// hand.
func TestRegistryCommands(t *testing.T) {
	stdio, out, errOut := testIO("")
	var got *buildOptions
	bound(t, newRegistryBuildCmd(stdio, func(_ context.Context, o *buildOptions) error { got = o; return nil }),
		"-o", "x.snap", "--as-of", "2026-11-01", "--lenient", "--block-codes", "D", "a=wash:a.csv", "b.txt")
	if got.out != "x.snap" || !got.asOf.given || got.asOf.text != "2026-11-01" || got.country.given || got.country.code != "FR" ||
		!got.registry.lenient || !reflect.DeepEqual(got.registry.registries, []string{"a=wash:a.csv", "b.txt"}) {
		t.Fatalf("bound options: %+v", got)
	}
	dir := writeFiles(t, map[string]string{"a.txt": "0612345678\n0612345679\n", "b.txt": "0612345678\n"})
	snap := func(name string, sources ...string) string {
		p := filepath.Join(dir, name)
		o := &buildOptions{IO: stdio, out: p, quiet: true}
		o.country.code = "FR"
		o.registry = registryFlags{use: forBuild, registries: sources, maxInvalid: "1%", blockCodes: []string{"Y"}, passCodes: []string{"N"}}
		if err := runBuild(context.Background(), o); err != nil {
			t.Fatalf("runBuild %s: %v (%s)", name, err, errOut)
		}
		return p
	}
	a := snap("a.snap", filepath.Join(dir, "a.txt"))
	b := snap("b.snap", filepath.Join(dir, "b.txt"))
	if err := runInfo(context.Background(), &infoOptions{IO: stdio, path: a, asJSON: true}); err != nil {
		t.Fatal(err)
	}
	var info snapshotInfo
	if err := json.Unmarshal(out.Bytes(), &info); err != nil || info.Entries != 2 || len(info.Sources) != 1 {
		t.Errorf("info %+v, %v", info, err)
	}
	out.Reset()
	if err := runDiff(context.Background(), &diffOptions{IO: stdio, a: a, b: b, list: true}); err != nil {
		t.Fatal(err)
	}
	if want := "- +33612345679\nadded:   0\nremoved: 1\n"; out.String() != want {
		t.Errorf("diff %q, want %q", out, want)
	}
}

// TestReceiptVerifyBind: verify's arguments and --allow-v1 land in its
// options; its run refuses a file that is not a receipt.
func TestReceiptVerifyBind(t *testing.T) {
	stdio, _, _ := testIO("")
	var got *verifyOptions
	bound(t, newReceiptVerifyCmd(stdio, func(_ context.Context, o *verifyOptions) error { got = o; return nil }),
		"--allow-v1", "r.json", "in.csv", "c.csv", "b.csv")
	if got.receipt != "r.json" || got.input != "in.csv" || !reflect.DeepEqual(got.outputs, []string{"c.csv", "b.csv"}) || !got.allowV1 {
		t.Fatalf("bound options: %+v", got)
	}
	dir := writeFiles(t, map[string]string{"r.json": "{}"})
	got.receipt = filepath.Join(dir, "r.json")
	if err := runReceiptVerify(context.Background(), got); err == nil || !strings.Contains(err.Error(), "not a listscrub receipt") {
		t.Errorf("runReceiptVerify on {}: %v", err)
	}
}

// TestRunVersion calls version's run.
func TestRunVersion(t *testing.T) {
	stdio, out, _ := testIO("")
	if err := runVersion(context.Background(), &versionOptions{IO: stdio}); err != nil || !strings.HasPrefix(out.String(), "listscrub ") {
		t.Errorf("runVersion: %q, %v", out, err)
	}
}
