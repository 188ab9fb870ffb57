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
//     future date would never turn stale (MaxClockSkew).
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
// Percent set, at most Share percent of its data lines, rounded up (so
// that 1% of a list of 57 lines allows one stray line, and a list read
// with the wrong region, or the wrong column, whose every line is invalid,
// is refused however short). The zero value is no limit.
type Threshold struct {
	Count   int
	Share   float64 // percent, 0–100
	Percent bool
	set     bool
}

// DefaultMaxInvalid is the default threshold, 1% of a source's lines
// (rounded up: one stray line in a list of under 100): national registries
// are machine-written (Bloctel's and the US DNC's downloads have no invalid
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

// Exceeded reports whether bad invalid lines out of lines data lines are
// more than t allows.
func (t Threshold) Exceeded(bad, lines int) bool {
	switch {
	case !t.set || bad == 0:
		return false
	case t.Percent:
		return float64(bad) > math.Ceil(t.Share*float64(lines)/100-1e-9)
	default:
		return bad > t.Count
	}
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
	BetterRegion string // a region that reads the lines, or ""
}

func (e *InvalidLinesError) Error() string {
	msg := fmt.Sprintf("%s:%d: %d of %d lines are not valid numbers (first: %s), more than the %s allowed",
		e.Path, e.Line, e.Bad, e.Lines, e.Reason, e.Limit)
	if e.BetterRegion != "" {
		msg += fmt.Sprintf("; they are valid %s numbers, not %s ones: use --country %s", e.BetterRegion, e.Region, e.BetterRegion)
	}
	return msg + ": a registry must be read in full"
}

// EmptySourceError is a source that yields no number.
type EmptySourceError struct {
	Path         string
	Lines        int
	Region       string
	BetterRegion string
}

func (e *EmptySourceError) Error() string {
	msg := fmt.Sprintf("registry %s: no phone number in %d lines", e.Path, e.Lines)
	if e.BetterRegion != "" {
		msg += fmt.Sprintf(" read as %s; they are valid %s numbers: use --country %s", e.Region, e.BetterRegion, e.BetterRegion)
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

// vet applies c to one source; region is the region of the run's
// normalizer. It returns the warnings, or the error that refuses it.
func (c *Checks) vet(si *SourceInfo, region string) (warnings []string, err error) {
	if !c.Now.IsZero() && InFuture(si.AsOf, c.Now) {
		return nil, &FutureAsOfError{Path: si.Path, Kind: si.Kind, AsOf: si.AsOf}
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
	if c.RequireNumbers && si.Entries == 0 {
		si.suggest()
		e := &EmptySourceError{Path: si.Path, Lines: si.Lines, Region: region, BetterRegion: si.BetterRegion}
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
	if bad, lines := countedInvalid(si); si.BetterRegion == "" && 2*bad > lines {
		si.BetterRegion = suggestRegion(si.Region, si.invalidSample)
	}
}

// candidateRegions are the regions tried for a source most of whose lines
// are invalid for the region given: those whose lists listscrub is used
// with, in the order of their registries' sizes (US before CA: the same
// plan, so a NANP list reads the same with either).
//
// Italy comes last: its plan accepts most digit strings that start with 0.
var candidateRegions = []string{"US", "FR", "GB", "DE", "BE", "ES", "NL", "CH", "CA", "AU", "LU", "PT", "IE", "AT", "PL", "IT"}

// regionSample is how many invalid lines a parser keeps for suggestRegion.
const regionSample = 32

// suggestRegion returns the candidate region (not region) that reads the
// most of sample as valid numbers, at least three quarters of it (the first
// in candidateRegions on a tie), or "". It builds a normalizer per
// candidate (some tens of ms each), so it runs only for a source most of
// whose lines are invalid.
func suggestRegion(region string, sample [][]byte) string {
	if len(sample) == 0 {
		return ""
	}
	best, bestValid := "", 0
	for _, r := range candidateRegions {
		if r == region {
			continue
		}
		n, err := normalize.New(r)
		if err != nil {
			continue
		}
		valid := 0
		for _, f := range sample {
			if n.Normalize(f).Valid() {
				valid++
			}
		}
		if 4*valid >= 3*len(sample) && valid > bestValid {
			best, bestValid = r, valid
		}
	}
	return best
}
