//go:build !linux || arm

package atomicfile

import "os"

// startWriteback does nothing where sync_file_range is not available: Commit
// syncs the whole file.
func startWriteback(*os.File, int64, int64) {}

// dataSync syncs f where fdatasync is not used.
func dataSync(f *os.File) error { return f.Sync() }
