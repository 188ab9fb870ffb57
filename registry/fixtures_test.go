package registry

import (
	"context"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

// TestFixtures loads the committed sample files as scrub would.
func TestFixtures(t *testing.T) {
	s, err := Load(context.Background(),
		[]Spec{ParseSpec("testdata/bloctel-sample.csv"), ParseSpec("dnc=testdata/dnc-sample.txt")},
		LoadOptions{Normalizer: normalizer(t, "FR"), Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	src := s.Sources()
	if src[0].Label != "bloctel-sample.csv" || src[0].Kind != KindCSV || src[0].Entries != 3 || src[0].Lines != 3 {
		t.Errorf("bloctel %+v", src[0])
	}
	if src[1].Label != "dnc" || src[1].Kind != KindNANP || src[1].Entries != 3 {
		t.Errorf("dnc %+v", src[1])
	}
	for k, want := range map[uint64]uint64{33612345678: 1, 33123456789: 1, 33698765432: 1, 12025550123: 2, 14155550142: 2, 14155550143: 0} {
		if got := s.Lookup(normalize.Key(k)); got != want {
			t.Errorf("Lookup(%d) = %d, want %d", k, got, want)
		}
	}
}
