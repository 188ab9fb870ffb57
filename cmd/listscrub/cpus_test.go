package main

import (
	"runtime"
	"testing"
)

// TestProcessLimitCPUs: the process's -j bound lowers GOMAXPROCS and never
// raises it.
func TestProcessLimitCPUs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	limit := processIO().LimitCPUs
	limit(64)
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("-j 64 with GOMAXPROCS 2: GOMAXPROCS %d, want 2", got)
	}
	limit(1)
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("-j 1: GOMAXPROCS %d, want 1", got)
	}
}
