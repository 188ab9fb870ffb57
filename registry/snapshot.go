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
	snapVersion    = 2  // written for a set without wash results; readers also accept snapVersion1
	snapVersion1   = 1  // before sources recorded their region
	snapVersion3   = 3  // written for a set with wash results: a screened set follows the bloom filter
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
	// Screened (format 3) describes the packed screened set.
	Screened *snapScreened `json:"screened,omitempty"`
}

// snapScreened describes a packed screened set: its count and geometry,
// as the header's count, shift, low_width, segments and index_len do the
// keys'.
type snapScreened struct {
	Count    uint64 `json:"count"`
	Shift    uint   `json:"shift"`
	LowWidth int    `json:"low_width"`
	Segments uint64 `json:"segments"`
	IndexLen uint64 `json:"index_len"`
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
	// Screened (format 3) is SourceInfo.Screened.
	Screened int `json:"screened,omitempty"`
}

func toSnapSources(in []SourceInfo) []snapSource {
	if in == nil {
		return nil
	}
	out := make([]snapSource, len(in))
	for i, s := range in {
		out[i] = snapSource{Label: s.Label, Path: s.Path, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf, SHA256: s.SHA256,
			Lines: s.Lines, Invalid: s.Invalid, Inner: toSnapSources(s.Inner), Covers: s.Covers, Region: s.Region, Screened: s.Screened}
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
			Lines: s.Lines, Invalid: s.Invalid, Inner: fromSnapSources(s.Inner), Covers: s.Covers, Region: s.Region, Screened: s.Screened}
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
	keys     packedLayout
	masks    uint64
	bloom    uint64
	screened packedLayout // zero without a screened set
	trailer  uint64
	total    uint64
}

// packedLayout holds the offsets of a packed set's arrays, and of the end
// of its (padded) lows.
type packedLayout struct {
	segFst, segOff, index, lows, end uint64
}

// layPacked lays out from off (a multiple of 8) a packed set of n lows of lw
// bytes, g segments and an index of m entries.
func layPacked(off, n, g, m uint64, lw int) packedLayout {
	var l packedLayout
	l.segFst = off
	off += 8 * g
	l.segOff = off
	off += 8 * (g + 1)
	l.index = off
	off += 4 * m
	off += pad8(off)
	l.lows = off
	off += uint64(lw) * n
	l.end = off + pad8(off)
	return l
}

// packedSane reports whether a packed set's sizes are within the format's
// bounds: fewer than 2^32 keys, at most one segment a key and one more.
func packedSane(n, g, m uint64, lw int) bool {
	return n <= 1<<32-1 && g <= n+1 && m <= 1<<40 && (lw == 1 || lw == 2)
}

// layoutFor computes the layout for a header of hlen bytes; false when the
// header's sizes are out of bounds.
func layoutFor(hlen uint64, h *snapHeader) (snapLayout, bool) {
	var l snapLayout
	if hlen > maxHeaderBytes || !packedSane(h.Count, h.Segments, h.IndexLen, h.LowWidth) || h.BloomBits > 1<<46 ||
		h.MaskWidth < 0 || h.MaskWidth > 8 {
		return l, false
	}
	off := uint64(snapPrefixLen+8) + hlen
	off += pad8(off)
	l.keys = layPacked(off, h.Count, h.Segments, h.IndexLen, h.LowWidth)
	off = l.keys.end
	l.masks = off
	off += uint64(h.MaskWidth) * h.Count
	off += pad8(off)
	l.bloom = off
	off += 8 * ((h.BloomBits + 63) / 64)
	if sc := h.Screened; sc != nil {
		if !packedSane(sc.Count, sc.Segments, sc.IndexLen, sc.LowWidth) {
			return l, false
		}
		l.screened = layPacked(off, sc.Count, sc.Segments, sc.IndexLen, sc.LowWidth)
		off = l.screened.end
	}
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
	hdr, err := snapshotHeader(s, meta)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	hdr.BloomBits, hdr.BloomHashes = uint64(bf.Cap()), uint64(bf.K())
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
	sw := &snapWriter{w: bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)}
	var prefix [snapPrefixLen + 8]byte
	copy(prefix[:], snapMagic)
	prefix[len(snapMagic)] = byte(hdr.Format)
	binary.LittleEndian.PutUint64(prefix[snapPrefixLen:], uint64(len(hj)))
	sw.put(prefix[:])
	sw.put(hj)
	sw.align()
	sw.packed(&s.p)
	sw.put(s.masks)
	sw.align()
	sw.put(leBytes(words))
	if s.screened != nil {
		sw.packed(s.screened)
	}
	if sw.off != lay.trailer {
		return fmt.Errorf("snapshot %s: wrote %d bytes, layout says %d", path, sw.off, lay.trailer)
	}
	if err := sw.w.Flush(); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	var sum [trailerLen]byte
	binary.LittleEndian.PutUint64(sum[:], h.Sum64())
	if _, err := w.Write(sum[:]); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	return nil
}

// snapshotHeader returns the header of s's snapshot, the bloom geometry
// left to fill.
func snapshotHeader(s *Set, meta SnapshotMeta) (snapHeader, error) {
	if meta.AsOf.IsZero() {
		meta.AsOf = s.AsOf()
	}
	if meta.Created.IsZero() {
		meta.Created = time.Now()
	}
	full, keysSum := s.checksums()
	p := &s.p
	hdr := snapHeader{
		Format:    snapVersion,
		AsOf:      meta.AsOf.UTC(),
		Created:   meta.Created.UTC(),
		Country:   meta.Country,
		Count:     uint64(p.n),
		MaskWidth: s.width,
		Shift:     p.shift,
		LowWidth:  p.lw,
		Segments:  uint64(len(p.segFst)),
		IndexLen:  uint64(len(p.index)),
		Checksum:  full,
		KeysSum:   keysSum,
		Sources:   toSnapSources(s.sources),
		Covers:    s.Coverage(),
	}
	if sp := s.screened; sp != nil {
		hdr.Format = snapVersion3
		hdr.Screened = &snapScreened{Count: uint64(sp.n), Shift: sp.shift, LowWidth: sp.lw, Segments: uint64(len(sp.segFst)), IndexLen: uint64(len(sp.index))}
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
		return hdr, errors.New("empty coverage list: the snapshot would screen no number")
	}
	return hdr, nil
}

// snapWriter writes a snapshot's sections, counting the bytes.
type snapWriter struct {
	w   *bufio.Writer
	off uint64
}

func (sw *snapWriter) put(b []byte) {
	sw.w.Write(b)
	sw.off += uint64(len(b))
}

// align writes the zero bytes up to a multiple of 8.
func (sw *snapWriter) align() {
	var zeros [8]byte
	sw.put(zeros[:pad8(sw.off)])
}

// packed writes a packed set's arrays (see layPacked).
func (sw *snapWriter) packed(p *packed) {
	sw.put(leBytes(p.segFst))
	sw.put(leBytes(p.segOff))
	sw.put(leBytes(p.index))
	sw.align()
	if p.lw == 1 {
		sw.put(p.lows8)
	} else {
		sw.put(leBytes(p.lows16))
	}
	sw.align()
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
