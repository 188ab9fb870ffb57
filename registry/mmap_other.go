//go:build !unix

package registry

import (
	"errors"
	"os"
)

// mapping is a memory map of a whole file; not available on this system.
type mapping struct {
	data []byte
}

// mapFile always fails here: snapshots are read into memory instead.
func mapFile(f *os.File, size int64) (*mapping, error) {
	return nil, errors.New("memory maps not supported")
}
