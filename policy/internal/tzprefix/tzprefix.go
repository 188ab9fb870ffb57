// Package tzprefix decodes phonenumbers' time-zone data file
// (data/prefix_to_timezone.xml.gz in github.com/nyaruka/phonenumbers), so
// that the policy package's generated zone table can be built from it and
// tested against it. The format is the one phonenumbers' loadIntArrayMap
// reads: gzip of a little-endian uint32 byte count, that many bytes of
// newline-separated zone names, a uint32 count of mappings, then for each
// mapping a uvarint prefix delta, a uint8 count and that many uint16 name
// indexes.
package tzprefix

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Module is the module whose data is decoded.
const Module = "github.com/nyaruka/phonenumbers"

// Entry is one mapping: the E.164 digits prefix and its zone names, as
// phonenumbers holds them (UNKNOWN names included).
type Entry struct {
	Prefix uint64
	Zones  []string
}

// maxEntries bounds the mapping count read from the header.
const maxEntries = 1 << 20

// Decode reads the gzip-compressed data, returning the mappings in
// ascending prefix order.
func Decode(gz []byte) ([]Entry, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("tzprefix: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("tzprefix: %w", err)
	}
	r := bufio.NewReader(bytes.NewReader(raw))
	var size uint32
	if err := binary.Read(r, binary.LittleEndian, &size); err != nil {
		return nil, fmt.Errorf("tzprefix: names size: %w", err)
	}
	if int(size) > len(raw) {
		return nil, errors.New("tzprefix: names size past the end of the data")
	}
	nb := make([]byte, size)
	if _, err := io.ReadFull(r, nb); err != nil {
		return nil, fmt.Errorf("tzprefix: names: %w", err)
	}
	names := strings.Split(string(nb), "\n")
	var count uint32
	if err := binary.Read(r, binary.LittleEndian, &count); err != nil {
		return nil, fmt.Errorf("tzprefix: mapping count: %w", err)
	}
	if count > maxEntries {
		return nil, fmt.Errorf("tzprefix: %d mappings is implausible", count)
	}
	out := make([]Entry, 0, count)
	var key uint64
	for i := range int(count) {
		diff, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, fmt.Errorf("tzprefix: mapping %d: %w", i, err)
		}
		if diff == 0 && i > 0 {
			return nil, fmt.Errorf("tzprefix: mapping %d: prefixes not ascending", i)
		}
		key += diff
		n, err := r.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("tzprefix: mapping %d: %w", i, err)
		}
		zones := make([]string, n)
		for j := range zones {
			var v uint16
			if err := binary.Read(r, binary.LittleEndian, &v); err != nil {
				return nil, fmt.Errorf("tzprefix: mapping %d: %w", i, err)
			}
			if int(v) >= len(names) {
				return nil, fmt.Errorf("tzprefix: mapping %d: name index %d out of range", i, v)
			}
			zones[j] = names[v]
		}
		out = append(out, Entry{Prefix: key, Zones: zones})
	}
	return out, nil
}

// DataPath returns the path of the data file in the module's directory, as
// the go command resolves the module in the current module's build list.
func DataPath() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Module).Output()
	if err != nil {
		return "", fmt.Errorf("tzprefix: go list -m %s: %w", Module, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("tzprefix: go list -m %s: no directory (module not downloaded?)", Module)
	}
	return filepath.Join(dir, "data", "prefix_to_timezone.xml.gz"), nil
}

// Version returns the module's version in the current build list.
func Version() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", Module).Output()
	if err != nil {
		return "", fmt.Errorf("tzprefix: go list -m %s: %w", Module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Load reads and decodes the module's data file, returning the file's bytes
// too (for a fingerprint).
func Load() ([]Entry, []byte, error) {
	path, err := DataPath()
	if err != nil {
		return nil, nil, err
	}
	gz, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("tzprefix: %w", err)
	}
	es, err := Decode(gz)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return es, gz, nil
}
