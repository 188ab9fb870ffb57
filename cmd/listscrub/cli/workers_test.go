package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestWorkersBoundCores checks that -j N bounds the cores the run uses, not
// only its worker count, and that no -j leaves every core available.
func TestWorkersBoundCores(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.txt")
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(reg, []byte("0612345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, []byte("tel\n0612345678\n0612345679\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, runtime.NumCPU()},
		{[]string{"-j", "1"}, 1},
		{[]string{"-j", "64"}, runtime.NumCPU()},
	} {
		runtime.GOMAXPROCS(runtime.NumCPU())
		args := append([]string{"scrub", "-q", "-r", reg, "-o", filepath.Join(dir, "out.csv")}, tc.args...)
		args = append(args, in)
		var out, errOut bytes.Buffer
		if code := Main(args, IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut.String())
		}
		if got := runtime.GOMAXPROCS(0); got != tc.want {
			t.Errorf("%v: GOMAXPROCS %d after the run, want %d", tc.args, got, tc.want)
		}
	}
}
