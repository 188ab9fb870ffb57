package csvsplit

import "bytes"

// Field-level reading of one delimited line, for the line-oriented readers
// of registry sources (block, allow and consent lists, change files, wash
// results), where a record is one line and a field is trimmed of blanks:
//
//	LineDelimiter([]byte(`nom;"Dupont; J";tel`))        -> ';'
//	SplitLine([]byte(` a ; "b;c" ;"d""e"`), ';', nil)   -> [a] [b;c] [d"e], true
//	FieldAt([]byte(`a,"0612345678",c`), ',', 1)         -> [0612345678], present
//	Unquote([]byte(` "06 12" `))                        -> [06 12], true
//
// A double quote toggles quoting wherever it stands, so a delimiter between
// quotes is data; a field is trimmed of ASCII blanks and then loses one pair
// of surrounding quotes, a doubled quote inside standing for one. A quote
// left open at the end of the line, or one that does not pair up in a field
// ("06"12"), makes the line malformed (ok false, bad true): its fields
// cannot be told apart, so the caller counts it as an invalid line rather
// than guess. Unlike Reader, a quoted field never spans lines.

// lineDelimiters are the delimiters LineDelimiter chooses from, in
// tie-break order.
var lineDelimiters = [...]byte{';', ',', '\t', '|'}

// LineDelimiter returns the delimiter among ';' ',' '\t' '|' that occurs
// most often outside quotes in line (ties go to the first of that list),
// or 0 when none does: the line is one field.
func LineDelimiter(line []byte) byte {
	var counts [len(lineDelimiters)]int
	inQuote := false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		for i, d := range lineDelimiters {
			if c == d {
				counts[i]++
			}
		}
	}
	best, bestN := byte(0), 0
	for i, n := range counts {
		if n > bestN {
			best, bestN = lineDelimiters[i], n
		}
	}
	return best
}

// SplitLine splits line on comma (0: the line is one field), appending the
// unquoted fields to dst[:0]. ok is false when the line is malformed (see
// above); the fields returned are then those before the malformed one.
// Fields alias line unless a doubled quote had to be unescaped.
func SplitLine(line []byte, comma byte, dst [][]byte) (fields [][]byte, ok bool) {
	fields = dst[:0]
	if comma == 0 {
		f, ok := Unquote(line)
		return append(fields, f), ok
	}
	start := 0
	inQuote := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			inQuote = !inQuote
		case c == comma && !inQuote:
			f, ok := Unquote(line[start:i])
			if !ok {
				return fields, false
			}
			fields = append(fields, f)
			start = i + 1
		}
	}
	if inQuote {
		return fields, false
	}
	f, ok := Unquote(line[start:])
	return append(fields, f), ok
}

// CountFields returns how many fields line has split on comma (1 for an
// empty line), as SplitLine splits it; ok is false when a quote does not
// pair up.
func CountFields(line []byte, comma byte) (n int, ok bool) {
	if comma == 0 {
		return 1, true
	}
	if bytes.IndexByte(line, '"') < 0 {
		return bytes.Count(line, []byte{comma}) + 1, true
	}
	n, inQuote := 1, false
	for _, c := range line {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == comma && !inQuote:
			n++
		}
	}
	return n, !inQuote
}

// FieldAt returns field col (0-based) of line split on comma, unquoted,
// without splitting the rest: present is false when the line has fewer
// fields, bad true when the line is malformed up to that field (see above).
func FieldAt(line []byte, comma byte, col int) (f []byte, present, bad bool) {
	if comma == 0 {
		f, ok := Unquote(line)
		return f, true, !ok
	}
	if bytes.IndexByte(line, '"') < 0 {
		// No quote: the fields are the runs between delimiters, found with
		// IndexByte (most lines of lists and histories).
		for ; col > 0; col-- {
			i := bytes.IndexByte(line, comma)
			if i < 0 {
				return nil, false, false
			}
			line = line[i+1:]
		}
		if i := bytes.IndexByte(line, comma); i >= 0 {
			line = line[:i]
		}
		return bytes.TrimSpace(line), true, false
	}
	idx := 0
	start := 0
	inQuote := false
	for i := 0; i <= len(line); i++ {
		if i < len(line) {
			c := line[i]
			if c == '"' {
				inQuote = !inQuote
				continue
			}
			if c != comma || inQuote {
				continue
			}
		} else if inQuote {
			return nil, false, true
		}
		if idx == col {
			f, ok := Unquote(line[start:i])
			return f, true, !ok
		}
		idx++
		start = i + 1
	}
	return nil, false, false
}

// Unquote trims f of ASCII blanks and removes one pair of surrounding double
// quotes, a doubled quote inside standing for one. ok is false when a quote
// does not pair up (f is then returned trimmed). The result aliases f unless
// a doubled quote was unescaped.
func Unquote(f []byte) ([]byte, bool) {
	f = bytes.TrimSpace(f)
	if len(f) == 0 || f[0] != '"' {
		return f, bytes.IndexByte(f, '"') < 0
	}
	if len(f) < 2 || f[len(f)-1] != '"' {
		return f, false
	}
	inner := f[1 : len(f)-1]
	if bytes.IndexByte(inner, '"') < 0 {
		return inner, true
	}
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		if inner[i] == '"' {
			if i+1 < len(inner) && inner[i+1] == '"' {
				i++
			} else {
				return f, false
			}
		}
		out = append(out, inner[i])
	}
	return out, true
}
