package registry

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
)

// maxLineBytes bounds one text line.
const maxLineBytes = 1 << 20

// lineBreakSample is how much of a text source the line-break convention is
// decided from (the prospect file's sample size).
const lineBreakSample = 64 << 10

// textStart is the start of a text source, as the text formats are sniffed
// from it: its lines up to the first that is neither blank nor a comment.
type textStart struct {
	p    *textParser // the parser, holding the blank lines read so far
	lr   *lineReader // the lines, positioned after line
	line []byte      // the first line neither blank nor a comment; nil when there is none
	// hdr is line read as a header naming a number column (detectHeader),
	// when isHeader.
	hdr      header
	isHeader bool
}

// start returns the start of in as a text source, reading it on the first
// call: a UTF-8 BOM skipped (UTF-16 refused), the line-break convention
// sniffed, then the lines up to the first that holds data or a header.
func (in *input) start() (*textStart, error) {
	if in.text != nil {
		return in.text, nil
	}
	r := in.r
	if bom, _ := r.Peek(3); bytes.HasPrefix(bom, []byte{0xEF, 0xBB, 0xBF}) {
		r.Discard(3)
	} else if bytes.HasPrefix(bom, []byte{0xFF, 0xFE}) || bytes.HasPrefix(bom, []byte{0xFE, 0xFF}) {
		return nil, fmt.Errorf("registry %s: UTF-16 text; save it as UTF-8", in.path)
	}
	// The line-break convention, from a sample of the start (at least
	// 64 KiB, or the whole file, whatever the buffer given).
	if r.Size() < lineBreakSample {
		r = bufio.NewReaderSize(r, lineBreakSample)
	}
	sample, _ := r.Peek(lineBreakSample)
	t := &textStart{
		p:  newTextParser(in.path, in.opts, newKeyArena(in.size)),
		lr: &lineReader{r: r, lb: csvsplit.SniffLineBreak(sample, ',')},
	}
	for {
		line, err := t.lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", in.path, t.lr.line, err)
		}
		skip, err := t.p.plainLine(line, t.lr.line)
		if err != nil {
			return nil, err
		}
		if !skip {
			t.line = bytes.Clone(line)
			t.hdr, t.isHeader = detectHeader(line, in.opts.role())
			break
		}
	}
	in.text = t
	return t, nil
}

// readLines reads the lines of a text source with lf: its first line
// (t.line) when data says it is one, then every other on every core
// (parseRest). It returns the source's numbers and counts, of kind.
func (in *input) readLines(ctx context.Context, kind string, lf lineFormat, data bool) (*sourceData, error) {
	t, err := in.start()
	if err != nil {
		return nil, err
	}
	if t.line == nil {
		return t.p.result(kind), nil
	}
	if data {
		t.p.lines++
		if err := lf.line(t.p, t.line, t.lr.line); err != nil {
			return nil, err
		}
	}
	if err := t.p.parseRest(ctx, t.lr, lf); err != nil {
		return nil, err
	}
	return t.p.result(kind), nil
}

// result returns what p read, as a source of kind.
func (p *textParser) result(kind string) *sourceData {
	p.flushRecords()
	keys := sortDistinctKeys(p.arena, p.reg.take())
	info := SourceInfo{Kind: kind, Entries: len(keys), Lines: p.lines, Invalid: map[string]int{}, Region: p.opts.Normalizer.Region(),
		Attempts: p.attempts, Refusals: p.refusals}
	for r, n := range p.invalid {
		if n > 0 {
			info.Invalid[normalize.Reason(r).String()] = n
		}
	}
	if p.bad.first != 0 {
		info.FirstInvalid, info.FirstReason = p.bad.first, p.bad.reason.String()
	}
	info.invalidSample = p.bad.sample
	info.codes.counts = p.codes
	return &sourceData{info: info, keys: keys}
}
