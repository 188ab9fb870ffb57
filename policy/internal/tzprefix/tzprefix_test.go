package tzprefix

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// encode writes entries in phonenumbers' format.
func encode(t *testing.T, names []string, entries [][]uint16, prefixes []uint64) []byte {
	t.Helper()
	var raw bytes.Buffer
	nb := strings.Join(names, "\n")
	binary.Write(&raw, binary.LittleEndian, uint32(len(nb)))
	raw.WriteString(nb)
	binary.Write(&raw, binary.LittleEndian, uint32(len(prefixes)))
	prev := uint64(0)
	for i, p := range prefixes {
		raw.Write(binary.AppendUvarint(nil, p-prev))
		prev = p
		raw.WriteByte(byte(len(entries[i])))
		for _, v := range entries[i] {
			binary.Write(&raw, binary.LittleEndian, v)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return gz.Bytes()
}

func TestDecode(t *testing.T) {
	gz := encode(t, []string{"Europe/Paris", "America/New_York", "Etc/Unknown"}, [][]uint16{{1}, {0}, {2, 0}}, []uint64{1, 33, 262})
	es, err := Decode(gz)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 || es[0].Prefix != 1 || es[1].Prefix != 33 || es[2].Prefix != 262 ||
		!slices.Equal(es[0].Zones, []string{"America/New_York"}) || !slices.Equal(es[2].Zones, []string{"Etc/Unknown", "Europe/Paris"}) {
		t.Errorf("Decode = %+v", es)
	}
	bad := encode(t, []string{"Europe/Paris"}, [][]uint16{{3}}, []uint64{33})
	if _, err := Decode(bad); err == nil {
		t.Error("a name index out of range decoded")
	}
	if _, err := Decode(gz[:len(gz)/2]); err == nil {
		t.Error("truncated data decoded")
	}
	if _, err := Decode([]byte("not gzip")); err == nil {
		t.Error("not gzip decoded")
	}
}

// TestLoad decodes the real data file: thousands of ascending prefixes.
func TestLoad(t *testing.T) {
	es, gz, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 1000 || len(gz) == 0 {
		t.Fatalf("%d entries", len(es))
	}
	for i := 1; i < len(es); i++ {
		if es[i].Prefix <= es[i-1].Prefix {
			t.Fatalf("prefix %d after %d", es[i].Prefix, es[i-1].Prefix)
		}
	}
}
