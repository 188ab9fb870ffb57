package registry

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// Checks are the rules a loaded source must pass before its numbers are
// used, the same for every command (scrub, coverage, check, registry build),
// because a registry that was not read in full lets registered numbers
// through as clean. The zero value checks nothing.
//
//   - MaxInvalid: a raw source whose invalid lines (blank lines aside)
//     exceed it was not read right (an HTML error page, the wrong column,
//     the wrong region) and is refused, naming its first invalid line.
//   - RequireNumbers: a source that yields no number is refused.
//   - Now: a source whose as-of date (a raw file's modification day, a
//     snapshot's as-of) is after the day following Now's is refused: a
//     future date would never turn stale (MaxClockSkew). One after
//     Today(Now) but within the skew is taken as Today's.
//
// With Lenient, the first two become warnings; a future date never does.
type Checks struct {
	MaxInvalid     Threshold
	RequireNumbers bool
	Lenient        bool
	Now            time.Time
	// Warn receives the warnings (Lenient violations, a snapshot read with
	// another region than the run's), once every source is read, in source
	// order, from the goroutine that called Load. Nil drops them.
	Warn func(msg string)
}

// MaxClockSkew is how far in the future a source's as-of date may be: one
// day, for clocks a little ahead and time zones east of UTC (a list
// downloaded on 2 December in Paris may carry a 2 December date while UTC
// is still on the 1st).
const MaxClockSkew = 24 * time.Hour

// Threshold bounds a source's invalid lines: at most Count lines, or, with
// Percent set, at most Share percent of its data lines rounded down, but
// at least one line whatever the share (Allowed): one stray line — a typo
// in a short list — is always tolerated, while a list read with the wrong
// region, or the wrong column, whose every line is invalid, is refused
// however short (from two lines). An explicit share of 0% allows none. The
// zero value is no limit.
type Threshold struct {
	Count   int
	Share   float64 // percent, 0–100
	Percent bool
	set     bool
}

// DefaultMaxInvalid is the default threshold, 1% of a source's lines
// (rounded down, at least one line): national registries are
// machine-written (Bloctel's and the US DNC's downloads have no invalid
// line), so more than 1% means the file was not read as it should be — a
// different region, column or format — and its numbers would silently not
// be blocked. A list with more typos than that needs --max-invalid or
// (registry build) --lenient, explicitly.
var DefaultMaxInvalid = Threshold{Share: 1, Percent: true, set: true}

// ParseThreshold parses "5%" (a share of the data lines, decimals allowed)
// or "100" (a number of lines).
func ParseThreshold(s string) (Threshold, error) {
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v > 100 {
			return Threshold{}, fmt.Errorf("%q: want a share such as 1%% or a number of lines such as 100", s)
		}
		return Threshold{Share: v, Percent: true, set: true}, nil
	}
	v, err := strconv.Atoi(t)
	if err != nil || v < 0 {
		return Threshold{}, fmt.Errorf("%q: want a share such as 1%% or a number of lines such as 100", s)
	}
	return Threshold{Count: v, set: true}, nil
}

// String returns the threshold as ParseThreshold reads it.
func (t Threshold) String() string {
	if !t.set {
		return "none"
	}
	if t.Percent {
		return strconv.FormatFloat(t.Share, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(t.Count)
}

// Allowed returns how many invalid lines out of lines data lines t
// allows: a count as given; a share of the lines rounded down, but at
// least one (none for a share of 0); every line without a limit.
func (t Threshold) Allowed(lines int) int {
	switch {
	case !t.set:
		return math.MaxInt
	case !t.Percent:
		return t.Count
	case t.Share == 0:
		return 0
	}
	// The epsilon keeps 7% of 100 lines at 7 whatever the float rounding.
	return max(1, int(math.Floor(t.Share*float64(lines)/100+1e-9)))
}

// Exceeded reports whether bad invalid lines out of lines data lines are
// more than t allows.
func (t Threshold) Exceeded(bad, lines int) bool {
	return t.set && bad > t.Allowed(lines)
}

// rule says what t allows of lines data lines, and why: "the 1 allowed
// (1% of 57 lines rounded down, at least 1)".
func (t Threshold) rule(lines int) string {
	n := t.Allowed(lines)
	switch {
	case !t.Percent:
		return fmt.Sprintf("the %d allowed", n)
	case t.Share == 0:
		return "the 0 allowed (0%)"
	}
	return fmt.Sprintf("the %d allowed (%s of %d lines rounded down, at least 1)", n, t, lines)
}

// countedInvalid returns the invalid lines that count against a threshold,
// and the data lines they are a share of: blank lines are in neither (they
// hide no number).
func countedInvalid(si *SourceInfo) (bad, lines int) {
	empty := si.Invalid[normalize.ReasonEmpty.String()]
	for _, n := range si.Invalid {
		bad += n
	}
	return bad - empty, si.Lines - empty
}

// InvalidLinesError is a raw source refused for its invalid lines.
type InvalidLinesError struct {
	Path         string
	Line         int    // first invalid line
	Reason       string // its reason
	Bad, Lines   int
	Limit        Threshold
	Region       string
	BetterRegion []string // the regions that read the lines (see suggestRegion), or nil
}

func (e *InvalidLinesError) Error() string {
	msg := fmt.Sprintf("%s:%d: %d of %d lines are not valid numbers (first: %s), more than %s",
		e.Path, e.Line, e.Bad, e.Lines, e.Reason, e.Limit.rule(e.Lines))
	if len(e.BetterRegion) > 0 {
		msg += fmt.Sprintf("; they are valid %s numbers, not %s ones: use %s", orList(e.BetterRegion, ""), e.Region, orList(e.BetterRegion, "--country "))
	}
	return msg + ": a list or history must be read in full"
}

// orList joins regions as "BE", "BE or DE", "BE, DE or IT", each after
// prefix.
func orList(regions []string, prefix string) string {
	var b strings.Builder
	for i, r := range regions {
		switch {
		case i == 0:
		case i == len(regions)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(prefix + r)
	}
	return b.String()
}

// EmptySourceError is a source that yields no number.
type EmptySourceError struct {
	Path         string
	Kind         string // the source's kind: KindSnapshot, or a raw one
	Lines        int
	Region       string
	BetterRegion []string
}

func (e *EmptySourceError) Error() string {
	if e.Kind == KindSnapshot {
		// Its lines were read when it was built: the snapshot has none.
		return fmt.Sprintf("snapshot %s holds no number: an empty registry would let every number through", e.Path)
	}
	if e.Kind == KindWash {
		return fmt.Sprintf("wash result %s: no number of its %d lines has a verdict that --block-codes or --pass-codes name: it screened nothing", e.Path, e.Lines)
	}
	msg := fmt.Sprintf("registry %s: no phone number in %d lines", e.Path, e.Lines)
	if len(e.BetterRegion) > 0 {
		msg += fmt.Sprintf(" read as %s; they are valid %s numbers: use %s", e.Region, orList(e.BetterRegion, ""), orList(e.BetterRegion, "--country "))
	}
	return msg + ": an empty registry would let every number through"
}

// FutureAsOfError is a source dated after the day after now.
type FutureAsOfError struct {
	Path string
	Kind string
	AsOf time.Time
}

func (e *FutureAsOfError) Error() string {
	what := "modification date"
	if e.Kind == KindSnapshot {
		what = "as-of date"
	}
	return fmt.Sprintf("registry %s: %s %s is in the future: a future date never turns stale; fix the date (or the clock)",
		e.Path, what, e.AsOf.UTC().Format(time.DateOnly))
}

// InFuture reports whether an as-of date is later than now allows (now plus
// MaxClockSkew).
func InFuture(asOf, now time.Time) bool {
	return asOf.After(now.Add(MaxClockSkew))
}

// Today returns the latest calendar date it is anywhere the run could be:
// the later of now's local and UTC dates, at 00:00 UTC (as-of dates are
// days in UTC). No as-of date is later: one within MaxClockSkew is taken as
// today's (Checks), and registry build refuses a later --as-of.
func Today(now time.Time) time.Time {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	l, u := day(now.Local()), day(now.UTC())
	if l.After(u) {
		return l
	}
	return u
}

// vet applies c to one source; region is the region of the run's
// normalizer. It returns the warnings, or the error that refuses it.
func (c *Checks) vet(si *SourceInfo, region string) (warnings []string, err error) {
	if !c.Now.IsZero() {
		if InFuture(si.AsOf, c.Now) {
			return nil, &FutureAsOfError{Path: si.Path, Kind: si.Kind, AsOf: si.AsOf}
		}
		// Ahead, but within the clock skew (a file written a few hours
		// ahead, a time zone east of UTC): today, so that a snapshot is
		// never dated after the day it is built and an age is never
		// negative.
		if t := Today(c.Now); si.AsOf.After(t) {
			si.AsOf = t
		}
	}
	if si.Kind == KindSnapshot {
		if si.Region != "" && region != "" && si.Region != region {
			warnings = append(warnings, fmt.Sprintf("registry %s: its national-format numbers were read as %s, this run reads them as %s (--country): check that both are meant",
				si.Path, si.Region, region))
		}
	} else if bad, lines := countedInvalid(si); c.MaxInvalid.Exceeded(bad, lines) {
		si.suggest()
		e := &InvalidLinesError{Path: si.Path, Line: si.FirstInvalid, Reason: si.FirstReason, Bad: bad, Lines: lines,
			Limit: c.MaxInvalid, Region: region, BetterRegion: si.BetterRegion}
		if !c.Lenient {
			return nil, e
		}
		warnings = append(warnings, e.Error()+" (accepted: lenient)")
	}
	if e := codeColumnErr(si); e != nil {
		if !c.Lenient {
			return nil, e
		}
		warnings = append(warnings, e.Error()+" (accepted: lenient)")
	}
	warnings = append(warnings, codeColumnWarnings(si)...)
	if c.RequireNumbers && si.Entries == 0 && si.Screened == 0 {
		si.suggest()
		e := &EmptySourceError{Path: si.Path, Kind: si.Kind, Lines: si.Lines, Region: region, BetterRegion: si.BetterRegion}
		if !c.Lenient {
			return nil, e
		}
		warnings = append(warnings, e.Error()+" (accepted: lenient)")
	}
	return warnings, nil
}

// vetAll vets every source in order: the first refusal is returned, and
// otherwise every warning is passed to c.Warn.
func (c *Checks) vetAll(infos []*SourceInfo, region string) error {
	var warnings []string
	for _, si := range infos {
		w, err := c.vet(si, region)
		if err != nil {
			return err
		}
		warnings = append(warnings, w...)
	}
	if c.Warn != nil {
		for _, w := range warnings {
			c.Warn(w)
		}
	}
	return nil
}

// suggest sets si.BetterRegion when most of si's lines are invalid: only
// for a source about to be refused or warned about, since it costs a
// normalizer per candidate region.
func (si *SourceInfo) suggest() {
	if bad, lines := countedInvalid(si); si.BetterRegion == nil && 2*bad > lines {
		si.BetterRegion = suggestRegion(si.Region, si.invalidSample)
	}
}

// candidateRegions are the regions tried for a source most of whose lines
// are invalid for the region given: those whose lists listscrub is used
// with, in the order of their registries' sizes (US before CA: the same
// plan, so a NANP list reads the same with either), except that Germany
// and Italy come last: their plans (area codes of every length, a kept
// leading 0) accept most digit strings that start with 0, so a region that
// also reads the lines is the more telling name.
var candidateRegions = []string{"US", "FR", "GB", "BE", "ES", "NL", "CH", "CA", "AU", "LU", "PT", "IE", "AT", "PL", "DE", "IT"}

// regionSample is how many invalid lines a parser keeps for suggestRegion.
const regionSample = 32

// suggestRegion returns the candidate regions (not region) that read the
// most of sample as valid numbers, at least three quarters of it, in
// candidateRegions order, or nil. Among regions that read as many lines,
// those that read more of them as that country writes them rank first (a
// region whose national format starts with the trunk 0, such as GB or DE,
// reading "2015550123" assumes the 0 was dropped; US reads it as written),
// and of regions sharing a calling code only the first is named (CA after
// US: one plan). Regions still tied are all named: Belgian fixed lines
// such as 02 512 34 56 are valid BE, DE and IT numbers alike, and naming
// one would be a guess. It builds a normalizer per candidate (some tens of
// ms each), so it runs only for a source most of whose lines are invalid.
func suggestRegion(region string, sample [][]byte) []string {
	if len(sample) == 0 {
		return nil
	}
	type score struct{ valid, asWritten int }
	var best []string
	var bestScore score
	seenCC := map[int]bool{normalize.RegionCallingCode(region): true}
	for _, r := range candidateRegions {
		cc := normalize.RegionCallingCode(r)
		if seenCC[cc] {
			continue
		}
		n, err := normalize.New(r)
		if err != nil {
			continue
		}
		trunk := normalize.TrunkZero(r)
		var sc score
		for _, f := range sample {
			if n.Normalize(f).Valid() {
				sc.valid++
				if !trunk || writtenWithTrunkZero(f) {
					sc.asWritten++
				}
			}
		}
		if 4*sc.valid < 3*len(sample) {
			continue
		}
		seenCC[cc] = true
		switch {
		case best == nil || sc.valid > bestScore.valid || sc.valid == bestScore.valid && sc.asWritten > bestScore.asWritten:
			best, bestScore = []string{r}, sc
		case sc == bestScore:
			best = append(best, r)
		}
	}
	return best
}

// writtenWithTrunkZero reports whether a field's first digit is a 0 (an
// international "+" or "00" spelling counts too: it is region-independent).
func writtenWithTrunkZero(f []byte) bool {
	for _, c := range f {
		switch {
		case c == '+' || c == '0':
			return true
		case c >= '1' && c <= '9':
			return false
		}
	}
	return false
}
