package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCodeOf lists the fields that read as codes, as answers, and whether
// an answer is affirmative.
func TestCodeOf(t *testing.T) {
	for _, c := range []struct {
		f                 string
		code, answer, yes bool
	}{
		{"Y", true, true, true}, {" n ", true, true, false}, {"Yes", true, true, true}, {"FALSE", true, true, false},
		{"oui", true, true, true}, {"VRAI", true, true, true}, {"faux", true, true, false}, {"O", true, true, true},
		{"WAHR", true, true, true}, {"Sí", true, true, true}, {"falso", true, true, false},
		{"I", true, false, false}, {"DNC", true, false, false}, {"Registered", true, false, false},
		{"not registered", true, false, false},
		{"Ann", true, false, false}, {"Annie", false, false, false}, {"", false, false, false}, {"12", false, false, false},
		{"2026-11-30", false, false, false}, {"a b", false, false, false},
	} {
		code, answer, yes := codeOf([]byte(c.f))
		if code != c.code || answer != c.answer || yes != c.yes {
			t.Errorf("codeOf(%q) = %v, %v, %v; want %v, %v, %v", c.f, code, answer, yes, c.code, c.answer, c.yes)
		}
	}
}

// TestCodeColumns: a CSV list with a column of codes beside its numbers is
// refused (a block list as a wash result given without wash:, an allow or
// consent list as one listing refusals), whatever the column's position; a
// list with other columns loads.
func TestCodeColumns(t *testing.T) {
	many := func(header, format string, n int, value func(i int) string) string {
		var b strings.Builder
		b.WriteString(header + "\n")
		for i := range n {
			fmt.Fprintf(&b, format+"\n", 612000000+i, value(i))
		}
		return b.String()
	}
	for _, c := range []struct {
		name, data string
		exempt     bool
		refused    string // the column named ("-": none, a list without a header), "" when it loads
	}{
		{"yes-no beside the number", "Tel;X\n0612345678;Y\n0612345679;N\n", false, "X"},
		{"yes only beside the number", "Tel;X\n0612345678;Y\n0612345679;Y\n", false, ""},
		{"verdict named", "phone,result\n0612345678,I\n0612345679,C\n", false, "result"},
		{"verdict spelled", "phone,outcome\n0612345678,registered\n0612345679,not registered\n", false, "outcome"},
		{"verdict named, all N", "phone,x,result\n0612345678,a,N\n0612345679,b,N\n", false, "result"},
		{"reason code", "phone,reason_code,status\n0612345678,CR,DNC\n0612345679,LIT,A\n", false, ""},
		{"opt-out source", "phone,opt_out_source\n0612345678,SMS\n0612345679,WEB\n", false, ""},
		{"short names", "phone,name\n0612345678,Ann\n0612345679,Bob\n", false, ""},
		{"dates", "numero;date_inscription\n0612345678;2026-11-01\n", false, ""},
		{"consent named, yes everywhere", "tel,a,opt_in\n0612345678,x,Y\n0612345679,y,Y\n", true, ""},
		{"consent named, a no", "tel,a,opt_in\n0612345678,x,Y\n0612345679,y,N\n", true, "opt_in"},
		{"consent named, refusé in Windows-1252", "tel;Consentement\n0612345678;accept\xe9\n0612345679;refus\xe9\n", true, "Consentement"},
		{"consent tick column", "tel;a;Refus\n0612345678;x;X\n0612345679;y;\n", true, "Refus"},
		{"consent 1/0", "tel;Marketing\n0612345678;1\n0612345679;0\n", true, "Marketing"},
		{"consent proof columns", "tel;Source consentement;consent_ip;ID consentement\n0612345678;web;1.2.3.4;C1\n", true, ""},
		{"contract number", "N° contrat;Téléphone;Date début\nC000001;0612345678;2026-01-01\n", true, ""},
		{"withdrawal date", "tel;consented_at;unsubscribed_at\n0612345678;2026-01-01;\n0612345679;2026-01-01;2026-02-01\n", true, "unsubscribed_at"},
		{"withdrawal column empty", "tel;consented_at;withdrawn_at\n0612345678;2026-01-01;\n", true, ""},
		{"consent no everywhere", many("telephone;consent", "0%d;%s", 2000, func(int) string { return "N" }), true, "consent"},
		{"consent far right", "tel" + strings.Repeat(",c", 40) + ",Einwilligung\n0612345678" + strings.Repeat(",", 40) + ",ja\n0612345679" + strings.Repeat(",", 40) + ",nein\n", true, "Einwilligung"},
		{"contract", "tel;Contrat en cours\n0612345678;oui\n0612345679;non\n", true, "Contrat en cours"},
		{"contract, yes everywhere", "tel;Contrat en cours\n0612345678;oui\n0612345679;Oui\n", true, ""},
		{"email preference", "nom;tel;Opt-in email;SMS_ok\nA;0612345678;Y;non\n", true, ""},
		{"customer metadata", "Nom;Telephone;Code pays;Statut client;Result\nx;0612345678;FR;VIP;OK\n", true, ""},
		{"consent dates", "phone,consented_at\n0612345678,2026-11-01\n", true, ""},
		{"consent pair, refusé in Windows-1252", "T\xe9l\xe9phone;Statut\n0612345678;accept\xe9\n0612345679;refus\xe9\n", true, "Statut"},
		{"allow pair, inactive", "tel;etat\n0612345678;active\n0612345679;inactive\n", true, "etat"},
		{"consent pair, trailing delimiter", "Telephone;Statut;\r\n0612345601;oui;\r\n0612345602;non;\r\n", true, "Statut"},
		{"allow pair, names", "tel;nom\n0612345678;Dupont\n0612345679;Martin\n", true, ""},
		{"consent withdrawn", "phone,consented_at,withdrawn_at\n0612345678,2026-11-01,2026-11-20\n", true, "withdrawn_at"},
		{"allow pair, no after line 1024", many("tel;x", "0%d;%s", 1500, func(i int) string {
			if i < 1100 {
				return "oui"
			}
			return "non"
		}), true, "x"},
		{"allow pair WAHR/FALSCH", "tel;x\n0612345678;WAHR\n0612345679;FALSCH\n", true, "x"},
		{"bare code first", "Y;0612345678\nN;0612345679\n", true, "-"},
		{"bare code after", "0612345678 Y\n0612345679 N\n", false, "-"},
		{"bare spaced numbers", "06 12 34 56 78\n06 12 34 56 79\n", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "l.csv")
			if err := os.WriteFile(p, []byte(c.data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(context.Background(), []Spec{{Label: "l", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: c.exempt})
			var ce *CodeColumnError
			switch {
			case c.refused == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.refused != "" && (!errors.As(err, &ce) || ce.Column != strings.TrimPrefix(c.refused, "-") || ce.Exempt != c.exempt):
				t.Fatalf("error %v, want a CodeColumnError naming %q", err, c.refused)
			}
		})
	}
}

// TestCodeColumnWarnings: an allow or consent list's column whose name
// says nothing but whose fields are yes/no answers with a no is warned
// about, not refused.
func TestCodeColumnWarnings(t *testing.T) {
	p := filepath.Join(t.TempDir(), "l.csv")
	if err := os.WriteFile(p, []byte("Nom;Tel;Statut\nA;0612345678;oui\nB;0612345679;non\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var warned []string
	_, err := Load(context.Background(), []Spec{{Label: "l", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true,
		Checks: Checks{Warn: func(m string) { warned = append(warned, m) }}})
	if err != nil || len(warned) != 1 || !strings.Contains(warned[0], `column "Statut" holds yes/no answers`) {
		t.Fatalf("err %v, warnings %q", err, warned)
	}
}

// TestCodeCountAllocs: counting a field allocates nothing (it runs on every
// line of an allow or consent list).
func TestCodeCountAllocs(t *testing.T) {
	var c codeCol
	fields := [][]byte{[]byte("Y"), []byte(" non "), []byte("refus\xe9"), []byte("Registered"), []byte("0"), []byte(""), []byte("a long comment here, not a code")}
	if n := testing.AllocsPerRun(100, func() {
		for _, f := range fields {
			c.count(f)
		}
	}); n != 0 {
		t.Errorf("%v allocations a run, want 0", n)
	}
}

// TestSnapshotSaysNo: a registry CSV whose answer column says no loads as
// a registry, and a snapshot built from it is refused as an allow or
// consent list as the CSV itself would be; one without such a column is
// not.
func TestSnapshotSaysNo(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		data    string
		refused string
	}{
		{"Telephone;Consentement;Nom\n0612345601;oui;a\n0612345602;non;b\n", "Consentement"},
		{"Telephone;Nom;unsubscribed_at\n0612345601;a;\n0612345602;b;2026-01-01\n", "unsubscribed_at"},
		{"Telephone;Nom\n0612345601;a\n0612345602;b\n", ""},
	} {
		p := filepath.Join(dir, "l.csv")
		if err := os.WriteFile(p, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		set, err := Load(context.Background(), []Spec{{Label: "l", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")})
		if err != nil {
			t.Fatalf("%q as a registry: %v", c.data, err)
		}
		snap := filepath.Join(dir, "l.snap")
		var b bytes.Buffer
		if err := WriteSnapshot(&b, snap, set, SnapshotMeta{AsOf: time.Now().UTC().Truncate(24 * time.Hour), Created: time.Now(), Country: "FR"}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(snap, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = Load(context.Background(), []Spec{{Label: "s", Path: snap}}, LoadOptions{Normalizer: normalizer(t, "FR"), Exempt: true})
		var ce *CodeColumnError
		switch {
		case c.refused == "" && err != nil:
			t.Errorf("%q: snapshot refused as a consent list: %v", c.data, err)
		case c.refused != "" && (!errors.As(err, &ce) || ce.Column != c.refused || !ce.Exempt):
			t.Errorf("%q: snapshot as a consent list: %v, want a CodeColumnError naming %q", c.data, err, c.refused)
		}
	}
}
