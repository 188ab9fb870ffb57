package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/policy"
)

// historyFormat is a contact history (spec: "Contact policy", --history):
// delimited text, or a workbook's sheet, whose header names its number
// columns (as a block list's: colname), a called_at column and an outcome
// column:
//
//	phone;called_at;outcome
//	0612345678;2026-11-30T14:05:00+01:00;no answer     an attempt
//	0612345678;2026-11-30T16:40:00+01:00; Refused      an attempt, and a refusal
//	0612345679;2026-11-30T16:40:00Z;                   an attempt
//	;2026-11-30T16:40:00Z;refused                      an invalid line (empty), counted
//	0612345680;30/11/2026 16:40;refused                an error: called_at is no RFC 3339 time
//
// Every valid number of a line (several number columns: each one) is one
// attempt at its called_at instant; an outcome that records a refusal
// (colname.IsRefusal: "refused" in any case, "Refusé", "DNC", "not
// interested") makes it a refusal. called_at must be RFC 3339 with an offset
// or Z, fractions allowed (rounded up to the second: an attempt at
// 10:00:00.4 counts in a window from 10:00:00): a time without an offset (a
// workbook date cell), an empty one or any other text is an error naming
// the file, the line (the sheet's row) and the column, never a guess. A
// line whose number is empty or not valid is an invalid line, counted by
// reason as a list's (Checks.MaxInvalid), its called_at not read. It is
// never sniffed: LoadHistory reads it.
type historyFormat struct{}

func (historyFormat) kind() string { return KindHistory }

func (historyFormat) sniff(*input) (bool, error) { return false, nil }

func (f historyFormat) read(ctx context.Context, in *input) (*sourceData, error) {
	return readTextSource(ctx, in, f)
}

// historyExample is the header the messages about a history's header show.
const historyExample = "phone,called_at,outcome"

func (historyFormat) lines(in *input, t *textStart) (lineFormat, bool, error) {
	if t.line == nil {
		return historyLines{}, false, nil // no line, no attempt
	}
	if !t.isHeader {
		return nil, false, fmt.Errorf("%s:%d: no header naming a phone number column: a contact history needs a header naming its number, called_at and outcome columns (%s)",
			in.path, t.lr.line, historyExample)
	}
	h := historyLines{csv: csvLines{hdr: t.hdr}, calledCol: -1, outcomeCol: -1, short: in.book}
	fields, ok := csvsplit.SplitLine(t.line, t.hdr.delim, nil)
	if !ok {
		return nil, false, fmt.Errorf("%s:%d: unbalanced quotes", in.path, t.lr.line)
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = headerName(f)
	}
	for i, name := range names {
		for _, c := range []struct {
			is   func(string) bool
			col  *int
			what string
		}{{colname.IsCalledAt, &h.calledCol, "called_at"}, {colname.IsOutcome, &h.outcomeCol, "outcome"}} {
			if !c.is(name) {
				continue
			}
			if *c.col >= 0 {
				return nil, false, fmt.Errorf("%s:%d: columns %s and %s both name the %s: keep one",
					in.path, t.lr.line, colname.Quote(names[*c.col]), colname.Quote(name), c.what)
			}
			*c.col = i
		}
	}
	switch {
	case h.calledCol < 0:
		return nil, false, fmt.Errorf("history %s: no called_at column in the header (%s): add a called_at column, the RFC 3339 time of each call with its offset (2026-11-30T14:05:00+01:00)",
			in.path, colname.QuoteList(names))
	case h.outcomeCol < 0:
		return nil, false, fmt.Errorf("history %s: no outcome column in the header (%s): add an outcome column (\"refused\" for a refusal, anything else or empty for another attempt)",
			in.path, colname.QuoteList(names))
	}
	h.calledName = names[h.calledCol]
	return h, false, nil
}

// historyLines reads a history's lines: csv reads their numbers, the
// called_at and outcome columns their attempt.
type historyLines struct {
	csv                   csvLines
	calledCol, outcomeCol int
	calledName            string // as the header spells it, for messages
	// short says a line may have fewer fields than the header (a
	// workbook's rows end at their last non-empty cell).
	short bool
}

func (historyLines) fast() fastPath { return fastNone }

func (h historyLines) line(p *textParser, line []byte, lineNo int) error {
	// A line of another width than the header has its columns shifted (a
	// field holding the delimiter unquoted, a field left out): its outcome
	// may be another column's, a refusal read as an attempt. Never guessed.
	if n, ok := csvsplit.CountFields(line, h.csv.hdr.delim); !ok {
		return fmt.Errorf("%s:%d: unbalanced quotes", p.path, lineNo)
	} else if want := h.csv.hdr.fields; n > want || n < want && !h.short {
		return fmt.Errorf("%s:%d: %d fields where the header has %d: its columns are shifted (a field holding the delimiter must be quoted), so its outcome cannot be read: fix the line",
			p.path, lineNo, n, want)
	}
	p.lineKeys = p.lineKeys[:0]
	p.collect = collectOnly
	err := h.csv.line(p, line, lineNo)
	p.collect = collectNone
	if err != nil || len(p.lineKeys) == 0 {
		return err // no valid number: an invalid line, counted
	}
	delim := h.csv.hdr.delim
	f, _, bad := csvsplit.FieldAt(line, delim, h.calledCol)
	if bad {
		return fmt.Errorf("%s:%d: unbalanced quotes", p.path, lineNo)
	}
	at, ok := parseRFC3339Up(f)
	if !ok {
		return p.errCalledAt(f, lineNo, h.calledName)
	}
	o, _, bad := csvsplit.FieldAt(line, delim, h.outcomeCol)
	if bad {
		return fmt.Errorf("%s:%d: unbalanced quotes", p.path, lineNo)
	}
	refused := int64(0)
	if p.isRefusal(bytes.TrimSpace(o)) {
		refused = 1
	}
	for _, k := range p.lineKeys {
		p.keep(record{key: k, a: at, b: refused})
		p.attempts++
		p.refusals += int(refused)
	}
	return nil
}

// errCalledAt is the error about field f, the called_at of line lineNo,
// which is no RFC 3339 time with an offset. The field is not printed: it
// may be a number, in a line whose columns are shifted.
func (p *textParser) errCalledAt(f []byte, lineNo int, column string) error {
	what := "is not an RFC 3339 time"
	switch {
	case len(bytes.TrimSpace(f)) == 0:
		what = "is empty"
	case len(f) >= 19 && f[10] == 'T' && (len(f) == 19 || f[19] == '.'):
		if _, ok := parseRFC3339(append(f[:len(f):len(f)], 'Z')); ok {
			what = "has no offset (a workbook's date cells have none)"
		}
	}
	return fmt.Errorf("%s:%d: column %s %s: give an RFC 3339 time with an offset, such as 2026-11-30T14:05:00+01:00 (or Z for UTC): the instant of a call is never guessed",
		p.path, lineNo, colname.Quote(column), what)
}

// LoadHistory reads contact histories (historyFormat: CSV, gzip or a
// workbook; --sheet as for lists) into b, streaming: every attempt is
// added as its line is read, so that memory is b's (policy.HistoryBuilder),
// never a file's. Sources are read in parallel, each with the machinery of
// lists (encodings, line breaks, header detection, SHA-256, a file changed
// while read refused) and checked with opts.Checks as block lists are
// (MaxInvalid, a future date; a history with no attempt is accepted: no
// call made yet), since a history read short lets numbers be called too
// often. opts.Exempt and opts.Consents are ignored. It returns each
// source's SourceInfo (Kind KindHistory, Lines, Invalid, Attempts,
// Refusals, SHA256). On an error b holds part of the lines: discard it.
func LoadHistory(ctx context.Context, specs []Spec, opts LoadOptions, b *policy.HistoryBuilder) ([]*SourceInfo, error) {
	if b == nil {
		return nil, errors.New("registry: LoadHistory needs a policy.HistoryBuilder")
	}
	if opts.Normalizer == nil {
		return nil, errors.New("registry: LoadOptions.Normalizer is required")
	}
	opts.Exempt, opts.Consents = false, nil
	opts.records = &recordSink{history: b}
	infos := make([]*SourceInfo, len(specs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, sp := range specs {
		sp.Format = KindHistory
		if sp.Label == "" {
			sp.Label = labelFromPath(sp.Path)
		}
		g.Go(func() error {
			sd, err := readSource(gctx, sp, opts)
			if err != nil {
				return err
			}
			infos[i] = &sd.info
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	checks := opts.Checks
	checks.RequireNumbers = false
	if err := checks.vetAll(infos, opts.Normalizer.Region()); err != nil {
		return nil, err
	}
	return infos, nil
}
