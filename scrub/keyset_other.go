//go:build !unix

package scrub

import "github.com/listscrub/listscrub/normalize"

// allocSlots returns size zeroed slots on the Go heap (see keyset_unix.go).
func allocSlots(size int) ([]normalize.Key, func()) {
	return make([]normalize.Key, size), func() {}
}
