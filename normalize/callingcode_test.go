package normalize

import "testing"

// TestCallingCode checks the calling code of keys of every length and of
// 1-, 2- and 3-digit codes, against the numbers' own spellings.
func TestCallingCode(t *testing.T) {
	n, err := New("FR")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   string
		want int
	}{
		{"+33612345678", 33}, {"0612345678", 33}, {"+32470123456", 32}, {"+3225123456", 32},
		{"+12015550123", 1}, {"+447911123456", 44}, {"+262692123456", 262}, {"+35226123456", 352},
		{"+79161234567", 7}, {"+4915123456789", 49},
	} {
		r := n.NormalizeString(c.in)
		if !r.Valid() {
			t.Fatalf("%s: not valid (%s)", c.in, r.Reason)
		}
		if got := n.CallingCode(r.Key); got != c.want {
			t.Errorf("CallingCode(%s) = %d, want %d", c.in, got, c.want)
		}
	}
	for _, k := range []Key{0, 7, 42, 999} {
		if got := n.CallingCode(k); got != 0 {
			t.Errorf("CallingCode(%d) = %d, want 0", k, got)
		}
	}
	if got := n.CallingCode(Key(999_123_456_789)); got != 0 {
		t.Errorf("CallingCode(+999…) = %d, want 0 (no such code)", got)
	}
}

func TestMainRegion(t *testing.T) {
	for cc, want := range map[int]string{32: "BE", 33: "FR", 1: "US", 44: "GB", 262: "RE", 800: "", 999: ""} {
		if got := MainRegion(cc); got != want {
			t.Errorf("MainRegion(%d) = %q, want %q", cc, got, want)
		}
	}
}

func TestNationalCallingCode(t *testing.T) {
	for _, c := range []struct {
		region string
		cc     int
		want   bool
	}{
		{"FR", 33, true}, {"FR", 262, true}, {"FR", 590, true}, {"FR", 32, false},
		{"BE", 32, true}, {"BE", 33, false}, {"US", 1, true}, {"CA", 1, true}, {"US", 262, false},
	} {
		if got := NationalCallingCode(c.region, c.cc); got != c.want {
			t.Errorf("NationalCallingCode(%s, %d) = %v, want %v", c.region, c.cc, got, c.want)
		}
	}
}

// BenchmarkCallingCode measures the per-number cost scrub adds for the
// calling-code warning (registry.Set.NotHeld).
func BenchmarkCallingCode(b *testing.B) {
	n, err := New("FR")
	if err != nil {
		b.Fatal(err)
	}
	keys := []Key{33612345678, 32470123456, 12015550123, 447911123456, 262692123456, 33145678901, 4915123456789, 35226123456}
	sum := 0
	for i := 0; b.Loop(); i++ {
		sum += n.CallingCode(keys[i&7])
	}
	if sum == 0 {
		b.Fatal("no calling code")
	}
}
