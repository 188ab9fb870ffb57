package registry

import (
	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/csvsplit"
)

// columnRank ranks a header name as a list's number column: lower is
// preferred, 0 is not one. The vocabulary is colname's, shared with
// prospect files, and which columns a list reads is its colname.Role's: a
// block list (a registry) reads every column that may hold a number a
// person listed, fax included (reading one more column can only block
// more); an allow or consent list only Number and above (an extra column
// would exempt numbers nobody meant to exempt).
func columnRank(name string, role colname.Role) int {
	if !role.Reads(name) {
		return 0
	}
	switch colname.Classify(name) {
	case colname.E164:
		return 1
	case colname.Phone:
		return 2
	case colname.Number:
		return 4 // a bare "numero" may be an id: only when nothing better
	case colname.Mention:
		return 5 // "Phone type", "Standard": never the number column, but read
	}
	return 6 // a fax
}

// Column ranks: a header names a number column when its best column ranks
// at most numberRank; columns ranked at most sureRank surely hold phone
// numbers and are read in full, the others only where a field looks like a
// number (a Phone type column's "mobile" is not an invalid line).
const (
	sureRank   = 3
	numberRank = 4
)

// areaColumnNames are the keys (colname.Key) of an area-code column (NANP
// files with a header).
var areaColumnNames = map[string]bool{"areacode": true, "area": true, "npa": true, "ac": true}

// header describes a recognized header line.
type header struct {
	delim   byte  // 0 when the line has a single field
	col     int   // number column (the best-named one)
	cols    []int // every number column, col included: a suppression list may have several
	extra   []int // columns that may hold numbers (block lists): read where a field looks like one
	areaCol int   // area-code column, or -1
	fields  int
	// ignored are the header cells that look like phone columns
	// (colname.LooksPhoneLike) but are not read.
	ignored []string
	// codeCols are the columns no number is read from, sampled for codes
	// (codecols.go).
	codeCols codeColumns
	// recorded is true for a consent list whose lines go to
	// LoadOptions.Consents with their dates, read from the columns
	// consentedAt and withdrawnAt (datedcols.go).
	recorded                 bool
	consentedAt, withdrawnAt string
}

// headerName decodes a header field: UTF-8, or Windows-1252 when it is not
// valid UTF-8 (csvsplit.DecodeName, the prospect files' rule too).
func headerName(field []byte) string { return csvsplit.DecodeName(field) }

// detectHeader recognizes a header line naming a number column, and which
// columns a list of role reads.
func detectHeader(line []byte, role colname.Role) (header, bool) {
	delim := csvsplit.LineDelimiter(line)
	fields, ok := csvsplit.SplitLine(line, delim, nil)
	if !ok {
		return header{}, false
	}
	h := header{delim: delim, col: -1, areaCol: -1, fields: len(fields)}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = headerName(f)
		if colname.LooksLikeNumber(names[i]) {
			return header{}, false // a data line, even beside a "tel" cell
		}
	}
	ranks := make([]int, len(fields))
	bestRank := 1 << 30
	for i, name := range names {
		ranks[i] = columnRank(name, role)
		if r := ranks[i]; r > 0 && r <= numberRank && r < bestRank {
			h.col, bestRank = i, r
		}
		if areaColumnNames[colname.Key(name)] && h.areaCol < 0 {
			h.areaCol = i
		}
	}
	if h.col < 0 || h.col == h.areaCol {
		return header{}, false
	}
	for i, r := range ranks {
		switch {
		case i == h.areaCol:
		case i == h.col || r > 0 && r <= sureRank:
			// The best column, and every other one that surely holds
			// phone numbers (not a bare "numero", which may be an id).
			h.cols = append(h.cols, i)
		case r > 0 && h.areaCol < 0:
			h.extra = append(h.extra, i)
		}
	}
	h.ignored = []string{}
	read := make(map[int]bool, len(h.cols)+len(h.extra))
	for _, c := range append(append([]int(nil), h.cols...), h.extra...) {
		read[c] = true
	}
	for i, name := range names {
		if !read[i] && i != h.areaCol && colname.LooksPhoneLike(name) {
			h.ignored = append(h.ignored, name)
		}
	}
	return h, true
}
