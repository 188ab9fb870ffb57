package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// normalizeOptions are normalize's: its streams, --country and the file.
type normalizeOptions struct {
	IO      IO
	country countryFlag
	path    string // "-" for standard input
}

func newNormalizeCmd(stdio IO, runF func(context.Context, *normalizeOptions) error) *cobra.Command {
	o := &normalizeOptions{IO: stdio}
	cmd := &cobra.Command{
		Use:   "normalize [--country CC] [FILE|-]",
		Short: "Print the E.164 form of one raw number per line",
		Long: `Normalize reads one raw number per line (FILE, or standard input when FILE is
- or absent) and prints one line per input line: the number's E.164 form, or an
empty line where the input is not a valid number.`,
		Example: `  printf '06 12 34 56 78\n+33 (0)6 12 34 56 78\nnot a number\n' | listscrub normalize
  listscrub normalize --country US numbers.txt`,
		Args: cobra.MaximumNArgs(1),
		RunE: runner(o, func(o *normalizeOptions, args []string) {
			o.path = "-"
			if len(args) == 1 {
				o.path = args[0]
			}
		}, runF, runNormalize),
	}
	o.country.bind(cmd.Flags(), "")
	return cmd
}

// runNormalize prints the E.164 form of each line of the file, or an empty
// line.
func runNormalize(ctx context.Context, o *normalizeOptions) error {
	norm, err := o.country.normalizer()
	if err != nil {
		return err
	}
	stdio, path := o.IO, o.path
	in, name := stdio.In, "stdin"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("open input: %w", err)
		}
		defer f.Close()
		in, name = f, path
	}
	r := bufio.NewReaderSize(in, 1<<16)
	w := bufio.NewWriterSize(stdio.Out, 1<<16)
	var out []byte
	for line := 1; ; line++ {
		if line%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		b, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return fmt.Errorf("%s:%d: line longer than %d bytes", name, line, r.Size())
		}
		if len(b) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read %s:%d: %w", name, line, err)
		}
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		out = out[:0]
		if res := norm.Normalize(b); res.Valid() {
			out = res.Key.AppendE164(out)
		}
		out = append(out, '\n')
		if _, werr := w.Write(out); werr != nil {
			return fmt.Errorf("write: %w", werr)
		}
		if err == io.EOF {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
