package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/progress"
)

// Percent formats n/total as a percentage with one decimal: "59.8%".
func Percent(n, total int64) string {
	if total == 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64) + "%"
}

// breakdowns returns the row breakdowns with their titles, in report order.
func (r *Report) breakdowns() []namedBreakdown {
	bs := []namedBreakdown{
		{"number_type", "By number type", r.ByNumberType},
		{"country", "By country", r.ByCountry},
		{"zone", "French numbers by zone", r.ByZone},
		{"territory", "French overseas territories", r.ByTerritory},
	}
	for _, c := range r.ByColumn {
		title := fmt.Sprintf("By %s (%d distinct values)", c.Column, c.Distinct)
		bs = append(bs, namedBreakdown{"column:" + c.Column, title, c.Values})
	}
	return bs
}

type namedBreakdown struct {
	id, title string
	Breakdown
}

// WriteTable writes the report as aligned text for a terminal.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	st := r.Stats
	fmt.Fprintf(&b, "Coverage of %s\n", st.Input.Path)
	fmt.Fprintf(&b, "  input     %s, %s, delimiter %q, sha256 %s\n", progress.Bytes(st.Input.Bytes), st.Input.Encoding, st.Input.Delimiter, st.Input.SHA256)
	for i, s := range r.BySource {
		head := "  registry "
		if i > 0 {
			head = "           "
		}
		fmt.Fprintf(&b, "%s %s: %s numbers, as of %s (%s)\n", head, s.Label, progress.Count(int64(s.Entries)), s.AsOf, days(s.AgeDays))
	}

	total := st.RowsIn
	t := table{head: []string{"Rows", "rows", "share"}}
	cat := func(indent, name string, n int64) {
		t.add(indent+name, progress.Count(n), Percent(n, total))
	}
	cat("", "clean", st.RowsClean)
	cat("", "blocked", st.RowsBlocked)
	for _, k := range st.BlockedBySource.Keys() {
		cat("  ", k, st.BlockedBySource.Get(k))
	}
	cat("", "invalid", st.RowsInvalid)
	for _, k := range st.InvalidByReason.Keys() {
		cat("  ", k, st.InvalidByReason.Get(k))
	}
	cat("", "duplicate", st.RowsDuplicate)
	cat("", "total", total)
	b.WriteByte('\n')
	t.write(&b)

	if keys := st.BlockedByReason.Keys(); len(keys) > 0 {
		t := table{head: []string{"Blocked rows by reason", "rows", "share"}}
		for _, k := range keys {
			t.add(k, progress.Count(st.BlockedByReason.Get(k)), Percent(st.BlockedByReason.Get(k), total))
		}
		b.WriteByte('\n')
		t.write(&b)
	}
	if h := r.CallableByHour; h != nil {
		b.WriteByte('\n')
		h.writeGrid(&b, total)
	}

	if len(r.BySource) > 0 {
		t := table{head: []string{"Registry sources", "numbers", "only", "rows blocked"}}
		for _, s := range r.BySource {
			t.add(s.Label, progress.Count(s.Numbers), progress.Count(s.Only), progress.Count(s.RowsBlocked))
		}
		b.WriteByte('\n')
		t.write(&b)
		fmt.Fprintf(&b, "  %s distinct registered numbers, %s in two sources or more\n",
			progress.Count(r.Overlap.Numbers), progress.Count(r.Overlap.InTwoOrMore))
		for _, p := range r.Overlap.Pairs {
			fmt.Fprintf(&b, "    %s and %s: %s\n", p.A, p.B, progress.Count(p.Numbers))
		}
	}

	for _, bd := range r.breakdowns() {
		if len(bd.Breakdown) == 0 {
			continue
		}
		t := table{head: []string{bd.title, "rows", "clean", "blocked", "invalid", "duplicate", "clean %"}}
		for _, x := range bd.Breakdown {
			t.add(x.Label, progress.Count(x.Rows), progress.Count(x.Clean), progress.Count(x.Blocked),
				progress.Count(x.Invalid), progress.Count(x.Duplicate), Percent(x.Clean, x.Rows))
		}
		b.WriteByte('\n')
		t.write(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func days(n int) string {
	if n == 1 {
		return "1 day old"
	}
	return fmt.Sprintf("%d days old", n)
}

// table is aligned text: the first column left-aligned, the others right.
type table struct {
	head []string
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(b *strings.Builder) {
	rows := [][]string{t.head}
	for _, row := range t.rows {
		rows = append(rows, append([]string{"  " + row[0]}, row[1:]...))
	}
	width := make([]int, len(t.head))
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i == 0 {
				b.WriteString(c + pad)
				continue
			}
			b.WriteString("  " + pad + c)
		}
		b.WriteByte('\n')
	}
}

// WriteCSV writes the report as CSV, one line per bucket: columns breakdown,
// key, label, rows, clean, blocked, invalid, duplicate, numbers. Cells that
// do not apply to a breakdown are empty (a registry source has blocked rows
// and numbers; an overlap pair has numbers only; a callable_by_hour line,
// keyed "monday-10" and labelled with the hour's RFC 3339 start, has rows
// only: those callable at that instant). The --by values come from
// the prospect file, and a spreadsheet opening the report must not run one
// as a formula, whatever separator it assumes: every cell goes through
// spreadsheetSafe, and writeCSV quotes every cell holding a separator.
func (r *Report) WriteCSV(w io.Writer) error {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	rec := func(breakdown, key, label string, c Counts) []string {
		return []string{breakdown, key, label, n(c.Rows), n(c.Clean), n(c.Blocked), n(c.Invalid), n(c.Duplicate), ""}
	}
	st := r.Stats
	recs := [][]string{
		{"breakdown", "key", "label", "rows", "clean", "blocked", "invalid", "duplicate", "numbers"},
		rec("total", "all", "all rows", Counts{st.RowsIn, st.RowsClean, st.RowsBlocked, st.RowsInvalid, st.RowsDuplicate}),
	}
	for _, k := range st.BlockedBySource.Keys() {
		numbers := ""
		for _, s := range r.BySource {
			if s.Label == k {
				numbers = n(s.Numbers)
			}
		}
		recs = append(recs, []string{"blocked_by_source", k, k, "", "", n(st.BlockedBySource.Get(k)), "", "", numbers})
	}
	for _, k := range st.BlockedByReason.Keys() {
		recs = append(recs, []string{"blocked_by_reason", k, k, "", "", n(st.BlockedByReason.Get(k)), "", "", ""})
	}
	for _, k := range st.InvalidByReason.Keys() {
		recs = append(recs, []string{"invalid_by_reason", k, k, "", "", "", n(st.InvalidByReason.Get(k)), "", ""})
	}
	recs = append(recs, []string{"overlap", "in_two_or_more", "numbers in two sources or more", "", "", "", "", "", n(r.Overlap.InTwoOrMore)})
	for _, p := range r.Overlap.Pairs {
		recs = append(recs, []string{"overlap", p.A + "+" + p.B, p.A + " and " + p.B, "", "", "", "", "", n(p.Numbers)})
	}
	for _, bd := range r.breakdowns() {
		for _, x := range bd.Breakdown {
			recs = append(recs, rec(bd.id, x.Key, x.Label, x.Counts))
		}
	}
	if h := r.CallableByHour; h != nil {
		for _, x := range h.Hours {
			recs = append(recs, []string{"callable_by_hour", x.Key(), x.Start, n(x.Rows), "", "", "", "", ""})
		}
	}
	for _, rec := range recs {
		for i, c := range rec {
			rec[i] = spreadsheetSafe(c)
		}
	}
	if err := writeCSV(w, recs); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// writeCSV writes recs as CSV with ',' between cells and LF after each
// record. A spreadsheet may split on ';' (French-locale Excel) or tab
// (LibreOffice's import) instead of ',', and trims a leading blank, so a
// cell is quoted (csvsplit.AppendQuoted) when csvsplit would quote it for
// any of the three separators, or when it starts with a blank: it then stays
// one cell whatever separator the reader assumes.
func writeCSV(w io.Writer, recs [][]string) error {
	bw := bufio.NewWriter(w)
	var line []byte
	for _, rec := range recs {
		line = line[:0]
		for i, c := range rec {
			if i > 0 {
				line = append(line, ',')
			}
			if spreadsheetQuoted(c) {
				line = csvsplit.AppendQuoted(line, c)
			} else {
				line = append(line, c...)
			}
		}
		line = append(line, '\n')
		bw.Write(line)
	}
	return bw.Flush()
}

// spreadsheetQuoted reports whether writeCSV quotes cell.
func spreadsheetQuoted(cell string) bool {
	for _, sep := range []byte{',', ';', '\t'} {
		if csvsplit.NeedsQuotes(cell, sep) {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(cell)
	return cell != "" && unicode.IsSpace(r)
}

// spreadsheetSafe neutralizes a CSV cell that a spreadsheet would evaluate
// as a formula ("CSV injection"), OWASP's way: with a leading apostrophe,
// which spreadsheets read as "text follows". A cell is neutralized when it
// starts with =, +, -, @, a tab or a carriage return, or when a formula
// character follows, after optional blanks, the start of the cell or a
// separator some reader may split the cell on (',', ';', tab, a line break):
// a reader that assumes ';' (French Excel) or tab (LibreOffice's import)
// would make "x;=HYPERLINK(...)" two cells, the second a formula. The
// counts never hold one of these (they are not negative); keys that do,
// such as the country code "+33", are written '+33, which a spreadsheet
// shows as +33 (it would otherwise compute 33). writeCSV then quotes the
// cell if it holds a separator.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
		return "'" + cell
	}
	for start := 0; start < len(cell); {
		rest := strings.TrimLeftFunc(cell[start:], unicode.IsSpace)
		if rest != "" && strings.IndexByte("=+-@", rest[0]) >= 0 {
			return "'" + cell
		}
		i := strings.IndexAny(rest, ",;\t\r\n")
		if i < 0 {
			break
		}
		start = len(cell) - len(rest) + i + 1
	}
	return cell
}

// writeGrid writes callable_by_hour as a grid of days by hours, each cell
// the share of the file's rows callable at the start of that hour, in whole
// percent ("." for none, "<1" for some under 0.5%): 101 columns wide.
func (h *CallableByHour) writeGrid(b *strings.Builder, total int64) {
	fmt.Fprintf(b, "Callable rows by hour, week of %s to %s, %s time: %% of the %s rows\n",
		h.WeekStart, h.WeekEnd, h.Zone, progress.Count(total))
	b.WriteString("     ")
	for hr := range 24 {
		fmt.Fprintf(b, "  %02d", hr)
	}
	b.WriteByte('\n')
	best := -1
	for day := range 7 {
		fmt.Fprintf(b, "  %s", h.Hours[day*24].Weekday[:3])
		for hr := range 24 {
			x := h.Hours[day*24+hr]
			if best < 0 || x.Rows > h.Hours[best].Rows {
				best = day*24 + hr
			}
			cell := "."
			if x.Rows > 0 {
				cell = strconv.FormatInt((x.Rows*100+total/2)/max(total, 1), 10)
				if cell == "0" {
					cell = "<1"
				}
			}
			fmt.Fprintf(b, " %3s", cell)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(b, "  %s rows may be callable (clean, or blocked by the policy only)", progress.Count(h.Eligible))
	if x := h.Hours[best]; x.Rows > 0 {
		fmt.Fprintf(b, "; most at %s %02d:00: %s rows", x.Weekday, x.Hour, progress.Count(x.Rows))
	}
	b.WriteString("\n")
}
