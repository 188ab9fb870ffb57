package civil

import (
	"testing"
	"time"
)

// TestDaysIn compares DaysIn with the time package over four centuries.
func TestDaysIn(t *testing.T) {
	for y := 1900; y <= 2300; y++ {
		for m := 1; m <= 12; m++ {
			want := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := DaysIn(y, m); got != want {
				t.Fatalf("DaysIn(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}
