package scrub

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// TestInputFinish checks that the text read is the decompressed content and
// that finish reports the size and SHA-256 of the bytes as stored, for plain
// and gzip inputs, files and stdin, larger than the read-ahead chunks.
func TestInputFinish(t *testing.T) {
	text := bytes.Repeat([]byte("Nom;Tel\nDupont;0612345678\n"), (3*readAheadChunkSize)/26+1)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(text)
	zw.Close()

	for _, tt := range []struct {
		name   string
		stored []byte
		stdin  bool
	}{
		{"plain", text, false},
		{"plain stdin", text, true},
		{"gzip", gz.Bytes(), false},
		{"gzip stdin", gz.Bytes(), true},
		{"empty", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := "-"
			var stdin io.Reader = bytes.NewReader(tt.stored)
			if !tt.stdin {
				path = filepath.Join(t.TempDir(), "in.csv")
				if err := os.WriteFile(path, tt.stored, 0o644); err != nil {
					t.Fatal(err)
				}
				stdin = nil
			}
			in, err := openInput(context.Background(), path, stdin)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			got, err := io.ReadAll(in.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.stored) > 0 && !bytes.Equal(got, text) {
				t.Errorf("text: got %d bytes, want %d", len(got), len(text))
			}
			n, sum, err := in.finish()
			if err != nil {
				t.Fatal(err)
			}
			want := sha256.Sum256(tt.stored)
			if n != int64(len(tt.stored)) || sum != hex.EncodeToString(want[:]) {
				t.Errorf("finish: %d bytes, sha256 %s; want %d, %x", n, sum, len(tt.stored), want)
			}
		})
	}
}

// TestReadAhead checks that readAhead delivers the source's bytes in order
// and its error after them, whatever the sizes of the source's reads and of
// the consumer's.
func TestReadAhead(t *testing.T) {
	data := make([]byte, 2*readAheadChunks*readAheadChunkSize+12345)
	for i := range data {
		data[i] = byte(i * 7 / 3)
	}
	errBoom := errors.New("boom")
	for _, tt := range []struct {
		name    string
		src     func() io.Reader
		bufSize int
		wantErr error
	}{
		{"whole", func() io.Reader { return bytes.NewReader(data) }, 1 << 20, nil},
		{"small consumer reads", func() io.Reader { return bytes.NewReader(data) }, 1000, nil},
		{"half reads", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }, 3 << 20, nil},
		{"EOF with data", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) }, 1 << 16, nil},
		{"error after data", func() io.Reader {
			return io.MultiReader(bytes.NewReader(data), iotest.ErrReader(errBoom))
		}, 1 << 16, errBoom},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newReadAhead(tt.src())
			defer c.Close()
			var got []byte
			buf := make([]byte, tt.bufSize)
			var err error
			for {
				var n int
				n, err = c.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					break
				}
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("got %d bytes, not the %d of the source", len(got), len(data))
			}
			if want := tt.wantErr; want == nil && err != io.EOF || want != nil && !errors.Is(err, want) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if _, again := c.Read(buf); again != err {
				t.Errorf("error not sticky: %v, then %v", err, again)
			}
			if n := c.n.Load(); n != int64(len(data)) {
				t.Errorf("count %d, want %d", n, len(data))
			}
			if sum := sha256.Sum256(data); !bytes.Equal(c.h.Sum(nil), sum[:]) {
				t.Errorf("hash differs")
			}
		})
	}
}

// TestReadAheadClose checks that Close stops the goroutine even when the
// consumer stopped reading while it waits to hand over chunks.
func TestReadAheadClose(t *testing.T) {
	src := &countingReader{r: bytes.NewReader(make([]byte, 10*readAheadChunkSize))}
	c := newReadAhead(src)
	buf := make([]byte, 10)
	if _, err := c.Read(buf); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c.Close() // twice is fine
	// The goroutine, blocked handing over a chunk or waiting for a free
	// buffer, stops: it never reads the whole source.
	<-c.exited
	if src.n >= 10*readAheadChunkSize {
		t.Errorf("read %d bytes after Close", src.n)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// hook is an Observer that calls header when the header is seen, that is
// while the input is being read.
type hook struct{ header func() }

func (h hook) Header([]string, []int) { h.header() }
func (h hook) Row(*Row)               {}

// TestInputChangedWhileRead checks that a regular input file truncated,
// appended to or rewritten (same size, new modification time) while a
// scrub reads it fails the run, naming the file, with no output, for small
// files (read at once) and files larger than the read-ahead.
func TestInputChangedWhileRead(t *testing.T) {
	norm, _ := normalize.New("FR")
	for _, size := range []int{1, 16 << 20} {
		for _, change := range []string{"truncate", "append", "touch"} {
			t.Run(fmt.Sprint(change, size), func(t *testing.T) {
				dir := t.TempDir()
				input := filepath.Join(dir, "in.csv")
				row := "Dupont;0612345679\n"
				text := "Nom;Tel\n" + strings.Repeat(row, size/len(row)+1)
				if err := os.WriteFile(input, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				reg := loadRegistry(t, dir, norm, "0612345678")
				mutate := func() {
					var err error
					switch change {
					case "truncate":
						err = os.Truncate(input, int64(len(text)/2))
					case "append":
						var f *os.File
						if f, err = os.OpenFile(input, os.O_WRONLY|os.O_APPEND, 0); err == nil {
							_, err = f.WriteString("Martin;0612345678\n")
							f.Close()
						}
					case "touch":
						later := time.Now().Add(time.Hour)
						err = os.Chtimes(input, later, later)
					}
					if err != nil {
						t.Error(err)
					}
				}
				out := filepath.Join(dir, "clean.csv")
				_, err := Run(context.Background(), Options{Input: input, Out: out, Registry: reg, Normalizer: norm, Observer: hook{mutate}})
				if err == nil || !strings.Contains(err.Error(), input+": changed while it was read") {
					t.Fatalf("error %v, want %s: changed while it was read", err, input)
				}
				if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("output written: %v", err)
				}
				ents, _ := os.ReadDir(dir)
				if len(ents) != 2 {
					t.Errorf("files left: %v", ents)
				}
			})
		}
	}
	// Unchanged, the same file scrubs.
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	os.WriteFile(input, []byte("Nom;Tel\nA;0612345679\n"), 0o644)
	set, _ := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: input}}, registry.LoadOptions{Normalizer: norm})
	if _, err := Run(context.Background(), Options{Input: input, Out: filepath.Join(dir, "o.csv"), Registry: set, Normalizer: norm, Observer: hook{func() {}}}); err != nil {
		t.Fatal(err)
	}
}

// TestStreamLastRowTruncated checks that the last row of a plain stream
// (standard input from a pipe) with no line break is invalid as
// "truncated", never clean nor blocked, whatever its number, the line-break
// convention, the header, the batch it falls in or the workers; that a
// stream ending with a line break, a gzip stream and a regular file (by
// path, or as standard input, read from any offset) keep today's rules.
func TestStreamLastRowTruncated(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	reg := loadRegistry(t, dir, norm, "0612345678")
	gzipped := func(s string) string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.String()
	}
	many := strings.Repeat("X;0699999999\n", 3000) // the last row in a batch of its own
	for _, tt := range []struct {
		name, text string
		noHeader   bool
		source     string // "pipe", "path", "stdin-file" (stdin redirected from a file), "stdin-file+OFFSET"
		last       string // the last row
		want       string // its category, or "truncated"
	}{
		{"cut number", "Nom;Tel\nA;0699999999\nB;336123456", false, "pipe", "B;336123456", "truncated"},
		{"registered", "Nom;Tel\nA;0699999999\nB;0612345678", false, "pipe", "B;0612345678", "truncated"},
		{"clean", "Nom;Tel\nA;0612345678\nB;0699999999", false, "pipe", "B;0699999999", "truncated"},
		{"ragged", "Nom;Tel;Ville\nA;0699999999;Paris\nB;06123", false, "pipe", "B;06123", "truncated"},
		{"crlf", "Nom;Tel\r\nA;0699999999\r\nB;0699999998", false, "pipe", "B;0699999998", "truncated"},
		{"cr", "Nom;Tel\rA;0699999999\rB;0699999998", false, "pipe", "B;0699999998", "truncated"},
		{"no header", "A;0699999999\nB;0699999998", true, "pipe", "B;0699999998", "truncated"},
		{"only row, no header", "B;0699999998", true, "pipe", "B;0699999998", "truncated"},
		{"quoted", "Nom;Tel\nA;0699999999\n\"B\";\"0699999998\"", false, "pipe", "\"B\";\"0699999998\"", "truncated"},
		{"later batch", "Nom;Tel\n" + many + "B;0699999998", false, "pipe", "B;0699999998", "truncated"},
		{"terminated", "Nom;Tel\nA;0612345678\nB;0699999998\n", false, "pipe", "B;0699999998", "clean"},
		{"terminated crlf", "Nom;Tel\r\nA;0699999999\r\nB;0612345678\r\n", false, "pipe", "B;0612345678", "blocked"},
		{"terminated, blank lines", "Nom;Tel\nA;0699999999\nB;0612345678\n\n\n", false, "pipe", "B;0612345678", "blocked"},
		{"gzip", gzipped("Nom;Tel\nA;0699999999\nB;0699999998"), false, "pipe", "B;0699999998", "clean"},
		{"file", "Nom;Tel\nA;0699999999\nB;0699999998", false, "path", "B;0699999998", "clean"},
		{"stdin file", "Nom;Tel\nA;0699999999\nB;0699999998", false, "stdin-file", "B;0699999998", "clean"},
		{"stdin file at an offset", "skipped\nNom;Tel\nA;0699999999\nB;0612345678", false, "stdin-file+8", "B;0612345678", "blocked"},
	} {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/j%d", tt.name, workers), func(t *testing.T) {
				d := t.TempDir()
				input := filepath.Join(d, "in.csv")
				if err := os.WriteFile(input, []byte(tt.text), 0o644); err != nil {
					t.Fatal(err)
				}
				o := Options{Input: "-", Registry: reg, Normalizer: norm, Workers: workers, Dedupe: true, NoHeader: tt.noHeader,
					Out: filepath.Join(d, "clean.csv"), Blocked: filepath.Join(d, "blocked.csv"), Invalid: filepath.Join(d, "invalid.csv")}
				if tt.noHeader {
					o.Columns = []string{"2"}
				}
				switch tt.source {
				case "pipe":
					o.Stdin = iotest.OneByteReader(strings.NewReader(tt.text)) // not an *os.File
				case "path":
					o.Input = input
				default:
					f, err := os.Open(input)
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					if _, off, ok := strings.Cut(tt.source, "+"); ok {
						var n int64
						fmt.Sscan(off, &n)
						f.Seek(n, io.SeekStart)
					}
					o.Stdin = f
				}
				st, err := Run(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				if st.RowsIn != st.RowsClean+st.RowsBlocked+st.RowsInvalid+st.RowsDuplicate {
					t.Errorf("rows_in %d != %d+%d+%d+%d", st.RowsIn, st.RowsClean, st.RowsBlocked, st.RowsInvalid, st.RowsDuplicate)
				}
				outputs := map[string]string{}
				for _, k := range []string{"clean", "blocked", "invalid"} {
					b, _ := os.ReadFile(filepath.Join(d, k+".csv"))
					outputs[k] = string(b)
				}
				cat := tt.want
				if tt.want == "truncated" {
					cat = "invalid"
					if got := st.InvalidByReason.Get("truncated"); got != 1 {
						t.Errorf("invalid_by_reason.truncated = %d, want 1", got)
					}
					if !strings.HasSuffix(outputs["invalid"], tt.last+";truncated") {
						t.Errorf("invalid output ends %q, want the row with reason truncated", outputs["invalid"][max(0, len(outputs["invalid"])-40):])
					}
					if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "stdin: the last line") || !strings.Contains(st.Warnings[0], `"truncated"`) {
						t.Errorf("warnings %q", st.Warnings)
					}
				} else {
					if got := st.InvalidByReason.Get("truncated"); got != 0 {
						t.Errorf("invalid_by_reason.truncated = %d, want 0", got)
					}
					if len(st.Warnings) != 0 {
						t.Errorf("warnings %q", st.Warnings)
					}
				}
				for k, out := range outputs {
					if has := strings.Contains(out, tt.last); has != (k == cat) {
						t.Errorf("%s output holds the last row %q: %v, want %v", k, tt.last, has, k == cat)
					}
				}
			})
		}
	}
}

// validSeen is an Observer that records, for each row's reason, whether an
// Observer was shown a valid number for it.
type validSeen map[string]bool

func (validSeen) Header([]string, []int) {}
func (v validSeen) Row(r *Row) {
	for _, n := range r.Numbers {
		v[r.Reason] = v[r.Reason] || n.Valid()
	}
}

// TestUnreadRowsHaveNoNumber checks that an Observer (coverage) is shown no
// valid number for a row whose fields were not read, ragged or truncated:
// coverage counts such rows under "none", not as numbers of key 0.
func TestUnreadRowsHaveNoNumber(t *testing.T) {
	norm, _ := normalize.New("FR")
	dir := t.TempDir()
	reg := loadRegistry(t, dir, norm, "0612345678")
	seen := validSeen{}
	text := "Nom;Tel;Ville\nA;0699999999;Paris\nB;0612345678\nC;0699999998;Lyon\nD;0699999997;Nice"
	st, err := Run(context.Background(), Options{Input: "-", Stdin: strings.NewReader(text), Stdout: io.Discard,
		Registry: reg, Normalizer: norm, Observer: seen})
	if err != nil {
		t.Fatal(err)
	}
	if st.InvalidByReason.Get(ReasonRagged) != 1 || st.InvalidByReason.Get(ReasonTruncated) != 1 {
		t.Fatalf("invalid_by_reason %+v", st.InvalidByReason)
	}
	if !seen[""] || seen[ReasonRagged] || seen[ReasonTruncated] {
		t.Errorf("valid numbers shown by reason: %v; want clean rows only", seen)
	}
}
