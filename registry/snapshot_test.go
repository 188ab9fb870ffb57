package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// smallSet loads two small sources (8 distinct numbers).
func smallSet(t testing.TB) *Set {
	t.Helper()
	dir := t.TempDir()
	a := writeFile(t, dir, "a.txt", []byte("0612345678\n0123456789\n0698765432\n0611111111\n"))
	b := writeFile(t, dir, "b.txt", []byte("0123456789\n0555555555\n0622222222\n0633333333\n0644444444\n"))
	s, err := Load(context.Background(), []Spec{{Label: "a", Path: a}, {Label: "b", Path: b}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sameSet(t testing.TB, got, want *Set) {
	t.Helper()
	if !slices.Equal(keysOf(got), keysOf(want)) {
		t.Fatalf("keys differ")
	}
	for k, m := range want.All() {
		if g := got.Lookup(k); g != m {
			t.Fatalf("Lookup(%d) = %b, want %b", k, g, m)
		}
	}
	if got.Checksum() != want.Checksum() {
		t.Fatalf("checksum %s, want %s", got.Checksum(), want.Checksum())
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := smallSet(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "reg.snap")
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := WriteSnapshotFile(p, s, SnapshotMeta{AsOf: asOf, Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	meta, got, err := ReadSnapshotInfo(p)
	if err != nil {
		t.Fatal(err)
	}
	if !meta.AsOf.Equal(asOf) || meta.Country != "FR" || meta.Created.IsZero() {
		t.Fatalf("meta %+v", meta)
	}
	sameSet(t, got, s)
	if got.checksum == "" {
		t.Fatal("checksum not taken from the header")
	}
	if got.computeChecksum() != s.Checksum() {
		t.Fatal("recorded checksum differs from content")
	}
	gs, ws := got.Sources(), s.Sources()
	if len(gs) != 2 || gs[0].Label != "a" || gs[1].SHA256 != ws[1].SHA256 || gs[1].Entries != ws[1].Entries || !gs[0].AsOf.Equal(ws[0].AsOf) {
		t.Fatalf("sources %+v, want %+v", gs, ws)
	}
	if got.Bloom() != s.Bloom() {
		t.Fatalf("bloom %+v, want %+v", got.Bloom(), s.Bloom())
	}
	// No temporary file is left behind.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("dir holds %d entries", len(ents))
	}

	// Loaded as a source: one source labelled by the spec, inner sources kept.
	l, err := Load(context.Background(), []Spec{ParseSpec(p)}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	src := l.Sources()
	if len(src) != 1 || src[0].Label != "reg.snap" || src[0].Kind != KindSnapshot || len(src[0].Inner) != 2 || !src[0].AsOf.Equal(asOf) || src[0].Entries != s.Len() {
		t.Fatalf("snapshot source %+v", src)
	}
	if !l.AsOf().Equal(asOf) {
		t.Fatalf("AsOf %v", l.AsOf())
	}
	if !slices.Equal(keysOf(l), keysOf(s)) {
		t.Fatal("keys differ")
	}
	for k := range s.All() {
		if l.Lookup(k) != 1 {
			t.Fatalf("Lookup(%d) != 1", k)
		}
	}
	// With another source, the snapshot is one bit.
	dir2 := t.TempDir()
	o := writeFile(t, dir2, "o.txt", []byte("0612345678\n0699999999\n"))
	m, err := Load(context.Background(), []Spec{{Label: "o", Path: o}, {Label: "snap", Path: p}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	if m.Lookup(33612345678) != 0b11 || m.Lookup(33699999999) != 0b01 || m.Lookup(33555555555) != 0b10 {
		t.Fatal("masks with a snapshot source")
	}
	// A set of a single source round-trips to the same checksum as its raw load.
	p1 := filepath.Join(dir, "one.snap")
	one, _ := Load(context.Background(), []Spec{{Label: "o", Path: o}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err := WriteSnapshotFile(p1, one, SnapshotMeta{}); err != nil {
		t.Fatal(err)
	}
	l1, err := Load(context.Background(), []Spec{{Label: "o", Path: p1}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	if l1.Checksum() != one.Checksum() {
		t.Fatal("single-source snapshot checksum differs from raw")
	}
	// A snapshot of a set holding a snapshot source.
	p2 := filepath.Join(dir, "nested.snap")
	if err := WriteSnapshotFile(p2, m, SnapshotMeta{}); err != nil {
		t.Fatal(err)
	}
	_, n2, err := ReadSnapshotInfo(p2)
	if err != nil {
		t.Fatal(err)
	}
	sameSet(t, n2, m)
	if len(n2.Sources()[1].Inner) != 2 {
		t.Fatal("nested inner sources lost")
	}
	// Gzipped snapshot.
	data, _ := os.ReadFile(p)
	pz := writeFile(t, dir, "reg.snap.gz", gz(t, data))
	_, z, err := ReadSnapshotInfo(pz)
	if err != nil {
		t.Fatal(err)
	}
	sameSet(t, z, s)
}

func TestSnapshotEmptySet(t *testing.T) {
	dir := t.TempDir()
	e := writeFile(t, dir, "e.txt", []byte("numero\n"))
	s, err := Load(context.Background(), []Spec{{Label: "e", Path: e}}, LoadOptions{Normalizer: normalizer(t, "FR")})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "e.snap")
	if err := WriteSnapshotFile(p, s, SnapshotMeta{}); err != nil {
		t.Fatal(err)
	}
	_, got, err := ReadSnapshotInfo(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 0 || got.Lookup(33612345678) != 0 {
		t.Fatal("empty set")
	}
}

// TestSnapshotCorruption flips every byte and cuts at every length: each must
// be refused with an error naming the file, never loaded, never a panic.
func TestSnapshotCorruption(t *testing.T) {
	s := smallSet(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "good.snap")
	if err := WriteSnapshotFile(p, s, SnapshotMeta{Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.snap")
	fr := normalizer(t, "FR")
	check := func(what string, data []byte) {
		if err := os.WriteFile(bad, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, got, err := ReadSnapshotInfo(bad)
		if err == nil {
			t.Fatalf("%s: accepted (%d keys)", what, got.Len())
		}
		if !strings.Contains(err.Error(), bad) {
			t.Fatalf("%s: error %q does not name the file", what, err)
		}
		if !errors.Is(err, ErrBadChecksum) && !errors.Is(err, ErrTruncated) && !strings.Contains(err.Error(), "not a snapshot") {
			t.Fatalf("%s: unexpected error %v", what, err)
		}
		if _, err := Load(context.Background(), []Spec{{Label: "x", Path: bad}}, LoadOptions{Normalizer: fr}); err == nil {
			// A destroyed magic makes it a text file: it must still not load
			// as the snapshot's content.
			if strings.HasPrefix(string(data), snapMagic) {
				t.Fatalf("%s: Load accepted", what)
			}
		}
	}
	for i := range good {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			c := slices.Clone(good)
			c[i] ^= x
			check("flip", c)
		}
	}
	for n := 0; n < len(good); n++ {
		check("truncate", good[:n])
	}
	check("append", append(slices.Clone(good), 0))
	_ = normalize.Key(0)
}

// TestSnapshotSourceSHA256 checks that a snapshot loaded as a source reports
// the SHA-256 of its file, computed in the pass that verifies it.
func TestSnapshotSourceSHA256(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, dir, "a.txt", []byte("0612345678\n0145678901\n"))
	norm := normalizer(t, "FR")
	set, err := Load(context.Background(), []Spec{ParseSpec(src)}, LoadOptions{Normalizer: norm})
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "a.snap")
	if err := WriteSnapshotFile(snap, set, SnapshotMeta{Country: "FR"}); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(context.Background(), []Spec{ParseSpec(snap)}, LoadOptions{Normalizer: norm})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(snap)
	want := sha256.Sum256(data)
	if got := loaded.Sources()[0].SHA256; got != hex.EncodeToString(want[:]) {
		t.Errorf("SHA256 = %s, want %x", got, want)
	}
}
