package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// snapshotFormat is a snapshot used as a source (FORMAT.md): recognised by
// its magic bytes. A plain snapshot file is memory-mapped by
// readPlainSnapshot before any format is sniffed; this reads the others (a
// gzipped snapshot, a stream), whole into memory.
type snapshotFormat struct{}

func (snapshotFormat) kind() string { return KindSnapshot }

func (snapshotFormat) sniff(in *input) (bool, error) {
	m, _ := in.r.Peek(len(snapMagic))
	return string(m) == snapMagic, nil
}

func (snapshotFormat) read(_ context.Context, in *input) (*sourceData, error) {
	data, err := readAllAligned(in.r, in.path)
	if err != nil {
		return nil, err
	}
	meta, set, err := parseSnapshot(data, nil, in.path, false)
	if err != nil {
		return nil, err
	}
	return snapshotSource(meta, set), nil
}

// readPlainSnapshot reads path if it is an uncompressed snapshot: the whole
// file memory-mapped (or read), its xxhash64 verified while another core
// computes the file's SHA-256 for the source's description (a 1 GB snapshot
// is read once). It returns nil, nil for any other file.
func readPlainSnapshot(path string) (*sourceData, error) {
	// Not opened unless regular: a named pipe is opened once only, by
	// openHashing (a second open would lose what the writer sent to the
	// first, or wait for a writer that has gone).
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return nil, nil // openHashing reports it
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	var m [len(snapMagic)]byte
	k, _ := io.ReadFull(f, m[:])
	f.Close()
	if k != len(m) || string(m[:]) != snapMagic {
		return nil, nil
	}
	data, mem, err := readSnapshotBytes(path)
	if err != nil {
		return nil, err
	}
	sumc := make(chan [sha256.Size]byte, 1)
	go func() { sumc <- sha256.Sum256(data) }()
	meta, set, err := parseSnapshot(data, mem, path, false)
	sum := <-sumc
	if err != nil {
		return nil, err
	}
	sd := snapshotSource(meta, set)
	sd.info.SHA256 = hex.EncodeToString(sum[:])
	return sd, nil
}

// snapshotSource describes a snapshot used as one source. Its keys are
// decoded only if it is merged with other sources (see Load).
func snapshotSource(meta SnapshotMeta, set *Set) *sourceData {
	return &sourceData{
		snap: set,
		info: SourceInfo{Kind: KindSnapshot, Entries: set.Len(), AsOf: meta.AsOf, Inner: set.sources, Covers: meta.Covers,
			Region: meta.Country, Screened: set.ScreenedLen()},
	}
}
