// Package scrub streams a prospect file through normalization and registry
// look-ups and splits its rows into clean, blocked, invalid and duplicate
// outputs, each row written as the exact bytes it was read as.
//
// The pipeline is a set of workers, each of which reads the next batch of
// rows (the CSV reader is shared under a lock), normalizes and looks up every
// phone field of it, and hands it to a sequencer that writes the batches back
// in input order, applying de-duplication, which depends on order. A fixed
// pool of batches bounds the memory whatever the size of the input.
//
// Files by job: scrub.go runs a scrub (Options, Run, the header); input.go
// opens the input and text.go decides its format; columns.go finds the
// phone columns; pipeline.go holds the workers, the batch source and the
// sequencer; decide.go decides each row (the reasons' order is
// rowFacts.verdict); emit.go writes the decided rows in input order and
// output.go the outputs they go to; stats.go is what a run reports.
package scrub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/listscrub/listscrub/atomicfile"
	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
)

// Options configure a scrub.
type Options struct {
	Input  string    // path of the prospect file (plain or gzip), or "-" for Stdin
	Stdin  io.Reader // read when Input is "-"
	Stdout io.Writer // receives the clean rows when Out is ""

	Out        string // clean rows; "" writes them to Stdout
	Blocked    string // blocked rows, plus scrub_reason and scrub_source; "" discards
	Invalid    string // invalid rows, plus scrub_reason; "" discards
	Duplicates string // duplicate rows, plus scrub_reason; "" discards
	// Writers, if not nil, receive the rows instead of the four paths above
	// (which are then ignored); a nil one discards its category. The caller
	// created them (in an atomicfile.Group with its other outputs, so that
	// all appear together) and commits them once Run has returned without
	// error: Run only flushes them.
	Writers *Writers

	Registry *registry.Set // numbers that must not be called; nil only with Consent
	Allow    *registry.Set // exempt numbers, never blocked (nil: none)
	Consent  *registry.Set // opt-in mode: only rows with a number in it may be clean (nil: off)
	// Consents are the consent lines with dates (consented_at,
	// withdrawn_at) of the consent lists, judged at At (nil: none dated). A
	// number of Consent without a dated line has an undated consent.
	Consents *policy.Consents
	// ConsentMaxAge makes consents older than it at At (and undated ones)
	// expired; 0 is no maximum.
	ConsentMaxAge time.Duration

	// Policy, when set, is the contact policy: a row with a valid number
	// that it does not allow to be called at At is blocked with its reason
	// (policy.Reason), exempt numbers included.
	Policy *policy.Policy
	// History holds the contact attempts the policy judges (nil: none);
	// HistorySources describe the files it was read from.
	History        *policy.History
	HistorySources []*registry.SourceInfo
	// At is the instant the calls will be made, at which consents and the
	// policy are judged; zero is the run's start.
	At time.Time
	// HolidayFiles name the files whose dates were added to Policy, for
	// the stats and receipts.
	HolidayFiles []FileStats

	Normalizer *normalize.Normalizer
	Columns    []string // phone columns by name or 1-based number; nil detects them from the header
	// Sheet is the sheet of a workbook input to read, by name or 1-based
	// number; "" reads the first whose first row names a phone column.
	// It is an error with an input that is not a workbook.
	Sheet     string
	Delimiter byte   // 0 sniffs it from the input
	Encoding  string // "auto" (or ""), "utf-8" or "windows-1252": used to read header names
	NoHeader  bool   // the first line is data; its width plays the header's role
	Dedupe    bool   // rows whose number was seen in an earlier row become duplicates
	Workers   int    // parallel workers; 0 means the number of CPUs
	// Warnings are what the caller already warned about (loading the
	// registries): the stats' warnings start with them, so that they hold
	// every warning of the run.
	Warnings []string
	// HashOutputs computes each output's SHA-256 as it is written, for
	// Stats.Outputs (receipts); off, only their sizes are counted.
	HashOutputs bool

	// MaxRecordBytes bounds one row's size; 0 means csvsplit.DefaultMaxRecordBytes.
	MaxRecordBytes int

	// Observer, if set, sees the header and then every row's decision, in
	// input order (coverage reports are built this way).
	Observer Observer
	// Progress, if set, is called after each batch is written, by the
	// worker writing it (one call at a time): it must return quickly.
	Progress func(Progress)
}

// Progress is how far a scrub has got.
type Progress struct {
	Rows      int64 // rows written
	BytesRead int64 // bytes of the input file read (compressed bytes for .gz)
	BytesSize int64 // the input file's size; 0 when unknown (standard input)
}

// Observer sees a scrub's rows as they are decided.
type Observer interface {
	// Header is called once, before any row, with the header's names
	// (decoded to UTF-8; nil with NoHeader) and the phone columns' indexes.
	Header(names []string, phoneCols []int)
	// Row is called for every row, in input order. r is valid only during the call.
	Row(r *Row)
}

// Row is one row's decision, as an Observer sees it.
type Row struct {
	Line     int                // 1-based line where the row starts
	Category Category           // where the row went
	Reason   string             // its scrub_reason ("" for clean rows)
	Sources  uint64             // registry sources holding it (a mask over Registry.Sources())
	Numbers  []normalize.Result // one per phone column, in column order
	batch    *csvsplit.Batch
	index    int
}

// Field returns the row's field col (0-based), or nil when the row is shorter.
func (r *Row) Field(col int) []byte {
	if col < r.batch.NumFields(r.index) {
		return r.batch.Field(r.index, col)
	}
	return nil
}

// Category is where a row goes.
type Category uint8

// The row categories.
const (
	Clean Category = iota
	Blocked
	Invalid
	Duplicate
)

// String returns the category's name: clean, blocked, invalid or duplicate.
func (c Category) String() string {
	return [...]string{"clean", "blocked", "invalid", "duplicate"}[c]
}

// The scrub_reason of rows that are not invalid for a normalize.Reason.
const (
	ReasonRegistered = "registered" // blocked: a number is in a registry
	ReasonNoConsent  = "no-consent" // blocked: opt-in mode, no number consented
	// The other consent and the policy reasons are policy.ConsentStatus and
	// policy.Reason names: consent-withdrawn, consent-expired,
	// refused-recently, attempt-limit, holiday, outside-hours.
	ReasonDuplicate   = "duplicate"    // a number was seen in an earlier row
	ReasonNotCovered  = "not-covered"  // invalid: a valid number no registry screens
	ReasonNotScreened = "not-screened" // invalid: a valid number no wash result screened (registry.Set.Screened)
	ReasonRagged      = "ragged"       // invalid: more or fewer fields than the header
	ReasonTruncated   = "truncated"    // invalid: a stream's last row, with no line break: maybe cut short
	// ReasonUncalculated: invalid: a workbook's phone cell is a formula
	// with no calculated value (workbook.Formula), a number unknown.
	ReasonUncalculated = "uncalculated"
)

// Run scrubs o.Input and returns the statistics. Outputs named by path are
// created before the input is read, written to temporary files and renamed
// into place together (atomicfile.Group) only when the whole input has been
// read without error; on error (or cancellation) nothing is written.
func Run(ctx context.Context, o Options) (*Stats, error) {
	start := time.Now()
	if o.Normalizer == nil {
		return nil, errors.New("scrub: no normalizer")
	}
	if o.Registry == nil && o.Consent == nil {
		return nil, usageErrorf("no registry given: use -r/--registry (or --consent for opt-in mode)")
	}
	if o.History != nil && o.Policy == nil {
		return nil, usageErrorf("a contact history needs a policy (--policy) to judge it")
	}
	if (o.Consents != nil || o.ConsentMaxAge != 0) && o.Consent == nil {
		return nil, usageErrorf("consent dates need a consent list (--consent)")
	}
	if o.At.IsZero() {
		o.At = start
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	// The registry's checksum, which the stats report, is one pass over the
	// whole set (0.15 s for 10M numbers). A snapshot stores it, and the CLI
	// has Load compute it while it packs a raw list
	// (registry.LoadOptions.Checksum); otherwise it is computed here beside
	// the scrub instead of after it. Run does not return before it is done.
	if o.Registry != nil {
		summed := make(chan struct{})
		go func() {
			defer close(summed)
			o.Registry.Checksum()
		}()
		defer func() { <-summed }()
	}

	// The outputs first: one that cannot be written fails before the input
	// is read.
	sinks, own, err := openOutputs(o)
	if err != nil {
		return nil, err
	}
	if own != nil {
		defer own.Abort()
	}
	// Reads may wait for input that does not come (a silent pipe, a named
	// pipe without a writer): a cancelled run makes them fail at once.
	in, err := openInput(ctx, o.Input, o.Stdin)
	if err != nil {
		return nil, err
	}
	defer in.Close()

	src, tf, book, err := openRows(ctx, in, o)
	if err != nil {
		return nil, err
	}
	if book != nil {
		defer book.Close()
	}
	h, err := readHead(src, o, in.name, tf, book)
	if err != nil {
		return nil, err
	}
	if book != nil {
		book.width = h.width
	}
	cols, err := h.columns(o, in.name, book)
	if err != nil {
		return nil, err
	}

	w, err := newWriter(o, tf, sinks, book)
	if err != nil {
		return nil, err
	}
	if !o.NoHeader {
		if err := w.writeHeader(&h.header); err != nil {
			return nil, err
		}
	}
	st := startStats(o, in.name, tf, h.names, cols, book)
	if o.Observer != nil {
		o.Observer.Header(h.names, cols)
	}
	var size int64
	if in.at != nil && book == nil {
		size = in.want
	}
	p := &pipeline{o: o, cols: cols, r: src, w: w, st: st, name: in.name, in: in, size: size, nFields: h.width, first: h.first,
		unproven: in.at == nil && in.gz == nil && book == nil, cells: book != nil,
		names: h.names, probe: newNumberProbe(h.width, cols)}
	p.d = decider{o: &p.o, norm: o.Normalizer, at: o.At.Unix()}
	if o.Policy != nil {
		p.d.pol = o.Policy.At(o.At)
	}
	if err := p.run(ctx, workers); err != nil {
		return nil, err
	}
	if err := p.finish(ctx, own); err != nil {
		return nil, err
	}
	st.Registry = newRegistryStats(o.Registry, start)
	st.Allow = newRegistryStats(o.Allow, start)
	st.Consent = newRegistryStats(o.Consent, start)
	policyStats(st, &o, start)
	st.ElapsedSeconds = time.Since(start).Seconds()
	if st.ElapsedSeconds > 0 {
		st.RowsPerSecond = float64(st.RowsIn) / st.ElapsedSeconds
	}
	return st, nil
}

// openRows returns where the input's rows are read from, and how their
// text is read: a workbook's sheet (book, not nil), or delimited text.
func openRows(ctx context.Context, in *input, o Options) (rowReader, textFormat, *bookSource, error) {
	if in.isBook() {
		book, err := openBook(ctx, in, o)
		if err != nil {
			return nil, textFormat{}, nil, err
		}
		return book, textFormat{comma: bookComma, lb: csvsplit.CRLF, enc: csvsplit.UTF8}, book, nil
	}
	if o.Sheet != "" {
		return nil, textFormat{}, nil, usageErrorf("--sheet %s: %s is not a workbook (.xlsx, .xlsm)", o.Sheet, in.name)
	}
	tf, err := sniffText(in, o)
	if err != nil {
		return nil, textFormat{}, nil, err
	}
	r := csvsplit.NewReader(in.text, csvsplit.Options{Name: in.name, Comma: tf.comma, MaxRecordBytes: o.MaxRecordBytes, LineBreak: tf.lb})
	return r, tf, nil, nil
}

// where locates a line of the input in a message: "name:line", or for a
// workbook `name: sheet "Sheet1" row N`.
func where(name string, book *bookSource, line int) string {
	if book != nil {
		return fmt.Sprintf("%s: sheet %q row %d", name, book.sheet, line)
	}
	return fmt.Sprintf("%s:%d", name, line)
}

// head is the input's first line: its header, or with NoHeader its first
// row, whose width the other rows must have (a row of another width is
// ragged).
type head struct {
	header csvsplit.Batch // the header line; empty with NoHeader
	names  []string       // the header's names, decoded to UTF-8; nil with NoHeader
	first  *job           // the first row, with NoHeader; nil without one
	width  int            // the header's field count (the first row's with NoHeader)
	line   int            // the line where it starts, for messages
}

// columns resolves the phone columns (Options.Columns, or those the
// header names); an error that is not a usage error names where the
// header is.
func (h *head) columns(o Options, name string, book *bookSource) ([]int, error) {
	cols, err := resolveColumns(o.Columns, h.names, h.width)
	if err != nil {
		var ue *UsageError
		if !errors.As(err, &ue) {
			err = fmt.Errorf("%s: %w", where(name, book, h.line), err)
		}
		return nil, err
	}
	return cols, nil
}

// readHead reads the header, or with NoHeader the first row. A header
// holding a valid phone number is refused: the header is copied to every
// output unchecked, the clean one included, so a first line holding a
// number is a row and must not be taken for a header whatever --column says.
func readHead(r rowReader, o Options, name string, tf textFormat, book *bookSource) (*head, error) {
	h := &head{line: 1}
	if o.NoHeader {
		h.first = &job{}
		switch err := r.ReadBatch(&h.first.batch, 1, 1); {
		case err == io.EOF:
			h.first = nil
		case err != nil:
			return nil, readError(name, err)
		default:
			h.width, h.line = h.first.batch.NumFields(0), h.first.batch.Line(0)
		}
		return h, nil
	}
	if err := r.ReadBatch(&h.header, 1, 1); err != nil {
		if err == io.EOF {
			if book != nil {
				return nil, fmt.Errorf("%s: sheet %q is empty: no header row", name, book.sheet)
			}
			return nil, fmt.Errorf("%s: the file is empty: no header line", name)
		}
		return nil, readError(name, err)
	}
	for j := range h.header.NumFields(0) {
		if tf.perCell {
			h.names = append(h.names, csvsplit.DecodeName(h.header.Field(0, j)))
		} else {
			h.names = append(h.names, csvsplit.DecodeString(tf.enc, h.header.Field(0, j)))
		}
	}
	h.width, h.line = len(h.names), h.header.Line(0)
	for j := range h.header.NumFields(0) {
		if o.Normalizer.Normalize(h.header.Field(0, j)).Valid() {
			return nil, fmt.Errorf("%s: %w", where(name, book, h.line), errHeaderIsData)
		}
	}
	return h, nil
}

// startStats returns the stats known before the first row: the input's
// format, the phone columns (by name, or by number without a header), and
// the warnings about columns left unchecked and the lists' columns.
func startStats(o Options, name string, tf textFormat, names []string, cols []int, book *bookSource) *Stats {
	st := newStats()
	st.Warnings = append(st.Warnings, o.Warnings...)
	st.Input.Path = o.Input
	st.Input.Delimiter = string(tf.comma)
	st.Input.Encoding = encodingName(tf.enc)
	st.Input.LineBreak = tf.lb.String()
	st.Input.Format = "csv"
	if book != nil {
		st.Input.Format, st.Input.Sheet = "xlsx", book.sheet
		st.Input.Delimiter, st.Input.LineBreak = "", ""
		if book.warn != "" {
			st.Warnings = append(st.Warnings, book.warn)
		}
	}
	ignored := ignoredColumns(names, cols)
	st.ColumnsIgnored = ignored
	if len(ignored) > 0 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("%s: columns that look like phone columns are not checked: %s; name them with --column to check them",
			name, colname.QuoteList(ignored)))
	}
	for _, l := range []struct {
		what string
		set  *registry.Set
	}{{"registry", o.Registry}, {"allow list", o.Allow}, {"consent list", o.Consent}} {
		if l.set == nil {
			continue
		}
		for _, src := range l.set.Sources() {
			if w := src.ColumnsWarning(l.what); w != "" {
				st.Warnings = append(st.Warnings, w)
			}
		}
	}
	if tf.note != "" {
		st.Input.EncodingNote = tf.note
		st.Warnings = append(st.Warnings, tf.note)
	}
	for _, c := range cols {
		if names != nil {
			st.Columns = append(st.Columns, names[c])
		} else {
			st.Columns = append(st.Columns, fmt.Sprint(c+1))
		}
	}
	return st
}

// finish completes a run whose rows are all written: the truncation
// warning, the input's size and checksum (a short read fails here), the
// outputs' stats, then their flush and, for outputs Run created, their
// commit. A cancelled run fails before anything is committed.
func (p *pipeline) finish(ctx context.Context, own *atomicfile.Group) error {
	st := p.st
	if p.cutLine > 0 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("%s: the last line (%d) has no line break: the input may have been cut short (a pipe closed early), so its last row was not checked and went to invalid as %q; later rows may be missing. End the last line with a line break, or give the file by its path",
			p.name, p.cutLine, ReasonTruncated))
	}
	st.BlankLines = int64(p.r.BlankLines())
	var err error
	if st.Input.Bytes, st.Input.SHA256, err = p.in.finish(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := p.w.flush(); err != nil {
		return err
	}
	st.Outputs = p.w.outputStats()
	if own != nil {
		return own.Commit()
	}
	return nil
}

// policyStats records in st the consent instant, the policy and the
// history the rows were judged by.
func policyStats(st *Stats, o *Options, now time.Time) {
	at := o.At.UTC().Format(time.RFC3339Nano)
	if o.Consent != nil {
		st.ConsentAt = at
		if d := o.ConsentMaxAge; d > 0 && d%(24*time.Hour) == 0 {
			st.ConsentMaxAge = fmt.Sprintf("%dd", d/(24*time.Hour))
		} else if d > 0 {
			st.ConsentMaxAge = d.String()
		}
	}
	if o.Policy == nil {
		return
	}
	st.Policy = &PolicyStats{Name: o.Policy.Name, SHA256: o.Policy.SHA256, At: at,
		Holidays: append([]FileStats{}, o.HolidayFiles...)}
	if o.History == nil {
		return
	}
	h := &HistoryStats{Lines: o.History.Lines(), Numbers: o.History.Numbers(), Bytes: o.History.Bytes(), Sources: []SourceStats{}}
	for _, s := range o.HistorySources {
		h.Sources = append(h.Sources, newSourceStats(s, now))
	}
	st.History = h
}
