package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestWorkersBudget: -j N asks the process (IO.LimitCPUs, main's) to bound
// its cores to N, no -j asks nothing, and Main itself leaves GOMAXPROCS as
// it found it: a command changes no process-wide state.
func TestWorkersBudget(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.txt")
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(reg, []byte("0612345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, []byte("tel\n0612345678\n0612345679\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	procs := runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		args []string
		want []int
	}{
		{nil, nil},
		{[]string{"-j", "1"}, []int{1}},
		{[]string{"-j", "64"}, []int{64}},
	} {
		for _, limit := range []bool{false, true} {
			var asked []int
			stdio := IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
			if limit {
				stdio.LimitCPUs = func(n int) { asked = append(asked, n) }
			}
			args := append([]string{"scrub", "-q", "-r", reg, "-o", filepath.Join(dir, "out.csv")}, tc.args...)
			args = append(args, in)
			if code := Main(args, stdio); code != 0 {
				t.Fatalf("%v: exit %d: %s", tc.args, code, stdio.ErrOut)
			}
			if got := runtime.GOMAXPROCS(0); got != procs {
				t.Errorf("%v: GOMAXPROCS %d after the run, want %d as before", tc.args, got, procs)
			}
			if limit && !slices.Equal(asked, tc.want) {
				t.Errorf("%v: LimitCPUs called with %v, want %v", tc.args, asked, tc.want)
			}
		}
	}
}
