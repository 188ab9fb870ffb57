//go:build !linux

package registry

// adviseHugePages does nothing outside Linux.
func adviseHugePages([]uint64) {}
