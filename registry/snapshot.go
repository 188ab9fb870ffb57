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
	"hash"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"time"
	"unsafe"

	"github.com/bits-and-blooms/bloom/v3"
)

// Snapshot format constants; see FORMAT.md.
const (
	snapMagic      = "LSCRUBSNAP"
	snapVersion    = 1
	snapPrefixLen  = 16 // magic, version, 5 reserved zero bytes
	maxHeaderBytes = 64 << 20
	bloomPrefixLen = 24 // m, k, bitset length: big-endian uint64s
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
	Checksum    string       `json:"checksum"`
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
}

func toSnapSources(in []SourceInfo) []snapSource {
	if in == nil {
		return nil
	}
	out := make([]snapSource, len(in))
	for i, s := range in {
		out[i] = snapSource{s.Label, s.Path, s.Kind, s.Entries, s.AsOf, s.SHA256, s.Lines, s.Invalid, toSnapSources(s.Inner), s.Covers}
	}
	return out
}

func fromSnapSources(in []snapSource) []SourceInfo {
	if in == nil {
		return nil
	}
	out := make([]SourceInfo, len(in))
	for i, s := range in {
		out[i] = SourceInfo{s.Label, s.Path, s.Kind, s.Entries, s.AsOf, s.SHA256, s.Lines, s.Invalid, fromSnapSources(s.Inner), s.Covers}
	}
	return out
}

func littleEndianHost() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// pad8 returns the zero bytes needed to align off to 8.
func pad8(off uint64) uint64 { return (8 - off%8) % 8 }

// snapLayout computes section sizes from a header.
type snapLayout struct {
	headerLen, pad1, keys, masks, pad2, bloom, total uint64
}

func layoutFor(headerLen, n uint64, width int, bloomBits uint64) (snapLayout, bool) {
	var l snapLayout
	l.headerLen = headerLen
	off := uint64(snapPrefixLen+8) + headerLen
	l.pad1 = pad8(off)
	off += l.pad1
	hi, lo := bits.Mul64(n, 8)
	if hi != 0 || n > 1<<40 || bloomBits > 1<<46 {
		return l, false
	}
	l.keys = lo
	l.masks = n * uint64(width)
	off += l.keys + l.masks
	l.pad2 = pad8(off)
	off += l.pad2
	l.bloom = bloomPrefixLen + 8*((bloomBits+63)/64)
	l.total = off + 8 + l.bloom + sha256.Size
	return l, true
}

// WriteSnapshotFile writes s as a snapshot to path atomically (temporary file
// in the same directory, fsync, then rename). The snapshot's sources are s's
// sources. A zero meta.AsOf is s.AsOf(); a zero meta.Created is now.
func WriteSnapshotFile(path string, s *Set, meta SnapshotMeta) (err error) {
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
	hdr := snapHeader{
		Format:      snapVersion,
		AsOf:        meta.AsOf.UTC(),
		Created:     meta.Created.UTC(),
		Country:     meta.Country,
		Count:       uint64(len(s.keys)),
		MaskWidth:   s.width,
		Checksum:    s.Checksum(),
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
	lay, _ := layoutFor(uint64(len(hj)), hdr.Count, s.width, hdr.BloomBits)

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(tmp, h), 1<<20)
	var prefix [snapPrefixLen + 8]byte
	copy(prefix[:], snapMagic)
	prefix[len(snapMagic)] = snapVersion
	binary.LittleEndian.PutUint64(prefix[snapPrefixLen:], uint64(len(hj)))
	bw.Write(prefix[:])
	bw.Write(hj)
	var zeros [8]byte
	bw.Write(zeros[:lay.pad1])
	if littleEndianHost() && len(s.keys) > 0 {
		bw.Write(unsafe.Slice((*byte)(unsafe.Pointer(&s.keys[0])), 8*len(s.keys)))
	} else {
		var b [8]byte
		for _, k := range s.keys {
			binary.LittleEndian.PutUint64(b[:], k)
			bw.Write(b[:])
		}
	}
	bw.Write(s.masks)
	bw.Write(zeros[:lay.pad2])
	var bl [8]byte
	binary.LittleEndian.PutUint64(bl[:], lay.bloom)
	bw.Write(bl[:])
	nb, err := bf.WriteTo(bw)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if uint64(nb) != lay.bloom {
		return fmt.Errorf("snapshot %s: bloom filter wrote %d bytes, want %d", path, nb, lay.bloom)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if _, err := tmp.Write(h.Sum(nil)); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// ReadSnapshotInfo reads a snapshot's metadata and sources, verifying its
// checksum. The returned Set is the snapshot as built: its Sources are the
// snapshot's own sources and Lookup masks refer to them.
func ReadSnapshotInfo(path string) (SnapshotMeta, *Set, error) {
	hf, err := openHashing(path)
	if err != nil {
		return SnapshotMeta{}, nil, err
	}
	defer hf.f.Close()
	r := hf.br
	size := hf.size
	if magic, _ := r.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := newGzip(r)
		if err != nil {
			return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: bad gzip: %w", path, err)
		}
		defer gz.Close()
		r = bufio.NewReaderSize(gz, 1<<20)
		size = -1
	}
	return readSnapshot(r, size, path, true, nil)
}

// hashReader hashes what it reads.
type hashReader struct {
	r io.Reader
	h hash.Hash
	n uint64
}

func (hr *hashReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	hr.n += uint64(n)
	return n, err
}

// snapReader reads one snapshot stream.
type snapReader struct {
	path string
	hr   *hashReader
}

func (sr *snapReader) truncated() error {
	return fmt.Errorf("snapshot %s: %w", sr.path, ErrTruncated)
}

// fail reports a structural problem found before the checksum could be
// verified: it reads the rest of the stream and, when the trailing checksum
// does not match, reports a bad checksum instead (the usual cause).
func (sr *snapReader) fail(detail string) error {
	var tail []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := sr.hr.r.Read(buf)
		data := append(tail, buf[:n]...)
		if len(data) > sha256.Size {
			sr.hr.h.Write(data[:len(data)-sha256.Size])
			data = data[len(data)-sha256.Size:]
		}
		tail = append(tail[:0], data...)
		if err != nil {
			break
		}
	}
	if len(tail) < sha256.Size || !bytes.Equal(tail, sr.hr.h.Sum(nil)) {
		return fmt.Errorf("snapshot %s: %w (%s)", sr.path, ErrBadChecksum, detail)
	}
	return fmt.Errorf("snapshot %s: %w: %s", sr.path, ErrCorrupt, detail)
}

func (sr *snapReader) readFull(p []byte) error {
	if _, err := io.ReadFull(sr.hr, p); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return sr.truncated()
		}
		return fmt.Errorf("snapshot %s: %w", sr.path, err)
	}
	return nil
}

// readSnapshot reads a snapshot from r (positioned at its magic). size is the
// stream's length when known, or -1. Without keepMasks the memberships are
// verified but not kept, and the Set returned has the snapshot's sources but
// no masks (for use as one source). When fileSum is not nil, it receives the
// hex SHA-256 of the whole stream (trailer included), computed in the same
// pass as the verification: a large snapshot is read and hashed once.
func readSnapshot(r io.Reader, size int64, path string, keepMasks bool, fileSum *string) (SnapshotMeta, *Set, error) {
	sr := &snapReader{path: path, hr: &hashReader{r: r, h: sha256.New()}}
	var prefix [snapPrefixLen + 8]byte
	if err := sr.readFull(prefix[:]); err != nil {
		return SnapshotMeta{}, nil, err
	}
	if string(prefix[:len(snapMagic)]) != snapMagic {
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: not a snapshot", path)
	}
	if v := prefix[len(snapMagic)]; v != snapVersion {
		return SnapshotMeta{}, nil, sr.fail(fmt.Sprintf("unsupported format version %d", v))
	}
	for _, b := range prefix[len(snapMagic)+1 : snapPrefixLen] {
		if b != 0 {
			return SnapshotMeta{}, nil, sr.fail("reserved bytes not zero")
		}
	}
	hlen := binary.LittleEndian.Uint64(prefix[snapPrefixLen:])
	if hlen > maxHeaderBytes || (size >= 0 && hlen > uint64(size)) {
		return SnapshotMeta{}, nil, sr.fail("bad header length")
	}
	hj := make([]byte, hlen)
	if err := sr.readFull(hj); err != nil {
		return SnapshotMeta{}, nil, err
	}
	var hdr snapHeader
	dec := json.NewDecoder(bytes.NewReader(hj))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hdr); err != nil || dec.More() {
		return SnapshotMeta{}, nil, sr.fail("bad header")
	}
	if hdr.Format != snapVersion {
		return SnapshotMeta{}, nil, sr.fail("header format mismatch")
	}
	nsrc := len(hdr.Sources)
	if nsrc > MaxSources || (nsrc == 0 && hdr.Count > 0) || hdr.MaskWidth != maskWidth(nsrc) {
		return SnapshotMeta{}, nil, sr.fail("bad sources or mask width")
	}
	if hdr.BloomBits == 0 || hdr.BloomHashes == 0 || hdr.BloomHashes > 64 || hdr.BloomBits > 64*(hdr.Count+64) {
		return SnapshotMeta{}, nil, sr.fail("bad bloom geometry")
	}
	lay, ok := layoutFor(hlen, hdr.Count, hdr.MaskWidth, hdr.BloomBits)
	if !ok {
		return SnapshotMeta{}, nil, sr.fail("bad entry count")
	}
	if size >= 0 && uint64(size) != lay.total {
		if uint64(size) < lay.total {
			return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: %w (%d bytes, header promises %d)", path, ErrTruncated, size, lay.total)
		}
		return SnapshotMeta{}, nil, sr.fail("file longer than its header promises")
	}
	var zeros [8]byte
	var pad [8]byte
	if err := sr.readFull(pad[:lay.pad1]); err != nil {
		return SnapshotMeta{}, nil, err
	}
	if !bytes.Equal(pad[:lay.pad1], zeros[:lay.pad1]) {
		return SnapshotMeta{}, nil, sr.fail("padding not zero")
	}

	// Keys: read straight into the key array. Without a known size, grow it
	// as data arrives so that a lying count cannot allocate unbounded memory.
	n := hdr.Count
	var keys []uint64
	if size >= 0 {
		keys = make([]uint64, n)
		if err := sr.readKeys(keys); err != nil {
			return SnapshotMeta{}, nil, err
		}
	} else {
		const chunk = 1 << 20
		for uint64(len(keys)) < n {
			c := min(n-uint64(len(keys)), chunk)
			keys = append(keys, make([]uint64, c)...)
			if err := sr.readKeys(keys[uint64(len(keys))-c:]); err != nil {
				return SnapshotMeta{}, nil, err
			}
		}
	}

	// Masks: kept or only hashed and checked.
	var masks []byte
	maskErr := ""
	limit := uint64(1)<<nsrc - 1
	if nsrc == 64 {
		limit = ^uint64(0)
	}
	{
		w := uint64(hdr.MaskWidth)
		buf := make([]byte, min(lay.masks, 1<<16))
		left := lay.masks
		if keepMasks && size >= 0 {
			masks = make([]byte, 0, lay.masks)
		}
		for left > 0 {
			c := min(left, uint64(len(buf)))
			c -= c % w
			if err := sr.readFull(buf[:c]); err != nil {
				return SnapshotMeta{}, nil, err
			}
			for i := uint64(0); i < c && maskErr == ""; i += w {
				var m uint64
				switch w {
				case 1:
					m = uint64(buf[i])
				case 2:
					m = uint64(binary.LittleEndian.Uint16(buf[i:]))
				case 4:
					m = uint64(binary.LittleEndian.Uint32(buf[i:]))
				default:
					m = binary.LittleEndian.Uint64(buf[i:])
				}
				if m == 0 || m > limit {
					maskErr = "bad membership mask"
				}
			}
			if keepMasks {
				masks = append(masks, buf[:c]...)
			}
			left -= c
		}
	}
	if err := sr.readFull(pad[:lay.pad2]); err != nil {
		return SnapshotMeta{}, nil, err
	}
	if !bytes.Equal(pad[:lay.pad2], zeros[:lay.pad2]) {
		return SnapshotMeta{}, nil, sr.fail("padding not zero")
	}

	// Bloom filter: length, then the library's WriteTo form, whose own
	// length fields are checked before the library allocates anything.
	var bp [8 + bloomPrefixLen]byte
	if err := sr.readFull(bp[:]); err != nil {
		return SnapshotMeta{}, nil, err
	}
	if binary.LittleEndian.Uint64(bp[:8]) != lay.bloom ||
		binary.BigEndian.Uint64(bp[8:]) != hdr.BloomBits ||
		binary.BigEndian.Uint64(bp[16:]) != hdr.BloomHashes ||
		binary.BigEndian.Uint64(bp[24:]) != hdr.BloomBits {
		return SnapshotMeta{}, nil, sr.fail("bloom filter does not match header")
	}
	bf := &bloom.BloomFilter{}
	body := io.LimitReader(sr.hr, int64(lay.bloom-bloomPrefixLen))
	nb, err := bf.ReadFrom(io.MultiReader(bytes.NewReader(bp[8:]), body))
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return SnapshotMeta{}, nil, sr.truncated()
		}
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: bloom filter: %w", path, err)
	}
	if uint64(nb) != lay.bloom {
		return SnapshotMeta{}, nil, sr.fail("bloom filter length")
	}

	// Trailing checksum, then end of stream.
	want := sr.hr.h.Sum(nil)
	var got [sha256.Size]byte
	if _, err := io.ReadFull(sr.hr.r, got[:]); err != nil {
		return SnapshotMeta{}, nil, sr.truncated()
	}
	if !bytes.Equal(got[:], want) {
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: %w", path, ErrBadChecksum)
	}
	var one [1]byte
	if k, _ := io.ReadFull(sr.hr.r, one[:]); k != 0 {
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: %w: data after the checksum", path, ErrCorrupt)
	}
	if fileSum != nil {
		sr.hr.h.Write(got[:])
		*fileSum = hex.EncodeToString(sr.hr.h.Sum(nil))
	}

	// The content is as written; check it is a valid set all the same.
	corrupt := func(d string) error { return fmt.Errorf("snapshot %s: %w: %s", path, ErrCorrupt, d) }
	if maskErr != "" {
		return SnapshotMeta{}, nil, corrupt(maskErr)
	}
	prev := uint64(0)
	for _, k := range keys {
		if k <= prev || k > maxKey {
			return SnapshotMeta{}, nil, corrupt("keys not sorted or out of range")
		}
		prev = k
	}
	if hdr.Checksum != "" {
		if b, err := hex.DecodeString(hdr.Checksum); err != nil || len(b) != sha256.Size {
			return SnapshotMeta{}, nil, corrupt("bad set checksum")
		}
	}
	if hdr.Covers != nil {
		c, err := ParseCoverage(hdr.Covers)
		if err != nil || len(c) == 0 || !slices.Equal(c, hdr.Covers) {
			return SnapshotMeta{}, nil, corrupt("bad coverage list")
		}
	}
	sources := fromSnapSources(hdr.Sources)
	width := hdr.MaskWidth
	if !keepMasks {
		width, masks = 0, nil
	}
	s := &Set{keys: keys, masks: masks, width: width, sources: sources, bloom: bf, cover: newCoverage(hdr.Covers)}
	if keepMasks {
		s.checksum = hdr.Checksum
	}
	s.buildIndex()
	// Spot-check that the filter holds the keys (a hashing change in the
	// bloom library would otherwise turn every lookup into a miss).
	step := max(len(keys)/bloomSpotCheck, 1)
	for i := 0; i < len(keys); i += step {
		if !bloomTest(bf, keys[i]) {
			return SnapshotMeta{}, nil, corrupt("bloom filter does not hold the keys")
		}
	}
	if len(keys) > 0 && !bloomTest(bf, keys[len(keys)-1]) {
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

// readKeys reads little-endian keys into dst.
func (sr *snapReader) readKeys(dst []uint64) error {
	if len(dst) == 0 {
		return nil
	}
	if littleEndianHost() {
		return sr.readFull(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 8*len(dst)))
	}
	buf := make([]byte, 8*4096)
	for len(dst) > 0 {
		c := min(len(dst), 4096)
		if err := sr.readFull(buf[:8*c]); err != nil {
			return err
		}
		for i := range c {
			dst[i] = binary.LittleEndian.Uint64(buf[8*i:])
		}
		dst = dst[c:]
	}
	return nil
}
