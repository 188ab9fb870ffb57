package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/listscrub/listscrub/bench/internal/gen"
)

// Sizes of the data set: the comparison bench's large one (make bench
// SIZE=large), whose list holds 10M numbers. The list depends on both sizes
// (the generator's seed), so they are those of bench/cmd/driver.
const (
	dataRows = 23_000_000
	listSize = 10_000_000
)

// ensureData returns the data set in dir, generating it first when dir holds
// none of these sizes (the same files `make bench SIZE=large` uses).
func ensureData(dir string) (*gen.Meta, error) {
	if m, err := gen.ReadMeta(dir, dataRows, listSize); err == nil {
		return m, nil
	}
	logf("generating %d rows and a %d-number list in %s ...", dataRows, listSize, dir)
	t := time.Now()
	m, err := gen.Generate(dir, dataRows, listSize)
	if err != nil {
		return nil, fmt.Errorf("generating the data set: %w", err)
	}
	logf("  done in %.1fs", time.Since(t).Seconds())
	return m, nil
}

// ensureSnapshot returns the path of a snapshot of list built by `listscrub
// registry build` (label bloctel), cached in dir: it is rebuilt when missing
// or older than the list.
func ensureSnapshot(ctx context.Context, bin, list, dir string) (string, error) {
	snap := filepath.Join(dir, "bloctel.snap")
	li, err := os.Stat(list)
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	if si, err := os.Stat(snap); err == nil && si.ModTime().After(li.ModTime()) {
		return snap, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	logf("building %s with listscrub registry build ...", snap)
	t := time.Now()
	cmd := exec.CommandContext(ctx, bin, "registry", "build", "--country", "FR", "-o", snap, "bloctel="+list)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("listscrub registry build: %w: %s", err, bytes.TrimSpace(out))
	}
	logf("  done in %.1fs", time.Since(t).Seconds())
	return snap, nil
}

// sampleNumbers returns the first n phone fields of the prospect file (its
// two phone columns, the fourth and fifth, empty ones left out): the
// spellings and the mix of registered, clean and invalid numbers the
// generator gives a campaign file.
func sampleNumbers(input string, n int) ([]string, error) {
	f, err := os.Open(input)
	if err != nil {
		return nil, fmt.Errorf("sampling numbers: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	out := make([]string, 0, n)
	line := 1
	for len(out) < n && sc.Scan() {
		line++
		fields := bytes.Split(bytes.TrimSuffix(sc.Bytes(), []byte{'\r'}), []byte{';'})
		if len(fields) != 5 {
			return nil, fmt.Errorf("sampling numbers: %s line %d: %d fields, want 5", input, line, len(fields))
		}
		for _, p := range fields[3:] {
			if len(p) > 0 && len(out) < n {
				out = append(out, string(p))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sampling numbers: reading %s: %w", input, err)
	}
	if len(out) < n {
		return nil, fmt.Errorf("sampling numbers: %s holds %d phone fields, want %d", input, len(out), n)
	}
	return out, nil
}

// logf writes a progress line to stderr; the table goes to stdout.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}
