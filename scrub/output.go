package scrub

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"github.com/listscrub/listscrub/atomicfile"
)

// output is one destination of rows. A file is written through atomicfile;
// standard output is spooled to an unlinked temporary file and copied out
// only on success, so that a failed run never hands half a file to the next
// program in a pipe.
type output struct {
	name   string
	file   *atomicfile.File // a named output
	spool  *os.File         // standard output's spool
	stdout io.Writer
	w      *bufio.Writer
	// What was written, for the stats and receipts: the bytes, and their
	// SHA-256 when Options.HashOutputs asks for it (nil otherwise).
	n   int64
	sum hash.Hash
}

func openOutput(path string, stdout io.Writer) (*output, error) {
	if path == "" || path == "-" {
		f, err := os.CreateTemp("", "listscrub-stdout-*")
		if err != nil {
			return nil, fmt.Errorf("create spool for standard output: %w", err)
		}
		os.Remove(f.Name()) // unlinked: nothing is left behind, whatever happens
		return &output{name: "standard output", spool: f, stdout: stdout, w: bufio.NewWriterSize(f, bufSize)}, nil
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	return &output{name: path, file: f, w: bufio.NewWriterSize(f, bufSize)}, nil
}

func (o *output) write(p []byte) error {
	if _, err := o.w.Write(p); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	o.n += int64(len(p))
	if o.sum != nil {
		o.sum.Write(p)
	}
	return nil
}

func (o *output) commit() error {
	if err := o.w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	if o.file != nil {
		return o.file.Commit()
	}
	if _, err := o.spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	if _, err := io.Copy(o.stdout, o.spool); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	o.spool.Close()
	o.spool = nil
	return nil
}

func (o *output) abort() {
	if o.file != nil {
		o.file.Abort()
	}
	if o.spool != nil {
		o.spool.Close()
	}
}

// writer writes rows to the outputs a scrub was asked for; rows of a category
// with no output are only counted.
type writer struct {
	comma        byte
	outs         []*output
	cleanOut     *output
	blockedOut   *output
	invalidOut   *output
	dupOut       *output
	consentLabel string
	sourceLabels []string
	maskLabels   map[uint64]string
	line         []byte // scratch for rows with appended fields
}

func newWriter(o Options, comma byte) (*writer, error) {
	w := &writer{comma: comma, maskLabels: map[uint64]string{}}
	if o.Registry != nil {
		for _, s := range o.Registry.Sources() {
			w.sourceLabels = append(w.sourceLabels, s.Label)
		}
	}
	if o.Consent != nil {
		var labels []string
		for _, s := range o.Consent.Sources() {
			labels = append(labels, s.Label)
		}
		w.consentLabel = strings.Join(labels, "+")
	}
	open := func(path string, dst **output) error {
		out, err := openOutput(path, o.Stdout)
		if err != nil {
			return err
		}
		if o.HashOutputs {
			out.sum = sha256.New()
		}
		w.outs = append(w.outs, out)
		*dst = out
		return nil
	}
	if err := open(o.Out, &w.cleanOut); err != nil {
		w.abort()
		return nil, err
	}
	for _, f := range []struct {
		path string
		dst  **output
	}{{o.Blocked, &w.blockedOut}, {o.Invalid, &w.invalidOut}, {o.Duplicates, &w.dupOut}} {
		if f.path == "" {
			continue
		}
		if err := open(f.path, f.dst); err != nil {
			w.abort()
			return nil, err
		}
	}
	return w, nil
}

// writeHeader writes the header line to every output, with the extra columns
// of the blocked, invalid and duplicate outputs.
func (w *writer) writeHeader(raw, content []byte) error {
	if err := w.cleanOut.write(raw); err != nil {
		return err
	}
	if err := w.appended(w.blockedOut, raw, content, "scrub_reason", "scrub_source"); err != nil {
		return err
	}
	if err := w.appended(w.invalidOut, raw, content, "scrub_reason"); err != nil {
		return err
	}
	return w.appended(w.dupOut, raw, content, "scrub_reason")
}

func (w *writer) clean(raw []byte) error { return w.cleanOut.write(raw) }

func (w *writer) blocked(raw, content []byte, reason, source string) error {
	return w.appended(w.blockedOut, raw, content, reason, source)
}

func (w *writer) invalid(raw, content []byte, reason string) error {
	return w.appended(w.invalidOut, raw, content, reason)
}

func (w *writer) duplicate(raw, content []byte, reason string) error {
	return w.appended(w.dupOut, raw, content, reason)
}

// appended writes a row with extra fields inserted before its line terminator.
func (w *writer) appended(out *output, raw, content []byte, fields ...string) error {
	if out == nil {
		return nil
	}
	w.line = append(w.line[:0], content...)
	for _, f := range fields {
		w.line = append(w.line, w.comma)
		w.line = appendField(w.line, f, w.comma)
	}
	w.line = append(w.line, raw[len(content):]...)
	return out.write(w.line)
}

// appendField appends a field value, quoted if it holds the delimiter, a
// quote or a line break.
func appendField(dst []byte, v string, comma byte) []byte {
	if !strings.ContainsAny(v, "\"\r\n") && strings.IndexByte(v, comma) < 0 {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	dst = append(dst, bytes.ReplaceAll([]byte(v), []byte(`"`), []byte(`""`))...)
	return append(dst, '"')
}

// labels returns the labels of the sources in mask, joined by "+".
func (w *writer) labels(mask uint64) string {
	if l, ok := w.maskLabels[mask]; ok {
		return l
	}
	var parts []string
	for m, s := mask, 0; m != 0; m, s = m>>1, s+1 {
		if m&1 != 0 && s < len(w.sourceLabels) {
			parts = append(parts, w.sourceLabels[s])
		}
	}
	l := strings.Join(parts, "+")
	w.maskLabels[mask] = l
	return l
}

// outputStats describes what was written to each output, clean first.
func (w *writer) outputStats() []OutputStats {
	out := []OutputStats{}
	for _, f := range []struct {
		name string
		o    *output
	}{{"clean", w.cleanOut}, {"blocked", w.blockedOut}, {"invalid", w.invalidOut}, {"duplicates", w.dupOut}} {
		if f.o == nil {
			continue
		}
		st := OutputStats{Name: f.name, Path: f.o.name, Bytes: f.o.n}
		if f.o.file == nil {
			st.Path = "-"
		}
		if f.o.sum != nil {
			st.SHA256 = hex.EncodeToString(f.o.sum.Sum(nil))
		}
		out = append(out, st)
	}
	return out
}

func (w *writer) commit() error {
	for _, o := range w.outs {
		if err := o.commit(); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) abort() {
	for _, o := range w.outs {
		o.abort()
	}
}
