package csvsplit

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzCommas = [...]byte{',', ';', '\t', '|'}

// FuzzReadBatch checks, for every input:
//
//   - csvsplit either fails with a *ParseError or its records' Raw bytes and
//     the skipped blank lines reproduce the input byte for byte, with correct
//     Line and Content (checkRoundTrip); on error, the records returned before
//     it are a prefix of the input;
//   - the result does not depend on batch sizes (maxRows 1..N, maxBytes) or
//     on the Reader's buffer size: no record is split or lost across batches
//     or buffer refills;
//   - wherever encoding/csv (FieldsPerRecord -1, LazyQuotes false) reads the
//     input without error, csvsplit reads the same records and fields, at the
//     same lines (unless csvsplit finds a bare CR outside quotes, which
//     encoding/csv takes as data and csvsplit refuses: mixed line endings);
//   - in CR mode (bit 2 of commaSel), the input reads as the same input with
//     CR and LF swapped does in LF mode, CR and LF swapped back (when it
//     holds no LF followed by CR, which would read as a CRLF once swapped).
func FuzzReadBatch(f *testing.F) {
	for _, tt := range readTests {
		comma := tt.comma
		if comma == 0 {
			comma = ','
		}
		sel := uint8(bytes.IndexByte(fuzzCommas[:], comma))
		if tt.lb == CR {
			sel |= 4
		}
		f.Add([]byte(tt.input), sel, uint8(2), uint8(3))
		if tt.lb != CR { // every input in CR mode too
			f.Add(swapCRLF([]byte(tt.input)), sel|4, uint8(3), uint8(5))
		}
	}
	f.Add(swapCRLF(genFrench(2000)), uint8(1|4), uint8(5), uint8(64))
	f.Add(swapCRLF(genMultiline(1000)), uint8(1|4), uint8(1), uint8(7))
	f.Add(swapCRLF(genShifted(false)), uint8(1|4), uint8(4), uint8(200))
	f.Add(genFrench(2000), uint8(1), uint8(5), uint8(64))
	f.Add(genMultiline(1000), uint8(1), uint8(1), uint8(7))
	f.Add(genComma(1000), uint8(0), uint8(9), uint8(100))
	f.Add(genShifted(false), uint8(1), uint8(4), uint8(200))
	f.Add(genShifted(true), uint8(1), uint8(3), uint8(100))
	f.Fuzz(func(t *testing.T, data []byte, commaSel, maxRows, bufSize uint8) {
		comma := fuzzCommas[commaSel%uint8(len(fuzzCommas))]
		lb := LF
		if commaSel&4 != 0 {
			lb = CR
		}
		// A 64 KiB buffer holds every input the fuzzer makes: this is the
		// no-refill case, as with the default 1 MiB buffer (not used here
		// because allocating it for every input slows the fuzzer tenfold).
		want := readAll(t, data, comma, readConfig{bufSize: 64 << 10, lb: lb})
		if want.err != nil {
			var pe *ParseError
			if !errors.As(want.err, &pe) || !errors.Is(pe.Err, ErrQuote) && !errors.Is(pe.Err, ErrMixedLineEndings) {
				t.Fatalf("error %v, want a *ParseError with ErrQuote or ErrMixedLineEndings", want.err)
			}
			// The failing record starts after the good ones and the blank lines.
			if pe.StartLine != 1+countBreaks(want.raws, lb)+want.blank || pe.Line < pe.StartLine || pe.Column < 1 {
				t.Fatalf("bad error position %+v after %d records and %d blank lines", pe, len(want.raws), want.blank)
			}
		}
		checkRoundTrip(t, data, want, want.err == nil)

		// Batch and buffer sizes do not matter.
		for _, cfg := range []readConfig{
			{maxRows: int(maxRows%16) + 1, bufSize: int(bufSize%32) + 1, lb: lb},
			{maxRows: 1, maxBytes: int(bufSize) + 1, bufSize: int(maxRows)%5 + 1, lb: lb},
		} {
			got := readAll(t, data, comma, cfg)
			if !sameResult(got, want) {
				t.Fatalf("config %+v:\n got %+v\nwant %+v", cfg, got, want)
			}
		}

		// A small MaxRecordBytes: the records before the error are those
		// of the unlimited read, and the failing one is really too long.
		limit := int(bufSize%64) + 1
		lim := readAll(t, data, comma, readConfig{max: limit, bufSize: int(maxRows%8) + 1, maxRows: 3, lb: lb})
		n := len(lim.raws)
		if n > len(want.raws) || !slices.Equal(lim.raws, want.raws[:n]) || !slices.EqualFunc(lim.fields, want.fields[:n], slices.Equal) {
			t.Fatalf("MaxRecordBytes %d: records differ from the unlimited read:\n got %q\nwant %q", limit, lim.raws, want.raws)
		}
		for _, raw := range lim.raws {
			if len(raw) > limit {
				t.Fatalf("MaxRecordBytes %d: got a record of %d bytes", limit, len(raw))
			}
		}
		switch {
		case errors.Is(lim.err, ErrRecordTooLong):
			if n < len(want.raws) && len(want.raws[n]) <= limit {
				t.Fatalf("MaxRecordBytes %d: record of %d bytes rejected: %v", limit, len(want.raws[n]), lim.err)
			}
			var pe *ParseError
			errors.As(lim.err, &pe)
			if pe.StartLine != 1+countBreaks(lim.raws, lb)+lim.blank {
				t.Fatalf("MaxRecordBytes %d: error %+v at the wrong line", limit, pe)
			}
		case lim.err == nil:
			if n != len(want.raws) || want.err != nil {
				t.Fatalf("MaxRecordBytes %d: %d records and no error, want %d records, error %v", limit, n, len(want.raws), want.err)
			}
		default:
			if !sameResult(lim, want) {
				t.Fatalf("MaxRecordBytes %d: error %v, want %v", limit, lim.err, want.err)
			}
		}

		if lb == CR {
			// CR mode is LF mode with the two bytes' roles swapped.
			if bytes.Contains(data, []byte("\n\r")) {
				return
			}
			lf := readAll(t, swapCRLF(data), comma, readConfig{bufSize: 64 << 10})
			for _, fs := range lf.fields {
				for j, f := range fs {
					fs[j] = string(swapCRLF([]byte(f)))
				}
			}
			for k := range lf.raws {
				lf.raws[k] = string(swapCRLF([]byte(lf.raws[k])))
				lf.conts[k] = string(swapCRLF([]byte(lf.conts[k])))
			}
			lf.lb = CR
			var pa, pb *ParseError
			errors.As(want.err, &pa)
			errors.As(lf.err, &pb)
			ea, eb := want.err, lf.err
			want.err, lf.err = nil, nil
			if !reflect.DeepEqual(want, lf) || (pa == nil) != (pb == nil) ||
				pa != nil && (pa.StartLine != pb.StartLine || pa.Line != pb.Line || pa.Column != pb.Column ||
					errors.Is(pa.Err, ErrQuote) != errors.Is(pb.Err, ErrQuote)) {
				t.Fatalf("CR mode differs from LF mode on the swapped input:\n got %+v (%v)\nwant %+v (%v)", want, ea, lf, eb)
			}
			return
		}

		// Differential test against encoding/csv. Normalizations, exactly
		// the differences of encoding/csv:
		//   - it drops a '\r' at the very end of the input, so a final "\r"
		//     line is skipped and "a\r" reads as "a" (csvsplit keeps it as
		//     data): csvsplit is given the input without that '\r' (and
		//     encoding/csv the input as is, as it would drop a second one);
		//   - it turns "\r\n" inside quoted fields into "\n": csvsplit's
		//     values get the same replacement (an unquoted field cannot hold
		//     "\r\n", and encoding/csv accepts no text after a closing quote);
		//   - it keeps a leading UTF-8 BOM in the first field, which
		//     csvsplit strips: the BOM is removed from its first field.
		in := data
		if n := len(in); n > 0 && in[n-1] == '\r' {
			in = in[:n-1]
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma = rune(comma)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		var csvFields [][]string
		var csvLines []int
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return // encoding/csv rejects the input
			}
			line, _ := cr.FieldPos(0)
			csvLines = append(csvLines, line)
			csvFields = append(csvFields, append([]string(nil), rec...))
		}
		if len(csvFields) > 0 && bytes.HasPrefix(data, []byte(bom)) {
			csvFields[0][0] = strings.TrimPrefix(csvFields[0][0], bom)
		}
		got := want
		if len(in) != len(data) {
			got = readAll(t, in, comma, readConfig{bufSize: 64 << 10})
		}
		if errors.Is(got.err, ErrMixedLineEndings) && bytes.Contains(bytes.ReplaceAll(in, []byte("\r\n"), nil), []byte("\r")) {
			return // a bare CR, which encoding/csv reads as data
		}
		if got.err != nil {
			t.Fatalf("encoding/csv accepts the input, csvsplit fails: %v", got.err)
		}
		for _, fs := range got.fields {
			for j, f := range fs {
				fs[j] = strings.ReplaceAll(f, "\r\n", "\n")
			}
		}
		if len(got.fields) != len(csvFields) || len(csvFields) > 0 && !reflect.DeepEqual(got.fields, csvFields) {
			t.Fatalf("fields differ from encoding/csv:\ncsvsplit %q\nencoding/csv %q", got.fields, csvFields)
		}
		if len(csvLines) > 0 && !reflect.DeepEqual(got.lines, csvLines) {
			t.Fatalf("lines differ from encoding/csv: csvsplit %v, encoding/csv %v", got.lines, csvLines)
		}
	})
}

// countBreaks counts the line breaks of convention lb in raws.
func countBreaks(raws []string, lb LineBreak) int {
	n := 0
	for _, r := range raws {
		n += strings.Count(r, string(lb.Byte()))
	}
	return n
}

// swapCRLF returns b with every CR made LF and every LF made CR.
func swapCRLF(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		switch c {
		case '\r':
			c = '\n'
		case '\n':
			c = '\r'
		}
		out[i] = c
	}
	return out
}

// sameResult compares results, errors by position.
func sameResult(a, b result) bool {
	ea, eb := a.err, b.err
	a.err, b.err = nil, nil
	if !reflect.DeepEqual(a, b) {
		return false
	}
	if (ea == nil) != (eb == nil) {
		return false
	}
	if ea == nil {
		return true
	}
	var pa, pb *ParseError
	if !errors.As(ea, &pa) || !errors.As(eb, &pb) {
		return ea == eb
	}
	return *pa == *pb || pa.StartLine == pb.StartLine && pa.Line == pb.Line && pa.Column == pb.Column && pa.Err.Error() == pb.Err.Error()
}

// FuzzSniff checks that Sniff and DetectEncoding do not panic and return
// allowed values.
func FuzzSniff(f *testing.F) {
	for _, tt := range sniffTests {
		f.Add([]byte(tt.sample))
	}
	f.Add([]byte("T\xe9l\xe9phone;Nom\r\n"))
	f.Add([]byte("\xEF\xBB\xBFa,b\n\xe2\x82"))
	f.Fuzz(func(t *testing.T, sample []byte) {
		if c := Sniff(sample); bytes.IndexByte([]byte(";,\t|"), c) < 0 {
			t.Fatalf("Sniff returned %q", c)
		}
		e := DetectEncoding(sample)
		if e != UTF8 && e != Windows1252 {
			t.Fatalf("DetectEncoding returned %v", e)
		}
		if s := DecodeString(Windows1252, sample); !utf8.ValidString(s) || utf8.RuneCountInString(s) != len(sample) {
			t.Fatalf("DecodeString(Windows1252, %q) = %q", sample, s)
		}
	})
}

// genShifted returns lines with quoted fields (simple, empty, with "" or a
// line break inside) starting at every offset from 0 to 70, so that each case
// falls at every place of the 64-byte blocks the reader compares at once, and
// across their ends. With lenient, the lines also hold text after a closing
// quote and quotes inside unquoted fields, which encoding/csv rejects.
func genShifted(lenient bool) []byte {
	var b bytes.Buffer
	for off := range 71 {
		pad := strings.Repeat("x", off)
		fmt.Fprintf(&b, "%s;\"a;b\";\"\";\"c\"\"d\";\"e\nf\";i\r\n", pad)
		fmt.Fprintf(&b, "%s;\"q\";\"r\"\n%s;\"s\"\r\n;%s;\"t\"\n", pad, pad, pad)
		if lenient {
			fmt.Fprintf(&b, "%s\"u\";\"v\"w;\"y\" ;\"z\"\rz\n", pad)
		}
	}
	return b.Bytes()
}
