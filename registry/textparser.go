package registry

import (
	"bytes"
	"fmt"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// textParser accumulates what one worker reads of a text source: its
// numbers, its line count and its invalid lines.
type textParser struct {
	path  string
	opts  LoadOptions
	arena *keyArena // where reg's blocks come from first (nil: allocated)
	// reg holds the numbers read (registered, or allowed); newTextParser
	// gives it the arena.
	reg keySink
	// pass holds a wash result's numbers screened and not registered (the
	// registered ones are in reg).
	pass  keySink
	lines int
	// codes counts the codes of a CSV's unread columns (codecols.go).
	codes   codeCounts
	invalid [normalize.NumReasons]int
	bad     badLines

	// collect says where addKey puts the numbers of the line being read:
	// reg only, or also (dated consents) or only (history) lineKeys, for
	// the lineFormat to pair them with the line's dates (records.go).
	collect  collectMode
	lineKeys []uint64
	// records are the contact records not yet handed to the sink; a
	// history's attempts are kept in history instead.
	records []record
	history policy.HistoryBuilder
	// attempts and refusals count the history records kept.
	attempts, refusals int
	// outcomes caches colname.IsRefusal by a history's outcome text: a
	// history holds a handful of outcomes over millions of lines.
	outcomes map[string]bool
}

// maxOutcomes bounds textParser.outcomes (free-text outcomes are asked
// each time past it).
const maxOutcomes = 4096

// isRefusal reports whether a history's outcome records a refusal
// (colname.IsRefusal), from the cache when it was seen.
func (p *textParser) isRefusal(o []byte) bool {
	if v, ok := p.outcomes[string(o)]; ok {
		return v
	}
	v := colname.IsRefusal(string(o))
	if p.outcomes == nil {
		p.outcomes = map[string]bool{}
	}
	if len(p.outcomes) < maxOutcomes {
		p.outcomes[string(o)] = v
	}
	return v
}

// collectMode says where a line's numbers go (textParser.collect).
type collectMode uint8

const (
	collectNone collectMode = iota // reg
	collectAlso                    // reg and lineKeys
	collectOnly                    // lineKeys
)

// badLines remembers a parser's first invalid line (for the message that
// refuses a source, see Checks) and a few invalid fields (for
// suggestRegion).
type badLines struct {
	first  int // line number; 0 when none
	reason normalize.Reason
	sample [][]byte // copies, at most regionSample
}

// note records an invalid line; field is what was read as a number (nil
// when there is nothing to re-read in another region).
func (b *badLines) note(r normalize.Reason, lineNo int, field []byte) {
	if b.first == 0 || lineNo < b.first {
		b.first, b.reason = lineNo, r
	}
	if field != nil && len(b.sample) < regionSample && r != normalize.ReasonNotANumber && r != normalize.ReasonExcelScientific {
		b.sample = append(b.sample, bytes.Clone(field))
	}
}

// merge adds o's invalid lines to b's.
func (b *badLines) merge(o *badLines) {
	if o.first != 0 {
		b.note(o.reason, o.first, nil)
	}
	for _, f := range o.sample {
		if len(b.sample) == regionSample {
			break
		}
		b.sample = append(b.sample, f)
	}
}

// keySink collects keys in blocks: windows of the parsers' arena, sized
// from the file's size, and once that is full (or without one: a
// compressed file), allocated blocks that start small (a few lines' file
// needs no more) and double up to maxBlockKeys: a file's keys are never
// copied to grow a slice.
type keySink struct {
	keys    []uint64   // the block being filled
	keysOff int        // its offset in the arena, or -1
	blocks  []keyBlock // the full ones
	arena   *keyArena  // where blocks come from first (nil: allocated)
}

// newTextParser returns a parser of the source at path whose numbers go to
// arena first.
func newTextParser(path string, opts LoadOptions, arena *keyArena) *textParser {
	return &textParser{path: path, opts: opts, arena: arena, reg: keySink{arena: arena}}
}

const (
	minBlockKeys = 256
	maxBlockKeys = 1 << 16
)

// add appends one key.
func (s *keySink) add(k uint64) {
	if len(s.keys) == cap(s.keys) {
		s.newBlock()
	}
	s.keys = append(s.keys, k)
}

// newBlock closes the block being filled and starts the next.
func (s *keySink) newBlock() {
	size := minBlockKeys
	if len(s.keys) > 0 {
		s.blocks = append(s.blocks, newKeyBlock(s.keys, s.keysOff))
		size = min(2*cap(s.keys), maxBlockKeys)
	}
	if w, off := s.arena.window(); w != nil {
		s.keys, s.keysOff = w, off
		return
	}
	s.keys, s.keysOff = make([]uint64, 0, size), -1
}

// take returns every key block, the one being filled included, and forgets
// them.
func (s *keySink) take() []keyBlock {
	if len(s.keys) > 0 {
		s.blocks = append(s.blocks, newKeyBlock(s.keys, s.keysOff))
	}
	b := s.blocks
	s.keys, s.blocks = nil, nil
	return b
}

// addKey appends one number read (see collect).
func (p *textParser) addKey(k uint64) {
	if p.collect != collectNone {
		p.lineKeys = append(p.lineKeys, k)
		if p.collect == collectOnly {
			return
		}
	}
	p.reg.add(k)
}

// merge adds what worker w read to p.
func (p *textParser) merge(w *textParser) {
	p.reg.blocks = append(p.reg.blocks, w.reg.take()...)
	p.pass.blocks = append(p.pass.blocks, w.pass.take()...)
	p.lines += w.lines
	p.attempts += w.attempts
	p.refusals += w.refusals
	w.flushRecords()
	p.codes.add(&w.codes)
	for r, n := range w.invalid {
		p.invalid[r] += n
	}
	p.bad.merge(&w.bad)
}

// errKeyRange reports a key the normalizer should never return.
func (p *textParser) errKeyRange(lineNo int) error {
	return fmt.Errorf("%s:%d: normalizer returned an out-of-range key", p.path, lineNo)
}

// add normalizes one number field of line lineNo.
func (p *textParser) add(field []byte, lineNo int) error {
	res := p.opts.Normalizer.Normalize(field)
	if res.Valid() {
		if res.Key == 0 || uint64(res.Key) > maxKey {
			return p.errKeyRange(lineNo)
		}
		p.addKey(uint64(res.Key))
		return nil
	}
	r := res.Reason
	if r != normalize.ReasonEmpty && r != normalize.ReasonExcelScientific {
		// Maybe two numbers on one line (multi.go): both are registered.
		if keys := splitNumbers(p.opts.Normalizer, field); keys != nil {
			for _, k := range keys {
				if k == 0 || uint64(k) > maxKey {
					return p.errKeyRange(lineNo)
				}
				p.addKey(uint64(k))
			}
			return nil
		}
	}
	return p.invalidField(r, field, lineNo)
}

// invalidField counts field, the number field of line lineNo, as invalid
// for reason r; with Strict, a line that is not a number at all is an error.
func (p *textParser) invalidField(r normalize.Reason, field []byte, lineNo int) error {
	p.invalid[r]++
	p.bad.note(r, lineNo, field)
	if p.opts.Strict && (r == normalize.ReasonNotANumber || r == normalize.ReasonExcelScientific) {
		return fmt.Errorf("%s:%d: not a phone number (%s): a list or history must be read in full", p.path, lineNo, r)
	}
	return nil
}

// addExtra adds the numbers of a field of a column that only may hold
// numbers (hdr.extra), and reports whether it held any. A field that is not
// a valid number is not an invalid line: such a column ("Numéro" beside
// "Téléphone", an id; "Phone type") is read to block more, never to refuse
// a list that its number columns read right.
func (p *textParser) addExtra(field []byte) bool {
	if res := p.opts.Normalizer.Normalize(field); res.Valid() {
		if res.Key != 0 && uint64(res.Key) <= maxKey {
			p.addKey(uint64(res.Key))
			return true
		}
		return false
	}
	added := false
	for _, k := range splitNumbers(p.opts.Normalizer, field) {
		if k != 0 && uint64(k) <= maxKey {
			p.addKey(uint64(k))
			added = true
		}
	}
	return added
}

// reject counts line lineNo as invalid for reason r, what saying why in the
// error Strict makes of a line that is not a number at all.
func (p *textParser) reject(r normalize.Reason, lineNo int, what string) error {
	p.invalid[r]++
	p.bad.note(r, lineNo, nil)
	if p.opts.Strict && (r == normalize.ReasonNotANumber || r == normalize.ReasonExcelScientific) {
		return fmt.Errorf("%s:%d: %s: a list or history must be read in full", p.path, lineNo, what)
	}
	return nil
}

// plainLine handles the lines that are no data whatever the file's kind: it
// reports NUL bytes, counts blank lines and skips comments. skip is true when
// the line needs nothing more.
func (p *textParser) plainLine(line []byte, lineNo int) (skip bool, err error) {
	if bytes.IndexByte(line, 0) >= 0 {
		return true, fmt.Errorf("%s:%d: binary data (NUL byte): not a text list", p.path, lineNo)
	}
	if len(bytes.TrimSpace(line)) == 0 {
		p.lines++
		p.invalid[normalize.ReasonEmpty]++
		return true, nil
	}
	if t := bytes.TrimLeft(line, " \t"); t[0] == '#' {
		return true, nil // a comment line ("# exported 2026-11-01"), not data
	}
	return false, nil
}

// numberDigits is how many digits a field of a column that only may hold
// numbers (a fax, "Phone type") needs to be normalized: as many as make a
// cell look like a number in colname (colname.LooksLikeNumber).
const numberDigits = 6

// asciiDigits counts b's ASCII digits.
func asciiDigits(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// hasDigit reports whether b holds an ASCII digit.
func hasDigit(b []byte) bool {
	for _, c := range b {
		if c >= '0' && c <= '9' {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
