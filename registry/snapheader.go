package registry

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// ReadSnapshotRegion returns the region a snapshot's national-format
// numbers were read with (its header's "country"), reading only the
// header, not verifying the file: it is for deciding how to read files
// that go with the snapshot (registry build --base reads change files with
// the base's region), never for trusting the snapshot, which
// ReadSnapshotInfo or Load verify.
func ReadSnapshotRegion(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("snapshot %s: %w", path, err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 64<<10)
	if magic, _ := r.(*bufio.Reader).Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := newGzip(r)
		if err != nil {
			return "", fmt.Errorf("snapshot %s: bad gzip: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	var prefix [snapPrefixLen + 8]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil || string(prefix[:len(snapMagic)]) != snapMagic {
		return "", fmt.Errorf("snapshot %s: not a snapshot", path)
	}
	hlen := binary.LittleEndian.Uint64(prefix[snapPrefixLen:])
	if hlen > maxHeaderBytes {
		return "", fmt.Errorf("snapshot %s: %w: bad header length", path, ErrCorrupt)
	}
	var hdr struct {
		Country string `json:"country"`
	}
	if err := json.NewDecoder(io.LimitReader(r, int64(hlen))).Decode(&hdr); err != nil {
		return "", fmt.Errorf("snapshot %s: %w: bad header", path, ErrCorrupt)
	}
	return hdr.Country, nil
}
