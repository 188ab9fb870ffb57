package registry

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unsafe"

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
	// SaysNo is SourceInfo.saysNo: the column that unfits the source for
	// an allow or consent list.
	SaysNo string `json:"says_no,omitempty"`
}

func toSnapSources(in []SourceInfo) []snapSource {
	if in == nil {
		return nil
	}
	out := make([]snapSource, len(in))
	for i, s := range in {
		out[i] = snapSource{Label: s.Label, Path: s.Path, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf, SHA256: s.SHA256,
			Lines: s.Lines, Invalid: s.Invalid, Inner: toSnapSources(s.Inner), Covers: s.Covers, Region: s.Region, Screened: s.Screened, SaysNo: s.saysNo}
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
			Lines: s.Lines, Invalid: s.Invalid, Inner: fromSnapSources(s.Inner), Covers: s.Covers, Region: s.Region, Screened: s.Screened, saysNo: s.SaysNo}
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
