package scrub

import (
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// BenchmarkCheck measures one Checker decision (a dialer's single check):
// a valid number, against a registry, without a policy.
func BenchmarkCheck(b *testing.B) {
	norm, err := normalize.New("FR")
	if err != nil {
		b.Fatal(err)
	}
	reg := loadRegistry(b, b.TempDir(), norm, "0612345678", "0612345679")
	c, err := NewChecker(Options{Registry: reg})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if a := c.Check("06 12 34 56 70", norm, at); a.Category != Clean {
			b.Fatal(a)
		}
	}
}
