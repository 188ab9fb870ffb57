package scrub

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/listscrub/listscrub/colname"
)

// errHeaderIsData is the error for a header line that looks like a row.
var errHeaderIsData = errors.New("the first line looks like data: use --no-header (and --column N)")

// resolveColumns returns the 0-based indexes of the phone columns: those
// named by specs (names, spelt any way colname.Equal accepts, or 1-based
// indexes), or, without specs, every header cell that colname.Classify
// does not call None: in a prospect file, a column that may hold a number
// is checked. header is nil without a header line; width is then the first
// row's field count (0 for an empty file), which plays the header's role.
// Errors other than usage errors are about the file's first line: the
// caller gives them its name and line.
func resolveColumns(specs []string, header []string, width int) ([]int, error) {
	if len(specs) == 0 {
		if header == nil {
			return nil, usageErrorf("--no-header needs --column N to say which column holds the phone numbers")
		}
		var cols []int
		for i, h := range header {
			if colname.Prospect.Reads(h) {
				cols = append(cols, i)
			}
		}
		if len(cols) == 0 {
			if colname.LooksLikeData(header) {
				return nil, errHeaderIsData
			}
			return nil, fmt.Errorf("no phone column found in the header (%s); name it with --column NAME or --column N",
				colname.QuoteList(header))
		}
		return cols, nil
	}
	var cols []int
	seen := map[int]bool{}
	for _, spec := range specs {
		idx := -1
		if n, err := strconv.Atoi(strings.TrimSpace(spec)); err == nil {
			if n < 1 {
				return nil, usageErrorf("--column %s: column numbers start at 1", maskSpec(spec))
			}
			idx = n - 1
			switch {
			case header != nil && idx >= len(header):
				return nil, fmt.Errorf("--column %s: the header has only %d columns (%s)", maskSpec(spec), len(header), colname.QuoteList(header))
			case header == nil && width > 0 && idx >= width:
				return nil, fmt.Errorf("--column %s: the first row has only %d columns (--no-header)", maskSpec(spec), width)
			}
		} else {
			if header == nil {
				return nil, usageErrorf("--column %s: with --no-header, columns are given by number", colname.Quote(spec))
			}
			for i, h := range header {
				if colname.Equal(h, spec) {
					idx = i
					break
				}
			}
			if idx < 0 {
				return nil, fmt.Errorf("--column %s: no such column in the header (%s)", colname.Quote(spec), colname.QuoteList(header))
			}
		}
		if !seen[idx] {
			seen[idx] = true
			cols = append(cols, idx)
		}
	}
	return cols, nil
}

// maskSpec returns a --column number as given, unless it is long enough to
// be a phone number typed in the wrong place.
func maskSpec(spec string) string {
	if colname.LooksLikeNumber(spec) {
		return colname.Masked
	}
	return strings.TrimSpace(spec)
}

// ignoredColumns returns the header cells that look like phone columns
// (colname.LooksPhoneLike) but are not among cols: unrecognized names
// ("Fax", "Numéro client"), or phone columns --column did not name. A scrub
// says so rather than pass over them silently.
func ignoredColumns(header []string, cols []int) []string {
	used := make(map[int]bool, len(cols))
	for _, c := range cols {
		used[c] = true
	}
	ignored := []string{}
	for i, h := range header {
		if !used[i] && colname.LooksPhoneLike(h) {
			ignored = append(ignored, h)
		}
	}
	return ignored
}
