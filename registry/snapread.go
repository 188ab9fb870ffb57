package registry

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"unsafe"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/cespare/xxhash/v2"
)

// ReadSnapshotInfo reads a snapshot's metadata and sources, verifying its
// checksum (see FORMAT.md, Verification). The returned Set is the snapshot as
// built: its Sources are the snapshot's own sources and Lookup masks refer
// to them.
func ReadSnapshotInfo(path string) (SnapshotMeta, *Set, error) {
	data, mem, err := readSnapshotBytes(path)
	if err != nil {
		return SnapshotMeta{}, nil, err
	}
	return parseSnapshot(data, mem, path, true)
}

// alignedBytes returns n zero bytes starting on an 8-byte boundary.
func alignedBytes(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	w := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), n)
}

// readSnapshotBytes returns a whole snapshot file's bytes, 8-byte aligned: a
// read-only memory map of the file (mem, which the Set using the bytes must
// hold), or, for a gzipped snapshot or where maps are not available, the
// (decompressed) file read into memory (mem nil).
func readSnapshotBytes(path string) (data []byte, mem *mapping, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("snapshot %s: not a regular file", path)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := newGzip(br)
		if err != nil {
			return nil, nil, fmt.Errorf("snapshot %s: bad gzip: %w", path, err)
		}
		defer gz.Close()
		data, err := readAllAligned(gz, path)
		return data, nil, err
	}
	if mem, err := mapFile(f, st.Size()); err == nil {
		return mem.data, mem, nil
	}
	data = alignedBytes(int(st.Size()))
	if _, err := io.ReadFull(br, data); err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	return data, nil, nil
}

// readAllAligned reads r to its end into 8-byte aligned memory.
func readAllAligned(r io.Reader, path string) ([]byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	if len(data) > 0 && uintptr(unsafe.Pointer(&data[0]))%8 != 0 {
		a := alignedBytes(len(data))
		copy(a, data)
		data = a
	}
	return data, nil
}

// trailerOK reports whether data ends with the xxhash64 of what precedes.
func trailerOK(data []byte) bool {
	if len(data) < trailerLen {
		return false
	}
	n := len(data) - trailerLen
	return xxhash.Sum64(data[:n]) == binary.LittleEndian.Uint64(data[n:])
}

// parseSnapshot makes a Set of a whole snapshot in memory (8-byte aligned;
// mem, if not nil, is the memory map holding data), using its sections in
// place: the xxhash64 trailer is verified and the structure the look-ups
// rely on is checked (segments and index, not every key). Without
// keepMasks the memberships are not used, and the Set returned has the
// snapshot's sources but no masks (for use as one source).
func parseSnapshot(data []byte, mem *mapping, path string, keepMasks bool) (SnapshotMeta, *Set, error) {
	sr := &snapReader{data: data, path: path}
	hdr, hlen, err := sr.header()
	if err != nil {
		return SnapshotMeta{}, nil, err
	}
	lay, err := sr.layout(hlen, &hdr)
	if err != nil {
		return SnapshotMeta{}, nil, err
	}
	// The bytes are as written; check the structure all the same, so that
	// no file can make a look-up go out of bounds.
	p, err := sr.packedAt(lay.keys, hdr.Count, hdr.Shift, hdr.LowWidth, hdr.Segments, hdr.IndexLen)
	if err != nil {
		return SnapshotMeta{}, nil, err
	}
	if !allZero(data[lay.masks+uint64(hdr.MaskWidth)*hdr.Count : lay.bloom]) {
		return SnapshotMeta{}, nil, sr.corrupt("padding not zero")
	}
	if err := sr.checkHeaderData(&hdr); err != nil {
		return SnapshotMeta{}, nil, err
	}
	words := u64view(data[lay.bloom : lay.bloom+8*((hdr.BloomBits+63)/64)])
	bf := bloom.FromWithM(words, uint(hdr.BloomBits), uint(hdr.BloomHashes))
	s := &Set{p: p, mem: mem, sources: fromSnapSources(hdr.Sources), bloom: bf, cover: newCoverage(hdr.Covers)}
	if sc := hdr.Screened; sc != nil {
		sp, err := sr.packedAt(lay.screened, sc.Count, sc.Shift, sc.LowWidth, sc.Segments, sc.IndexLen)
		if err != nil {
			return SnapshotMeta{}, nil, err
		}
		s.screened = &sp
	}
	if keepMasks {
		s.masks = data[lay.masks : lay.masks+uint64(hdr.MaskWidth)*hdr.Count]
		s.width = hdr.MaskWidth
		s.checksum = hdr.Checksum
	} else {
		s.checksum = hdr.KeysSum
	}
	if !bloomHolds(bf, &p) {
		return SnapshotMeta{}, nil, sr.corrupt("bloom filter does not hold the keys")
	}
	return hdr.meta(), s, nil
}

// snapReader reads the snapshot data, named path in errors.
type snapReader struct {
	data []byte
	path string
}

func (sr *snapReader) corrupt(d string) error {
	return fmt.Errorf("snapshot %s: %w: %s", sr.path, ErrCorrupt, d)
}

// fail reports a structural problem found before the checksum was
// verified: when the trailer does not match, the file was damaged (a bad
// checksum); otherwise it was written wrong.
func (sr *snapReader) fail(detail string) error {
	if !trailerOK(sr.data) {
		return fmt.Errorf("snapshot %s: %w (%s)", sr.path, ErrBadChecksum, detail)
	}
	return sr.corrupt(detail)
}

// header checks the snapshot's prefix and decodes its header, of hlen bytes.
func (sr *snapReader) header() (hdr snapHeader, hlen uint64, err error) {
	data := sr.data
	if len(data) < snapPrefixLen+8 {
		if !bytes.HasPrefix([]byte(snapMagic), data[:min(len(data), len(snapMagic))]) {
			return hdr, 0, fmt.Errorf("snapshot %s: not a snapshot", sr.path)
		}
		return hdr, 0, fmt.Errorf("snapshot %s: %w", sr.path, ErrTruncated)
	}
	if string(data[:len(snapMagic)]) != snapMagic {
		return hdr, 0, fmt.Errorf("snapshot %s: not a snapshot", sr.path)
	}
	version := int(data[len(snapMagic)])
	if version != snapVersion && version != snapVersion1 && version != snapVersion3 {
		return hdr, 0, sr.fail(fmt.Sprintf("unsupported format version %d", version))
	}
	if !allZero(data[len(snapMagic)+1 : snapPrefixLen]) {
		return hdr, 0, sr.fail("reserved bytes not zero")
	}
	hlen = binary.LittleEndian.Uint64(data[snapPrefixLen:])
	if hlen > maxHeaderBytes {
		return hdr, 0, sr.fail("bad header length")
	}
	if uint64(snapPrefixLen+8)+hlen > uint64(len(data)) {
		return hdr, 0, fmt.Errorf("snapshot %s: %w", sr.path, ErrTruncated)
	}
	dec := json.NewDecoder(bytes.NewReader(data[snapPrefixLen+8 : snapPrefixLen+8+hlen]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hdr); err != nil || dec.More() {
		return hdr, 0, sr.fail("bad header")
	}
	if hdr.Format != version {
		return hdr, 0, sr.fail("header format mismatch")
	}
	if version == snapVersion1 && !upgradeV1Sources(hdr.Sources, hdr.Country) {
		return hdr, 0, sr.fail("region in a version 1 header")
	}
	if (version == snapVersion3) != (hdr.Screened != nil) || version != snapVersion3 && screenedSources(hdr.Sources) {
		return hdr, 0, sr.fail("screened set in a version 1 or 2 header, or none in a version 3 one")
	}
	nsrc := len(hdr.Sources)
	if nsrc > MaxSources || (nsrc == 0 && hdr.Count > 0) || hdr.MaskWidth != maskWidth(nsrc) {
		return hdr, 0, sr.fail("bad sources or mask width")
	}
	if hdr.BloomBits == 0 || hdr.BloomHashes == 0 || hdr.BloomHashes > 64 || hdr.BloomBits > 64*(hdr.Count+64) {
		return hdr, 0, sr.fail("bad bloom geometry")
	}
	return hdr, hlen, nil
}

// screenedSources reports whether a source (or an inner one) records a
// screened count.
func screenedSources(in []snapSource) bool {
	for i := range in {
		if in[i].Screened != 0 || screenedSources(in[i].Inner) {
			return true
		}
	}
	return false
}

// layout returns the snapshot's layout after checking that the file is as
// long as its header says and that its trailer matches.
func (sr *snapReader) layout(hlen uint64, hdr *snapHeader) (snapLayout, error) {
	lay, ok := layoutFor(hlen, hdr)
	if !ok {
		return lay, sr.fail("bad sizes in header")
	}
	if size := uint64(len(sr.data)); size != lay.total {
		if size < lay.total {
			return lay, fmt.Errorf("snapshot %s: %w (%d bytes, header promises %d)", sr.path, ErrTruncated, size, lay.total)
		}
		return lay, sr.fail("file longer than its header promises")
	}
	if !trailerOK(sr.data) {
		return lay, fmt.Errorf("snapshot %s: %w", sr.path, ErrBadChecksum)
	}
	if !allZero(sr.data[snapPrefixLen+8+hlen : lay.keys.segFst]) {
		return lay, sr.corrupt("padding not zero")
	}
	return lay, nil
}

// packedAt returns the packed set laid out at l, its structure checked.
func (sr *snapReader) packedAt(l packedLayout, n uint64, shift uint, lw int, g, m uint64) (packed, error) {
	data := sr.data
	if !allZero(data[l.index+4*m:l.lows]) || !allZero(data[l.lows+uint64(lw)*n:l.end]) {
		return packed{}, sr.corrupt("padding not zero")
	}
	p := packed{
		n:      int(n),
		shift:  shift,
		lw:     lw,
		segFst: u64view(data[l.segFst:l.segOff]),
		segOff: u64view(data[l.segOff:l.index]),
		index:  u32view(data[l.index : l.index+4*m]),
	}
	if lw == 1 {
		p.lows8 = data[l.lows : l.lows+n]
	} else {
		p.lows16 = u16view(data[l.lows : l.lows+2*n])
	}
	if err := p.validate(); err != nil {
		return packed{}, sr.corrupt(err.Error())
	}
	p.derive()
	return p, nil
}

// checkHeaderData checks the header's checksums and coverage list.
func (sr *snapReader) checkHeaderData(hdr *snapHeader) error {
	for _, sum := range []string{hdr.Checksum, hdr.KeysSum} {
		if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
			return sr.corrupt("bad set checksum")
		}
	}
	if hdr.Covers != nil {
		c, err := ParseCoverage(hdr.Covers)
		if err != nil || len(c) == 0 || !slices.Equal(c, hdr.Covers) {
			return sr.corrupt("bad coverage list")
		}
	}
	return nil
}

// bloomHolds spot-checks that bf holds p's keys (a hashing change in the
// bloom library would otherwise turn every lookup into a miss).
func bloomHolds(bf *bloom.BloomFilter, p *packed) bool {
	step := max(p.n/bloomSpotCheck, 1)
	for i := 0; i < p.n; i += step {
		if !bloomTest(bf, p.keyAt(i)) {
			return false
		}
	}
	return p.n == 0 || bloomTest(bf, p.keyAt(p.n-1))
}

// meta returns the metadata the header records.
func (hdr *snapHeader) meta() SnapshotMeta {
	meta := SnapshotMeta{AsOf: hdr.AsOf, Created: hdr.Created, Country: hdr.Country, Covers: hdr.Covers}
	if b := hdr.Base; b != nil {
		meta.Base = &BaseInfo{b.Path, b.SHA256, b.Checksum, b.Entries}
	}
	for _, c := range hdr.Changes {
		meta.Changes = append(meta.Changes, ChangeInfo(c))
	}
	return meta
}

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
