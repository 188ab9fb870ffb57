package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{"I", true, false, false}, {"DNC", true, false, false}, {"Registered", true, false, false},
		{"not registered", true, false, false}, {"refusé", true, false, false}, {"opted out", true, false, false},
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
	for _, c := range []struct {
		name, data string
		exempt     bool
		refused    string // the column named ("-": none, a list without a header), "" when it loads
	}{
		{"yes-no beside the number", "Tel;X\n0612345678;Y\n0612345679;N\n", false, "X"},
		{"preference in an export", "nom;tel;email;sms_ok\nA;0612345678;a@b;oui\nB;0612345679;c@d;non\n", true, ""},
		{"verdict named", "phone,result\n0612345678,I\n0612345679,C\n", false, "result"},
		{"verdict spelled", "phone,status\n0612345678,registered\n0612345679,not registered\n", false, "status"},
		{"short names", "phone,name\n0612345678,Ann\n0612345679,Bob\n", false, ""},
		{"dates", "phone,date\n0612345678,2026-11-01\n", false, ""},
		{"one line in ten", "phone,x\n0612345678,Y\n0612345679,abcd\n0612345670,abcd\n", false, ""},
		{"all the same", "phone,opt_in\n0612345678,Y\n0612345679,Y\n", true, ""},
		{"result OK everywhere", "tel;resultat\n0612345678;OK\n0612345679;OK\n", false, ""},
		{"yes only, unnamed", "tel;x\n0612345678;oui\n0612345679;oui\n", false, ""},
		{"country codes, unnamed", "tel;pays\n0612345678;FR\n0612345679;BE\n", false, ""},
		{"consent yes-no", "phone,opt_in\n0612345678,yes\n0612345679,no\n", true, "opt_in"},
		{"consent vrai-faux", "tel,opt_in\n0612345678,VRAI\n0612345679,FAUX\n", true, "opt_in"},
		{"consent 0-1", "tel,opt_out\n0612345678,0\n0612345679,1\n", true, "opt_out"},
		{"contract 1-0", "tel;contrat_en_cours\n0612345678;1\n0612345679;0\n", true, "contrat_en_cours"},
		{"consent spelled", "tel,consent\n0612345678,granted\n0612345679,denied\n", true, "consent"},
		{"consent in column 12", "tel,a,b,c,d,e,f,g,h,i,j,opt_in\n0612345678,,,,,,,,,,,Y\n0612345679,,,,,,,,,,,N\n", true, "opt_in"},
		{"consent dates", "phone,consented_at\n0612345678,2026-11-01\n", true, ""},
		{"bare code first", "Y;0612345678\nN;0612345679\n", true, "-"},
		{"bare code after", "0612345678 Y\n0612345679 N\n", false, "-"},
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
