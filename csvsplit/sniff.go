package csvsplit

import (
	"bytes"
	"unicode/utf8"
)

// sniffCandidates are the delimiters Sniff chooses from, in tie-break order.
var sniffCandidates = [...]byte{';', ',', '\t', '|'}

// sniffMaxRecords bounds the records Sniff looks at.
const sniffMaxRecords = 1000

func sniff(full []byte) byte {
	best := byte(',')
	bestHit, bestTotal := 0, 1 // best score so far, as the fraction bestHit/bestTotal
	var b Batch
	counts := make(map[int]int)
	for _, c := range sniffCandidates {
		clear(counts)
		lb := sniffLineBreak(full, c)
		sample := full
		if k := bytes.LastIndexByte(sample, lb.Byte()); k >= 0 {
			sample = sample[:k+1]
		}
		r := NewReader(bytes.NewReader(sample), Options{Comma: c, MaxRecordBytes: len(sample) + 1, LineBreak: lb})
		r.bufSize = len(sample) + 1
		total := 0
		// A record cut by the end of the sample (an open quote) ends the count.
		for r.ReadBatch(&b, sniffMaxRecords-total, 0) == nil {
			for i := range b.Len() {
				counts[b.NumFields(i)]++
			}
			total += b.Len()
			if total >= sniffMaxRecords {
				break
			}
		}
		mode, hit := 0, 0
		for n, h := range counts {
			if h > hit || h == hit && n > mode {
				mode, hit = n, h
			}
		}
		if mode <= 1 || total == 0 {
			continue
		}
		if hit*bestTotal > bestHit*total {
			best, bestHit, bestTotal = c, hit, total
		}
	}
	return best
}

func detectEncoding(sample []byte) EncodingGuess {
	// A multi-byte sequence cut by the end of the sample is left out: find
	// the last rune start among the final bytes.
	end := len(sample)
	for k := 1; k < utf8.UTFMax && k <= len(sample); k++ {
		p := len(sample) - k
		if utf8.RuneStart(sample[p]) {
			if !utf8.FullRune(sample[p:]) {
				end = p
			}
			break
		}
	}
	g := EncodingGuess{Encoding: UTF8, FirstInvalid: -1}
	good := 0 // valid multi-byte sequences
	for i, body := 0, sample[:end]; i < len(body); {
		if body[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size == 1 {
			if g.Invalid == 0 {
				g.FirstInvalid = i
			}
			g.Invalid++
		} else {
			good++
		}
		i += size
	}
	if g.Invalid == 0 || bytes.HasPrefix(sample, []byte(bom)) {
		return g // valid, or the BOM says so
	}
	// Mostly valid UTF-8 with a valid first line (the header, whose names
	// decide the columns) and a few bad bytes after it: UTF-8 with a flaw,
	// not Windows-1252 text, which is hardly ever valid UTF-8 at all.
	header := sample
	if k := bytes.IndexAny(sample, "\r\n"); k >= 0 {
		header = sample[:k]
	}
	if good > 0 && g.Invalid <= good && g.FirstInvalid > len(header) && utf8.Valid(header) {
		return g
	}
	return EncodingGuess{Encoding: Windows1252, FirstInvalid: -1, MixedHeader: mixedUTF8(header)}
}

// mixedUTF8 reports whether b holds both a valid UTF-8 multi-byte sequence
// and a byte that is not UTF-8.
func mixedUTF8(b []byte) bool {
	good, bad := false, false
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad = true
		} else {
			good = true
		}
		i += size
	}
	return good && bad
}

func sniffLineBreak(sample []byte, comma byte) LineBreak {
	i := 0
	if bytes.HasPrefix(sample, []byte(bom)) {
		i = len(bom)
	}
	fieldStart := true
	for i < len(sample) {
		c := sample[i]
		if fieldStart && c == '"' {
			// A quoted field: line breaks up to its closing quote are data.
			end, ok := skipQuoted(sample, i)
			if !ok {
				return LF // still open at the end of the sample
			}
			i, fieldStart = end, false
			continue
		}
		fieldStart = false
		switch c {
		case comma:
			fieldStart = true
		case '\n':
			return LF
		case '\r':
			if i+1 < len(sample) && sample[i+1] == '\n' {
				return CRLF
			}
			return CR
		}
		i++
	}
	return LF
}

// strayBreak returns the offset in content, a record's bytes without its
// terminator (a BOM of skip bytes first), of the first byte other outside
// quotes, or -1. Quotes are read as the Reader reads them: special only at
// the start of a field, "" inside a quoted field, text after a closing
// quote up to the next delimiter.
func strayBreak(content []byte, skip int, comma, other byte) int {
	i := skip
	for {
		if i < len(content) && content[i] == '"' {
			end, ok := skipQuoted(content, i)
			if !ok {
				return -1 // cannot be: the record was parsed
			}
			i = end
		}
		for i < len(content) && content[i] != comma {
			if content[i] == other {
				return i
			}
			i++
		}
		if i >= len(content) {
			return -1
		}
		i++ // past the delimiter
	}
}

// skipQuoted returns the offset just past the closing quote of the quoted
// field that opens at d[i] (a doubled quote inside it is data), and false
// when the field is still open at the end of d.
func skipQuoted(d []byte, i int) (int, bool) {
	j := i + 1
	for {
		q := bytes.IndexByte(d[j:], '"')
		if q < 0 {
			return 0, false
		}
		q += j
		if q+1 < len(d) && d[q+1] == '"' {
			j = q + 2
			continue
		}
		return q + 1, true
	}
}
