package csvsplit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// result is everything a Reader produced for one input.
type result struct {
	fields [][]string
	raws   []string
	conts  []string
	lines  []int
	blank  int
	err    error
	lb     LineBreak // how the input was read
}

// readConfig is how a test reads an input.
type readConfig struct {
	maxRows, maxBytes int
	bufSize           int // 0: default
	max               int // MaxRecordBytes
	oneByte           bool
	lb                LineBreak
}

// readAll reads data through a Reader, alternating between two Batches and
// checking that filling one leaves the other intact.
func readAll(t testing.TB, data []byte, comma byte, cfg readConfig) result {
	t.Helper()
	var src io.Reader = bytes.NewReader(data)
	if cfg.oneByte {
		src = iotest.OneByteReader(src)
	}
	r := NewReader(src, Options{Name: "in.csv", Comma: comma, MaxRecordBytes: cfg.max, LineBreak: cfg.lb})
	if cfg.bufSize > 0 {
		r.bufSize = cfg.bufSize
	}
	res := result{lb: cfg.lb}
	var batches [2]Batch
	var prev *Batch
	var prevSnap []string
	for k := 0; ; k++ {
		b := &batches[k%2]
		err := r.ReadBatch(b, cfg.maxRows, cfg.maxBytes)
		if prev != nil {
			if got := snapshot(prev); !reflect.DeepEqual(got, prevSnap) {
				t.Fatalf("ReadBatch changed the previous batch:\n got %q\nwant %q", got, prevSnap)
			}
		}
		if err != nil {
			if b.Len() != 0 {
				t.Fatalf("ReadBatch returned %v with %d records", err, b.Len())
			}
			if err != io.EOF {
				res.err = err
				// The error is sticky.
				if err2 := r.ReadBatch(b, cfg.maxRows, cfg.maxBytes); err2 != err {
					t.Fatalf("second ReadBatch after error: %v, want %v", err2, err)
				}
			}
			break
		}
		if b.Len() == 0 {
			t.Fatalf("ReadBatch returned nil with no records")
		}
		if cfg.maxRows > 0 && b.Len() > cfg.maxRows {
			t.Fatalf("batch of %d records, maxRows %d", b.Len(), cfg.maxRows)
		}
		if cfg.maxBytes > 0 && b.Len() > 1 {
			// Only the last record may take the batch past maxBytes.
			before := 0
			for i := 0; i < b.Len()-1; i++ {
				before += len(b.Raw(i))
			}
			if before > cfg.maxBytes {
				t.Fatalf("batch went on past maxBytes %d", cfg.maxBytes)
			}
		}
		for i := range b.Len() {
			var fs []string
			for j := range b.NumFields(i) {
				fs = append(fs, string(b.Field(i, j)))
			}
			res.fields = append(res.fields, fs)
			res.raws = append(res.raws, string(b.Raw(i)))
			res.conts = append(res.conts, string(b.Content(i)))
			res.lines = append(res.lines, b.Line(i))
		}
		prev, prevSnap = b, snapshot(b)
	}
	res.blank = r.BlankLines()
	return res
}

func snapshot(b *Batch) []string {
	var s []string
	for i := range b.Len() {
		s = append(s, fmt.Sprintf("%d:%q", b.Line(i), b.Raw(i)))
		for j := range b.NumFields(i) {
			s = append(s, string(b.Field(i, j)))
		}
	}
	return s
}

// checkRoundTrip checks that the records' Raw bytes and the skipped blank
// lines make up data (all of it when complete, else a prefix), that Line
// numbers are right, and that Content is Raw without its final terminator.
func checkRoundTrip(t testing.TB, data []byte, res result, complete bool) {
	t.Helper()
	pos, blank := 0, 0
	nl := res.lb.Byte()
	skipBlank := func() {
		for {
			switch {
			case pos < len(data) && data[pos] == nl:
				pos++
			case nl == '\n' && bytes.HasPrefix(data[pos:], []byte("\r\n")):
				pos += 2
			default:
				return
			}
			blank++
		}
	}
	for i, raw := range res.raws {
		skipBlank()
		if !bytes.HasPrefix(data[pos:], []byte(raw)) {
			t.Fatalf("record %d: Raw %q is not next in the input at offset %d: %q", i, raw, pos, data[pos:])
		}
		if raw == "" {
			t.Fatalf("record %d: empty Raw", i)
		}
		if want := 1 + bytes.Count(data[:pos], []byte{nl}); res.lines[i] != want {
			t.Fatalf("record %d: Line %d, want %d", i, res.lines[i], want)
		}
		cont := strings.TrimSuffix(raw, string(nl))
		if cont != raw && nl == '\n' {
			cont = strings.TrimSuffix(cont, "\r")
		}
		if res.conts[i] != cont {
			t.Fatalf("record %d: Content %q, want %q", i, res.conts[i], cont)
		}
		if (strings.Contains(cont, "\n") || strings.Contains(cont, "\r")) && !strings.Contains(cont, "\"") {
			t.Fatalf("record %d: line break inside a record without quotes: %q", i, raw)
		}
		pos += len(raw)
	}
	if complete {
		skipBlank()
		if pos != len(data) {
			t.Fatalf("records end at offset %d of %d: rest %q", pos, len(data), data[pos:])
		}
		if blank != res.blank {
			t.Fatalf("BlankLines %d, want %d", res.blank, blank)
		}
	} else if res.blank < blank {
		t.Fatalf("BlankLines %d, want at least %d", res.blank, blank)
	}
}

var readTests = []struct {
	name   string
	input  string
	comma  byte
	max    int
	lb     LineBreak
	fields [][]string
	lines  []int
	raws   []string // nil: not checked beyond the round trip
	blank  int
	err    *ParseError // Err compared with errors.Is
}{
	{
		name:   "Simple",
		input:  "a,b,c\n",
		fields: [][]string{{"a", "b", "c"}},
		lines:  []int{1},
		raws:   []string{"a,b,c\n"},
	},
	{
		name:   "CRLF",
		input:  "a,b\r\nc,d\r\n",
		fields: [][]string{{"a", "b"}, {"c", "d"}},
		lines:  []int{1, 2},
		raws:   []string{"a,b\r\n", "c,d\r\n"},
	},
	{
		name:   "NoFinalTerminator",
		input:  "a,b\nc,d",
		fields: [][]string{{"a", "b"}, {"c", "d"}},
		lines:  []int{1, 2},
		raws:   []string{"a,b\n", "c,d"},
	},
	{
		name:   "Semicolon",
		input:  "Nom;Prénom;Montant\r\nDupont;Jean;12,50\r\n",
		comma:  ';',
		fields: [][]string{{"Nom", "Prénom", "Montant"}, {"Dupont", "Jean", "12,50"}},
		lines:  []int{1, 2},
	},
	{
		name:   "Tab",
		input:  "a\tb\t\n",
		comma:  '\t',
		fields: [][]string{{"a", "b", ""}},
	},
	{
		name:   "Pipe",
		input:  "a|\"b|c\"|d\n",
		comma:  '|',
		fields: [][]string{{"a", "b|c", "d"}},
	},
	{
		name:   "Quoted",
		input:  "\"a\",\"b,c\",\"d\"\"e\"\n",
		fields: [][]string{{"a", "b,c", "d\"e"}},
		raws:   []string{"\"a\",\"b,c\",\"d\"\"e\"\n"},
	},
	{
		name:   "QuotedEmpty",
		input:  "\"\",\"\"\"\"\n",
		fields: [][]string{{"", "\""}},
	},
	{
		name:   "MultiLine",
		input:  "1;\"two\r\nlines\";x\r\n2;\"three\nmore\nlines\";y\n3;z\n",
		comma:  ';',
		fields: [][]string{{"1", "two\r\nlines", "x"}, {"2", "three\nmore\nlines", "y"}, {"3", "z"}},
		lines:  []int{1, 3, 6},
		raws:   []string{"1;\"two\r\nlines\";x\r\n", "2;\"three\nmore\nlines\";y\n", "3;z\n"},
	},
	{
		name:   "BlankLines",
		input:  "\n\r\na\n\n\r\n\nb\r\n\n",
		fields: [][]string{{"a"}, {"b"}},
		lines:  []int{3, 7},
		raws:   []string{"a\n", "b\r\n"},
		blank:  6,
	},
	{
		name:   "OnlyBlankLines",
		input:  "\r\n\n",
		blank:  2,
		fields: nil,
	},
	{
		name:  "Empty",
		input: "",
	},
	{
		name:   "OnlyDelimiters",
		input:  ";;;\r\n;\n",
		comma:  ';',
		fields: [][]string{{"", "", "", ""}, {"", ""}},
		lines:  []int{1, 2},
	},
	{
		name:   "SpacesLine",
		input:  " \n",
		fields: [][]string{{" "}},
	},
	{
		name:  "LoneCR",
		input: "a\rb,c\r\r\n\r,\rx\n\r",
		err:   &ParseError{StartLine: 1, Line: 1, Column: 2, Err: ErrMixedLineEndings},
	},
	{
		name:   "LoneCRAfterGoodRows",
		input:  "h,p\r\nA,1\r\nB,2\rC,3\r\n",
		fields: [][]string{{"h", "p"}, {"A", "1"}},
		err:    &ParseError{StartLine: 3, Line: 3, Column: 4, Err: ErrMixedLineEndings},
	},
	{
		name:   "HeaderEndsWithCRThenLF", // read as LF: the CR is stray
		input:  "Name,Phone\rA,0612345678\nB,0699999999\n",
		fields: nil,
		err:    &ParseError{StartLine: 1, Line: 1, Column: 11, Err: ErrMixedLineEndings},
	},
	{
		name:   "LoneCRInQuotes",
		input:  "a,\"b\rc\"\n\"\r\"\r\n",
		fields: [][]string{{"a", "b\rc"}, {"\r"}},
	},
	{
		name:  "CRAtEOF",
		input: "a,b\r",
		err:   &ParseError{StartLine: 1, Line: 1, Column: 4, Err: ErrMixedLineEndings},
	},
	// CR mode (Options.LineBreak CR).
	{
		name:   "CROnly",
		input:  "Name,Phone\rA,0612345678\rB,0699999999\r",
		lb:     CR,
		fields: [][]string{{"Name", "Phone"}, {"A", "0612345678"}, {"B", "0699999999"}},
		lines:  []int{1, 2, 3},
		raws:   []string{"Name,Phone\r", "A,0612345678\r", "B,0699999999\r"},
	},
	{
		name:   "CRNoFinalTerminator",
		input:  "a;b\rc;d",
		comma:  ';',
		lb:     CR,
		fields: [][]string{{"a", "b"}, {"c", "d"}},
		raws:   []string{"a;b\r", "c;d"},
	},
	{
		name:   "CRBlankLines",
		input:  "\ra\r\r\rb\r\r",
		lb:     CR,
		fields: [][]string{{"a"}, {"b"}},
		lines:  []int{2, 5},
		blank:  4,
	},
	{
		name:   "CRQuoted",
		input:  "1;\"two\rlines\";\"x\ny\"\r2;\"a\"\"b\";\"c\"d\r\"e\"\r",
		comma:  ';',
		lb:     CR,
		fields: [][]string{{"1", "two\rlines", "x\ny"}, {"2", "a\"b", "cd"}, {"e"}},
		lines:  []int{1, 3, 4},
	},
	{
		name:   "CRBOM",
		input:  "\xEF\xBB\xBF\"T\xC3\xA9l\";x\r1;2\r",
		comma:  ';',
		lb:     CR,
		fields: [][]string{{"T\xC3\xA9l", "x"}, {"1", "2"}},
	},
	{
		name:   "CRWithLF",
		input:  "a,b\rc,d\ne,f\r",
		lb:     CR,
		fields: [][]string{{"a", "b"}},
		err:    &ParseError{StartLine: 2, Line: 2, Column: 4, Err: ErrMixedLineEndings},
	},
	{
		name:   "CRWithCRLF",
		input:  "a,b\r\nc,d\r\n",
		lb:     CR,
		fields: [][]string{{"a", "b"}},
		err:    &ParseError{StartLine: 2, Line: 2, Column: 1, Err: ErrMixedLineEndings},
	},
	{
		name:  "CRLFAfterClosingQuote",
		input: "\"a\"\nb\r",
		lb:    CR,
		err:   &ParseError{StartLine: 1, Line: 1, Column: 4, Err: ErrMixedLineEndings},
	},
	{
		name:   "CRUnterminated",
		input:  "a\r\rb,\"c\rd\r",
		lb:     CR,
		fields: [][]string{{"a"}},
		blank:  1,
		err:    &ParseError{StartLine: 3, Line: 3, Column: 3, Err: ErrQuote},
	},
	{
		name:   "CRTooLong",
		input:  "abc\rabcdefghijk\r",
		lb:     CR,
		max:    10,
		fields: [][]string{{"abc"}},
		err:    &ParseError{StartLine: 2, Line: 2, Column: 11, Err: ErrRecordTooLong},
	},
	{
		name:   "QuotedCRLFAtEOF",
		input:  "\"a\"\r\n",
		fields: [][]string{{"a"}},
		raws:   []string{"\"a\"\r\n"},
	},
	{
		name:   "QuotedAtEOF",
		input:  "x,\"a\"",
		fields: [][]string{{"x", "a"}},
	},
	{
		name:   "BOM",
		input:  "\xEF\xBB\xBFT\xC3\xA9l;\"b\"\r\n1;2\r\n",
		comma:  ';',
		fields: [][]string{{"T\xC3\xA9l", "b"}, {"1", "2"}},
		raws:   []string{"\xEF\xBB\xBFT\xC3\xA9l;\"b\"\r\n", "1;2\r\n"},
	},
	{
		name:   "BOMQuoted",
		input:  "\xEF\xBB\xBF\"a;b\";c\n",
		comma:  ';',
		fields: [][]string{{"a;b", "c"}},
	},
	{
		name:   "BOMOnlyLine",
		input:  "\xEF\xBB\xBF\r\nx\n",
		fields: [][]string{{""}, {"x"}},
		raws:   []string{"\xEF\xBB\xBF\r\n", "x\n"},
	},
	{
		name:   "BOMOnly",
		input:  "\xEF\xBB\xBF",
		fields: [][]string{{""}},
	},
	{
		name:   "BOMNotAtStart",
		input:  "\n\xEF\xBB\xBFa\n",
		fields: [][]string{{"\xEF\xBB\xBFa"}},
		lines:  []int{2},
		blank:  1,
	},
	{
		name:   "PartialBOM",
		input:  "\xEF\xBBa",
		fields: [][]string{{"\xEF\xBBa"}},
	},
	{
		name:   "Windows1252",
		input:  "T\xE9l\xE9phone;Pr\xE9nom\r\n",
		comma:  ';',
		fields: [][]string{{"T\xE9l\xE9phone", "Pr\xE9nom"}},
	},
	// Leniency.
	{
		name:   "BareQuoteInUnquoted",
		input:  "a\"b,c\"\"d\",e\"\n",
		fields: [][]string{{"a\"b", "c\"\"d\"", "e\""}},
	},
	{
		name:   "TextAfterClosingQuote",
		input:  "\"a\"b,\"c\"\"\"d\"e,\"f\" \n",
		fields: [][]string{{"ab", "c\"d\"e", "f "}},
	},
	{
		name:  "TextAfterClosingQuoteCR", // a bare CR outside quotes
		input: "\"a\"\rb\n\"c\"\r",
		err:   &ParseError{StartLine: 1, Line: 1, Column: 4, Err: ErrMixedLineEndings},
	},
	{
		name:   "QuoteNotAtFieldStart",
		input:  " \"a,b\"\n",
		fields: [][]string{{" \"a", "b\""}},
	},
	{
		name:   "Unterminated",
		input:  "a,b\nc,\"d\ne\n",
		fields: [][]string{{"a", "b"}},
		err:    &ParseError{StartLine: 2, Line: 2, Column: 3, Err: ErrQuote},
	},
	{
		name:   "UnterminatedMultiLine",
		input:  "x\n\n1,\"ok\nstill\",\"bad\n\n",
		fields: [][]string{{"x"}},
		blank:  1,
		err:    &ParseError{StartLine: 3, Line: 4, Column: 8, Err: ErrQuote},
	},
	{
		name:  "UnterminatedDoubled",
		input: "\"a\"\"",
		err:   &ParseError{StartLine: 1, Line: 1, Column: 1, Err: ErrQuote},
	},
	{
		name:   "TooLong",
		input:  "abc\nabcdefghijk\nxyz\n",
		max:    10,
		fields: [][]string{{"abc"}},
		err:    &ParseError{StartLine: 2, Line: 2, Column: 11, Err: ErrRecordTooLong},
	},
	{
		name:   "TooLongQuoted",
		input:  "\"a\n\nbcdefghijkl\"\n",
		max:    10,
		fields: nil,
		err:    &ParseError{StartLine: 1, Line: 3, Column: 7, Err: ErrRecordTooLong},
	},
	{
		name:   "ExactlyMax",
		input:  "abcdefghi\n1234567890",
		max:    10,
		fields: [][]string{{"abcdefghi"}, {"1234567890"}},
	},
	{
		name:   "ExactlyMaxCRLF",
		input:  "abcdefgh\r\nabcdefghi\r\n",
		max:    10,
		fields: [][]string{{"abcdefgh"}},
		err:    &ParseError{StartLine: 2, Line: 2, Column: 11, Err: ErrRecordTooLong},
	},
}

func TestRead(t *testing.T) {
	configs := []readConfig{
		{},
		{maxRows: 1},
		{maxRows: 2, bufSize: 1},
		{maxRows: 3, bufSize: 2, oneByte: true},
		{maxBytes: 1, bufSize: 3},
		{maxRows: 1000, maxBytes: 7, bufSize: 5},
	}
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			comma := tt.comma
			if comma == 0 {
				comma = ','
			}
			for _, cfg := range configs {
				cfg.max = tt.max
				cfg.lb = tt.lb
				res := readAll(t, []byte(tt.input), comma, cfg)
				where := fmt.Sprintf("config %+v", cfg)
				if len(res.fields) != len(tt.fields) || len(tt.fields) > 0 && !reflect.DeepEqual(res.fields, tt.fields) {
					t.Fatalf("%s: fields\n got %q\nwant %q", where, res.fields, tt.fields)
				}
				if tt.lines != nil && !reflect.DeepEqual(res.lines, tt.lines) {
					t.Errorf("%s: lines %v, want %v", where, res.lines, tt.lines)
				}
				if tt.raws != nil && !reflect.DeepEqual(res.raws, tt.raws) {
					t.Errorf("%s: raws\n got %q\nwant %q", where, res.raws, tt.raws)
				}
				if res.blank != tt.blank {
					t.Errorf("%s: BlankLines %d, want %d", where, res.blank, tt.blank)
				}
				checkRoundTrip(t, []byte(tt.input), res, tt.err == nil)
				if tt.err == nil {
					if res.err != nil {
						t.Fatalf("%s: error %v", where, res.err)
					}
					continue
				}
				var pe *ParseError
				if !errors.As(res.err, &pe) {
					t.Fatalf("%s: error %v, want %v", where, res.err, tt.err)
				}
				if pe.Name != "in.csv" || pe.StartLine != tt.err.StartLine || pe.Line != tt.err.Line || pe.Column != tt.err.Column || !errors.Is(pe.Err, tt.err.Err) {
					t.Fatalf("%s: error %+v, want %+v", where, pe, tt.err)
				}
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	r := NewReader(strings.NewReader("ab\n"+strings.Repeat("x", 20)), Options{Name: "big.csv", MaxRecordBytes: 10})
	var b Batch
	if err := r.ReadBatch(&b, 0, 0); err != nil || b.Len() != 1 {
		t.Fatalf("first batch: %v, %d records", err, b.Len())
	}
	err := r.ReadBatch(&b, 0, 0)
	if got, want := fmt.Sprint(err), "big.csv:2:11: record exceeds 10 bytes"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	r = NewReader(strings.NewReader("a;\"b\n"), Options{Name: "q.csv", Comma: ';'})
	err = r.ReadBatch(&b, 0, 0)
	if got, want := fmt.Sprint(err), "q.csv:1:3: "+ErrQuote.Error(); got != want {
		t.Errorf("error %q, want %q", got, want)
	}
}

// errReader returns data, then err.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(&errReader{data: []byte("a,b\nc,\"d"), err: boom}, Options{})
	var b Batch
	if err := r.ReadBatch(&b, 0, 0); err != nil || b.Len() != 1 || string(b.Raw(0)) != "a,b\n" {
		t.Fatalf("first batch: %v, %d records", err, b.Len())
	}
	for range 2 {
		if err := r.ReadBatch(&b, 0, 0); err != boom || b.Len() != 0 {
			t.Fatalf("got %v with %d records, want %v", err, b.Len(), boom)
		}
	}
	// A record cut by a read error is not returned as complete.
	r = NewReader(&errReader{data: []byte("a,b"), err: boom}, Options{})
	if err := r.ReadBatch(&b, 0, 0); err != boom {
		t.Fatalf("got %v with %d records, want %v", err, b.Len(), boom)
	}
}

func TestEOFRepeats(t *testing.T) {
	r := NewReader(strings.NewReader("a\n"), Options{})
	var b Batch
	if err := r.ReadBatch(&b, 10, 0); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := r.ReadBatch(&b, 10, 0); err != io.EOF || b.Len() != 0 {
			t.Fatalf("got %v, %d records; want EOF", err, b.Len())
		}
	}
}

func TestFieldSlicesCapped(t *testing.T) {
	r := NewReader(strings.NewReader("ab,\"c\"\"d\",e\n"), Options{})
	var b Batch
	if err := r.ReadBatch(&b, 0, 0); err != nil {
		t.Fatal(err)
	}
	_ = append(b.Field(0, 0), 'X')
	_ = append(b.Field(0, 1), 'Y')
	_ = append(b.Content(0), 'Z')
	if got := snapshot(&b); !reflect.DeepEqual(got, []string{"1:\"ab,\\\"c\\\"\\\"d\\\",e\\n\"", "ab", "c\"d", "e"}) {
		t.Fatalf("batch changed by appends: %q", got)
	}
}

func TestFieldOutOfRange(t *testing.T) {
	r := NewReader(strings.NewReader("a,b\nc\n"), Options{})
	var b Batch
	if err := r.ReadBatch(&b, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Field(1, 1) did not panic")
		}
	}()
	b.Field(1, 1)
}

// TestHugeField reads a 50 MiB quoted field and an endless line, checking the
// Reader's buffer stays within the record limit.
func TestHugeField(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	big := bytes.Repeat([]byte("0123456789;\"\r\n"), 50<<20/14)
	var in []byte
	in = append(in, "a;\""...)
	in = append(in, bytes.ReplaceAll(big, []byte(`"`), []byte(`""`))...)
	in = append(in, "\";b\r\nc\r\n"...)
	r := NewReader(bytes.NewReader(in), Options{Comma: ';'})
	var b Batch
	if err := r.ReadBatch(&b, 0, 0); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 2 || !bytes.Equal(b.Field(0, 1), big) || string(b.Raw(1)) != "c\r\n" || b.Line(1) != 2+bytes.Count(big, []byte("\n")) {
		t.Fatalf("got %d records", b.Len())
	}
	if len(r.buf) > DefaultMaxRecordBytes+1 {
		t.Fatalf("buffer grew to %d", len(r.buf))
	}

	// An endless line (think of a decompression bomb) fails at the limit.
	const limit = 8 << 20
	r = NewReader(io.LimitReader(zeroReader{}, 1<<40), Options{MaxRecordBytes: limit})
	err := r.ReadBatch(&b, 0, 0)
	if !errors.Is(err, ErrRecordTooLong) {
		t.Fatalf("got %v, want ErrRecordTooLong", err)
	}
	if len(r.buf) > limit+1 {
		t.Fatalf("buffer grew to %d for a limit of %d", len(r.buf), limit)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestBatchLimits(t *testing.T) {
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "%d;\"x\r\ny\";z\r\n", i)
		if i%7 == 0 {
			sb.WriteString("\r\n")
		}
	}
	in := []byte(sb.String())
	want := readAll(t, in, ';', readConfig{})
	if len(want.raws) != 1000 {
		t.Fatalf("%d records", len(want.raws))
	}
	checkRoundTrip(t, in, want, true)
	for _, cfg := range []readConfig{
		{maxRows: 1}, {maxRows: 3, bufSize: 16}, {maxRows: 7, maxBytes: 50, bufSize: 1},
		{maxBytes: 1}, {maxBytes: 100, bufSize: 64}, {maxRows: 999}, {maxRows: 1001},
	} {
		got := readAll(t, in, ';', cfg)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("config %+v: results differ", cfg)
		}
	}
}

// TestZeroAllocs checks that ReadBatch does not allocate in steady state.
func TestZeroAllocs(t *testing.T) {
	data := genFrench(2 << 20)
	br := bytes.NewReader(data)
	r := NewReader(br, Options{Comma: ';'})
	var b Batch
	// Warm up.
	for r.ReadBatch(&b, 1000, 1<<20) == nil {
	}
	allocs := testing.AllocsPerRun(20, func() {
		br.Reset(data)
		r.Reset(br)
		for r.ReadBatch(&b, 1000, 1<<20) == nil {
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per pass", allocs)
	}
}

// TestRawRun checks Adjacent and RawRun against Raw: a run of adjacent
// records is their concatenation, and blank lines break adjacency.
func TestRawRun(t *testing.T) {
	tests := []struct {
		in       string
		adjacent []bool // Adjacent(i) for each record
	}{
		{"a;1\nb;2\nc;3\n", []bool{false, true, true}},
		{"a;1\n\nb;2\r\n\r\nc;3\nd;4", []bool{false, false, false, true}},
		{"\"x\ny\";1\r\nz;2\n\n\n", []bool{false, true}},
		{"a\n\r\n\n", []bool{false}},
	}
	for _, tt := range tests {
		r := NewReader(strings.NewReader(tt.in), Options{Comma: ';'})
		var b Batch
		if err := r.ReadBatch(&b, 0, 0); err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if b.Len() != len(tt.adjacent) {
			t.Fatalf("%q: %d records, want %d", tt.in, b.Len(), len(tt.adjacent))
		}
		for i, want := range tt.adjacent {
			if got := b.Adjacent(i); got != want {
				t.Errorf("%q: Adjacent(%d) = %v, want %v", tt.in, i, got, want)
			}
		}
		for i := range b.Len() {
			var cat []byte
			for j := i; j < b.Len(); j++ {
				if j > i && !b.Adjacent(j) {
					break
				}
				cat = append(cat, b.Raw(j)...)
				if got := b.RawRun(i, j+1); string(got) != string(cat) || cap(got) != len(got) {
					t.Errorf("%q: RawRun(%d, %d) = %q (cap %d), want %q", tt.in, i, j+1, got, cap(got), cat)
				}
			}
		}
	}
}
