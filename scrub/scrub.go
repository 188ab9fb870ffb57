// Package scrub streams a prospect file through normalization and registry
// look-ups and splits its rows into clean, blocked, invalid and duplicate
// outputs, each row written as the exact bytes it was read as.
//
// The pipeline is a set of workers, each of which reads the next batch of
// rows (the CSV reader is shared under a lock), normalizes and looks up every
// phone field of it, and hands it to a sequencer that writes the batches back
// in input order, applying de-duplication, which depends on order. A fixed
// pool of batches bounds the memory whatever the size of the input.
package scrub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
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

	Normalizer *normalize.Normalizer
	Columns    []string // phone columns by name or 1-based number; nil detects them from the header
	Delimiter  byte     // 0 sniffs it from the input
	Encoding   string   // "auto" (or ""), "utf-8" or "windows-1252": used to read header names
	NoHeader   bool     // the first line is data; its width plays the header's role
	Dedupe     bool     // rows whose number was seen in an earlier row become duplicates
	Workers    int      // parallel workers; 0 means the number of CPUs
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

// Batch sizes: a batch ends after batchRows rows or batchBytes bytes.
const (
	batchRows  = 1024
	batchBytes = 1 << 20
	sampleSize = 64 << 10
)

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
	ReasonRegistered  = "registered"   // blocked: a number is in a registry
	ReasonNoConsent   = "no-consent"   // blocked: opt-in mode, no number consented
	ReasonDuplicate   = "duplicate"    // a number was seen in an earlier row
	ReasonNotCovered  = "not-covered"  // invalid: a valid number no registry screens
	ReasonNotScreened = "not-screened" // invalid: a valid number no wash result screened (registry.Set.Screened)
	ReasonRagged      = "ragged"       // invalid: more or fewer fields than the header
	ReasonTruncated   = "truncated"    // invalid: a stream's last row, with no line break: maybe cut short
)

// rowResult is a worker's decision about one row.
type rowResult struct {
	cat    Category
	reason string // scrub_reason; "" for clean rows
	mask   uint64 // registry sources, for rows blocked as registered
}

// job is one batch of rows travelling through the pipeline.
type job struct {
	batch csvsplit.Batch
	rows  []rowResult
	nums  []normalize.Result // len(cols) results per row
	// keys and regMasks are scratch for the batched registry look-up: one
	// per phone field, like nums.
	keys     []normalize.Key
	regMasks []uint64
	count    counts
	seq      int64 // the batch's number in input order, from 0
}

// counts are the per-number statistics a worker gathers for one batch.
type counts struct {
	checked, valid, registered, exempted int64
	byType                               [normalize.NumTypes]int64
	// rowsByCC counts, by calling code, the rows with a valid number of
	// that code that a registry screens but does not hold (see ccRows);
	// ccUsed says whether any is non-zero.
	rowsByCC [1000]int32
	ccUsed   bool
}

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

	sample, _ := in.text.Peek(sampleSize)
	if err := checkText(in.name, sample); err != nil {
		return nil, err
	}
	comma := o.Delimiter
	if comma == 0 {
		comma = csvsplit.Sniff(sample)
	}
	lb := csvsplit.SniffLineBreak(sample, comma)
	enc, perCell, encNote, err := chooseEncoding(in.name, o.Encoding, sample, lb)
	if err != nil {
		return nil, err
	}
	r := csvsplit.NewReader(in.text, csvsplit.Options{Name: in.name, Comma: comma, MaxRecordBytes: o.MaxRecordBytes, LineBreak: lb})

	// The header line, or without one the first row, whose width the
	// other rows must have: a row of another width is ragged.
	var header csvsplit.Batch
	var headerNames []string
	var first *job // the first row, with NoHeader
	width, line := 0, 1
	if !o.NoHeader {
		if err := r.ReadBatch(&header, 1, 1); err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("%s: the file is empty: no header line", in.name)
			}
			return nil, readError(in.name, err)
		}
		for j := range header.NumFields(0) {
			if perCell {
				headerNames = append(headerNames, csvsplit.DecodeName(header.Field(0, j)))
			} else {
				headerNames = append(headerNames, csvsplit.DecodeString(enc, header.Field(0, j)))
			}
		}
		width, line = len(headerNames), header.Line(0)
		// The header is copied to every output, the clean one included,
		// unchecked: a first line holding a phone number is a row, and
		// must not be taken for a header whatever --column says.
		for j := range header.NumFields(0) {
			if o.Normalizer.Normalize(header.Field(0, j)).Valid() {
				return nil, fmt.Errorf("%s:%d: %w", in.name, line, errHeaderIsData)
			}
		}
	} else {
		first = &job{}
		switch err := r.ReadBatch(&first.batch, 1, 1); {
		case err == io.EOF:
			first = nil
		case err != nil:
			return nil, readError(in.name, err)
		default:
			width, line = first.batch.NumFields(0), first.batch.Line(0)
		}
	}
	cols, err := resolveColumns(o.Columns, headerNames, width)
	if err != nil {
		var ue *UsageError
		if !errors.As(err, &ue) {
			err = fmt.Errorf("%s:%d: %w", in.name, line, err)
		}
		return nil, err
	}
	ignored := ignoredColumns(headerNames, cols)

	w := newWriter(o, comma, sinks)
	if !o.NoHeader {
		if err := w.writeHeader(header.Raw(0), header.Content(0)); err != nil {
			return nil, err
		}
	}

	st := newStats()
	st.Input.Path = o.Input
	st.Input.Delimiter = string(comma)
	st.Input.Encoding = encodingName(enc)
	st.ColumnsIgnored = ignored
	if len(ignored) > 0 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("%s: columns that look like phone columns are not checked: %s; name them with --column to check them",
			in.name, colname.QuoteList(ignored)))
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
	st.Input.LineBreak = lb.String()
	if encNote != "" {
		st.Input.EncodingNote = encNote
		st.Warnings = append(st.Warnings, encNote)
	}
	for _, c := range cols {
		if headerNames != nil {
			st.Columns = append(st.Columns, headerNames[c])
		} else {
			st.Columns = append(st.Columns, fmt.Sprint(c+1))
		}
	}

	if o.Observer != nil {
		o.Observer.Header(headerNames, cols)
	}
	var size int64
	if in.at != nil {
		size = in.want
	}
	p := &pipeline{o: o, cols: cols, r: r, w: w, st: st, name: in.name, in: in, size: size, nFields: width, first: first,
		unproven: in.at == nil && in.gz == nil,
		names:    headerNames, probe: newNumberProbe(width, cols)}
	if err := p.run(ctx, workers); err != nil {
		return nil, err
	}
	if p.cutLine > 0 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("%s: the last line (%d) has no line break: the input may have been cut short (a pipe closed early), so its last row was not checked and went to invalid as %q; later rows may be missing. End the last line with a line break, or give the file by its path",
			in.name, p.cutLine, ReasonTruncated))
	}
	st.BlankLines = int64(r.BlankLines())
	if st.Input.Bytes, st.Input.SHA256, err = in.finish(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st.Outputs = w.outputStats()
	if err := w.flush(); err != nil {
		return nil, err
	}
	if own != nil {
		if err := own.Commit(); err != nil {
			return nil, err
		}
	}
	st.Registry = newRegistryStats(o.Registry, start)
	st.Allow = newRegistryStats(o.Allow, start)
	st.Consent = newRegistryStats(o.Consent, start)
	st.ElapsedSeconds = time.Since(start).Seconds()
	if st.ElapsedSeconds > 0 {
		st.RowsPerSecond = float64(st.RowsIn) / st.ElapsedSeconds
	}
	return st, nil
}

// checkText refuses inputs that are not delimited text at all, which would
// otherwise come out as rows of garbage: workbooks, UTF-16 exports, binary.
func checkText(name string, sample []byte) error {
	switch {
	case bytes.HasPrefix(sample, []byte("PK\x03\x04")):
		return fmt.Errorf("%s: this is a zip archive (an Excel .xlsx workbook?), not CSV: save it as CSV (UTF-8 or Windows-1252)", name)
	case bytes.HasPrefix(sample, []byte("\xd0\xcf\x11\xe0")):
		return fmt.Errorf("%s: this is an Excel .xls workbook, not CSV: save it as CSV", name)
	case bytes.HasPrefix(sample, []byte("\xff\xfe")) || bytes.HasPrefix(sample, []byte("\xfe\xff")):
		return fmt.Errorf("%s: UTF-16 text (Excel's \"Unicode text\"): save it as CSV UTF-8", name)
	}
	if i := bytes.IndexByte(sample, 0); i >= 0 {
		line := 1 + bytes.Count(sample[:i], []byte("\n"))
		return fmt.Errorf("%s:%d: NUL byte: binary data, not delimited text", name, line)
	}
	return nil
}

// chooseEncoding resolves --encoding. With auto, a sample kept as UTF-8
// although some of its bytes are not valid UTF-8 gets a note saying where
// the first is (its line, never its bytes, which may be a phone number);
// and a header that mixes UTF-8 with bytes that are not has its names read
// each on its own (perCell: csvsplit.DecodeName), with a note, so that one
// bad byte in a name does not turn Tél into TÃ©l.
func chooseEncoding(file, name string, sample []byte, lb csvsplit.LineBreak) (_ csvsplit.Encoding, perCell bool, note string, _ error) {
	switch name {
	case "", "auto":
		g := csvsplit.DetectEncodingDetail(sample)
		switch {
		case g.Invalid > 0:
			line := 1 + bytes.Count(sample[:g.FirstInvalid], []byte{lb.Byte()})
			note = fmt.Sprintf("%s:%d: %d byte(s) in the first %d bytes are not valid UTF-8: read as UTF-8 all the same, as the header and the rest are (give --encoding to decide)",
				file, line, g.Invalid, len(sample))
		case g.MixedHeader:
			note = fmt.Sprintf("%s:1: the header mixes UTF-8 and bytes that are not: each header name was read on its own, as UTF-8 where it is valid and as Windows-1252 elsewhere (give --encoding to decide)", file)
		}
		return g.Encoding, g.MixedHeader, note, nil
	case "utf-8", "utf8", "UTF-8":
		return csvsplit.UTF8, false, "", nil
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		return csvsplit.Windows1252, false, "", nil
	}
	return 0, false, "", usageErrorf("--encoding %q: want auto, utf-8 or windows-1252", name)
}

func encodingName(e csvsplit.Encoding) string {
	if e == csvsplit.Windows1252 {
		return "windows-1252"
	}
	return "utf-8"
}

// readError gives a read error the input's name unless it already has it.
func readError(name string, err error) error {
	var pe *csvsplit.ParseError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("read %s: %w", name, err)
}

// pipeline is one run of the reader, the workers and the writer.
type pipeline struct {
	o    Options
	cols []int
	r    *csvsplit.Reader
	w    *writer
	st   *Stats
	name string
	in   *input
	size int64
	// nFields is the header's field count (without a header, the first
	// row's): a row with another count is misaligned, and its phone
	// columns cannot be trusted.
	nFields int
	// first is the first row when there is no header: read before the
	// pipeline to learn the width, it is its first batch.
	first *job
	// unproven says that the input's end proves nothing: a plain stream
	// (standard input from a pipe, a FIFO), which ends the same whether its
	// writer finished or was killed. A regular file's size proves its end
	// (input.finish), and so does gzip's trailer. A stream's last row with
	// no line break may be a row cut short, whose number, cut, may be
	// another valid number: it is invalid as ReasonTruncated (see cutRow).
	unproven bool

	// names are the header's names (nil without a header), for messages.
	names []string

	// Writer-side state.
	cutLine   int          // the line where the row made ReasonTruncated starts (0: none)
	probe     *numberProbe // unchecked columns' fields in the first rows; nil once looked at
	seen      *keySet      // numbers seen, with Dedupe
	bySource  []int64      // blocked rows per registry source
	noConsent int64
	byReason  map[string]int64
	row       Row
	// ccRows counts, by calling code, the rows with a valid number of that
	// code that a registry screens and does not hold: when the registry
	// holds no number of the code at all, it was most likely read with the
	// wrong region (finishStats warns).
	ccRows [1000]int64
}

// run scrubs the input with workers goroutines. There is no reader or
// writer goroutine: each worker reads the next batch itself (the reader is
// shared under a lock), decides it, and hands it to the sequencer, which
// has whichever worker finds the next batch in input order ready write it,
// and any ready batches after it. A batch never waits for a goroutine to be
// woken up to read, decide or write it, so two workers keep two cores busy,
// and one worker runs the whole pipeline without a single hand-off.
func (p *pipeline) run(ctx context.Context, workers int) error {
	nJobs := 2*workers + 2
	free := make(chan *job, nJobs)
	fresh := nJobs
	if p.first != nil {
		fresh-- // the first row's job is one of the nJobs
	}
	for range fresh {
		free <- &job{}
	}
	if p.o.Registry != nil {
		p.bySource = make([]int64, len(p.o.Registry.Sources()))
	}
	if p.o.Dedupe {
		p.seen = newKeySet()
		defer p.seen.release()
	}
	p.byReason = map[string]int64{}
	in := &batchSource{p: p, free: free}
	out := &sequencer{pending: make([]*job, nJobs), write: p.write, free: free}
	if j := p.first; j != nil {
		// Batch 0, decided and written before the workers start; its job
		// then joins the free list.
		in.seq = 1
		p.decide(j)
		if err := out.done(j); err != nil {
			return err
		}
	}

	g, gctx := errgroup.WithContext(ctx)
	for range workers {
		g.Go(func() error {
			for {
				j, err := in.next(gctx)
				if err == nil && j != nil {
					p.decide(j)
					err = out.done(j)
				}
				if err != nil {
					// The other workers may be waiting for input: it
					// fails for them too, now.
					p.in.count.cancel(err)
				}
				if j == nil || err != nil {
					return err
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	p.finishStats()
	return nil
}

// batchSource hands out the input's batches, in order, to the workers.
type batchSource struct {
	p    *pipeline
	free chan *job // batches written and free for reuse
	mu   sync.Mutex
	seq  int64 // the next batch's number
	done bool  // the input is exhausted, or failed
}

// next reads the next batch into a free job. It returns nil, nil at the end
// of the input.
func (s *batchSource) next(ctx context.Context) (*job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var j *job
	select {
	case j = <-s.free:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		s.free <- j
		return nil, nil
	}
	if err := s.p.r.ReadBatch(&j.batch, batchRows, batchBytes); err != nil {
		s.done = true
		s.free <- j
		if err == io.EOF {
			return nil, nil
		}
		return nil, readError(s.p.name, err)
	}
	j.seq = s.seq
	s.seq++
	return j, nil
}

// sequencer writes decided batches in input order. Batches are written by
// the worker that completes the run of ready batches: the one whose batch
// is next in order, or the one already writing, which goes on with every
// batch that became ready meanwhile.
type sequencer struct {
	write   func(*job) error
	free    chan *job
	mu      sync.Mutex
	pending []*job // decided batches not yet written, by seq modulo its length
	next    int64  // the seq of the next batch to write
	writing bool   // a worker is writing
}

// done takes a decided batch, and writes it and the ready batches after it
// unless another worker is writing them. At most len(pending) batches exist
// (the free list holds the others), so their seqs are distinct modulo
// len(pending).
func (q *sequencer) done(j *job) error {
	n := int64(len(q.pending))
	q.mu.Lock()
	q.pending[j.seq%n] = j
	if q.writing {
		q.mu.Unlock()
		return nil
	}
	q.writing = true
	for {
		k := q.pending[q.next%n]
		if k == nil || k.seq != q.next {
			q.writing = false
			q.mu.Unlock()
			return nil
		}
		q.pending[q.next%n] = nil
		q.next++
		q.mu.Unlock()
		err := q.write(k)
		q.free <- k
		if err != nil {
			return err // the run fails: nobody writes after this
		}
		q.mu.Lock()
	}
}

// decide normalizes and looks up every phone field of the job's rows. It runs
// on a worker and touches only the job.
func (p *pipeline) decide(j *job) {
	b := &j.batch
	n := b.Len()
	nc := len(p.cols)
	j.rows = resize(j.rows, n)
	j.nums = resize(j.nums, n*nc)
	j.keys = resize(j.keys, n*nc)
	j.regMasks = resize(j.regMasks, n*nc)
	j.count = counts{}
	norm, reg, allow, consent := p.o.Normalizer, p.o.Registry, p.o.Allow, p.o.Consent
	cut := p.cutRow(b)

	// Pass 1: normalize every phone field. A ragged row's fields are not
	// read: a field too many or too few shifts the columns, so the number in
	// the phone column may not be the row's, and the real one may be
	// registered. Never clean, never guessed. Nor are a truncated row's.
	for i := range n {
		nums := j.nums[i*nc : (i+1)*nc]
		nf := b.NumFields(i)
		if p.nFields > 0 && nf != p.nFields || i == cut {
			for ci := range nums {
				nums[ci] = unread // not a valid number, to an Observer too
			}
			continue
		}
		for ci, col := range p.cols {
			var field []byte
			if col < nf {
				field = b.Field(i, col)
			}
			nums[ci] = norm.Normalize(field)
		}
	}
	// Pass 2: look every valid number up at once, so that the registry's
	// memory loads overlap (see registry.Set.LookupBatch).
	for i, r := range j.nums {
		j.keys[i] = r.Key // 0 when not a valid number
	}
	if reg != nil {
		reg.LookupBatch(j.keys, j.regMasks)
	} else {
		clear(j.regMasks)
	}
	// Pass 3: decide each row.
	c := &j.count
	for i := range n {
		if i == cut {
			j.rows[i] = rowResult{cat: Invalid, reason: ReasonTruncated}
			continue
		}
		if p.nFields > 0 && b.NumFields(i) != p.nFields {
			j.rows[i] = rowResult{cat: Invalid, reason: ReasonRagged}
			continue
		}
		var f rowFacts
		var rowCC [4]int // calling codes counted for this row
		nrc := 0
		for ci := range nc {
			res := j.nums[i*nc+ci]
			if res.Reason == normalize.ReasonEmpty {
				continue
			}
			c.checked++
			if !res.Valid() {
				if f.firstBad == normalize.ReasonNone {
					f.firstBad = res.Reason
				}
				continue
			}
			f.valid = true
			c.valid++
			c.byType[res.Type]++
			m := j.regMasks[i*nc+ci]
			if m == 0 && reg != nil {
				if !reg.Covers(res.Key) {
					f.uncovered = true
				} else {
					if !reg.Screened(res.Key) {
						f.unscreened = true
					}
					if cc := norm.CallingCode(res.Key); cc != 0 && !slices.Contains(rowCC[:nrc], cc) {
						c.rowsByCC[cc]++
						c.ccUsed = true
						if nrc < len(rowCC) {
							rowCC[nrc] = cc
							nrc++
						}
					}
				}
			}
			if m != 0 {
				c.registered++
			}
			if m != 0 || consent != nil {
				if allow != nil && allow.Lookup(res.Key) != 0 {
					// Exempt (a contract in progress): never blocked, and
					// no consent is needed.
					if m != 0 {
						c.exempted++
					}
					f.consented = true
					m = 0
				}
			}
			f.mask |= m
			if consent != nil && !f.consented && consent.Lookup(res.Key) != 0 {
				f.consented = true
			}
		}
		j.rows[i] = f.verdict(consent != nil)
	}
}

// rowFacts are what a row's decision rests on, gathered over its phone
// fields (empty ones ignored).
type rowFacts struct {
	mask       uint64           // registry sources holding one of its numbers, exempt ones left out
	valid      bool             // at least one number is valid
	uncovered  bool             // a valid number no registry holds is outside every registry's coverage
	unscreened bool             // a valid number no registry holds, covered, was screened by no wash result
	consented  bool             // a number is on the consent or the allow list
	firstBad   normalize.Reason // the first invalid number's reason
}

// verdict decides a row from its facts; optIn says consent is required.
// A number that could not be checked makes the row invalid, never clean,
// unless another of its numbers is registered: registration wins, and a
// registered number is blocked whatever else holds. Not-covered comes before
// not-screened, and both before the consent rule.
func (f *rowFacts) verdict(optIn bool) rowResult {
	switch {
	case !f.valid:
		if f.firstBad == normalize.ReasonNone {
			return rowResult{cat: Invalid, reason: normalize.ReasonEmpty.String()}
		}
		return rowResult{cat: Invalid, reason: f.firstBad.String()}
	case f.mask != 0:
		return rowResult{cat: Blocked, reason: ReasonRegistered, mask: f.mask}
	case f.uncovered:
		return rowResult{cat: Invalid, reason: ReasonNotCovered}
	case f.unscreened:
		return rowResult{cat: Invalid, reason: ReasonNotScreened}
	case optIn && !f.consented:
		return rowResult{cat: Blocked, reason: ReasonNoConsent}
	}
	return rowResult{cat: Clean}
}

// unread is the result of a phone field not read: a ragged or truncated
// row's. (The zero Result is a valid number, of key 0.)
var unread = normalize.Result{Reason: normalize.ReasonEmpty}

// cutRow returns the index of the batch's row that may have been cut short,
// or -1: with an unproven input (a stream), its last row when that row has
// no line terminator. Only the input's last row can lack one, and it is
// the last of its batch, so one row a batch is looked at.
func (p *pipeline) cutRow(b *csvsplit.Batch) int {
	n := b.Len()
	if !p.unproven || n == 0 || len(b.Raw(n-1)) != len(b.Content(n-1)) {
		return -1
	}
	return n - 1
}

// write de-duplicates (in input order) and writes the job's rows. It runs on
// the sequencer, one batch at a time, in input order.
func (p *pipeline) write(j *job) error {
	b := &j.batch
	nc := len(p.cols)
	st := p.st
	// Clean rows go out in runs: consecutive clean rows are adjacent in the
	// batch's buffer, and one write of the run saves a copy call per row.
	run := -1 // first row of the pending run of clean rows
	flush := func(end int) error {
		if run < 0 {
			return nil
		}
		err := p.w.clean(b.RawRun(run, end))
		run = -1
		return err
	}
	for i, res := range j.rows {
		nums := j.nums[i*nc : (i+1)*nc]
		if p.seen != nil && res.cat != Invalid {
			dup := false
			for _, n := range nums {
				if n.Key == 0 {
					continue
				}
				if p.seen.has(n.Key) {
					dup = true
					break
				}
			}
			if dup {
				res = rowResult{cat: Duplicate, reason: ReasonDuplicate}
			} else {
				for _, n := range nums {
					if n.Key != 0 {
						p.seen.add(n.Key)
					}
				}
			}
		}
		if res.cat != Clean || !b.Adjacent(i) {
			if err := flush(i); err != nil {
				return err
			}
		}
		var err error
		switch res.cat {
		case Clean:
			st.RowsClean++
			if run < 0 {
				run = i
			}
		case Blocked:
			st.RowsBlocked++
			if res.mask == 0 {
				p.noConsent++
				err = p.w.blocked(b.Raw(i), b.Content(i), res.reason, p.w.consentLabel)
			} else {
				for m, s := res.mask, 0; m != 0; m, s = m>>1, s+1 {
					if m&1 != 0 {
						p.bySource[s]++
					}
				}
				err = p.w.blocked(b.Raw(i), b.Content(i), res.reason, p.w.labels(res.mask))
			}
		case Invalid:
			st.RowsInvalid++
			p.byReason[res.reason]++
			err = p.w.invalid(b.Raw(i), b.Content(i), res.reason)
		case Duplicate:
			st.RowsDuplicate++
			err = p.w.duplicate(b.Raw(i), b.Content(i), res.reason)
		}
		if err != nil {
			return err
		}
		if p.o.Observer != nil {
			p.row = Row{Line: b.Line(i), Category: res.cat, Reason: res.reason, Sources: res.mask,
				Numbers: nums, batch: b, index: i}
			p.o.Observer.Row(&p.row)
		}
	}
	if err := flush(len(j.rows)); err != nil {
		return err
	}
	if n := len(j.rows); n > 0 && j.rows[n-1].reason == ReasonTruncated {
		p.cutLine = b.Line(n - 1)
	}
	if p.probe != nil && p.probe.look(b, p.o.Normalizer) {
		p.reportNumberColumns()
	}
	st.RowsIn += int64(len(j.rows))
	c := &j.count
	st.NumbersChecked += c.checked
	st.NumbersValid += c.valid
	st.NumbersRegistered += c.registered
	st.NumbersExempted += c.exempted
	for t, n := range c.byType {
		st.ByType.Add(normalize.Type(t).String(), n)
	}
	if c.ccUsed {
		for cc, n := range c.rowsByCC {
			p.ccRows[cc] += int64(n)
		}
	}
	if p.o.Progress != nil {
		p.o.Progress(Progress{Rows: st.RowsIn, BytesRead: p.in.count.n.Load(), BytesSize: p.size})
	}
	return nil
}

// finishStats moves the writer's counters into the stats.
func (p *pipeline) finishStats() {
	if p.probe != nil {
		p.reportNumberColumns() // a file of fewer rows than the probe looks at
	}
	if p.o.Registry != nil {
		for i, s := range p.o.Registry.Sources() {
			p.st.BlockedBySource.Add(s.Label, p.bySource[i])
		}
	}
	if p.o.Consent != nil {
		p.st.BlockedBySource.Add(p.w.consentLabel, p.noConsent)
	}
	// Reasons in a stable order: normalize's, then scrub's own.
	for r := normalize.ReasonNone + 1; int(r) < normalize.NumReasons; r++ {
		if n := p.byReason[r.String()]; n > 0 {
			p.st.InvalidByReason.Add(r.String(), n)
		}
	}
	for _, r := range []string{ReasonNotCovered, ReasonNotScreened, ReasonRagged, ReasonTruncated} {
		if n := p.byReason[r]; n > 0 {
			p.st.InvalidByReason.Add(r, n)
		}
	}
	if reg := p.o.Registry; reg != nil && reg.Len() == 0 {
		// Accepted only with --allow-empty-registry: said on every run all
		// the same, since it blocks nothing.
		p.st.Warnings = append(p.st.Warnings, "the registry holds no number: it blocks nothing, every row with a valid number is clean unless another rule applies")
	} else {
		p.st.Warnings = append(p.st.Warnings, notHeldWarnings(reg, &p.ccRows)...)
	}
}

// notHeldWarnings warns about every calling code whose prospects were
// checked against a registry that holds no number of it (one range count
// per calling code seen, at the end of the run): those rows could not be
// blocked, whether because the registry was read with the wrong region (a
// Belgian list read as French) or because no registry of that country was
// given.
func notHeldWarnings(reg *registry.Set, rows *[1000]int64) []string {
	if reg == nil {
		return nil
	}
	var out []string
	for cc, n := range rows {
		if n == 0 {
			continue
		}
		if msg := reg.NotHeld(cc); msg != "" {
			what := fmt.Sprintf("%d rows have +%d numbers", n, cc)
			if n == 1 {
				what = fmt.Sprintf("1 row has a +%d number", cc)
			}
			out = append(out, what+", but "+msg)
		}
	}
	return out
}

// resize returns s with length n, reusing its storage when it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// bufSize is the size of each output's write buffer.
const bufSize = 256 << 10
