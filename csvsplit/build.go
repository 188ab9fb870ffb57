package csvsplit

import (
	"bytes"
	"math"
)

// Records built from values rather than read from text (a workbook's
// rows): AppendRecord gives them the same shape as records a Reader
// parses, so that code consuming Batches reads both alike.

// Reset empties b, keeping its memory, for AppendRecord.
func (b *Batch) Reset() { b.reset() }

// AppendRecord appends a record of fields to b, numbered line, and returns
// false (appending nothing) when it would take b's buffer past the offsets
// a Batch can hold: the caller then starts another batch. Its Raw bytes are
// the fields written as one record split on comma (quoted where NeedsQuotes
// says so) and ended by CRLF, which a Reader with that comma reads back as
// the same fields; Field returns the values exactly as given. tags, if not
// nil, has one byte per field that Tag returns (a workbook cell's kind);
// csvsplit gives them no meaning.
//
// A Batch holds either records a Reader parsed or records appended, not
// both: ReadBatch resets it.
func (b *Batch) AppendRecord(comma byte, line int, fields [][]byte, tags []byte) bool {
	size := 2
	for _, f := range fields {
		size += 3 + 2*len(f)
	}
	if len(b.data)+size > maxBatchOffset || len(b.side)+size > maxBatchOffset || line-b.line0 > math.MaxInt32 {
		return false
	}
	if len(b.recs) == 0 {
		b.line0 = line
	}
	start, field0 := len(b.data), len(b.fields)
	for j, f := range fields {
		if j > 0 {
			b.data = append(b.data, comma)
		}
		if !needsQuotesBytes(f, comma) {
			s := len(b.data)
			b.data = append(b.data, f...)
			b.fields = append(b.fields, span{int32(s), int32(len(b.data))})
		} else {
			s := len(b.side)
			b.side = append(b.side, f...)
			b.fields = append(b.fields, span{^int32(s), int32(len(b.side))})
			b.data = appendQuoted(b.data, f)
		}
	}
	clen := len(b.data) - start
	b.data = append(b.data, '\r', '\n')
	b.push(start, line-b.line0, field0, clen+2, clen)
	if tags != nil {
		for len(b.tags) < field0 {
			b.tags = append(b.tags, 0)
		}
		b.tags = append(b.tags, tags[:len(fields)]...)
	}
	return true
}

// Tag returns the tag AppendRecord gave field j of record i, or 0 when it
// was given none (and for every field a Reader parsed).
func (b *Batch) Tag(i, j int) byte {
	k := int(b.recs[i].field0) + j
	if k < len(b.tags) {
		return b.tags[k]
	}
	return 0
}

// needsQuotesBytes is NeedsQuotes for a byte slice.
func needsQuotesBytes(v []byte, comma byte) bool {
	return bytes.IndexByte(v, comma) >= 0 || bytes.IndexByte(v, '"') >= 0 || bytes.IndexByte(v, '\r') >= 0 || bytes.IndexByte(v, '\n') >= 0
}

// appendQuoted is AppendQuoted, for a string or a byte slice.
func appendQuoted[T ~string | ~[]byte](dst []byte, v T) []byte {
	dst = append(dst, '"')
	for {
		i := indexQuote(v)
		if i < 0 {
			break
		}
		dst = append(dst, v[:i+1]...)
		dst = append(dst, '"')
		v = v[i+1:]
	}
	dst = append(dst, v...)
	return append(dst, '"')
}

// indexQuote returns the index of the first '"' in v, or -1.
func indexQuote[T ~string | ~[]byte](v T) int {
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			return i
		}
	}
	return -1
}
