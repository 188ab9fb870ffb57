package registry

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// consent is one expected consent line: RFC 3339 or YYYY-MM-DD dates, ""
// for none.
type consent struct{ e164, given, withdrawn string }

// unix returns the Unix second of a consent date (rounded up or down as
// parseConsentDate does for a consent given and a withdrawal), or none.
func unix(t *testing.T, s string, none int64) int64 {
	t.Helper()
	if s == "" {
		return none
	}
	sec, ok := parseConsentDate([]byte(s), none == policy.Undated)
	if !ok {
		t.Fatalf("bad test date %q", s)
	}
	return sec
}

// sameConsents fails unless got says what consents built from want say:
// as many lines, and the same Status for each number at each date of want,
// the second before it, and the end of time, with and without a maximum
// age.
func sameConsents(t *testing.T, got *policy.Consents, want []consent) {
	t.Helper()
	var b policy.ConsentBuilder
	var instants []int64
	keys := map[string]normalize.Key{}
	for _, c := range want {
		g, w := unix(t, c.given, policy.Undated), unix(t, c.withdrawn, policy.NotWithdrawn)
		keys[c.e164] = keyOf(t, c.e164)
		b.Add(keys[c.e164], g, w)
		for _, s := range []int64{g, w} {
			if s != policy.Undated && s != policy.NotWithdrawn {
				instants = append(instants, s-1, s, s+86400)
			}
		}
	}
	instants = append(instants, 1<<40)
	ref := b.Build()
	if got.Lines() != ref.Lines() {
		t.Fatalf("%d consent lines, want %d", got.Lines(), ref.Lines())
	}
	for e164, k := range keys {
		for _, at := range instants {
			for _, age := range []time.Duration{0, 24 * time.Hour} {
				if g, r := got.Status(k, at, age), ref.Status(k, at, age); g != r {
					t.Fatalf("%s at %s (max age %v): %v, want %v", e164, time.Unix(at, 0).UTC().Format(time.RFC3339), age, g, r)
				}
			}
		}
	}
}

// consentLines are a dated consent list's data lines (";"-delimited) and
// datedConsents what they hold.
var consentLines = []string{
	"0612345678;2026-01-15;;web form",
	"0612345679;2026-01-15T10:00:00+01:00;2026-03-01;call 0612345679",
	"0612345680;;;paper",
	";2026-01-15;;no number",
	"0612345678;2026-02-01T00:00:00Z;2026-02-10T12:00:00.5-01:00;again",
}

var datedConsents = []consent{
	{"+33612345678", "2026-01-15", ""},
	{"+33612345679", "2026-01-15T09:00:00Z", "2026-03-01"},
	{"+33612345680", "", ""},
	{"+33612345678", "2026-02-01T00:00:00Z", "2026-02-10T13:00:00Z"},
}

// bookDay is a workbook cell holding a day, formatted as a date (no time).
type bookDay time.Time

// TestLoadDatedConsents reads a dated consent list in every form a list
// may take, with the spellings of its date columns: the Set is what it is
// without a builder, the builder gets each line's numbers and dates.
func TestLoadDatedConsents(t *testing.T) {
	text := func(header, delim, lb string) []byte {
		return []byte(strings.ReplaceAll(strings.Join(append([]string{header}, consentLines...), lb)+lb, ";", delim))
	}
	book := [][]any{{"Téléphone", "consent_date", "Date de retrait", "Source"}}
	for _, l := range consentLines {
		row := []any{}
		for _, f := range strings.Split(l, ";") {
			row = append(row, f)
		}
		book = append(book, row)
	}
	book[1][1] = bookDay(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		name, given, withdrawn string
		data                   []byte
	}{
		{"semicolon", "consented_at", "withdrawn_at", text("tel;consented_at;withdrawn_at;source", ";", "\n")},
		{"comma", "consent_date", "Date de retrait", text("tel;consent_date;Date de retrait;Référence", ",", "\n")},
		{"CRLF", "Date consentement", "Opposition", text("tel;Date consentement;Opposition;preuve", ";", "\r\n")},
		{"CR only", "consented_at", "withdrawn_at", text("tel;consented_at;withdrawn_at;source", "\t", "\r")},
		{"BOM", "consented_at", "unsubscribed_at", append([]byte("\xef\xbb\xbf"), text("Téléphone;consented_at;unsubscribed_at;source", ";", "\n")...)},
		{"Windows-1252", "Date consentement", "Date de désinscription", cp1252(string(text("Téléphone;Date consentement;Date de désinscription;Source", ";", "\r\n")))},
		{"gzip", "consented_at", "withdrawn_at", gz(t, text("phone;consented_at;withdrawn_at;source", ",", "\n"))},
		{"workbook", "consent_date", "Date de retrait", xlsx(t, book)},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := "c.csv"
			if c.name == "workbook" {
				name = "c.xlsx"
			}
			p := writeFile(t, t.TempDir(), name, c.data)
			var b policy.ConsentBuilder
			s, err := Load(context.Background(), []Spec{{Label: "c", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true, Consents: &b})
			if err != nil {
				t.Fatal(err)
			}
			sameConsents(t, b.Build(), datedConsents)
			if !slices.Equal(keysOf(s), []uint64{33612345678, 33612345679, 33612345680}) {
				t.Fatalf("set %v", keysOf(s))
			}
			si := s.Sources()[0]
			if si.ConsentedAt != c.given || si.WithdrawnAt != c.withdrawn || si.Invalid["empty"] != 1 {
				t.Fatalf("columns %q, %q; invalid %v", si.ConsentedAt, si.WithdrawnAt, si.Invalid)
			}
		})
	}
}

// TestLoadUndatedConsents: with a builder, every number of a consent source
// without dates is an undated consent, never withdrawn; a dated one beside
// it keeps its dates.
func TestLoadUndatedConsents(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, dir, "list.txt", []byte("0612345678\n0612345679\n0612345678\n"))
	csv := writeFile(t, dir, "c.csv", []byte("nom;tel;source\nA;0612345680;web\n"))
	dated := writeFile(t, dir, "d.csv", []byte("tel,consented_at\n0612345681,2026-05-01\n"))
	var b policy.ConsentBuilder
	_, err := Load(context.Background(), []Spec{{Label: "l", Path: list}, {Label: "c", Path: csv}, {Label: "d", Path: dated}},
		LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true, Consents: &b})
	if err != nil {
		t.Fatal(err)
	}
	sameConsents(t, b.Build(), []consent{
		{"+33612345678", "", ""}, {"+33612345679", "", ""}, {"+33612345680", "", ""}, {"+33612345681", "2026-05-01", ""},
	})
}

// TestLoadConsentsSnapshot: a snapshot given as a consent list with a
// builder adds its numbers undated.
func TestLoadConsentsSnapshot(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, dir, "list.txt", []byte("0612345678\n0612345679\n"))
	s, err := Load(context.Background(), []Spec{{Label: "l", Path: list}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true})
	if err != nil {
		t.Fatal(err)
	}
	snap := dir + "/c.snap"
	if err := WriteSnapshotFile(snap, s, SnapshotMeta{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	var b policy.ConsentBuilder
	if _, err := Load(context.Background(), []Spec{{Label: "c", Path: snap}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true, Consents: &b}); err != nil {
		t.Fatal(err)
	}
	sameConsents(t, b.Build(), []consent{{"+33612345678", "", ""}, {"+33612345679", "", ""}})
}

// TestLoadConsentsErrors: what refuses a dated consent list, each message
// naming the file (a bad date: its line and column), never a number; a
// withdrawal column holding codes stays refused as without a builder.
func TestLoadConsentsErrors(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       string // "" for a CodeColumnError naming column
		column     string
	}{
		{"bad consent date", "tel;consented_at\n0612345678;2026-01-15\n0612345679;15/01/2026\n", `c.csv:3: column "consented_at" is not a date: give an RFC 3339 time with an offset`, ""},
		{"consent date without offset", "tel;consented_at\n0612345678;2026-01-15T10:00:00\n", `c.csv:2: column "consented_at" is not a date`, ""},
		{"consent date holds a number", "tel;consented_at\n0612345678;0612345679\n", `c.csv:2: column "consented_at" is not a date`, ""},
		{"bad withdrawal date", "tel;consented_at;withdrawn_at\n0612345678;2026-01-15;2026-02-30\n", `c.csv:2: column "withdrawn_at" is not a date`, ""},
		{"withdrawal yes/no", "tel;consented_at;Opposition\n0612345678;2026-01-15;\n0612345679;2026-01-15;oui\n", "", "Opposition"},
		{"withdrawal tick", "tel;withdrawn_at\n0612345678;X\n", "", "withdrawn_at"},
		{"two withdrawal columns", "tel;withdrawn_at;Opposition\n0612345678;;\n", `c.csv:1: columns "withdrawn_at" and "Opposition" both name the withdrawal`, ""},
		{"two consent dates", "tel;consented_at;Date consentement\n0612345678;;\n", `c.csv:1: columns "consented_at" and "Date consentement" both name the consent date`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "c.csv", []byte(c.data))
			var b policy.ConsentBuilder
			_, err := Load(context.Background(), []Spec{{Label: "c", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true, Consents: &b})
			var ce *CodeColumnError
			switch {
			case err == nil:
				t.Fatal("loaded")
			case c.want == "" && (!errors.As(err, &ce) || ce.Column != c.column || !ce.Exempt):
				t.Fatalf("error %v, want a CodeColumnError naming %q", err, c.column)
			case c.want != "" && !strings.Contains(strings.ReplaceAll(err.Error(), dir+"/", ""), c.want):
				t.Fatalf("error %q, want %q", err, c.want)
			}
			if digitRun6.MatchString(strings.ReplaceAll(err.Error(), dir+"/", "")) {
				t.Fatalf("error %q prints a number", err)
			}
		})
	}
}

// TestLoadConsentsWithoutBuilder: without a builder, and for an allow
// list, a dated withdrawal column is refused as before dated consents.
func TestLoadConsentsWithoutBuilder(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c.csv", []byte("tel;consented_at;withdrawn_at\n0612345678;2026-01-15;2026-02-01\n"))
	_, err := Load(context.Background(), []Spec{{Label: "c", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true})
	var ce *CodeColumnError
	if !errors.As(err, &ce) || ce.Column != "withdrawn_at" {
		t.Fatalf("error %v", err)
	}
	var b policy.ConsentBuilder
	if _, err := Load(context.Background(), []Spec{{Label: "c", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Consents: &b}); err == nil {
		t.Fatal("a consent builder accepted for block lists")
	}
}

// FuzzConsentLine reads arbitrary lines under a dated consent header: no
// panic; every record is a number of the line with the dates
// parseConsentDate reads from its fields; an error never prints six digits.
func FuzzConsentLine(f *testing.F) {
	for _, s := range append(consentLines, "0612345678;oui;", "0612345678;;X", "0612345678;2026-02-30;", "\"0612345678;2026-01-01;;",
		"0612345678 0612345679;2026-01-01T10:00:00Z;2026-01-02") {
		f.Add([]byte(s))
	}
	fr := normalizer(f, "FR")
	header := []byte("tel;consented_at;withdrawn_at;source")
	hdr, ok := detectHeader(header, colname.Exempt)
	if !ok {
		f.Fatal("no header")
	}
	hdr.codeCols = newCodeColumns(header, &hdr, true, true)
	d, err := newDatedCols("fuzz.csv", 1, header, &hdr)
	if err != nil || d == nil || d.withdrawnCode < 0 {
		f.Fatalf("dated columns %+v, %v", d, err)
	}
	lf := csvLines{hdr: hdr, dated: d}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") {
			return
		}
		var b policy.ConsentBuilder
		p := newTextParser("fuzz.csv", LoadOptions{Normalizer: fr, Exempt: true, records: &recordSink{consents: &b}}, nil)
		if err := lf.line(p, line, 2); err != nil {
			if digitRun6.MatchString(err.Error()) {
				t.Fatalf("error %q prints a number", err)
			}
			return
		}
		keys := sortDistinctKeys(nil, p.reg.take())
		for _, r := range p.records {
			if _, found := slices.BinarySearch(keys, r.key); !found {
				t.Fatalf("record %+v of a number not in the set", r)
			}
			if r.a != policy.Undated && r.b != policy.NotWithdrawn && r.b != r.a {
				if _, ok := parseConsentDate(bytes.TrimSpace(fieldOf(line, 2)), false); !ok {
					t.Fatalf("record %+v: withdrawn from no date", r)
				}
			}
		}
	})
}

// fieldOf returns field i of a ";" line, unquoted.
func fieldOf(line []byte, i int) []byte {
	f, _, _ := csvsplit.FieldAt(line, ';', i)
	return f
}
