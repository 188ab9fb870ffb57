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
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/scrub"
)

// receiptVersion is the version of the receipt's JSON layout. Version 2
// added each output's size and SHA-256 and the receipt's digest; version 1
// receipts are still read (their input is verified, their counts are said
// to be unverifiable).
const receiptVersion = 2

// receipt is the JSON proof of one scrub run written by scrub --receipt.
type receipt struct {
	Receipt     int                      `json:"receipt"` // layout version
	Tool        string                   `json:"tool"`
	Version     string                   `json:"version"`
	CommandLine []string                 `json:"command_line"`
	Started     time.Time                `json:"started"`
	Finished    time.Time                `json:"finished"`
	Input       receiptInput             `json:"input"`
	Registry    receiptRegistry          `json:"registry"`
	Registries  []receiptSource          `json:"registries"`
	Rows        receiptRows              `json:"rows"`
	Outputs     map[string]receiptOutput `json:"outputs"`
	// Digest is the SHA-256 of the receipt's canonical form without this
	// field (see receiptDigest): it tells an edited receipt from the one
	// written, as long as whoever edited it did not recompute it.
	Digest string `json:"digest,omitempty"`
}

// receiptOutput is one output as the scrub wrote it. The stats file has
// only a path (it is written after the receipt).
type receiptOutput struct {
	Path   string `json:"path"`
	Bytes  *int64 `json:"bytes,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// UnmarshalJSON reads an output as version 2 writes it, or as the path
// alone that version 1 wrote.
func (o *receiptOutput) UnmarshalJSON(data []byte) error {
	var path string
	if err := json.Unmarshal(data, &path); err == nil {
		*o = receiptOutput{Path: path}
		return nil
	}
	type plain receiptOutput
	return json.Unmarshal(data, (*plain)(o))
}

type receiptInput struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

type receiptRegistry struct {
	Entries int    `json:"entries"`
	AsOf    string `json:"as_of"`
	SHA256  string `json:"sha256"` // checksum of the merged set's content
}

type receiptSource struct {
	Label   string `json:"label"`
	Path    string `json:"path"`
	Kind    string `json:"kind"`
	AsOf    string `json:"as_of"`
	Entries int    `json:"entries"`
	SHA256  string `json:"sha256"` // of the registry file as stored
	// InvalidLines counts the source's lines that held no valid number.
	InvalidLines int `json:"invalid_lines"`
}

type receiptRows struct {
	In        int64 `json:"in"`
	Clean     int64 `json:"clean"`
	Blocked   int64 `json:"blocked"`
	Invalid   int64 `json:"invalid"`
	Duplicate int64 `json:"duplicate"`
}

// writeReceipt writes the receipt of a successful scrub to w, the output
// --receipt path.
func writeReceipt(w io.Writer, path string, o *scrubOptions, st *scrub.Stats, started, finished time.Time) error {
	args := append([]string{"listscrub"}, os.Args[1:]...)
	r := receipt{
		Receipt: receiptVersion, Tool: "listscrub", Version: version(), CommandLine: args,
		Started: started.UTC(), Finished: finished.UTC(),
		Input:      receiptInput{Path: st.Input.Path, Bytes: st.Input.Bytes, SHA256: st.Input.SHA256},
		Registry:   receiptRegistry{Entries: st.Registry.Entries, AsOf: st.Registry.AsOf, SHA256: st.Registry.SHA256},
		Registries: []receiptSource{},
		Rows: receiptRows{In: st.RowsIn, Clean: st.RowsClean, Blocked: st.RowsBlocked,
			Invalid: st.RowsInvalid, Duplicate: st.RowsDuplicate},
		Outputs: map[string]receiptOutput{},
	}
	for _, s := range st.Registry.Sources {
		r.Registries = append(r.Registries, receiptSource{Label: s.Label, Path: s.Path, Kind: s.Kind,
			AsOf: s.AsOf, Entries: s.Entries, SHA256: s.SHA256, InvalidLines: s.InvalidLines})
	}
	for _, out := range st.Outputs {
		n := out.Bytes
		r.Outputs[out.Name] = receiptOutput{Path: out.Path, Bytes: &n, SHA256: out.SHA256}
	}
	if o.stats != "" {
		r.Outputs["stats"] = receiptOutput{Path: o.stats}
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	if r.Digest, err = receiptDigest(doc); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write receipt %s: %w", path, err)
	}
	return nil
}

// receiptDigest returns the digest of a receipt's JSON text: the SHA-256, in
// hex, of its canonical form, which is every member but "digest", objects
// with their keys sorted, no white space, numbers as written, strings with
// only the escapes JSON requires — what `jq -cSj 'del(.digest)' RECEIPT |
// sha256sum` prints for any receipt listscrub writes. Members a receipt
// does not define count too: adding one is an edit.
//
// The digest is no signature: it detects a receipt edited by hand or by a
// program unaware of it (a count changed, a registry removed), not one whose
// editor recomputed it, which anyone can do. Keep receipts where they cannot
// be changed (or sign them) for that.
func receiptDigest(doc []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return "", err
	}
	delete(m, "digest")
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil { // maps are written with sorted keys
		return "", err
	}
	sum := sha256.Sum256(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return hex.EncodeToString(sum[:]), nil
}

func newReceiptCmd(stdio IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "receipt",
		Short: "Check the receipts written by scrub --receipt",
		Long: `scrub --receipt FILE writes a JSON proof of the run: tool version, command
line, start and end times, the input's path, size and SHA-256, each registry's
label, as-of date, entries and SHA-256, the row counts, each output's path,
size and SHA-256, and a digest of the receipt itself. receipt verify tells
whether a file is the one that was scrubbed, whether the receipt is the one
written, and whether the outputs are the ones written.`,
	}
	var rpath, input string
	var outputs []string
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
                OUTPUT, every output the receipt records by path is checked
                if a file is still there (paths as on the scrub's command
                line, from the current directory); one that is gone is
                reported, not checked. Standard output cannot be checked.

Exit 0 when all of these match; 1 when one does not, or when the receipt or a
file cannot be read. A version 1 receipt (before listscrub recorded outputs
and digests) has its input verified; its counts are printed as unverified.`,
		Example: `  listscrub scrub -r bloctel.snap --receipt run.receipt.json -o clean.csv prospects.csv
  listscrub receipt verify run.receipt.json prospects.csv
  listscrub receipt verify run.receipt.json prospects.csv archive/clean-2026-11.csv`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("want RECEIPT INPUT [OUTPUT...], got %d arguments", len(args))
			}
			return nil
		},
		RunE: run(func(ctx context.Context) error { return runReceiptVerify(ctx, rpath, input, outputs, stdio) }),
	}
	verify.PreRun = func(_ *cobra.Command, args []string) { rpath, input, outputs = args[0], args[1], args[2:] }
	cmd.AddCommand(verify)
	return cmd
}

func runReceiptVerify(ctx context.Context, rpath, input string, outputs []string, stdio IO) error {
	data, err := os.ReadFile(rpath)
	if err != nil {
		return fmt.Errorf("receipt %s: %w", rpath, err)
	}
	var r receipt
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("receipt %s: not a listscrub receipt: %w", rpath, err)
	}
	if b, err := hex.DecodeString(r.Input.SHA256); (r.Receipt != 1 && r.Receipt != receiptVersion) || r.Tool != "listscrub" || err != nil || len(b) != sha256.Size {
		return fmt.Errorf("receipt %s: not a listscrub receipt (version %d): no input SHA-256", rpath, r.Receipt)
	}
	legacy := r.Receipt == 1
	if !legacy {
		if r.Digest == "" {
			return fmt.Errorf("receipt %s was modified: its digest is missing", rpath)
		}
		want, err := receiptDigest(data)
		if err != nil {
			return fmt.Errorf("receipt %s: %w", rpath, err)
		}
		if want != r.Digest {
			return fmt.Errorf("receipt %s was modified after it was written: its digest does not match its content (nothing it says can be trusted)", rpath)
		}
	} else if len(outputs) > 0 {
		return fmt.Errorf("receipt %s is a version 1 receipt: it records no output SHA-256, outputs cannot be verified", rpath)
	}
	n, sum, err := hashFile(ctx, input, stdio)
	if err != nil {
		return fmt.Errorf("input %s: %w", input, err)
	}
	if sum != r.Input.SHA256 || n != r.Input.Bytes {
		return fmt.Errorf("%s is NOT the file scrubbed in receipt %s: %d bytes, sha256 %s; the receipt recorded %s: %d bytes, sha256 %s",
			input, rpath, n, sum, r.Input.Path, r.Input.Bytes, r.Input.SHA256)
	}
	fmt.Fprintf(stdio.Out, "OK: %s is the file scrubbed in receipt %s (%d bytes, sha256 %s)\n", input, rpath, n, sum)
	if legacy {
		fmt.Fprintf(stdio.Out, "receipt %s is version 1 (no digest): what follows is what it says, UNVERIFIED\n", rpath)
	}
	fmt.Fprintf(stdio.Out, "scrubbed %s by listscrub %s: %d rows, %d clean, %d blocked, %d invalid, %d duplicate\n",
		r.Finished.Format(time.RFC3339), r.Version, r.Rows.In, r.Rows.Clean, r.Rows.Blocked, r.Rows.Invalid, r.Rows.Duplicate)
	for _, s := range r.Registries {
		fmt.Fprintf(stdio.Out, "registry %s: %d numbers as of %s, sha256 %s\n", s.Label, s.Entries, s.AsOf, s.SHA256)
	}
	if legacy {
		return nil
	}
	return verifyOutputs(ctx, rpath, &r, outputs, stdio)
}

// verifyOutputs checks the outputs given, or else those of r still at their
// paths (see the verify command's help).
func verifyOutputs(ctx context.Context, rpath string, r *receipt, given []string, stdio IO) error {
	names := make([]string, 0, len(r.Outputs))
	for name := range r.Outputs {
		names = append(names, name)
	}
	sort.Strings(names)
	var bad []string
	if len(given) > 0 {
		for _, path := range given {
			n, sum, err := hashFile(ctx, path, stdio)
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
				continue // the stats file: not hashed
			case o.Path == "-":
				fmt.Fprintf(stdio.Out, "%s output: standard output, not checked (%d bytes, sha256 %s)\n", name, *o.Bytes, o.SHA256)
				continue
			}
			if _, err := os.Stat(o.Path); errors.Is(err, fs.ErrNotExist) {
				fmt.Fprintf(stdio.Out, "%s output: %s is gone, not checked (give its copy as OUTPUT to check it)\n", name, o.Path)
				continue
			}
			n, sum, err := hashFile(ctx, o.Path, stdio)
			if err != nil {
				return fmt.Errorf("%s output %s: %w", name, o.Path, err)
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

// hashFile returns the size and SHA-256 (hex) of the file at path, or of
// standard input for "-".
func hashFile(ctx context.Context, path string, stdio IO) (int64, string, error) {
	var in io.Reader = stdio.In
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return 0, "", err
		}
		defer f.Close()
		in = f
	}
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, in})
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
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
