package registry

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// parseLineByLine is the reference for parseRest: every line read by a
// lineReader and handled in order, on one goroutine.
func parseLineByLine(p *textParser, _ context.Context, lr *lineReader, lf lineFormat) error {
	for {
		line, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", p.path, lr.line, err)
		}
		skip, err := p.plainLine(line, lr.line)
		if err != nil {
			return err
		}
		if skip {
			continue
		}
		p.lines++
		if err := lf.line(p, line, lr.line); err != nil {
			return err
		}
	}
}

// readText reads r as a source whose format is sniffed, as readSource
// reads a file that is no snapshot.
func readText(ctx context.Context, r *bufio.Reader, path string, size int64, opts LoadOptions) (*sourceData, error) {
	in := &input{path: path, opts: opts, r: r, size: size}
	f, err := sniffFormat(in)
	if err != nil {
		return nil, err
	}
	return f.read(ctx, in)
}

// readTextWith is readText (for the text formats) with the lines after the
// first parsed by rest instead of parseRest.
func readTextWith(ctx context.Context, r *bufio.Reader, path string, size int64, opts LoadOptions,
	rest func(p *textParser, ctx context.Context, lr *lineReader, lf lineFormat) error) (*sourceData, error) {
	in := &input{path: path, opts: opts, r: r, size: size}
	f, err := sniffFormat(in)
	if err != nil {
		return nil, err
	}
	t, err := in.start()
	if err != nil {
		return nil, err
	}
	lf, data, err := f.(textFormat).lines(in, t)
	if err != nil {
		return nil, err
	}
	if t.line != nil {
		if data {
			t.p.lines++
			if err := lf.line(t.p, t.line, t.lr.line); err != nil {
				return nil, err
			}
		}
		if err := rest(t.p, ctx, t.lr, lf); err != nil {
			return nil, err
		}
	}
	sd := t.p.result(f.kind())
	sd.info.ColumnsIgnored = t.hdr.ignored
	return sd, nil
}

// parsed is what a text parse gives, for comparing two parses.
func parsed(sd *sourceData, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("kind %s, %d lines, invalid %v, keys %v", sd.info.Kind, sd.info.Lines, sd.info.Invalid, sd.keys)
}

// usLine returns one random line of a US registry file: mostly the common
// shapes, sometimes variants the fast path must leave to nanpKey or the
// normalizer.
func usLine(r *rand.Rand) string {
	a, x := 200+r.IntN(800), r.IntN(10_000_000)
	switch r.IntN(60) {
	case 0:
		return ""
	case 1:
		return "# comment"
	case 2:
		return fmt.Sprintf(" %03d , %07d ", a, x)
	case 3:
		return fmt.Sprintf("\"%03d\",\"%07d\"", a, x)
	case 4:
		return fmt.Sprintf("%03d,%06d", a, x%1_000_000) // too short
	case 5:
		return fmt.Sprintf("1%03d%07d", a, x)
	case 6:
		return fmt.Sprintf("%04d,%06d", a, x%1_000_000) // comma elsewhere
	case 7:
		return fmt.Sprintf("+1 %03d %07d", a, x)
	case 8:
		return fmt.Sprintf("%03d,%07d\r", a, x) // CRLF
	case 9:
		return fmt.Sprintf("%03d-%07d", a, x)
	case 10:
		return fmt.Sprintf("2%03d%07d", a, x) // 11 digits, not 1
	case 11:
		return fmt.Sprintf("%03d,%06dx", a, x%1_000_000)
	case 12:
		return "abc" // not a number: an error in strict mode
	}
	if r.IntN(2) == 0 {
		return fmt.Sprintf("%03d%07d", a, x)
	}
	return fmt.Sprintf("%03d,%07d", a, x)
}

// TestParseRestDifferential parses generated US files, area-code files
// with and without a header, lists and CSV, in chunks of many sizes and with
// the line-by-line reference: the same keys, counts and first error.
func TestParseRestDifferential(t *testing.T) {
	us := normalizer(t, "US")
	r := rand.New(rand.NewPCG(41, 42))
	n := 800
	if testing.Short() || raceEnabled {
		n = 250
	}
	for iter := range 8 {
		var b strings.Builder
		switch iter % 4 {
		case 1:
			b.WriteString("AreaCode,PhoneNumber\n")
		case 2:
			b.WriteString("phone\r\n")
		case 3:
			b.WriteString("id;telephone;mobile\n")
		}
		junk := iter >= 4 // a few junk lines: strict mode fails at the first
		for i := range n {
			line := usLine(r)
			if line == "abc" && !junk {
				line = ""
			}
			if junk && i == n/2 {
				line = "abc"
			}
			if iter%4 == 3 {
				line = fmt.Sprintf("%d;%s;%s", i, line, usLine(r))
			}
			b.WriteString(line)
			if i < n-1 || iter%2 == 0 {
				b.WriteByte('\n') // half the files end without a line end
			}
		}
		data := []byte(b.String())
		for _, strict := range []bool{false, true} {
			opts := LoadOptions{Normalizer: us, Strict: strict}
			want := parsed(readTextWith(context.Background(), bufio.NewReader(bytes.NewReader(data)), "f.txt", -1, opts, parseLineByLine))
			// Chunks of many sizes; the file's size given (keys sorted in
			// the arena), unknown (in blocks), and too small (the arena,
			// then blocks).
			full, small := int64(len(data)), int64(len(data)/40)
			for _, c := range []struct {
				chunk int
				hint  int64
			}{{0, full}, {1, full}, {13, full}, {4096, full}, {13, -1}, {0, small}, {13, small}} {
				opts.chunkBytes = c.chunk
				got := parsed(readText(context.Background(), bufio.NewReaderSize(bytes.NewReader(data), 16), "f.txt", c.hint, opts))
				if got != want {
					t.Fatalf("file %d, strict %v, chunks of %d, size hint %d:\n got %.300s\nwant %.300s", iter, strict, c.chunk, c.hint, got, want)
				}
			}
			if junk && strict && !strings.HasPrefix(want, "error: f.txt:") {
				t.Fatalf("file %d: strict parse of junk lines: %.200s", iter, want)
			}
		}
	}
}

// TestParseLongLine checks that a line longer than maxLineBytes is an error
// naming its line, at any chunk size, and that a line just below is read.
func TestParseLongLine(t *testing.T) {
	us := normalizer(t, "US")
	for _, tc := range []struct {
		long    int
		wantErr string
	}{
		{maxLineBytes + 5000, "f.txt:3: line too long"},
		{maxLineBytes / 2, ""},
	} {
		data := []byte("202,5550123\n202,5550124\n" + strings.Repeat(" ", tc.long) + "2025550125\n202,5550126\n")
		for _, size := range []int{0, 1, 4096} {
			sd, err := readText(context.Background(), bufio.NewReader(bytes.NewReader(data)), "f.txt", int64(len(data)),
				LoadOptions{Normalizer: us, chunkBytes: size})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("chunks of %d: error %v, want %q", size, err, tc.wantErr)
				}
				continue
			}
			if err != nil || sd.info.Lines != 4 || len(sd.keys) != 4 {
				t.Fatalf("chunks of %d: %v, %+v", size, err, sd)
			}
		}
	}
}

// TestNanpFast checks the fast path against nanpKey: the same key wherever
// it answers, and it answers for the common shapes.
func TestNanpFast(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"202,5550123", true}, {"2025550123", true}, {"12025550123", true},
		{"202,555012", false}, {"20,25550123", false}, {"22025550123", false},
		{"202 5550123", false}, {"202,555012a", false}, {"a02,5550123", false},
		{"202555012/", false}, {"", false}, {"1202,5550123", false},
	} {
		k, ok := nanpFast([]byte(tc.line))
		if ok != tc.ok {
			t.Errorf("nanpFast(%q) ok = %v, want %v", tc.line, ok, tc.ok)
		}
		if ok {
			if want, wok := nanpKey([]byte(tc.line)); !wok || k != want {
				t.Errorf("nanpFast(%q) = %d, nanpKey = %d, %v", tc.line, k, want, wok)
			}
		}
	}
}

func FuzzNanpFast(f *testing.F) {
	for _, s := range []string{"202,5550123", "2025550123", "12025550123", "202,55501a3", "20,25550123"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		k, ok := nanpFast(line)
		if !ok {
			return
		}
		want, wok := nanpKey(line)
		if !wok || k != want {
			t.Fatalf("nanpFast(%q) = %d, nanpKey = %d, %v", line, k, want, wok)
		}
		if bytes.IndexByte(line, 0) >= 0 || len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
			t.Fatalf("nanpFast(%q) answers for a line plainLine skips", line)
		}
	})
}

// TestSortDistinct compares sortDistinct and sortDistinctBlocks with
// slices.Sort and slices.Compact on spread, clustered, duplicated and skewed
// keys, below and above the radix and in-place partition thresholds.
func TestSortDistinct(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	sizes := []int{0, 1, 2, 300, radixMin - 1, radixMin, radixMin + 7, 300_000}
	for _, n := range sizes {
		for gi, gen := range []func(i int) uint64{
			func(int) uint64 { return 1 + r.Uint64N(maxKey) },                          // anywhere
			func(int) uint64 { return 12000000000 + r.Uint64N(8_000_000_000) },         // US
			func(int) uint64 { return 33600000000 + r.Uint64N(uint64(n/3+1)) },         // many duplicates
			func(i int) uint64 { return uint64(i%2)*maxKey + 33600000000 + uint64(i) }, // two far clusters: huge buckets
			func(i int) uint64 { return 12010000000 + uint64(n-i) },                    // descending
			func(int) uint64 { return 1 << r.IntN(50) },                                // one bit
		} {
			keys := make([]uint64, n)
			for i := range keys {
				keys[i] = gen(i)
			}
			want := slices.Compact(slices.Sorted(slices.Values(keys)))
			// In blocks of random sizes.
			var blocks []keyBlock
			for rest := keys; len(rest) > 0; {
				m := min(len(rest), 1+r.IntN(70_000))
				blocks = append(blocks, newKeyBlock(slices.Clone(rest[:m]), -1))
				rest = rest[m:]
			}
			if got := sortDistinctBlocks(blocks); !slices.Equal(got, want) {
				t.Fatalf("n=%d gen %d: sortDistinctBlocks differs", n, gi)
			}
			if got := sortDistinct(slices.Clone(keys)); !slices.Equal(got, want) {
				t.Fatalf("n=%d gen %d: sortDistinct differs", n, gi)
			}
			// Two parsers filling windows of one arena in turns, in runs
			// of random lengths: gaps between windows to close.
			arena := &keyArena{keys: make([]uint64, n+2*maxBlockKeys)}
			ps := [2]*textParser{newTextParser("", LoadOptions{}, arena), newTextParser("", LoadOptions{}, arena)}
			for i := 0; i < n; {
				run := min(n-i, 1+r.IntN(100_000))
				w := ps[r.IntN(2)]
				for _, k := range keys[i : i+run] {
					w.addKey(k)
				}
				i += run
			}
			got := sortDistinctKeys(arena, append(ps[0].reg.take(), ps[1].reg.take()...))
			if !slices.Equal(got, want) || cap(got) != len(got) && cap(got) > len(got)+len(got)/16+1024 {
				t.Fatalf("n=%d gen %d: sortDistinctKeys differs (or keeps %d of capacity for %d keys)", n, gi, cap(got), len(got))
			}
			small := slices.Clone(keys) // partitioned in place down to 300 keys
			(&sorter{lsdMax: 300}).sort(small)
			if !slices.Equal(slices.Compact(small), want) {
				t.Fatalf("n=%d gen %d: in-place partitions differ", n, gi)
			}
			if got := sortDedup(slices.Clone(keys)); !slices.Equal(got, want) || cap(got) > len(got)+len(got)/16+1024 {
				t.Fatalf("n=%d gen %d: sortDedup differs or keeps %d of capacity for %d keys", n, gi, cap(got), len(got))
			}
		}
	}
}

// TestParserBlocks checks that the parser's key blocks keep every key, in
// order, without a block above maxBlockKeys.
func TestParserBlocks(t *testing.T) {
	p := &textParser{}
	const n = 3*maxBlockKeys + 17
	for i := range n {
		p.addKey(uint64(i + 1))
	}
	var all []uint64
	for _, b := range p.reg.take() {
		if len(b.keys) > maxBlockKeys {
			t.Fatalf("block of %d keys", len(b.keys))
		}
		if lo, hi := minMax(b.keys); lo != b.lo || hi != b.hi {
			t.Fatalf("block range %d-%d, keys %d-%d", b.lo, b.hi, lo, hi)
		}
		all = append(all, b.keys...)
	}
	if len(all) != n || all[0] != 1 || all[n-1] != n || !slices.IsSorted(all) {
		t.Fatalf("%d keys back, want %d in order", len(all), n)
	}
	if len(p.reg.take()) != 0 {
		t.Fatal("take does not forget")
	}
}

// FuzzParseRest checks the parallel parser (chunks of a few bytes, so that
// lines straddle them; the bare-number fast path of lists) against the
// line-by-line reference on any text: same kind, counts, keys and first
// error, in strict and lenient mode.
func FuzzParseRest(f *testing.F) {
	for _, s := range []string{
		"0612345678\n0123456789\n",
		"phone\r\n0612345678\r\n\r\n# note\r\n\"0612345678\"\r\n06 12 34 56 78 \n",
		"0612345678\n06123\x0045678\n0612345679\n",
		"0612345678\n  0612345679\n0612345680\t\n+33612345681\n",
		"tel\n\"06\"\"12\"\n12345678901234567890\n6.12345678E+8\n",
		"202,5550123\n2125550199\n",
		"id;telephone;mobile\n1;0612345678;0712345678\n",
		"0612345678\r0123456789\r",
		"phone\r0612345678\r\r# note\r\"0612345678\"\r06 12 34 56 78 \r",
		"202,5550123\r2125550199\r2125550100",
		"id;telephone;mobile\r1;0612345678;0712345678\r",
		"0612345678\r0612345679\n0612345680\r",
		"0612345678\r\n0612345679\r0612345680\r\n",
		"0612345678\n0612345679\n0612345680\r0612345681\n",
	} {
		f.Add([]byte(s))
	}
	fr, err := normalize.New("FR")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<12 {
			return
		}
		for _, strict := range []bool{false, true} {
			opts := LoadOptions{Normalizer: fr, Strict: strict}
			want := parsed(readTextWith(context.Background(), bufio.NewReader(bytes.NewReader(data)), "f.txt", -1, opts, parseLineByLine))
			opts.chunkBytes = 7
			got := parsed(readText(context.Background(), bufio.NewReaderSize(bytes.NewReader(data), 16), "f.txt", int64(len(data)), opts))
			if got != want {
				t.Fatalf("strict %v:\n got %.300s\nwant %.300s", strict, got, want)
			}
		}
	})
}

// TestLineBreaks checks that raw lists are read by their own line-break
// convention (LF, CRLF or CR, decided from the start of the file) whatever
// their kind, and that a line break of the other kind inside a line is an
// error naming the file and line, never a dropped number.
func TestLineBreaks(t *testing.T) {
	fr, _ := normalize.New("FR")
	us, _ := normalize.New("US")
	for _, tt := range []struct {
		name string
		text string
		norm *normalize.Normalizer
		want string // parsed(), or an error
	}{
		{"CRList", "0612345678\r0145678901\r", fr, "kind list, 2 lines, invalid map[], keys [33145678901 33612345678]"},
		{"CRListNoFinal", "0612345678\r0145678901", fr, "kind list, 2 lines, invalid map[], keys [33145678901 33612345678]"},
		{"CRBlank", "0612345678\r\r0145678901\r", fr, "kind list, 3 lines, invalid map[empty:1], keys [33145678901 33612345678]"},
		{"CRHeader", "numero\r06 12 34 56 78\r", fr, "kind list, 1 lines, invalid map[], keys [33612345678]"},
		{"CRCSV", "id;telephone;mobile\r1;0145678901;0612345678\r", fr, "kind csv, 1 lines, invalid map[], keys [33145678901 33612345678]"},
		{"CRNANP", "202,5550123\r2125550199\r", us, "kind nanp, 2 lines, invalid map[], keys [12025550123 12125550199]"},
		{"CRLFList", "0612345678\r\n0145678901\r\n", fr, "kind list, 2 lines, invalid map[], keys [33145678901 33612345678]"},
		{"MixedLFInCR", "0612345678\r0145678901\n0699999999\r", fr, "error: f.txt:2: mixed line endings"},
		{"MixedCRInLF", "0612345678\n0145678901\r0699999999\n", fr, "error: f.txt:2: mixed line endings"},
		{"MixedCRInCRLF", "0612345678\r\n0145678901\r0699999999\r\n", fr, "error: f.txt:2: mixed line endings"},
		{"MixedHeaderCR", "telephone\r0612345678\n0145678901\n", fr, "error: f.txt:2: mixed line endings"},
	} {
		for _, chunk := range []int{0, 7} {
			got := parsed(readText(context.Background(), bufio.NewReader(strings.NewReader(tt.text)), "f.txt", int64(len(tt.text)),
				LoadOptions{Normalizer: tt.norm, chunkBytes: chunk}))
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("%s (chunks of %d): got %s, want %s", tt.name, chunk, got, tt.want)
			}
		}
	}
}

// TestSourceChangedWhileRead checks that a raw list that is truncated,
// appended to or touched between its opening and the end of its reading
// fails, naming the file, and that an unchanged one does not.
func TestSourceChangedWhileRead(t *testing.T) {
	for _, change := range []string{"", "truncate", "append", "touch"} {
		path := filepath.Join(t.TempDir(), "reg.txt")
		text := strings.Repeat("0612345678\n", 1000)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		hf, err := openHashing(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hf.br.Peek(100); err != nil {
			t.Fatal(err)
		}
		switch change {
		case "truncate":
			err = os.Truncate(path, 50)
		case "append":
			err = os.WriteFile(path, []byte(text+"0145678901\n"), 0o644)
		case "touch":
			later := time.Now().Add(time.Hour)
			err = os.Chtimes(path, later, later)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, err = hf.finish(path)
		hf.f.Close()
		if change == "" {
			if err != nil {
				t.Errorf("unchanged: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "registry "+path+": changed while it was read") {
			t.Errorf("%s: error %v, want changed while it was read", change, err)
		}
	}
}
