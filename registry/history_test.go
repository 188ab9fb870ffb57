package registry

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/policy"
)

// historyLinesCSV are a history's data lines with their delimiter as
// ";"; sampleAttempts what they hold. The empty number and the one that is
// no number are invalid lines (their called_at is not read).
var historyLinesCSV = []string{
	"0612345678;2026-11-30T14:05:00+01:00;no answer",
	"+33612345679;2026-11-30T16:40:00.250Z; Refused ",
	"\"06 12 34 56 80\";2026-11-30T10:00:00-05:00;",
	";2026-11-30T16:40:00Z;refused",
	"inconnu;hier;refused",
	"0612345678;2026-12-01T09:00:00Z;REFUSED",
}

var sampleAttempts = []attempt{
	{"+33612345678", "2026-11-30T13:05:00Z", false},
	{"+33612345679", "2026-11-30T16:40:01Z", true}, // 16:40:00.250, rounded up
	{"+33612345680", "2026-11-30T15:00:00Z", false},
	{"+33612345678", "2026-12-01T09:00:00Z", true},
}

// historyText returns the sample history with header, delimiter and line
// break.
func historyText(header, delim, lb string) string {
	lines := append([]string{header}, historyLinesCSV...)
	return strings.ReplaceAll(strings.Join(lines, lb)+lb, ";", delim)
}

// TestLoadHistory reads the sample history in every form a list may take:
// delimiters, line breaks, a BOM, Windows-1252, gzip, a workbook; and the
// spellings of called_at.
func TestLoadHistory(t *testing.T) {
	book := [][]any{{"Téléphone", "Called at", "Outcome"}}
	for _, l := range historyLinesCSV {
		row := []any{}
		for _, f := range strings.Split(l, ";") {
			row = append(row, strings.Trim(f, `"`))
		}
		book = append(book, row)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"semicolon", []byte(historyText("phone;called_at;outcome", ";", "\n"))},
		{"comma", []byte(historyText("phone;Called at;outcome", ",", "\n"))},
		{"tab", []byte(historyText("phone;calledAt;Outcome", "\t", "\n"))},
		{"pipe", []byte(historyText("phone;CALLED_AT;OUTCOME", "|", "\n"))},
		{"CRLF", []byte(historyText("phone;called_at;outcome", ";", "\r\n"))},
		{"CR only", []byte(historyText("phone;called_at;outcome", ";", "\r"))},
		{"BOM", []byte("\xef\xbb\xbf" + historyText("Téléphone;called_at;outcome", ";", "\n"))},
		{"Windows-1252", cp1252(historyText("Téléphone;called_at;outcome", ";", "\r\n"))},
		{"gzip", gz(t, []byte(historyText("phone;called_at;outcome", ",", "\n")))},
		{"columns in another order", []byte("outcome;called_at;num\u00e9ro de t\u00e9l\u00e9phone\nrefused;2026-11-30T13:05:00Z;0612345678\n")},
		{"workbook", xlsx(t, book)},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := sampleAttempts
			if c.name == "columns in another order" {
				want = []attempt{{"+33612345678", "2026-11-30T13:05:00Z", true}}
			}
			name := "h.csv"
			if c.name == "workbook" {
				name = "h.xlsx"
			}
			p := writeFile(t, t.TempDir(), name, c.data)
			var b policy.HistoryBuilder
			infos, err := LoadHistory(context.Background(), []Spec{{Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")}, &b)
			if err != nil {
				t.Fatal(err)
			}
			h, err := b.Build()
			if err != nil {
				t.Fatal(err)
			}
			sameHistory(t, h, want)
			si := infos[0]
			refusals := 0
			for _, a := range want {
				if a.refused {
					refusals++
				}
			}
			if si.Kind != KindHistory || si.Attempts != len(want) || si.Refusals != refusals || si.SHA256 != sha256Hex(c.data) || si.Label != name {
				t.Fatalf("info %+v", si)
			}
			if len(want) == len(sampleAttempts) && (si.Lines != 6 || si.Invalid["empty"] != 1 || si.Invalid["not-a-number"] != 1) {
				t.Fatalf("%d lines, invalid %v", si.Lines, si.Invalid)
			}
		})
	}
}

// TestLoadHistoryColumns: every valid number of a line is an attempt; two
// sources go to one builder.
func TestLoadHistoryColumns(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", []byte("Mobile;Fixe;called_at;outcome\n0612345678;0145678901;2026-11-30T10:00:00Z;refused\n;0145678902;2026-11-30T11:00:00Z;\n"))
	b := writeFile(t, dir, "b.csv", []byte("tel,called_at,outcome\n0612345679,2026-11-30T12:00:00+01:00,ok\n"))
	var hb policy.HistoryBuilder
	infos, err := LoadHistory(context.Background(), []Spec{{Path: a}, {Path: b}}, LoadOptions{Normalizer: normalizer(t, "FR")}, &hb)
	if err != nil {
		t.Fatal(err)
	}
	h, err := hb.Build()
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, h, []attempt{
		{"+33612345678", "2026-11-30T10:00:00Z", true},
		{"+33145678901", "2026-11-30T10:00:00Z", true},
		{"+33145678902", "2026-11-30T11:00:00Z", false},
		{"+33612345679", "2026-11-30T11:00:00Z", false},
	})
	if infos[0].Attempts != 3 || infos[0].Refusals != 2 || infos[1].Attempts != 1 {
		t.Fatalf("infos %+v %+v", infos[0], infos[1])
	}
}

// TestLoadHistoryParallel: a history parsed in many chunks on every core
// holds every attempt once.
func TestLoadHistoryParallel(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("phone,called_at,outcome\n")
	var want []attempt
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3000 {
		at := base.Add(time.Duration(i) * 3 * time.Hour)
		out := "busy"
		if i%7 == 0 {
			out = "refused"
		}
		fmt.Fprintf(&sb, "06%08d,%s,%s\n", 12000000+i%50, at.Format(time.RFC3339), out)
		want = append(want, attempt{fmt.Sprintf("+336%08d", 12000000+i%50), at.Format(time.RFC3339), out == "refused"})
	}
	p := writeFile(t, t.TempDir(), "h.csv", []byte(sb.String()))
	var hb policy.HistoryBuilder
	if _, err := LoadHistory(context.Background(), []Spec{{Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), chunkBytes: 512}, &hb); err != nil {
		t.Fatal(err)
	}
	h, err := hb.Build()
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, h, want)
}

// TestLoadHistoryErrors: what refuses a history, each message naming the
// file (and the line and column of a bad called_at) and never a number.
func TestLoadHistoryErrors(t *testing.T) {
	noZone := [][]any{{"phone", "called_at", "outcome"}, {"0612345678", time.Date(2026, 11, 30, 14, 5, 0, 0, time.UTC), "refused"}}
	for _, c := range []struct {
		name string
		data string
		book [][]any
		want string
	}{
		{"no header", "0612345678;2026-11-30T14:05:00Z;refused\n", nil, "h.csv:1: no header naming a phone number column: a contact history needs a header"},
		{"no called_at", "phone;date;outcome\n0612345678;2026-11-30T14:05:00Z;refused\n", nil, `history h.csv: no called_at column in the header ("phone", "date", "outcome"): add a called_at column`},
		{"no outcome", "phone;called_at\n0612345678;2026-11-30T14:05:00Z\n", nil, "history h.csv: no outcome column in the header"},
		{"two called_at", "phone;called_at;Called at;outcome\n", nil, `h.csv:1: columns "called_at" and "Called at" both name the called_at`},
		{"not RFC 3339", "phone;called_at;outcome\n0612345679;2026-11-30T14:05:00Z;\n0612345678;30/11/2026 14:05;refused\n", nil,
			`h.csv:3: column "called_at" is not an RFC 3339 time: give an RFC 3339 time with an offset`},
		{"empty", "phone;Called at;outcome\n0612345678;;refused\n", nil, `h.csv:2: column "Called at" is empty: give an RFC 3339 time with an offset`},
		{"no offset", "phone;called_at;outcome\n0612345678;2026-11-30T14:05:00.5;x\n", nil, `h.csv:2: column "called_at" has no offset`},
		{"number in called_at", "phone;called_at;outcome\n0612345678;0612345679;x\n", nil, `h.csv:2: column "called_at" is not an RFC 3339 time`},
		{"workbook date cell", "", noZone, `h.xlsx:2: column "called_at" has no offset (a workbook's date cells have none)`},
		{"a field too many", "phone;agent;called_at;outcome\n0612345678;Doe; John;2026-11-30T14:05:00Z;refused\n", nil,
			"h.csv:2: 5 fields where the header has 4: its columns are shifted"},
		{"a field too few", "phone;called_at;outcome\n0612345678;2026-11-30T14:05:00Z\n", nil,
			"h.csv:2: 2 fields where the header has 3"},
		{"unbalanced quotes", "phone;called_at;outcome\n0612345678;\"2026-11-30T14:05:00Z;refused\n", nil, "h.csv:2: unbalanced quotes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			name, data := "h.csv", []byte(c.data)
			if c.book != nil {
				name, data = "h.xlsx", xlsx(t, c.book)
			}
			dir := t.TempDir()
			p := writeFile(t, dir, name, data)
			var b policy.HistoryBuilder
			_, err := LoadHistory(context.Background(), []Spec{{Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")}, &b)
			if err == nil {
				t.Fatal("loaded")
			}
			msg := strings.ReplaceAll(err.Error(), dir+"/", "")
			if !strings.Contains(msg, c.want) {
				t.Fatalf("error %q, want %q", msg, c.want)
			}
			if digitRun6.MatchString(msg) {
				t.Fatalf("error %q prints a number", msg)
			}
		})
	}
}

// digitRun6 matches six digits in a row: a phone number, or part of one.
var digitRun6 = regexp.MustCompile(`[0-9]{6}`)

// TestLoadHistoryInvalidLines: too many invalid lines refuse a history as
// they refuse a list (a history read short lets numbers be called too
// often); an empty history is accepted.
func TestLoadHistoryInvalidLines(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.csv", []byte("phone,called_at,outcome\n12,2026-11-30T10:00:00Z,\n13,2026-11-30T10:00:00Z,\n0612345678,2026-11-30T10:00:00Z,\n"))
	empty := writeFile(t, dir, "empty.csv", []byte("phone,called_at,outcome\n"))
	opts := LoadOptions{Normalizer: normalizer(t, "FR"), Checks: Checks{MaxInvalid: DefaultMaxInvalid, RequireNumbers: true}}
	var b policy.HistoryBuilder
	if _, err := LoadHistory(context.Background(), []Spec{{Path: bad}}, opts, &b); err == nil || !strings.Contains(err.Error(), "2 of 3 lines are not valid numbers") {
		t.Fatalf("error %v", err)
	}
	b = policy.HistoryBuilder{}
	infos, err := LoadHistory(context.Background(), []Spec{{Path: empty}}, opts, &b)
	if err != nil || infos[0].Attempts != 0 || b.Len() != 0 {
		t.Fatalf("error %v", err)
	}
}

// TestLoadHistoryNotARegistry: a history is read by LoadHistory only.
func TestLoadHistoryNotARegistry(t *testing.T) {
	p := writeFile(t, t.TempDir(), "h.csv", []byte("phone,called_at,outcome\n0612345678,2026-11-30T10:00:00Z,\n"))
	if _, err := Load(context.Background(), []Spec{{Label: "h", Path: p, Format: KindHistory}}, LoadOptions{Normalizer: normalizer(t, "FR")}); err == nil {
		t.Fatal("loaded as a registry")
	}
}

// FuzzHistoryLine reads arbitrary lines under a history's header: no
// panic; every attempt kept is a number at the called_at time.Parse reads;
// an error never prints six digits of the line.
func FuzzHistoryLine(f *testing.F) {
	for _, s := range append(historyLinesCSV,
		"0612345678;2026-11-30T14:05:00;x", "0612345678;;", "\"0612345678;2026-11-30T14:05:00Z;refused",
		"0612345678 / 0612345679;2026-11-30T14:05:00Z;refused", "0612345678;2026-11-30T14:05:00Z;refused;0612345679") {
		f.Add([]byte(s))
	}
	fr := normalizer(f, "FR")
	hdr, ok := detectHeader([]byte("phone;called_at;outcome"), colname.Block)
	if !ok {
		f.Fatal("no header")
	}
	lf := historyLines{csv: csvLines{hdr: hdr}, calledCol: 1, outcomeCol: 2, calledName: "called_at"}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") {
			return
		}
		var b policy.HistoryBuilder
		p := newTextParser("fuzz.csv", LoadOptions{Normalizer: fr, records: &recordSink{history: &b}}, nil)
		err := lf.line(p, line, 2)
		if err != nil {
			if digitRun6.Match([]byte(err.Error())) {
				t.Fatalf("error %q prints a number", err)
			}
			return
		}
		if p.history.Len() != p.attempts || p.refusals > p.attempts || len(p.reg.take()) != 0 {
			t.Fatalf("%d records, %d attempts, %d refusals", p.history.Len(), p.attempts, p.refusals)
		}
		if p.attempts == 0 {
			return
		}
		called, _, _ := csvsplit.FieldAt(line, ';', 1)
		if _, perr := time.Parse(time.RFC3339Nano, string(called)); perr != nil {
			t.Fatalf("an attempt kept from %q, whose called_at time.Parse refuses: %v", line, perr)
		}
		p.flushRecords()
		h, err := b.Build()
		if err != nil || h.Lines() != p.attempts {
			t.Fatalf("history of %q: %v, %d lines", line, err, h.Lines())
		}
	})
}
