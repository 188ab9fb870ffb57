package csvsplit

import "strings"

// The writing side of the format the Reader reads: every writer of
// delimited text in listscrub (the fields a scrub appends to its rows, the
// coverage report's CSV) quotes through these functions, so that what one
// writes the Reader, encoding/csv and spreadsheets read back as the same
// fields.

// NeedsQuotes reports whether v must be quoted to be read back as one field
// of a record split on comma: when it holds comma, a quote, CR or LF.
// Blanks at either end need no quotes: the Reader keeps them.
func NeedsQuotes(v string, comma byte) bool {
	return strings.IndexByte(v, comma) >= 0 || strings.ContainsAny(v, "\"\r\n")
}

// AppendField appends v to dst as one field of a record split on comma:
// quoted (AppendQuoted) when NeedsQuotes says so, as it is otherwise (an
// empty value is an empty field). The delimiter before it is the caller's.
func AppendField(dst []byte, v string, comma byte) []byte {
	if !NeedsQuotes(v, comma) {
		return append(dst, v...)
	}
	return AppendQuoted(dst, v)
}

// AppendFieldBytes is AppendField for a byte slice.
func AppendFieldBytes(dst, v []byte, comma byte) []byte {
	if !needsQuotesBytes(v, comma) {
		return append(dst, v...)
	}
	return appendQuoted(dst, v)
}

// AppendQuoted appends v to dst between quotes, each quote in it doubled,
// whatever v holds: for writers whose readers may split on more than one
// delimiter or trim blanks, and quote more than NeedsQuotes asks.
func AppendQuoted(dst []byte, v string) []byte { return appendQuoted(dst, v) }
