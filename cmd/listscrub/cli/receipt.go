package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/scrub"
)

// receiptVersion is the version of the receipt's JSON layout.
const receiptVersion = 1

// receipt is the JSON proof of one scrub run written by scrub --receipt.
type receipt struct {
	Receipt     int               `json:"receipt"` // layout version
	Tool        string            `json:"tool"`
	Version     string            `json:"version"`
	CommandLine []string          `json:"command_line"`
	Started     time.Time         `json:"started"`
	Finished    time.Time         `json:"finished"`
	Input       receiptInput      `json:"input"`
	Registry    receiptRegistry   `json:"registry"`
	Registries  []receiptSource   `json:"registries"`
	Rows        receiptRows       `json:"rows"`
	Outputs     map[string]string `json:"outputs"`
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
		Outputs: map[string]string{},
	}
	for _, s := range st.Registry.Sources {
		r.Registries = append(r.Registries, receiptSource{Label: s.Label, Path: s.Path, Kind: s.Kind,
			AsOf: s.AsOf, Entries: s.Entries, SHA256: s.SHA256, InvalidLines: s.InvalidLines})
	}
	for name, p := range map[string]string{"clean": o.out, "blocked": o.blocked, "invalid": o.invalid, "duplicates": o.duplicates, "stats": o.stats} {
		if p != "" {
			r.Outputs[name] = p
		}
	}
	if r.Outputs["clean"] == "" {
		r.Outputs["clean"] = "-"
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write receipt %s: %w", path, err)
	}
	return nil
}

func newReceiptCmd(stdio IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "receipt",
		Short: "Check the receipts written by scrub --receipt",
		Long: `scrub --receipt FILE writes a JSON proof of the run: tool version, command
line, start and end times, the input's path, size and SHA-256, each registry's
label, as-of date, entries and SHA-256, and the row counts. receipt verify
tells whether a file is the one that was scrubbed.`,
	}
	var rpath, input string
	verify := &cobra.Command{
		Use:   "verify RECEIPT INPUT",
		Short: "Tell whether INPUT is the file a receipt was written for (exit 0 if it is, 1 if not)",
		Long: `Verify re-hashes INPUT (a path, or - for standard input) and compares its size
and SHA-256 with those the receipt recorded. Exit 0 when they match; 1 when
they do not, or when the receipt or INPUT cannot be read.`,
		Example: `  listscrub scrub -r bloctel.snap --receipt run.receipt.json -o clean.csv prospects.csv
  listscrub receipt verify run.receipt.json prospects.csv`,
		Args: exactArgs(2, "RECEIPT INPUT"),
		RunE: run(func(ctx context.Context) error { return runReceiptVerify(ctx, rpath, input, stdio) }),
	}
	verify.PreRun = func(_ *cobra.Command, args []string) { rpath, input = args[0], args[1] }
	cmd.AddCommand(verify)
	return cmd
}

func runReceiptVerify(ctx context.Context, rpath, input string, stdio IO) error {
	data, err := os.ReadFile(rpath)
	if err != nil {
		return fmt.Errorf("receipt %s: %w", rpath, err)
	}
	var r receipt
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("receipt %s: not a listscrub receipt: %w", rpath, err)
	}
	if b, err := hex.DecodeString(r.Input.SHA256); r.Receipt != receiptVersion || r.Tool != "listscrub" || err != nil || len(b) != sha256.Size {
		return fmt.Errorf("receipt %s: not a listscrub receipt (version %d): no input SHA-256", rpath, r.Receipt)
	}
	var in io.Reader = stdio.In
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return fmt.Errorf("input %s: %w", input, err)
		}
		defer f.Close()
		in = f
	}
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, in})
	if err != nil {
		return fmt.Errorf("input %s: %w", input, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if sum != r.Input.SHA256 || n != r.Input.Bytes {
		return fmt.Errorf("%s is NOT the file scrubbed in receipt %s: %d bytes, sha256 %s; the receipt recorded %s: %d bytes, sha256 %s",
			input, rpath, n, sum, r.Input.Path, r.Input.Bytes, r.Input.SHA256)
	}
	fmt.Fprintf(stdio.Out, "OK: %s is the file scrubbed in receipt %s (%d bytes, sha256 %s)\n", input, rpath, n, sum)
	fmt.Fprintf(stdio.Out, "scrubbed %s by listscrub %s: %d rows, %d clean, %d blocked, %d invalid, %d duplicate\n",
		r.Finished.Format(time.RFC3339), r.Version, r.Rows.In, r.Rows.Clean, r.Rows.Blocked, r.Rows.Invalid, r.Rows.Duplicate)
	for _, s := range r.Registries {
		fmt.Fprintf(stdio.Out, "registry %s: %d numbers as of %s, sha256 %s\n", s.Label, s.Entries, s.AsOf, s.SHA256)
	}
	return nil
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
