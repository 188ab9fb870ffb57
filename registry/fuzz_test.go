package registry

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
)

// candidateKeys returns every key a line of text could legitimately yield:
// the line, each of its fields (any delimiter), pairs of fields as area
// code and number, and the parts of a line or field holding several
// numbers (cut at tabs, ';', '|', ',', '/' or blanks).
func candidateKeys(n *normalize.Normalizer, text []byte) map[uint64]bool {
	out := map[uint64]bool{}
	text = bytes.TrimPrefix(text, []byte{0xEF, 0xBB, 0xBF})
	addKey := func(f []byte) {
		if r := n.Normalize(f); r.Valid() {
			out[uint64(r.Key)] = true
		}
		if k, ok := nanpKey(f); ok {
			out[k] = true
		}
		u, ok := csvsplit.Unquote(f)
		if ok {
			if r := n.Normalize(u); r.Valid() {
				out[uint64(r.Key)] = true
			}
		}
		for _, g := range [][]byte{f, u} {
			for _, cut := range []func(rune) bool{
				func(r rune) bool { return bytes.ContainsRune([]byte("\t;|,/"), r) },
				func(r rune) bool { return r == ' ' || r == '\t' },
			} {
				for _, part := range bytes.FieldsFunc(g, cut) {
					if r := n.Normalize(bytes.TrimSpace(part)); r.Valid() {
						out[uint64(r.Key)] = true
					}
				}
			}
		}
	}
	// Lines end with LF, CRLF or CR (a file's convention, whichever it is).
	for _, line := range bytes.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		addKey(line)
		for _, d := range []byte{';', ',', '\t', '|'} {
			fields, _ := csvsplit.SplitLine(line, d, nil)
			for i, f := range fields {
				addKey(f)
				for j, g := range fields {
					if i != j {
						addKey(append(append(append([]byte{}, f...), ','), g...))
						addKey(append(append([]byte{}, f...), g...))
					}
				}
			}
		}
	}
	return out
}

func FuzzLoadRaw(f *testing.F) {
	for _, s := range []string{
		"0612345678\n0123456789\n",
		"numero\r\n06 12 34 56 78\r\n",
		"\xEF\xBB\xBFnom;t\xe9l\xe9phone\nA;\"06 12 34 56 78\"\nB;abc\n",
		"id,phone\n1,+33612345678\n2,\"x,y\"\n",
		"202,5550123\n2125550199\n",
		"AreaCode|Phone\n202|5550123\n",
		"6.12345678E+8\n\n",
		"a\x00b\n",
		"tel\n\"06\"\"12\"\n",
		"0612345678\r0145678901\r",
		"id;telephone\r1;0612345678\r\r2;0145678901",
		"202,5550123\r2125550199\r",
		"0612345678\r0145678901\n",
		"0612345678\n0145678901\r0699999999\n",
		"0612345678\t0145678901\n0612345678 / 0145678901\n",
		"numero;x\n\"0612345678, 0145678901\";1\n0612345678 0145\n",
		"0612345678|+33 1 45 67 89 01|06 98 76 54 32\n",
	} {
		f.Add([]byte(s))
	}
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte("0612345678\n"))
	w.Close()
	f.Add(b.Bytes())
	fr, err := normalize.New("FR")
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		p := filepath.Join(dir, "in.txt")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(context.Background(), []Spec{{Label: "in", Path: p}}, LoadOptions{Normalizer: fr})
		strictSet, strictErr := Load(context.Background(), []Spec{{Label: "in", Path: p}}, LoadOptions{Normalizer: fr, Strict: true})
		if err != nil {
			if strictErr == nil {
				t.Fatalf("strict accepted what non-strict refused: %v", err)
			}
			return
		}
		if strictErr == nil && strictSet.Checksum() != s.Checksum() {
			t.Fatal("strict and non-strict sets differ")
		}
		text := data
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal("gzip loaded but does not decompress")
			}
			if text, err = io.ReadAll(zr); err != nil {
				t.Fatal("gzip loaded but does not decompress")
			}
		}
		if bytes.HasPrefix(text, []byte(snapMagic)) {
			return
		}
		src := s.Sources()[0]
		invalid := 0
		for _, n := range src.Invalid {
			invalid += n
		}
		cands := candidateKeys(fr, text)
		if src.Entries != s.Len() || src.Entries > len(cands) || invalid > src.Lines {
			t.Fatalf("counts: entries %d len %d lines %d invalid %d", src.Entries, s.Len(), src.Lines, invalid)
		}
		lines := bytes.Count(text, []byte("\n")) + bytes.Count(text, []byte("\r")) + 1
		if src.Lines > lines {
			t.Fatalf("%d lines counted in %d", src.Lines, lines)
		}
		prev := uint64(0)
		for k, m := range s.All() {
			if uint64(k) <= prev || m != 1 {
				t.Fatalf("not sorted or bad mask")
			}
			prev = uint64(k)
			if !cands[uint64(k)] {
				t.Fatalf("key %d from no line", k)
			}
			if s.Lookup(k) != 1 {
				t.Fatalf("key %d not found", k)
			}
		}
	})
}

// fixChecksum rewrites a snapshot's trailing checksum to match its content.
func fixChecksum(data []byte) []byte {
	if len(data) < trailerLen {
		return data
	}
	out := bytes.Clone(data)
	n := len(out) - trailerLen
	binary.LittleEndian.PutUint64(out[n:], xxhash.Sum64(out[:n]))
	return out
}

func FuzzReadSnapshot(f *testing.F) {
	dir := f.TempDir()
	fr, err := normalize.New("FR")
	if err != nil {
		f.Fatal(err)
	}
	for i, src := range []string{"0612345678\n0123456789\n", "", "0698765432\n"} {
		var specs []Spec
		for j := 0; j <= i; j++ {
			p := filepath.Join(dir, "s"+string(rune('a'+j))+".txt")
			os.WriteFile(p, []byte(src), 0o644)
			specs = append(specs, Spec{Label: "s" + string(rune('a'+j)), Path: p})
		}
		s, err := Load(context.Background(), specs, LoadOptions{Normalizer: fr})
		if err != nil {
			f.Fatal(err)
		}
		p := filepath.Join(dir, "seed.snap")
		if err := WriteSnapshotFile(p, s, SnapshotMeta{Country: "FR"}); err != nil {
			f.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		f.Add(data, false)
		f.Add(data, true)
		f.Add(data[:len(data)/2], true)
	}
	f.Add([]byte(snapMagic+"\x01"), false)
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = fixChecksum(data)
		}
		p := filepath.Join(dir, "fuzz.snap")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, s, err := ReadSnapshotInfo(p)
		if err != nil {
			return
		}
		// Accepted: every operation must work, whatever the content (the
		// structure is checked at load, the keys and masks are not).
		for k := range s.All() {
			s.Lookup(k)
		}
		s.computeChecksum()
		if err := s.validateContent(); err != nil {
			if !fix {
				t.Fatalf("accepted without a forged checksum, content invalid: %v", err)
			}
			return
		}
		// Valid content: it must be a correct set.
		prev := uint64(0)
		nsrc := len(s.Sources())
		for k, m := range s.All() {
			if uint64(k) <= prev || uint64(k) > maxKey {
				t.Fatal("keys not ascending")
			}
			prev = uint64(k)
			if m == 0 || (nsrc < 64 && m>>nsrc != 0) {
				t.Fatalf("bad mask %b", m)
			}
			if s.Lookup(k) != m {
				t.Fatalf("Lookup(%d) != its mask", k)
			}
		}
		if s.computeChecksum() != s.Checksum() && !fix {
			t.Fatal("recorded checksum differs from content")
		}
		l, err := Load(context.Background(), []Spec{{Label: "x", Path: p}}, LoadOptions{Normalizer: fr})
		if err != nil {
			t.Fatalf("ReadSnapshotInfo accepted, Load refused: %v", err)
		}
		if l.Len() != s.Len() {
			t.Fatal("Load and ReadSnapshotInfo differ")
		}
		for k := range s.All() {
			if l.Lookup(k) != 1 {
				t.Fatal("Load lost a key")
			}
		}
	})
}
