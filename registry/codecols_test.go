package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestCodeOf lists the fields that read as verdicts and as yes/no answers.
func TestCodeOf(t *testing.T) {
	for _, c := range []struct {
		f              string
		verdict, yesNo bool
	}{
		{"Y", true, true}, {" n ", true, true}, {"Yes", true, true}, {"FALSE", true, true}, {"oui", true, true},
		{"I", true, false}, {"DNC", true, false}, {"Registered", true, false}, {"not registered", true, false},
		{"Ann", true, false}, {"Annie", false, false}, {"", false, false}, {"12", false, false},
		{"2026-11-30", false, false}, {"a b", false, false},
	} {
		v, yn := codeOf([]byte(c.f))
		if v != c.verdict || yn != c.yesNo {
			t.Errorf("codeOf(%q) = %v, %v; want %v, %v", c.f, v, yn, c.verdict, c.yesNo)
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
		refused    string // the column named, "" when it loads
	}{
		{"yes-no anywhere", "Name;Tel;Flag\nAnn;0612345678;Y\nBob;0612345679;N\n", false, "Flag"},
		{"verdict named", "phone,result\n0612345678,I\n0612345679,C\n", false, "result"},
		{"verdict spelled", "phone,status\n0612345678,registered\n0612345679,not registered\n", false, "status"},
		{"short names", "phone,name\n0612345678,Ann\n0612345679,Bob\n", false, ""},
		{"dates", "phone,date\n0612345678,2026-11-01\n", false, ""},
		{"one line in ten", "phone,x\n0612345678,Y\n0612345679,abcd\n0612345670,abcd\n", false, ""},
		{"consent yes-no", "phone,opt_in\n0612345678,yes\n0612345679,no\n", true, "opt_in"},
		{"consent dates", "phone,consented_at\n0612345678,2026-11-01\n", true, ""},
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
			case c.refused != "" && (!errors.As(err, &ce) || ce.Column != c.refused || ce.Exempt != c.exempt):
				t.Fatalf("error %v, want a CodeColumnError naming %q", err, c.refused)
			}
		})
	}
}
