package registry

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
	"unsafe"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/cespare/xxhash/v2"

	"github.com/listscrub/listscrub/atomicfile"
)

// Snapshot format constants; see FORMAT.md.
const (
	snapMagic      = "LSCRUBSNAP"
	snapVersion    = 2  // written; readers also accept snapVersion1
	snapVersion1   = 1  // before sources recorded their region
	snapPrefixLen  = 16 // magic, version, 5 reserved zero bytes
	maxHeaderBytes = 64 << 20
	trailerLen     = 8 // xxhash64 of every preceding byte, little-endian
	bloomSpotCheck = 4096
)

// Errors wrapped by snapshot read errors, for errors.Is.
var (
	ErrTruncated   = errors.New("truncated snapshot")
	ErrBadChecksum = errors.New("bad checksum")
	ErrCorrupt     = errors.New("corrupt snapshot")
)

// snapHeader is the JSON header of a snapshot.
type snapHeader struct {
	Format      int          `json:"format"`
	AsOf        time.Time    `json:"as_of"`
	Created     time.Time    `json:"created"`
	Country     string       `json:"country"`
	Count       uint64       `json:"count"`
	MaskWidth   int          `json:"mask_width"`
	Shift       uint         `json:"shift"`
	LowWidth    int          `json:"low_width"`
	Segments    uint64       `json:"segments"`
	IndexLen    uint64       `json:"index_len"`
	Checksum    string       `json:"checksum"`
	KeysSum     string       `json:"keys_checksum"`
	BloomBits   uint64       `json:"bloom_bits"`
	BloomHashes uint64       `json:"bloom_hashes"`
	Sources     []snapSource `json:"sources"`
	Covers      []string     `json:"covers,omitempty"`
	Base        *snapBase    `json:"base,omitempty"`
	Changes     []snapChange `json:"changes,omitempty"`
}

type snapBase struct {
	Path     string `json:"path"`
	SHA256   string `json:"sha256"`
	Checksum string `json:"checksum"`
	Entries  int    `json:"entries"`
}

type snapChange struct {
	Op      string         `json:"op"`
	Label   string         `json:"label,omitempty"`
	Path    string         `json:"path"`
	SHA256  string         `json:"sha256"`
	Lines   int            `json:"lines"`
	Invalid map[string]int `json:"invalid,omitempty"`
	Entries int            `json:"entries"`
	Applied int            `json:"applied"`
	// ColumnsIgnored is ChangeInfo's, which is converted to and from this
	// type: not stored.
	ColumnsIgnored []string `json:"-"`
}

type snapSource struct {
	Label   string         `json:"label"`
	Path    string         `json:"path,omitempty"`
	Kind    string         `json:"kind"`
	Entries int            `json:"entries"`
	AsOf    time.Time      `json:"as_of"`
	SHA256  string         `json:"sha256,omitempty"`
	Lines   int            `json:"lines,omitempty"`
	Invalid map[string]int `json:"invalid,omitempty"`
	Inner   []snapSource   `json:"inner,omitempty"`
	Covers  []string       `json:"covers,omitempty"`
	// Region (format 2) is the region the source's national-format numbers
	// were read with.
	Region string `json:"region,omitempty"`
}

func toSnapSources(in []SourceInfo) []snapSource {
	if in == nil {
		return nil
	}
	out := make([]snapSource, len(in))
	for i, s := range in {
		out[i] = snapSource{Label: s.Label, Path: s.Path, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf, SHA256: s.SHA256,
			Lines: s.Lines, Invalid: s.Invalid, Inner: toSnapSources(s.Inner), Covers: s.Covers, Region: s.Region}
	}
	return out
}

func fromSnapSources(in []snapSource) []SourceInfo {
	if in == nil {
		return nil
	}
	out := make([]SourceInfo, len(in))
	for i, s := range in {
		out[i] = SourceInfo{Label: s.Label, Path: s.Path, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf, SHA256: s.SHA256,
			Lines: s.Lines, Invalid: s.Invalid, Inner: fromSnapSources(s.Inner), Covers: s.Covers, Region: s.Region}
	}
	return out
}

// upgradeV1Sources gives the raw sources of a version 1 header the region
// the snapshot records (they were read with it); a snapshot source's own
// region was not recorded and stays "". It reports false when a source
// already has a region, which version 1 has no field for.
func upgradeV1Sources(in []snapSource, country string) bool {
	for i := range in {
		if in[i].Region != "" || !upgradeV1Sources(in[i].Inner, "") {
			return false
		}
		if in[i].Kind != KindSnapshot {
			in[i].Region = country
		}
	}
	return true
}

func littleEndianHost() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// pad8 returns the zero bytes needed to align off to 8.
func pad8(off uint64) uint64 { return (8 - off%8) % 8 }

// snapLayout holds the sections' offsets (from the start of the file) and
// the file's total length, computed from the header alone.
type snapLayout struct {
	segFst, segOff, index, lows, masks, bloom, trailer, total uint64
}

// layoutFor computes the layout for a header of hlen bytes; false when the
// header's sizes are out of bounds.
func layoutFor(hlen uint64, h *snapHeader) (snapLayout, bool) {
	var l snapLayout
	n, g, m := h.Count, h.Segments, h.IndexLen
	if hlen > maxHeaderBytes || n > 1<<32-1 || g > n+1 || m > 1<<40 || h.BloomBits > 1<<46 ||
		(h.LowWidth != 1 && h.LowWidth != 2) || h.MaskWidth < 0 || h.MaskWidth > 8 {
		return l, false
	}
	off := uint64(snapPrefixLen+8) + hlen
	off += pad8(off)
	l.segFst = off
	off += 8 * g
	l.segOff = off
	off += 8 * (g + 1)
	l.index = off
	off += 4 * m
	off += pad8(off)
	l.lows = off
	off += uint64(h.LowWidth) * n
	off += pad8(off)
	l.masks = off
	off += uint64(h.MaskWidth) * n
	off += pad8(off)
	l.bloom = off
	off += 8 * ((h.BloomBits + 63) / 64)
	l.trailer = off
	l.total = off + trailerLen
	return l, true
}

// WriteSnapshotFile writes s as a snapshot to path atomically (atomicfile:
// temporary file beside it, fsync, then rename).
func WriteSnapshotFile(path string, s *Set, meta SnapshotMeta) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	defer f.Abort()
	if err := WriteSnapshot(f, path, s, meta); err != nil {
		return err
	}
	return f.Commit()
}

// WriteSnapshot writes s as a snapshot to w; path names it in errors. The
// snapshot's sources are s's sources. A zero meta.AsOf is s.AsOf(); a zero
// meta.Created is now.
func WriteSnapshot(w io.Writer, path string, s *Set, meta SnapshotMeta) error {
	bf := s.filter()
	if bf == nil {
		return fmt.Errorf("snapshot %s: set has no bloom filter", path)
	}
	if meta.AsOf.IsZero() {
		meta.AsOf = s.AsOf()
	}
	if meta.Created.IsZero() {
		meta.Created = time.Now()
	}
	full, keysSum := s.checksums()
	p := &s.p
	hdr := snapHeader{
		Format:      snapVersion,
		AsOf:        meta.AsOf.UTC(),
		Created:     meta.Created.UTC(),
		Country:     meta.Country,
		Count:       uint64(p.n),
		MaskWidth:   s.width,
		Shift:       p.shift,
		LowWidth:    p.lw,
		Segments:    uint64(len(p.segFst)),
		IndexLen:    uint64(len(p.index)),
		Checksum:    full,
		KeysSum:     keysSum,
		BloomBits:   uint64(bf.Cap()),
		BloomHashes: uint64(bf.K()),
		Sources:     toSnapSources(s.sources),
		Covers:      s.Coverage(),
	}
	if meta.Covers != nil {
		hdr.Covers = meta.Covers
	}
	if b := meta.Base; b != nil {
		hdr.Base = &snapBase{b.Path, b.SHA256, b.Checksum, b.Entries}
	}
	for _, c := range meta.Changes {
		hdr.Changes = append(hdr.Changes, snapChange(c))
	}
	if hdr.Covers != nil && len(hdr.Covers) == 0 {
		return fmt.Errorf("snapshot %s: empty coverage list: the snapshot would screen no number", path)
	}
	hj, err := json.Marshal(hdr)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	lay, ok := layoutFor(uint64(len(hj)), &hdr)
	words := bf.BitSet().Words()
	if !ok || uint64(len(words)) != (hdr.BloomBits+63)/64 {
		return fmt.Errorf("snapshot %s: set too large for the format", path)
	}

	h := xxhash.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)
	var off uint64
	put := func(b []byte) {
		bw.Write(b)
		off += uint64(len(b))
	}
	var zeros [8]byte
	align := func() { put(zeros[:pad8(off)]) }
	var prefix [snapPrefixLen + 8]byte
	copy(prefix[:], snapMagic)
	prefix[len(snapMagic)] = snapVersion
	binary.LittleEndian.PutUint64(prefix[snapPrefixLen:], uint64(len(hj)))
	put(prefix[:])
	put(hj)
	align()
	put(leBytes(p.segFst))
	put(leBytes(p.segOff))
	put(leBytes(p.index))
	align()
	if p.lw == 1 {
		put(p.lows8)
	} else {
		put(leBytes(p.lows16))
	}
	align()
	put(s.masks)
	align()
	put(leBytes(words))
	if off != lay.trailer {
		return fmt.Errorf("snapshot %s: wrote %d bytes, layout says %d", path, off, lay.trailer)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	var sum [trailerLen]byte
	binary.LittleEndian.PutUint64(sum[:], h.Sum64())
	if _, err := w.Write(sum[:]); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	return nil
}

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
// mem, if not nil, is the memory map holding data),
// using its sections in place: the xxhash64 trailer is verified and the
// structure the look-ups rely on is checked (segments and index, not every
// key). Without keepMasks the memberships are not used, and the Set
// returned has the snapshot's sources but no masks (for use as one source).
func parseSnapshot(data []byte, mem *mapping, path string, keepMasks bool) (SnapshotMeta, *Set, error) {
	truncated := func() error { return fmt.Errorf("snapshot %s: %w", path, ErrTruncated) }
	// fail reports a structural problem found before the checksum was
	// verified: when the trailer does not match, the file was damaged (a
	// bad checksum); otherwise it was written wrong.
	fail := func(detail string) error {
		if !trailerOK(data) {
			return fmt.Errorf("snapshot %s: %w (%s)", path, ErrBadChecksum, detail)
		}
		return fmt.Errorf("snapshot %s: %w: %s", path, ErrCorrupt, detail)
	}
	corrupt := func(d string) error { return fmt.Errorf("snapshot %s: %w: %s", path, ErrCorrupt, d) }
	if len(data) < snapPrefixLen+8 {
		if !bytes.HasPrefix([]byte(snapMagic), data[:min(len(data), len(snapMagic))]) {
			return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: not a snapshot", path)
		}
		return SnapshotMeta{}, nil, truncated()
	}
	if string(data[:len(snapMagic)]) != snapMagic {
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: not a snapshot", path)
	}
	version := int(data[len(snapMagic)])
	if version != snapVersion && version != snapVersion1 {
		return SnapshotMeta{}, nil, fail(fmt.Sprintf("unsupported format version %d", version))
	}
	for _, b := range data[len(snapMagic)+1 : snapPrefixLen] {
		if b != 0 {
			return SnapshotMeta{}, nil, fail("reserved bytes not zero")
		}
	}
	hlen := binary.LittleEndian.Uint64(data[snapPrefixLen:])
	if hlen > maxHeaderBytes {
		return SnapshotMeta{}, nil, fail("bad header length")
	}
	if uint64(snapPrefixLen+8)+hlen > uint64(len(data)) {
		return SnapshotMeta{}, nil, truncated()
	}
	hj := data[snapPrefixLen+8 : snapPrefixLen+8+hlen]
	var hdr snapHeader
	dec := json.NewDecoder(bytes.NewReader(hj))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hdr); err != nil || dec.More() {
		return SnapshotMeta{}, nil, fail("bad header")
	}
	if hdr.Format != version {
		return SnapshotMeta{}, nil, fail("header format mismatch")
	}
	if version == snapVersion1 && !upgradeV1Sources(hdr.Sources, hdr.Country) {
		return SnapshotMeta{}, nil, fail("region in a version 1 header")
	}
	nsrc := len(hdr.Sources)
	if nsrc > MaxSources || (nsrc == 0 && hdr.Count > 0) || hdr.MaskWidth != maskWidth(nsrc) {
		return SnapshotMeta{}, nil, fail("bad sources or mask width")
	}
	if hdr.BloomBits == 0 || hdr.BloomHashes == 0 || hdr.BloomHashes > 64 || hdr.BloomBits > 64*(hdr.Count+64) {
		return SnapshotMeta{}, nil, fail("bad bloom geometry")
	}
	lay, ok := layoutFor(hlen, &hdr)
	if !ok {
		return SnapshotMeta{}, nil, fail("bad sizes in header")
	}
	if size := uint64(len(data)); size != lay.total {
		if size < lay.total {
			return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: %w (%d bytes, header promises %d)", path, ErrTruncated, size, lay.total)
		}
		return SnapshotMeta{}, nil, fail("file longer than its header promises")
	}
	if !trailerOK(data) {
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: %w", path, ErrBadChecksum)
	}

	// The bytes are as written; check the structure all the same, so that
	// no file can make a look-up go out of bounds.
	for _, pad := range [][2]uint64{{snapPrefixLen + 8 + hlen, lay.segFst}, {lay.index + 4*hdr.IndexLen, lay.lows},
		{lay.lows + uint64(hdr.LowWidth)*hdr.Count, lay.masks}, {lay.masks + uint64(hdr.MaskWidth)*hdr.Count, lay.bloom}} {
		for _, b := range data[pad[0]:pad[1]] {
			if b != 0 {
				return SnapshotMeta{}, nil, corrupt("padding not zero")
			}
		}
	}
	p := packed{
		n:      int(hdr.Count),
		shift:  hdr.Shift,
		lw:     hdr.LowWidth,
		segFst: u64view(data[lay.segFst:lay.segOff]),
		segOff: u64view(data[lay.segOff:lay.index]),
		index:  u32view(data[lay.index : lay.index+4*hdr.IndexLen]),
	}
	if p.lw == 1 {
		p.lows8 = data[lay.lows : lay.lows+hdr.Count]
	} else {
		p.lows16 = u16view(data[lay.lows : lay.lows+2*hdr.Count])
	}
	if err := p.validate(); err != nil {
		return SnapshotMeta{}, nil, corrupt(err.Error())
	}
	p.derive()
	for _, sum := range []string{hdr.Checksum, hdr.KeysSum} {
		if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
			return SnapshotMeta{}, nil, corrupt("bad set checksum")
		}
	}
	if hdr.Covers != nil {
		c, err := ParseCoverage(hdr.Covers)
		if err != nil || len(c) == 0 || !slices.Equal(c, hdr.Covers) {
			return SnapshotMeta{}, nil, corrupt("bad coverage list")
		}
	}
	words := u64view(data[lay.bloom:lay.trailer])
	bf := bloom.FromWithM(words, uint(hdr.BloomBits), uint(hdr.BloomHashes))
	s := &Set{p: p, mem: mem, sources: fromSnapSources(hdr.Sources), bloom: bf, cover: newCoverage(hdr.Covers)}
	if keepMasks {
		s.masks = data[lay.masks : lay.masks+uint64(hdr.MaskWidth)*hdr.Count]
		s.width = hdr.MaskWidth
		s.checksum = hdr.Checksum
	} else {
		s.checksum = hdr.KeysSum
	}
	// Spot-check that the filter holds the keys (a hashing change in the
	// bloom library would otherwise turn every lookup into a miss).
	step := max(p.n/bloomSpotCheck, 1)
	for i := 0; i < p.n; i += step {
		if !bloomTest(bf, p.keyAt(i)) {
			return SnapshotMeta{}, nil, corrupt("bloom filter does not hold the keys")
		}
	}
	if p.n > 0 && !bloomTest(bf, p.keyAt(p.n-1)) {
		return SnapshotMeta{}, nil, corrupt("bloom filter does not hold the keys")
	}
	meta := SnapshotMeta{AsOf: hdr.AsOf, Created: hdr.Created, Country: hdr.Country, Covers: hdr.Covers}
	if b := hdr.Base; b != nil {
		meta.Base = &BaseInfo{b.Path, b.SHA256, b.Checksum, b.Entries}
	}
	for _, c := range hdr.Changes {
		meta.Changes = append(meta.Changes, ChangeInfo(c))
	}
	return meta, s, nil
}
