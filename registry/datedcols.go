package registry

import (
	"fmt"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/policy"
)

// A consent list loaded with LoadOptions.Consents may date its consents
// (spec: "Contact policy"):
//
//	tel;consented_at;withdrawn_at;source
//	0612345678;2026-01-15;;web form           given 15 January 00:00 UTC
//	0612345679;2026-01-15T10:00:00+01:00;2026-03-01;call   withdrawn 1 March
//	0612345680;;;paper                        undated, never withdrawn
//
// The consent date is the column colname.IsConsentDate names
// ("consented_at", "consent_date", "Date consentement"); the withdrawal
// date the column named like a withdrawal (colname.Withdrawal:
// "withdrawn_at", "Date de retrait", "Opposition"). Each is RFC 3339 with
// an offset, or YYYY-MM-DD (00:00 UTC); empty is undated, or never
// withdrawn. A consent date that is not a date is an error naming the
// file, line and column; so is a withdrawal that looks like a date (four
// digits or more) and is not one. A withdrawal column holding other values
// (oui, Y, X) is no date column: it is refused as without a builder
// (codecols.go), since what it says cannot be dated. Other columns (a
// source, a reference, a proof) are not read. Two columns naming the same
// date are refused: which one counts would be a guess.

// datedCols are the date columns of a consent CSV.
type datedCols struct {
	given, withdrawn         int // columns; -1 when none
	givenName, withdrawnName string
	// withdrawnCode is the index of the withdrawal column in the header's
	// codeColumns, whose non-date fields it counts; -1 when not sampled.
	withdrawnCode int
}

// newDatedCols finds the date columns of a consent CSV whose header line
// is read as h; nil when it has none.
func newDatedCols(path string, lineNo int, line []byte, h *header) (*datedCols, error) {
	fields, ok := csvsplit.SplitLine(line, h.delim, nil)
	if !ok || h.delim == 0 {
		return nil, nil
	}
	read := map[int]bool{}
	for _, c := range append(append([]int{h.areaCol}, h.cols...), h.extra...) {
		read[c] = true
	}
	d := &datedCols{given: -1, withdrawn: -1, withdrawnCode: -1}
	for i, f := range fields {
		if read[i] {
			continue
		}
		name := headerName(f)
		var col *int
		var what string
		switch {
		case colname.ClassifyAnswer(name) == colname.Withdrawal:
			col, what = &d.withdrawn, "withdrawal (withdrawn_at)"
		case colname.IsConsentDate(name):
			col, what = &d.given, "consent date (consented_at)"
		default:
			continue
		}
		if *col >= 0 {
			return nil, fmt.Errorf("%s:%d: columns %s and %s both name the %s: keep one",
				path, lineNo, colname.Quote(headerName(fields[*col])), colname.Quote(name), what)
		}
		*col = i
	}
	if d.given < 0 && d.withdrawn < 0 {
		return nil, nil
	}
	if d.given >= 0 {
		d.givenName = headerName(fields[d.given])
	}
	if d.withdrawn >= 0 {
		d.withdrawnName = headerName(fields[d.withdrawn])
		for j, c := range h.codeCols.cols {
			if c == d.withdrawn {
				d.withdrawnCode = j
			}
		}
	}
	return d, nil
}

// minDateDigits is how many digits make a withdrawal field a date that
// failed to parse rather than a code (a year has four).
const minDateDigits = 4

// line reads the dates of a consent line, whose numbers are p.lineKeys,
// and keeps a consent record per number.
func (d *datedCols) line(p *textParser, line []byte, delim byte, lineNo int) error {
	given, withdrawn := policy.Undated, policy.NotWithdrawn
	if d.given >= 0 {
		f, _, bad := csvsplit.FieldAt(line, delim, d.given)
		if bad {
			return fmt.Errorf("%s:%d: unbalanced quotes", p.path, lineNo)
		}
		if len(f) > 0 {
			t, ok := parseConsentDate(f, true)
			if !ok {
				return p.errConsentDate(lineNo, d.givenName)
			}
			given = t
		}
	}
	if d.withdrawn >= 0 {
		f, _, bad := csvsplit.FieldAt(line, delim, d.withdrawn)
		if bad {
			return fmt.Errorf("%s:%d: unbalanced quotes", p.path, lineNo)
		}
		switch t, ok := parseConsentDate(f, false); {
		case len(f) == 0:
		case ok:
			withdrawn = t
		case asciiDigits(f) >= minDateDigits || d.withdrawnCode < 0:
			return p.errConsentDate(lineNo, d.withdrawnName)
		default:
			// A code (oui, Y, X): the source is refused for it
			// (codecols.go), or, lenient, taken as withdrawn when given:
			// a withdrawal that cannot be dated cancels the consent.
			p.codes.cols[d.withdrawnCode].count(f)
			withdrawn = given
		}
	}
	for _, k := range p.lineKeys {
		p.keep(record{key: k, a: given, b: withdrawn})
	}
	return nil
}

// errConsentDate is the error about a consent line's date that does not
// parse (not printed: it may be a number, in a line whose columns are
// shifted).
func (p *textParser) errConsentDate(lineNo int, column string) error {
	return fmt.Errorf("%s:%d: column %s is not a date: give an RFC 3339 time with an offset (2026-11-30T14:05:00+01:00) or a day (2026-11-30, 00:00 UTC)",
		p.path, lineNo, colname.Quote(column))
}
