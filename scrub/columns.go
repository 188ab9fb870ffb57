package scrub

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
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
		n, err := strconv.Atoi(strings.TrimSpace(spec))
		if errors.Is(err, strconv.ErrRange) {
			// Digits, but more than an int holds: not a name, and not a
			// column of any file. (Never printed: it looks like a number.)
			if strings.HasPrefix(strings.TrimSpace(spec), "-") {
				return nil, usageErrorf("--column %s: column numbers start at 1", maskSpec(spec))
			}
			return nil, usageErrorf("--column %s: a column number this large cannot exist: give a number from 1 to the number of columns, or a column name", maskSpec(spec))
		}
		if err == nil {
			if n < 1 {
				return nil, usageErrorf("--column %s: column numbers start at 1", maskSpec(spec))
			}
			idx = n - 1
			switch {
			case header != nil && idx >= len(header):
				return nil, fmt.Errorf("--column %s: the header has only %s (%s)", maskSpec(spec), columns(len(header)), colname.QuoteList(header))
			case header == nil && width > 0 && idx >= width:
				return nil, fmt.Errorf("--column %s: the first row has only %s (--no-header)", maskSpec(spec), columns(width))
			}
		} else {
			if header == nil {
				return nil, usageErrorf("--column %s: with --no-header, columns are given by number", colname.Quote(spec))
			}
			// Every column of that name: two columns named alike (a
			// header cell merged over two, a file with "Tel" twice) are
			// both the column the user named.
			n := 0
			for i, h := range header {
				if colname.Equal(h, spec) {
					cols, n = addColumn(cols, seen, i), n+1
				}
			}
			if n == 0 {
				return nil, fmt.Errorf("--column %s: no such column in the header (%s)", colname.Quote(spec), colname.QuoteList(header))
			}
			continue
		}
		cols = addColumn(cols, seen, idx)
	}
	return cols, nil
}

// addColumn appends column idx to cols unless seen has it.
func addColumn(cols []int, seen map[int]bool, idx int) []int {
	if seen[idx] {
		return cols
	}
	seen[idx] = true
	return append(cols, idx)
}

// columns returns "1 column" or "n columns".
func columns(n int) string {
	if n == 1 {
		return "1 column"
	}
	return fmt.Sprintf("%d columns", n)
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

// probeRows is how many rows (the first) the columns that are not checked
// are looked at in, for phone numbers: a batch's worth, so that only the
// first batches pay for it.
const probeRows = batchRows

// numberProbe looks for phone numbers in the columns a scrub does not check,
// in its first rows: a column whose name says nothing ("Ref", "Bureau", a
// headerless file's third column) but which holds phone numbers is reported
// (Stats.ColumnsIgnored and a warning), whatever the vocabulary knows. It
// runs on the writer, in input order, and only until probeRows rows were
// seen: later batches cost one nil check.
type numberProbe struct {
	width int   // the rows' field count; other rows (ragged) are passed over
	cols  []int // the columns looked at: every column not checked
	// filled and numbers count, per column of cols, the non-empty fields
	// and those that are phone numbers (looksPhone).
	filled, numbers []int
	rows            int
}

// newNumberProbe returns a probe of the columns of width not among checked,
// or nil when there are none.
func newNumberProbe(width int, checked []int) *numberProbe {
	pr := &numberProbe{width: width}
	for c := range width {
		if !slices.Contains(checked, c) {
			pr.cols = append(pr.cols, c)
		}
	}
	if len(pr.cols) == 0 {
		return nil
	}
	pr.filled = make([]int, len(pr.cols))
	pr.numbers = make([]int, len(pr.cols))
	return pr
}

// look counts the batch's fields, up to probeRows rows in all, and reports
// whether the probe has seen enough.
func (pr *numberProbe) look(b *csvsplit.Batch, norm *normalize.Normalizer) (done bool) {
	for i := 0; i < b.Len() && pr.rows < probeRows; i++ {
		pr.rows++
		if b.NumFields(i) != pr.width {
			continue
		}
		for k, c := range pr.cols {
			f := bytes.TrimSpace(b.Field(i, c))
			if len(f) == 0 {
				continue
			}
			pr.filled[k]++
			if looksPhone(f, norm) {
				pr.numbers[k]++
			}
		}
	}
	return pr.rows >= probeRows
}

// looksPhone reports whether a field is a phone number as phone numbers are
// written: valid, and with a trunk or international prefix ('0', '+') or
// ten digits or more, so that a company number (a 9-digit SIREN, valid as a
// French national number without its 0) is not taken for one.
// Fields of fewer than six digits (names, postcodes) are not normalized at
// all.
func looksPhone(f []byte, norm *normalize.Normalizer) bool {
	digits := 0
	for _, c := range f {
		if '0' <= c && c <= '9' {
			digits++
		}
	}
	if digits < 6 || !norm.Normalize(f).Valid() {
		return false
	}
	return digits >= 10 || f[0] == '+' || f[0] == '0' || f[0] == '(' && len(f) > 1 && f[1] == '0'
}

// numberColumns returns the columns looked at in which most non-empty
// fields are phone numbers.
func (pr *numberProbe) numberColumns() []int {
	var cols []int
	for k, c := range pr.cols {
		if pr.numbers[k] > 0 && 2*pr.numbers[k] > pr.filled[k] {
			cols = append(cols, c)
		}
	}
	return cols
}

// reportNumberColumns adds the probe's findings to the stats (columns_ignored,
// a warning per column, naming it, never its numbers) and ends the probe.
func (p *pipeline) reportNumberColumns() {
	for _, c := range p.probe.numberColumns() {
		name := strconv.Itoa(c + 1)
		quoted := name
		if p.names != nil {
			name = p.names[c]
			quoted = colname.Quote(name)
		}
		if !slices.Contains(p.st.ColumnsIgnored, name) {
			p.st.ColumnsIgnored = append(p.st.ColumnsIgnored, name)
		}
		p.st.Warnings = append(p.st.Warnings, fmt.Sprintf("%s: column %s holds phone numbers but is not checked; name it with --column to check it",
			p.name, quoted))
	}
	p.probe = nil
}
