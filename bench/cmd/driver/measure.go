package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// timed runs argv under /usr/bin/time and returns its wall time, CPU time
// and peak RSS (KiB). (The rusage Go's os/exec gives is no good for peak
// RSS: the child is cloned with the parent's memory, so its high-water mark
// starts at the driver's.)
func timed(argv []string, env ...string) (wall, cpu float64, rss int64, err error) {
	tf, err := os.CreateTemp("", "bench-time")
	if err != nil {
		return 0, 0, 0, err
	}
	tf.Close()
	defer os.Remove(tf.Name())
	cmd := exec.Command("/usr/bin/time", append([]string{"-o", tf.Name(), "-f", "%e %U %S %M"}, argv...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	t := time.Now()
	err = cmd.Run()
	wall = time.Since(t).Seconds()
	if err != nil {
		return wall, 0, 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(lastLine(stderr.String())))
	}
	b, err := os.ReadFile(tf.Name())
	if err != nil {
		return wall, 0, 0, err
	}
	var e, u, sys float64
	if _, err := fmt.Sscan(lastLine(string(b)), &e, &u, &sys, &rss); err != nil {
		return wall, 0, 0, fmt.Errorf("/usr/bin/time output %q: %v", b, err)
	}
	return wall, u + sys, rss, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// countLines counts the line feeds of a file.
func countLines(p string) (int, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// duckdbVersion is the installed @duckdb/node-api's version, "" if none.
func duckdbVersion(nodeModules string) string {
	b, err := os.ReadFile(filepath.Join(nodeModules, "@duckdb", "node-api", "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Version string }
	json.Unmarshal(b, &p)
	return p.Version
}

// pyVersion is the installed Python phonenumbers' version, "" if none.
func pyVersion() string {
	out, err := exec.Command("/usr/bin/python3", "-c", "import phonenumbers; print(phonenumbers.__version__)").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
