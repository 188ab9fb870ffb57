// Package gen writes the comparison bench's data: a French prospect file
// (';', CRLF, UTF-8, two phone columns, numbers in the spellings French
// exports hold) and a do-not-call list holding about 30% of its rows'
// numbers. It is deterministic: the same sizes give the same bytes.
//
// Every number is written in a spelling that every tool of the bench
// normalizes the same way (listscrub, the awk anti-join that strips 0033/33/0,
// Python phonenumbers, the DuckDB regexp), so all tools must keep the same
// rows; Meta.Kept is that count, computed here from the generator's own model.
// What is left out on purpose: the overseas departments (0692…: listscrub
// gives them +262, the others +33), spreadsheet scientific notation, quoted
// fields holding the delimiter (awk -F';' splits them), second numbers in one
// cell.
package gen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Version changes whenever the bytes generated change.
const Version = 1

// Meta describes a generated data set.
type Meta struct {
	Version    int   `json:"version"`
	Rows       int   `json:"rows"`
	Registry   int   `json:"registry"` // distinct numbers in the list
	Registered int   `json:"registered"`
	Invalid    int   `json:"invalid"`
	Kept       int   `json:"kept"` // clean rows: a valid number, none registered
	InputBytes int64 `json:"input_bytes"`
	RegBytes   int64 `json:"registry_bytes"`
}

// Paths of a data set in dir.
func Paths(dir string) (input, registry, meta string) {
	return filepath.Join(dir, "prospects.csv"), filepath.Join(dir, "bloctel.txt"), filepath.Join(dir, "meta.json")
}

// ReadMeta returns the data set's Meta, or an error if it is missing or stale.
func ReadMeta(dir string, rows, regSize int) (*Meta, error) {
	_, _, mp := Paths(dir)
	b, err := os.ReadFile(mp)
	if err != nil {
		return nil, err
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m.Version != Version || m.Rows != rows || m.Registry != regSize {
		return nil, fmt.Errorf("stale data set in %s", dir)
	}
	return &m, nil
}

// nsn bitset: every 9-digit French national significant number.
type bitset []uint64

func (b bitset) has(n uint32) bool { return b[n>>6]&(1<<(n&63)) != 0 }
func (b bitset) set(n uint32)      { b[n>>6] |= 1 << (n & 63) }

// mobile returns a French mobile NSN outside the overseas ranges:
// 6[0-24-8]xxxxxxx or 7[3-9]xxxxxxx.
func mobile(r *rand.Rand) uint32 {
	if r.IntN(4) == 0 {
		return 7_0000_0000 + uint32(3+r.IntN(7))*1000_0000 + r.Uint32N(1000_0000)
	}
	return 6_0000_0000 + uint32([]int{0, 1, 2, 4, 5, 6, 7, 8}[r.IntN(8)])*1000_0000 + r.Uint32N(1000_0000)
}

// fixed returns a metropolitan fixed-line NSN: 1xxxxxxxx, 3xxxxxxxx, 4[1-9]xxxxxxx.
func fixed(r *rand.Rand) uint32 {
	switch r.IntN(3) {
	case 0:
		return 1_0000_0000 + r.Uint32N(1_0000_0000)
	case 1:
		return 3_0000_0000 + r.Uint32N(1_0000_0000)
	}
	return 4_0000_0000 + uint32(1+r.IntN(9))*1000_0000 + r.Uint32N(1000_0000)
}

// appendNSN appends n's 9 digits.
func digits9(n uint32) [9]byte {
	var d [9]byte
	for i := 8; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return d
}

// spell appends one spelling of n.
func spell(b []byte, n uint32, how int) []byte {
	d := digits9(n)
	pairs := func(b []byte, sep byte) []byte {
		b = append(b, '0', d[0])
		for i := 1; i < 9; i += 2 {
			b = append(b, sep, d[i], d[i+1])
		}
		return b
	}
	switch how {
	case 0, 1, 2: // 06 12 34 56 78
		return pairs(b, ' ')
	case 3, 4: // 0612345678
		return append(append(b, '0'), d[:]...)
	case 5: // 06.12.34.56.78
		return pairs(b, '.')
	case 6, 7: // +33 6 12 34 56 78
		b = append(b, "+33 "...)
		b = append(b, d[0])
		for i := 1; i < 9; i += 2 {
			b = append(b, ' ', d[i], d[i+1])
		}
		return b
	case 8: // +33 (0)6 12 34 56 78
		b = append(b, "+33 (0)"...)
		b = append(b, d[0])
		for i := 1; i < 9; i += 2 {
			b = append(b, ' ', d[i], d[i+1])
		}
		return b
	case 9: // 0033612345678
		return append(append(b, "0033"...), d[:]...)
	case 10: // 33612345678
		return append(append(b, "33"...), d[:]...)
	default: // 612345678 (a spreadsheet ate the zero)
		return append(b, d[:]...)
	}
}

var (
	noms    = []string{"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Lefèvre", "Garçon"}
	prenoms = []string{"Jean", "Marie", "François", "Hélène", "André", "Lucie", "René", "Chloé", "Noël", "Zoé"}
	bad     = []string{"N/A", "06 12 34", "inconnu", "0", "06 12 34 56 7", "-"}
)

// Generate writes a data set of rows rows and a list of regSize numbers to
// dir and returns its Meta. It removes the data set's history, which was
// drawn from the old rows.
func Generate(dir string, rows, regSize int) (*Meta, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ip, rp, mp := Paths(dir)
	os.Remove(mp)
	_, hm := HistoryPaths(dir)
	os.Remove(hm)
	rf, err := os.Create(rp)
	if err != nil {
		return nil, err
	}
	rw := bufio.NewWriterSize(rf, 1<<20)
	var line []byte
	mod := newModel(rows, regSize, func(n uint32) {
		d := digits9(n)
		line = append(append(append(line[:0], '0'), d[:]...), '\n')
		rw.Write(line)
	})
	if err := rw.Flush(); err != nil {
		return nil, err
	}
	if err := rf.Close(); err != nil {
		return nil, err
	}

	m := &Meta{Version: Version, Rows: rows, Registry: regSize}
	f, err := os.Create(ip)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("Nom;Prénom;Code postal;Tél. fixe;Portable\r\n")
	for range rows {
		var row rowNums
		line, row = mod.row(line[:0])
		w.Write(line)
		switch {
		case !row.valid():
			m.Invalid++
		case mod.registered(row):
			m.Registered++
		default:
			m.Kept++
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		path string
		n    *int64
	}{{ip, &m.InputBytes}, {rp, &m.RegBytes}} {
		fi, err := os.Stat(p.path)
		if err != nil {
			return nil, err
		}
		*p.n = fi.Size()
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return m, os.WriteFile(mp, append(b, '\n'), 0o644)
}
