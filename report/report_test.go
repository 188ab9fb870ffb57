package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// sampleReport runs the coverage of the shipped sample, as make demo scrubs it.
func sampleReport(t *testing.T) *Report {
	t.Helper()
	dir := filepath.Join("..", "testdata", "sample")
	norm, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reg, err := registry.Load(ctx, []registry.Spec{
		{Label: "bloctel", Path: filepath.Join(dir, "bloctel.csv")},
		{Label: "optout", Path: filepath.Join(dir, "optout.txt")},
	}, registry.LoadOptions{Normalizer: norm, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	allow, err := registry.Load(ctx, []registry.Spec{{Label: "customers", Path: filepath.Join(dir, "customers.csv")}},
		registry.LoadOptions{Normalizer: norm, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	agg := New(Config{Registry: reg, By: []string{"Ville", "Campagne"}, Top: 6})
	st, err := scrub.Run(ctx, scrub.Options{
		Input: filepath.Join(dir, "prospects.csv"), Out: os.DevNull,
		Registry: reg, Allow: allow, Normalizer: norm, Dedupe: true, Observer: agg,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := agg.Err(); err != nil {
		t.Fatal(err)
	}
	st.Input.Path = "prospects.csv"
	return agg.Report(st)
}

// Every row-level breakdown that covers all rows sums to rows_in; zones and
// territories sum to the rows of their calling codes.
func TestBreakdownsAddUp(t *testing.T) {
	r := sampleReport(t)
	in := r.RowsIn
	want := Counts{in, r.RowsClean, r.RowsBlocked, r.RowsInvalid, r.RowsDuplicate}
	for name, bd := range map[string]Breakdown{"type": r.ByNumberType, "country": r.ByCountry} {
		if got := bd.Total(); got != want {
			t.Errorf("by %s: total %+v, want %+v", name, got, want)
		}
	}
	for _, c := range r.ByColumn {
		if got := c.Values.Total(); got != want {
			t.Errorf("by %s: total %+v, want %+v", c.Column, got, want)
		}
	}
	var fr, overseas int64
	for _, b := range r.ByCountry {
		switch b.Key {
		case "+33":
			fr = b.Rows
		case "+262", "+590", "+594", "+596", "+508", "+681", "+687", "+689":
			overseas += b.Rows
		}
	}
	if got := r.ByZone.Total().Rows; got != fr {
		t.Errorf("zones: %d rows, want the %d rows of +33", got, fr)
	}
	if got := r.ByTerritory.Total().Rows; got != overseas {
		t.Errorf("territories: %d rows, want %d", got, overseas)
	}
	var blocked int64
	for _, s := range r.BySource {
		blocked += s.Only
	}
	if blocked+r.Overlap.InTwoOrMore != r.Overlap.Numbers {
		t.Errorf("overlap: only %d + shared %d != %d numbers", blocked, r.Overlap.InTwoOrMore, r.Overlap.Numbers)
	}
}

// Reports are deterministic (timing aside), whatever the number of workers.
func TestDeterministic(t *testing.T) {
	render := func() []byte {
		r := sampleReport(t)
		r.ElapsedSeconds, r.RowsPerSecond = 0, 0
		var b bytes.Buffer
		for _, f := range []func(*Report, *bytes.Buffer) error{
			func(r *Report, b *bytes.Buffer) error { return r.WriteJSON(b) },
			func(r *Report, b *bytes.Buffer) error { return r.WriteTable(b) },
			func(r *Report, b *bytes.Buffer) error { return r.WriteCSV(b) },
			func(r *Report, b *bytes.Buffer) error { return r.WriteHTML(b) },
		} {
			if err := f(r, &b); err != nil {
				t.Fatal(err)
			}
		}
		return b.Bytes()
	}
	if a, b := render(), render(); !bytes.Equal(a, b) {
		t.Error("two runs gave different reports")
	}
}

func TestResolveColumn(t *testing.T) {
	names := []string{"id", " Ville ", "Campagne"}
	for spec, want := range map[string]int{"ville": 1, "CAMPAGNE": 2, "1": 0, "3": 2} {
		got, _, err := resolveColumn(spec, names)
		if err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", spec, got, err, want)
		}
	}
	for _, spec := range []string{"Region", "4", "0", ""} {
		if _, _, err := resolveColumn(spec, names); err == nil {
			t.Errorf("%q: no error", spec)
		}
	}
	if got, name, err := resolveColumn("7", nil); err != nil || got != 6 || name != "7" {
		t.Errorf("no header: %d %q %v", got, name, err)
	}
	// A number too large for an int is said to be one, with or without a
	// header, and never printed (it looks like a phone number).
	for _, h := range [][]string{names, nil} {
		_, _, err := resolveColumn("99999999999999999999", h)
		if err == nil || err.Error() != "--by <number>: a column number this large cannot exist: give a number from 1 to the number of columns, or a column name" {
			t.Errorf("header %q: error %v", h, err)
		}
	}
}
