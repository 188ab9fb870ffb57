package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// startServe starts `listscrub serve -r snap` on a free loopback port, its
// log (JSON lines, no numbers) in logDir/serve.log, and returns the process
// and its address. The caller waits for /readyz.
func startServe(bin, snap, logDir string, maxBatch int) (*exec.Cmd, string, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, "", fmt.Errorf("serve log: %w", err)
	}
	log, err := os.Create(filepath.Join(logDir, "serve.log"))
	if err != nil {
		return nil, "", fmt.Errorf("serve log: %w", err)
	}
	defer log.Close()
	cmd := exec.Command(bin, "serve", "-r", snap, "--listen", addr, "--max-batch", fmt.Sprint(maxBatch))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("starting listscrub serve: %w", err)
	}
	return cmd, addr, nil
}

// stopServe ends listscrub serve gracefully (SIGTERM drains it), killing it
// after 15 s.
func stopServe(cmd *exec.Cmd) { stopProcess(cmd, 15*time.Second) }
