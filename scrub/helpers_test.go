package scrub

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// loadRegistry writes numbers, one a line, to reg.txt in dir and loads it
// with norm as the registry source "reg".
func loadRegistry(t testing.TB, dir string, norm *normalize.Normalizer, numbers ...string) *registry.Set {
	t.Helper()
	regFile := filepath.Join(dir, "reg.txt")
	if err := os.WriteFile(regFile, []byte(strings.Join(numbers, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: regFile}},
		registry.LoadOptions{Normalizer: norm})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
