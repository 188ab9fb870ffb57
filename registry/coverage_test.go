package registry

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

func TestParseCoverage(t *testing.T) {
	got, err := ParseCoverage([]string{"+1 201", "33", "+33", " +1-973 "})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"+1201", "+1973", "+33"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for _, bad := range []string{"", "+", "+0", "+33x", "+1234567890123456"} {
		if _, err := ParseCoverage([]string{bad}); err == nil {
			t.Errorf("ParseCoverage(%q): no error", bad)
		}
	}
}

func TestCovers(t *testing.T) {
	c := newCoverage([]string{"+1201", "+33"})
	for k, want := range map[normalize.Key]bool{
		33612345678: true, 12015550123: true, 19735550123: false,
		44207946000: false, 3: false, 33: true,
	} {
		if got := c.covers(k); got != want {
			t.Errorf("covers(%d) = %v, want %v", k, got, want)
		}
	}
	if all := newCoverage(nil); !all.covers(12345) {
		t.Error("nil coverage must cover every number")
	}
	// The union: one source without coverage covers everything.
	if u := coverageOf([]SourceInfo{{Covers: []string{"+33"}}, {}}); !u.covers(44207946000) {
		t.Error("a source without coverage must cover every number")
	}
	if u := coverageOf([]SourceInfo{{Covers: []string{"+33"}}, {Covers: []string{"+44"}}}); !u.covers(44207946000) || u.covers(12015550123) {
		t.Error("union of +33 and +44 wrong")
	}
}

func TestCoverageSnapshotRoundTrip(t *testing.T) {
	s := smallSet(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "reg.snap")
	if err := WriteSnapshotFile(p, s, SnapshotMeta{Covers: []string{"+336"}}); err != nil {
		t.Fatal(err)
	}
	meta, got, err := ReadSnapshotInfo(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(meta.Covers, []string{"+336"}) || !slices.Equal(got.Coverage(), []string{"+336"}) {
		t.Fatalf("coverage %q / %q", meta.Covers, got.Coverage())
	}
	if got.Covers(33123456789) || !got.Covers(33612345678) {
		t.Fatal("Covers wrong after read")
	}
	// Loaded as a source, alone or with a raw list (which covers everything).
	one, err := Load(context.Background(), []Spec{{Label: "r", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	if one.Covers(33123456789) || !one.Covers(33612345678) {
		t.Fatal("Covers wrong for a snapshot source")
	}
	raw := writeFile(t, dir, "x.txt", []byte("0612345678\n"))
	two, err := Load(context.Background(), []Spec{{Label: "r", Path: p}, {Label: "x", Path: raw}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	if !two.Covers(33123456789) {
		t.Fatal("a raw list covers every number")
	}
	if err := WriteSnapshotFile(filepath.Join(dir, "e.snap"), s, SnapshotMeta{Covers: []string{}}); err == nil {
		t.Fatal("empty coverage list accepted")
	}
}
