package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/text/encoding/charmap"

	"github.com/listscrub/listscrub/cmd/listscrub/cli"
)

func TestMain(m *testing.M) {
	if os.Getenv("LISTSCRUB_TEST_MAIN") == "1" {
		// The fault tests run this test binary as listscrub.
		os.Exit(cli.Main(os.Args[1:], processIO()))
	}
	testscript.Main(m, map[string]func(){
		"listscrub": func() {
			os.Exit(cli.Main(os.Args[1:], processIO()))
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each runs the
// built command against one rule of the command-line contract.
func TestScripts(t *testing.T) {
	sample, err := filepath.Abs("../../testdata/sample")
	if err != nil {
		t.Fatal(err)
	}
	books, err := filepath.Abs("../../workbook/testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "../../testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SAMPLE", sample)
			env.Setenv("BOOKS", books)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"stats":    cmdStats,
			"encode":   cmdEncode,
			"lines":    cmdLines,
			"status":   cmdStatus,
			"corrupt":  cmdCorrupt,
			"truncate": cmdTruncate,
			"write":    cmdWrite,
			"mtime":    cmdMtime,
			"mknod":    cmdMknod,
			"xlsx":     cmdXlsx,
		},
	})
}

// contractKeys are the top-level stats keys the contract requires on every run.
var contractKeys = []string{
	"rows_in", "rows_clean", "rows_blocked", "rows_invalid", "rows_duplicate",
	"numbers_checked", "numbers_valid", "numbers_registered",
	"blocked_by_source", "blocked_by_reason", "invalid_by_reason", "by_type", "registry", "input",
	"elapsed_seconds", "rows_per_second",
}

// cmdStats checks a stats JSON file: every contract key is present, the
// conservation invariant holds (rows_in = clean + blocked + invalid +
// duplicate), blocked_by_reason adds up to rows_blocked, and each PATH=VALUE argument holds (PATH is dotted, VALUE is
// compared as JSON text, so strings are written "quoted" or bare).
//
//	stats stats.json rows_in=10 blocked_by_source.bloctel=3 input.path=in.csv
func cmdStats(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! stats")
	}
	if len(args) < 1 {
		ts.Fatalf("usage: stats FILE [PATH=VALUE...]")
	}
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile(args[0])))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	for _, k := range contractKeys {
		if _, ok := doc[k]; !ok {
			ts.Fatalf("%s: contract key %q missing", args[0], k)
		}
	}
	num := func(k string) int64 {
		n, err := doc[k].(json.Number).Int64()
		if err != nil {
			ts.Fatalf("%s: %s: %v", args[0], k, err)
		}
		return n
	}
	in, sum := num("rows_in"), num("rows_clean")+num("rows_blocked")+num("rows_invalid")+num("rows_duplicate")
	if in != sum {
		ts.Fatalf("%s: conservation broken: rows_in %d != clean+blocked+invalid+duplicate %d", args[0], in, sum)
	}
	var byReason int64
	for r, v := range doc["blocked_by_reason"].(map[string]any) {
		n, err := v.(json.Number).Int64()
		if err != nil || n <= 0 {
			ts.Fatalf("%s: blocked_by_reason.%s = %v: want a positive count", args[0], r, v)
		}
		byReason += n
	}
	if byReason != num("rows_blocked") {
		ts.Fatalf("%s: blocked_by_reason sums to %d, rows_blocked is %d", args[0], byReason, num("rows_blocked"))
	}
	for _, a := range args[1:] {
		path, want, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("stats: %q is not PATH=VALUE", a)
		}
		var v any = doc
		// Keys may hold dots (labels such as "reg.txt"): at each level the
		// longest run of parts that names a key is taken.
		parts := strings.Split(path, ".")
		for i := 0; i < len(parts); {
			if arr, isArr := v.([]any); isArr {
				j, err := strconv.Atoi(parts[i])
				if err != nil || j >= len(arr) {
					ts.Fatalf("%s: %s: no element %q", args[0], path, parts[i])
				}
				v, i = arr[j], i+1
				continue
			}
			m, ok := v.(map[string]any)
			if !ok {
				ts.Fatalf("%s: %s: not an object at %q", args[0], path, parts[i])
			}
			found := false
			for n := len(parts) - i; n >= 1; n-- {
				if next, ok := m[strings.Join(parts[i:i+n], ".")]; ok {
					v, i, found = next, i+n, true
					break
				}
			}
			if !found {
				ts.Fatalf("%s: %s: no key %q", args[0], path, parts[i])
			}
		}
		got, _ := json.Marshal(v)
		gotS := string(got)
		if s, isStr := v.(string); isStr && !strings.HasPrefix(want, `"`) {
			gotS = s
		}
		if gotS != want {
			ts.Fatalf("%s: %s = %s, want %s", args[0], path, gotS, want)
		}
	}
}

// cmdEncode rewrites a file: "encode cp1252|crlf|cr|bom|gzip SRC DST" (cr:
// every LF made a bare CR, as old Mac files end their lines).
func cmdEncode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: encode cp1252|crlf|cr|bom|gzip SRC DST")
	}
	src := []byte(ts.ReadFile(args[1]))
	var out []byte
	switch args[0] {
	case "cp1252":
		b, err := charmap.Windows1252.NewEncoder().Bytes(src)
		ts.Check(err)
		out = b
	case "crlf":
		out = bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
	case "cr":
		out = bytes.ReplaceAll(src, []byte("\n"), []byte("\r"))
	case "bom":
		out = append([]byte("\xef\xbb\xbf"), src...)
	case "gzip":
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(src)
		ts.Check(zw.Close())
		out = buf.Bytes()
	default:
		ts.Fatalf("encode: unknown encoding %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), out, 0o644))
}

// cmdLines checks a file's line count: "lines FILE N".
func cmdLines(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: lines FILE N")
	}
	data := ts.ReadFile(args[0])
	n := strings.Count(data, "\n")
	if data != "" && !strings.HasSuffix(data, "\n") {
		n++
	}
	got := fmt.Sprint(n)
	if (got == args[1]) == neg {
		ts.Fatalf("%s has %s lines, want %s%s", args[0], got, map[bool]string{true: "not "}[neg], args[1])
	}
}

// cmdStatus runs a program and checks its exit code: "status N PROG ARGS...".
// Its standard output and error can be checked afterwards as after exec.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdCorrupt copies SRC to DST with one byte in the middle flipped.
func cmdCorrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: corrupt SRC DST")
	}
	b := []byte(ts.ReadFile(args[0]))
	b[len(b)/2] ^= 0x40
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o644))
}

// cmdTruncate copies the first half of SRC to DST.
func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: truncate SRC DST")
	}
	b := []byte(ts.ReadFile(args[0]))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b[:len(b)/2], 0o644))
}

// cmdWrite writes bytes given as a Go string literal body (escapes such as
// \x00 and \r\n allowed): "write FILE 'a;b\x00\r\n'". With -repeat=N,
// the bytes are written N times.
func cmdWrite(ts *testscript.TestScript, neg bool, args []string) {
	n := 1
	if len(args) == 3 && strings.HasPrefix(args[0], "-repeat=") {
		var err error
		n, err = strconv.Atoi(strings.TrimPrefix(args[0], "-repeat="))
		ts.Check(err)
		args = args[1:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: write [-repeat=N] FILE 'go-escaped bytes'")
	}
	b, err := strconv.Unquote(`"` + args[1] + `"`)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Repeat(b, n)), 0o644))
}

// cmdMtime sets a file's modification time: "mtime FILE YYYY-MM-DD" (00:00
// UTC that day) or "mtime FILE +Nd|-Nd" (N days from now).
func cmdMtime(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mtime FILE YYYY-MM-DD|+Nd|-Nd")
	}
	var t time.Time
	if d, ok := strings.CutSuffix(args[1], "d"); ok && (strings.HasPrefix(d, "+") || strings.HasPrefix(d, "-")) {
		n, err := strconv.Atoi(d)
		ts.Check(err)
		t = time.Now().Add(time.Duration(n) * 24 * time.Hour)
	} else {
		var err error
		t, err = time.Parse(time.DateOnly, args[1])
		ts.Check(err)
	}
	ts.Check(os.Chtimes(ts.MkAbs(args[0]), t, t))
}

// cmdMknod makes a special file: "mknod PATH null" a character device like
// the null device (c 1 3) of the script's own, "mknod PATH fifo" a named
// pipe. (Scripts never write the system's /dev/null: as root, code that
// replaced an output path would replace it.)
func cmdMknod(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mknod PATH null|fifo")
	}
	p := ts.MkAbs(args[0])
	switch args[1] {
	case "null":
		ts.Check(syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|3))
	case "fifo":
		ts.Check(syscall.Mkfifo(p, 0o644))
	default:
		ts.Fatalf("mknod: want null or fifo, got %q", args[1])
	}
}
