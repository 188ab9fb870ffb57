package registry

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/listscrub/listscrub/ctxfile"
)

// sourceData is one loaded source.
type sourceData struct {
	info SourceInfo
	keys []uint64 // sorted, distinct
	snap *Set     // the snapshot, for a snapshot source
	// screened holds, for a wash result, the numbers it screened (sorted,
	// distinct; keys among them); nil for other sources.
	screened []uint64
	// recorded is true when the source's lines went to the load's consent
	// builder as they were read (a dated consent CSV, datedcols.go).
	recorded bool
}

// input is a source's content being read: decompressed, and what sniffing
// read of it (text).
type input struct {
	path string
	opts LoadOptions
	r    *bufio.Reader
	size int64      // bytes of content; -1 when unknown (compressed)
	text *textStart // the start of a text source, once read (see start)
	// book says the text is a workbook sheet's (sheetText): its rows end at
	// their last non-empty cell, so a row may have fewer fields than the
	// header.
	book bool
}

// hashingFile reads a file, hashing and counting every byte read.
type hashingFile struct {
	f       *ctxfile.File // its open and reads stop when the load is cancelled
	size    int64
	mod     time.Time
	regular bool // a regular file: finish checks that it did not change
	last    byte // the last byte read
	h       hashWriter
	n       int64         // bytes read (hashed)
	br      *bufio.Reader // over io.TeeReader(f, the hash and n)
}

// Write hashes and counts p (the tee of the file's reads).
func (hf *hashingFile) Write(p []byte) (int, error) {
	hf.n += int64(len(p))
	if len(p) > 0 {
		hf.last = p[len(p)-1]
	}
	return hf.h.Write(p)
}

type hashWriter interface {
	io.Writer
	Sum([]byte) []byte
}

func openHashing(ctx context.Context, path string) (*hashingFile, error) {
	f, err := ctxfile.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("registry %s: is a directory", path)
	}
	bufSize := int(min(max(st.Size()+16, 4096), 1<<20))
	hf := &hashingFile{f: f, size: st.Size(), mod: st.ModTime(), regular: st.Mode().IsRegular(), h: sha256.New()}
	hf.br = bufio.NewReaderSize(io.TeeReader(f, hf), bufSize)
	return hf, nil
}

// finish reads what is left of the file into the hash and returns the hex
// sum. A regular file must be as it was when opened: all of its size read,
// and its size and modification time unchanged. A list truncated or
// rewritten while it is read would otherwise lose registered numbers with
// no error (or mix two versions under one checksum).
func (hf *hashingFile) finish(path string) (string, error) {
	if _, err := io.Copy(io.Discard, hf.br); err != nil {
		return "", fmt.Errorf("registry %s: %w", path, err)
	}
	if hf.regular {
		now, err := hf.f.Stat()
		if err != nil {
			return "", fmt.Errorf("registry %s: %w", path, err)
		}
		if hf.n != hf.size || now.Size() != hf.size || !now.ModTime().Equal(hf.mod) {
			return "", fmt.Errorf("registry %s: changed while it was read (%d bytes when opened, %d read, %d now): get a complete copy that is no longer written to",
				path, hf.size, hf.n, now.Size())
		}
	}
	return hex.EncodeToString(hf.h.Sum(nil)), nil
}

// readSource loads one spec: a plain snapshot file is used in place
// (readPlainSnapshot); any other file is read, gunzipped when it is gzip,
// and hashed, in the format the spec gives or the one sniffed (formats).
func readSource(ctx context.Context, spec Spec, opts LoadOptions) (*sourceData, error) {
	path := spec.Path
	given, err := formatNamed(spec.Format)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	if given == nil || given.kind() == KindSnapshot {
		if sd, err := readPlainSnapshot(path); sd != nil || err != nil {
			return finishSource(sd, spec, opts), err
		}
	}
	hf, err := openHashing(ctx, path)
	if err != nil {
		return nil, err
	}
	defer hf.f.Close()

	in := &input{path: path, opts: opts, r: hf.br, size: hf.size}
	gzipped, book, sheet := false, false, ""
	if magic, _ := hf.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := newGzip(hf.br)
		if err != nil {
			return nil, fmt.Errorf("registry %s: bad gzip: %w", path, err)
		}
		defer gz.Close()
		in.r = bufio.NewReaderSize(gz, min(hf.br.Size()*4, 1<<20))
		in.size = -1
		gzipped = true
		if isBook(in.r) {
			return nil, fmt.Errorf("registry %s: a gzip-compressed workbook: decompress it (gunzip) and give the workbook itself", path)
		}
	} else if isBook(hf.br) {
		text, err := bookText(ctx, hf, path, opts)
		if err != nil {
			return nil, err
		}
		in.r = bufio.NewReaderSize(text, 1<<20)
		in.size = -1
		book, sheet = true, text.sheet
		in.book = true
	}
	f := given
	if f == nil {
		if f, err = sniffFormat(in); err != nil {
			return nil, err
		}
	}
	sd, err := f.read(ctx, in)
	if err != nil {
		return nil, err
	}
	if sd.info.Kind != KindSnapshot {
		sd.info.AsOf = hf.mod.UTC().Truncate(24 * time.Hour)
	}
	sum, err := hf.finish(path)
	if err != nil {
		return nil, err
	}
	if err := cutShort(hf, gzipped || book || sd.info.Kind == KindSnapshot, path, opts); err != nil {
		return nil, err
	}
	sd.info.SHA256 = sum
	sd.info.Sheet = sheet
	return finishSource(sd, spec, opts), nil
}

// cutShort refuses a block list read from a plain stream (a pipe, a FIFO)
// whose last line has no line break: its end proves nothing, so it may have
// been cut short, and the numbers after the cut (and the one cut, now an
// invalid line under --max-invalid, or another valid number) would be
// missing with no error. A regular file's end is proven by its size, a gzip
// stream's by its trailer, a workbook's by its zip directory, a snapshot's by its checksum (proven). Allow and
// consent lists read short can only make fewer rows clean; Lenient accepts
// the stream.
func cutShort(hf *hashingFile, proven bool, path string, opts LoadOptions) error {
	if hf.regular || proven || opts.Exempt || opts.Checks.Lenient || hf.n == 0 || hf.last == '\n' || hf.last == '\r' {
		return nil
	}
	return fmt.Errorf("registry %s: a stream whose last line has no line break may have been cut short: give the list as a file, or end it with a line break", path)
}

// finishSource gives sd what the spec and the options say of it: label,
// path, and whether it is read as an allow or consent list (codecols.go).
func finishSource(sd *sourceData, spec Spec, opts LoadOptions) *sourceData {
	if sd != nil {
		sd.info.Label = spec.Label
		sd.info.Path = spec.Path
		sd.info.codes.exempt = opts.Exempt
	}
	return sd
}

func newGzip(r io.Reader) (*gzip.Reader, error) { return gzip.NewReader(r) }
