package main

import (
	"fmt"
	"net"
	"net/netip"
)

// checkLoopback returns an error unless addr ("host:port") names a loopback
// address: the bench floods its targets and must never aim at another
// machine. Host names other than "localhost" are refused rather than
// resolved, so that no resolver can redirect the load.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("address %q: not a loopback IP address (the bench only loads this machine)", addr)
	}
	if !ip.Unmap().IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address (the bench only loads this machine)", addr)
	}
	return nil
}

// freeLoopbackAddr returns a loopback address with a port that was free a
// moment ago, for a server the bench starts.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free loopback port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("finding a free loopback port: %w", err)
	}
	return addr, nil
}
