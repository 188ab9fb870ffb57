package scrub

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/listscrub/listscrub/atomicfile"
	"github.com/listscrub/listscrub/csvsplit"
)

// Writers are the destinations of a scrub's rows when its caller creates
// them (Options.Writers); a nil one discards its category's rows.
type Writers struct {
	Clean, Blocked, Invalid, Duplicates io.Writer
}

// openOutputs creates the outputs o names by path (Out, Blocked, Invalid,
// Duplicates) in a group of their own, which Run commits; "" (or "-") for
// Out is o.Stdout. With o.Writers it creates nothing and returns them.
func openOutputs(o Options) (Writers, *atomicfile.Group, error) {
	if o.Writers != nil {
		return *o.Writers, nil, nil
	}
	g := &atomicfile.Group{Stdout: o.Stdout}
	var ws Writers
	out := o.Out
	if out == "" {
		out = "-"
	}
	for _, f := range []struct {
		path string
		dst  *io.Writer
	}{{out, &ws.Clean}, {o.Blocked, &ws.Blocked}, {o.Invalid, &ws.Invalid}, {o.Duplicates, &ws.Duplicates}} {
		if f.path == "" {
			continue
		}
		file, err := g.Create(f.path)
		if err != nil {
			g.Abort()
			return Writers{}, nil, err
		}
		*f.dst = file
	}
	return ws, g, nil
}

// output is one destination of rows, buffered.
type output struct {
	name string // for messages: "clean output"
	path string // for the stats: the path given, "-" for standard output
	w    *bufio.Writer
	// What was written, for the stats and receipts: the bytes, and their
	// SHA-256 when Options.HashOutputs asks for it (nil otherwise).
	n   int64
	sum hash.Hash
}

// newOutput returns the output of w, or nil (rows discarded) when w is nil.
func newOutput(name, path string, w io.Writer, hashed bool) *output {
	if w == nil {
		return nil
	}
	if path == "" {
		path = "-"
	}
	o := &output{name: name, path: path, w: bufio.NewWriterSize(w, bufSize)}
	if hashed {
		o.sum = sha256.New()
	}
	return o
}

// write writes p; a nil output discards it.
func (o *output) write(p []byte) error {
	if o == nil {
		return nil
	}
	if _, err := o.w.Write(p); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	o.n += int64(len(p))
	if o.sum != nil {
		o.sum.Write(p)
	}
	return nil
}

func (o *output) flush() error {
	if o == nil {
		return nil
	}
	if err := o.w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	return nil
}

// writer writes rows to the outputs a scrub was asked for; rows of a category
// with no output are only counted.
type writer struct {
	comma        byte
	cleanOut     *output
	blockedOut   *output
	invalidOut   *output
	dupOut       *output
	consentLabel string
	sourceLabels []string
	maskLabels   map[uint64]string
	line         []byte // scratch for rows with appended fields
}

func newWriter(o Options, comma byte, ws Writers) *writer {
	w := &writer{comma: comma, maskLabels: map[uint64]string{},
		cleanOut:   newOutput("clean output", o.Out, ws.Clean, o.HashOutputs),
		blockedOut: newOutput("blocked output", o.Blocked, ws.Blocked, o.HashOutputs),
		invalidOut: newOutput("invalid output", o.Invalid, ws.Invalid, o.HashOutputs),
		dupOut:     newOutput("duplicates output", o.Duplicates, ws.Duplicates, o.HashOutputs)}
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
	return w
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
		w.line = csvsplit.AppendField(w.line, f, w.comma)
	}
	w.line = append(w.line, raw[len(content):]...)
	return out.write(w.line)
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
		st := OutputStats{Name: f.name, Path: f.o.path, Bytes: f.o.n}
		if f.o.sum != nil {
			st.SHA256 = hex.EncodeToString(f.o.sum.Sum(nil))
		}
		out = append(out, st)
	}
	return out
}

// flush writes out what the outputs hold in their buffers.
func (w *writer) flush() error {
	for _, o := range []*output{w.cleanOut, w.blockedOut, w.invalidOut, w.dupOut} {
		if err := o.flush(); err != nil {
			return err
		}
	}
	return nil
}

// bufSize is the size of each output's write buffer.
const bufSize = 256 << 10
