//go:build unix && !linux

package registry

const mapPopulate = 0
