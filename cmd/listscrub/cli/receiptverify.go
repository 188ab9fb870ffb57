package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/pathcheck"
)

func newReceiptCmd(stdio IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "receipt",
		Short: "Check the receipts written by scrub --receipt",
		Long: `scrub --receipt FILE writes a JSON proof of the run: tool version, command
line, start and end times, the input's path, size and SHA-256, each registry's
label, as-of date, entries and SHA-256, the row counts, each output's path
(as given and absolute), size and SHA-256 — the stats file's included — and
a digest of the receipt itself. receipt verify tells whether a file is the
one that was scrubbed, whether the receipt is the one written, and whether
the outputs are the ones written.`,
	}
	cmd.AddCommand(newReceiptVerifyCmd(stdio, nil))
	return cmd
}

// verifyOptions are receipt verify's: its streams, --allow-v1 and the files.
type verifyOptions struct {
	IO      IO
	allowV1 bool
	receipt string
	input   string
	outputs []string
}

func newReceiptVerifyCmd(stdio IO, runF func(context.Context, *verifyOptions) error) *cobra.Command {
	o := &verifyOptions{IO: stdio}
	verify := &cobra.Command{
		Use:   "verify RECEIPT INPUT [OUTPUT...]",
		Short: "Tell whether INPUT (and outputs) are the files of a receipt (exit 0 if they are, 1 if not)",
		Long: `Verify checks, in this order:

  the receipt   its digest must match its content: a receipt edited after
                the scrub (a count changed) is refused. The digest is no
                signature: it cannot tell a receipt from one whose editor
                recomputed it (jq -cSj 'del(.digest)' RECEIPT | sha256sum).
  INPUT         a path, or - for standard input: re-hashed, its size and
                SHA-256 must be the receipt's.
  the outputs   each OUTPUT given must be one of the receipt's outputs (same
                size and SHA-256; a renamed or moved copy is fine). With no
                OUTPUT, every output the receipt records is checked at the
                absolute path it was written to: one that is gone or is no
                longer a regular file fails (give its copy as OUTPUT). An
                output written onto a stream (standard output, /dev/stdout,
                a device, a named pipe) is never opened: it is reported, not
                checked (give a copy of what it received as OUTPUT).

Exit 0 when all of these match; 1 when one does not, or when the receipt or a
file cannot be read.

A version 1 receipt (before listscrub recorded outputs and digests) cannot
prove its counts: anyone can change them. Its input is verified, then verify
exits 1, unless --allow-v1 says the counts are known to be unverifiable: they
are then printed as UNVERIFIED, exit 0. A receipt that says it is version 1
but holds anything version 1 never had (a digest, output sums) was modified:
exit 1.`,
		Example: `  listscrub scrub -r bloctel.snap --receipt run.receipt.json -o clean.csv prospects.csv
  listscrub receipt verify run.receipt.json prospects.csv
  listscrub receipt verify run.receipt.json prospects.csv archive/clean-2026-11.csv`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("want RECEIPT INPUT [OUTPUT...], got %d arguments", len(args))
			}
			stdin := 0
			for _, a := range args[1:] {
				if a == "-" {
					stdin++
				}
			}
			if stdin > 1 {
				return usagef("standard input (-) can be given once")
			}
			return nil
		},
		RunE: runner(o, func(o *verifyOptions, args []string) {
			o.receipt, o.input, o.outputs = args[0], args[1], args[2:]
		}, runF, runReceiptVerify),
	}
	verify.Flags().BoolVar(&o.allowV1, "allow-v1", false, "accept a version 1 receipt (no digest): its input is verified, its counts are printed as UNVERIFIED")
	return verify
}

// readReceipt reads and checks the receipt at rpath: a version 2 receipt
// must match its digest; one that says it is version 1 must hold exactly the
// version 1 layout (receiptV1), or it is a later receipt relabelled to escape
// the digest.
func readReceipt(rpath string) (*receipt, error) {
	data, err := os.ReadFile(rpath)
	if err != nil {
		return nil, fmt.Errorf("receipt %s: %w", rpath, err)
	}
	var r receipt
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("receipt %s: not a listscrub receipt: %w", rpath, err)
	}
	if b, err := hex.DecodeString(r.Input.SHA256); (r.Receipt != 1 && r.Receipt != receiptVersion) || r.Tool != "listscrub" || err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("receipt %s: not a listscrub receipt (version %d): no input SHA-256", rpath, r.Receipt)
	}
	if r.Receipt == 1 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var v1 receiptV1
		err := dec.Decode(&v1)
		if err == nil && dec.More() {
			err = errors.New("data after the receipt")
		}
		if err != nil {
			return nil, fmt.Errorf("receipt %s was modified: it says it is version 1 but is not laid out as one (%v): nothing it says can be trusted", rpath, err)
		}
		return &r, nil
	}
	if r.Digest == "" {
		return nil, fmt.Errorf("receipt %s was modified: its digest is missing", rpath)
	}
	want, err := receiptDigest(data)
	if err != nil {
		return nil, fmt.Errorf("receipt %s: %w", rpath, err)
	}
	if want != r.Digest {
		return nil, fmt.Errorf("receipt %s was modified after it was written: its digest does not match its content (nothing it says can be trusted)", rpath)
	}
	return &r, nil
}

// runReceiptVerify checks the receipt's digest, then the input, then the
// outputs (see the verify command's help).
func runReceiptVerify(ctx context.Context, o *verifyOptions) error {
	rpath, input, outputs, allowV1, stdio := o.receipt, o.input, o.outputs, o.allowV1, o.IO
	r, err := readReceipt(rpath)
	if err != nil {
		return err
	}
	legacy := r.Receipt == 1
	if legacy && len(outputs) > 0 {
		return fmt.Errorf("receipt %s is a version 1 receipt: it records no output SHA-256, outputs cannot be verified", rpath)
	}
	n, sum, err := hashGiven(ctx, input, stdio)
	if err != nil {
		return fmt.Errorf("input %s: %w", input, err)
	}
	if sum != r.Input.SHA256 || n != r.Input.Bytes {
		return fmt.Errorf("%s is NOT the file scrubbed in receipt %s: %d bytes, sha256 %s; the receipt recorded %s: %d bytes, sha256 %s",
			input, rpath, n, sum, r.Input.Path, r.Input.Bytes, r.Input.SHA256)
	}
	fmt.Fprintf(stdio.Out, "OK: %s is the file scrubbed in receipt %s (%d bytes, sha256 %s)\n", input, rpath, n, sum)
	if legacy {
		if !allowV1 {
			return fmt.Errorf("receipt %s is version 1 (no digest): its counts cannot be verified, anyone could have changed them; give --allow-v1 to accept it with its counts printed as UNVERIFIED", rpath)
		}
		fmt.Fprintf(stdio.Out, "receipt %s is version 1 (no digest): what follows is what it says, UNVERIFIED\n", rpath)
	}
	fmt.Fprintf(stdio.Out, "scrubbed %s by listscrub %s: %d rows, %d clean, %d blocked, %d invalid, %d duplicate\n",
		r.Finished.Format(time.RFC3339), r.Version, r.Rows.In, r.Rows.Clean, r.Rows.Blocked, r.Rows.Invalid, r.Rows.Duplicate)
	for _, s := range r.Registries {
		fmt.Fprintf(stdio.Out, "registry %s: %d numbers as of %s, sha256 %s\n", s.Label, s.Entries, s.AsOf, s.SHA256)
	}
	for _, s := range r.Allow {
		fmt.Fprintf(stdio.Out, "allow list %s: %d numbers, sha256 %s\n", s.Label, s.Entries, s.SHA256)
	}
	if c := r.Consent; c != nil {
		for _, s := range c.Sources {
			fmt.Fprintf(stdio.Out, "consent list %s: %d numbers, sha256 %s\n", s.Label, s.Entries, s.SHA256)
		}
		fmt.Fprintf(stdio.Out, "consents judged at %s", c.At)
		if c.MaxAge != "" {
			fmt.Fprintf(stdio.Out, ", maximum age %s", c.MaxAge)
		}
		fmt.Fprintln(stdio.Out)
	}
	if p := r.Policy; p != nil {
		fmt.Fprintf(stdio.Out, "policy %s (sha256 %s) at %s\n", p.Name, p.SHA256, p.At)
		for _, h := range p.Holidays {
			fmt.Fprintf(stdio.Out, "holidays %s: sha256 %s\n", h.Path, h.SHA256)
		}
	}
	for _, s := range r.History {
		fmt.Fprintf(stdio.Out, "history %s: %d lines, sha256 %s\n", s.Label, s.Entries, s.SHA256)
	}
	if legacy {
		return nil
	}
	return verifyOutputs(ctx, rpath, r, outputs, stdio)
}

// verifyOutputs checks the outputs given, or else every output r records
// (see the verify command's help).
func verifyOutputs(ctx context.Context, rpath string, r *receipt, given []string, stdio IO) error {
	names := make([]string, 0, len(r.Outputs))
	for name := range r.Outputs {
		names = append(names, name)
	}
	sort.Strings(names)
	var bad []string
	if len(given) > 0 {
		for _, path := range given {
			n, sum, err := hashGiven(ctx, path, stdio)
			if err != nil {
				return fmt.Errorf("output %s: %w", path, err)
			}
			match := ""
			for _, name := range names {
				if o := r.Outputs[name]; o.SHA256 == sum && o.Bytes != nil && *o.Bytes == n {
					match = name
					break
				}
			}
			if match == "" {
				bad = append(bad, path)
				fmt.Fprintf(stdio.ErrOut, "listscrub: %s is NOT an output of receipt %s (%d bytes, sha256 %s)\n", path, rpath, n, sum)
				continue
			}
			fmt.Fprintf(stdio.Out, "OK: %s is the %s output (%d bytes)\n", path, match, n)
		}
	} else {
		for _, name := range names {
			o := r.Outputs[name]
			switch {
			case o.SHA256 == "" || o.Bytes == nil:
				// The stats file of a receipt written before its sum was
				// recorded (the digest vouches for its absence).
				fmt.Fprintf(stdio.Out, "%s output: %s, not recorded with a SHA-256, not checked\n", name, o.Path)
				continue
			case o.Path == "-":
				fmt.Fprintf(stdio.Out, "%s output: standard output, not checked (%d bytes, sha256 %s)\n", name, *o.Bytes, o.SHA256)
				continue
			case o.Stream:
				fmt.Fprintf(stdio.Out, "%s output: %s (a stream), not checked (%d bytes, sha256 %s)\n", name, o.Path, *o.Bytes, o.SHA256)
				continue
			}
			path := o.AbsPath
			if path == "" {
				path = o.Path // a receipt from before absolute paths: from the current directory
			}
			n, sum, err := hashRecorded(ctx, path)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				where := o.Path
				if path != o.Path {
					where += " (" + path + ")"
				}
				bad = append(bad, o.Path)
				fmt.Fprintf(stdio.ErrOut, "listscrub: %s output %s cannot be checked: %v: give its copy as OUTPUT\n", name, where, err)
				continue
			}
			if n != *o.Bytes || sum != o.SHA256 {
				bad = append(bad, o.Path)
				fmt.Fprintf(stdio.ErrOut, "listscrub: %s output %s has CHANGED since the scrub: %d bytes, sha256 %s; the receipt recorded %d bytes, sha256 %s\n",
					name, o.Path, n, sum, *o.Bytes, o.SHA256)
				continue
			}
			fmt.Fprintf(stdio.Out, "OK: %s output %s is as written (%d bytes)\n", name, o.Path, n)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d output(s) do not match receipt %s: %s", len(bad), rpath, strings.Join(bad, ", "))
	}
	return nil
}

// hashRecorded returns the size and SHA-256 of the output a receipt records
// at path, which must still be a regular file: it is examined before it is
// opened, so that a path that is now a named pipe, a device or a descriptor
// (a pipe to this very process) is never opened — opening a pipe blocks,
// reading a device may never end. The open does not block either (a named
// pipe swapped in after the check), and what is opened must be what was
// examined.
func hashRecorded(ctx context.Context, path string) (int64, string, error) {
	fi, err := os.Stat(path) // a symbolic link was written through: follow it
	if errors.Is(err, fs.ErrNotExist) {
		return 0, "", errors.New("not found")
	}
	if err != nil {
		return 0, "", err
	}
	if !fi.Mode().IsRegular() {
		return 0, "", fmt.Errorf("not a regular file (%s)", fileType(fi))
	}
	return hashCancellable(ctx, func() (io.ReadCloser, error) {
		f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return nil, err
		}
		if now, err := f.Stat(); err != nil || !now.Mode().IsRegular() || !os.SameFile(fi, now) {
			f.Close()
			return nil, errors.New("replaced while it was being checked")
		}
		return f, nil
	})
}

// hashGiven returns the size and SHA-256 of a file given on verify's command
// line (INPUT or OUTPUT), or of standard input for "-". A named pipe is read
// (`<(zcat clean.csv.gz)` is a fine copy); this process's standard output or
// error, and devices, are refused: reading them would block or never end.
func hashGiven(ctx context.Context, path string, stdio IO) (int64, string, error) {
	if path == "-" {
		return hashCancellable(ctx, func() (io.ReadCloser, error) { return io.NopCloser(stdio.In), nil })
	}
	t, err := pathcheck.Resolve(path)
	if err != nil {
		return 0, "", err
	}
	if t.FD == 1 || t.FD == 2 {
		return 0, "", errors.New("is listscrub's own standard output or error: give a file")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, "", err
	}
	if fi.IsDir() || fi.Mode()&os.ModeDevice != 0 && t.FD != 0 {
		return 0, "", fmt.Errorf("is a %s, not a file", fileType(fi))
	}
	return hashCancellable(ctx, func() (io.ReadCloser, error) { return os.Open(path) })
}

// fileType names what kind of file fi is, for messages.
func fileType(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	}
	return "special file"
}

// hashCancellable opens a file with open and returns its size and SHA-256
// (hex), or ctx's error as soon as ctx is done, even when the open or a read
// blocks (a pipe whose writer never comes, or never closes): they run on a
// goroutine of their own, which is left behind blocked in that case — the
// command returns and the process exits.
func hashCancellable(ctx context.Context, open func() (io.ReadCloser, error)) (int64, string, error) {
	type result struct {
		n   int64
		sum string
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := open()
		if err != nil {
			done <- result{err: err}
			return
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, ctxReader{ctx, f})
		done <- result{n, hex.EncodeToString(h.Sum(nil)), err}
	}()
	select {
	case r := <-done:
		return r.n, r.sum, r.err
	case <-ctx.Done():
		return 0, "", ctx.Err()
	}
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
