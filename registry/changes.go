package registry

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/listscrub/listscrub/normalize"
)

// Change is one change file applied to a base snapshot by ApplyChanges: a
// raw list (any accepted format) of numbers added to or removed from the
// registry, as the US registry publishes them between full downloads.
type Change struct {
	// Label names the base source the change applies to. An empty label adds
	// to the base's only source (or, when the base has several, to a new
	// source named after the file), and removes from every source. A label
	// that is not one of the base's sources adds a new source.
	Label  string
	Path   string
	Remove bool
}

// ChangeInfo records one applied change file.
type ChangeInfo struct {
	Op      string         `json:"op"`                // "add" or "remove"
	Label   string         `json:"label,omitempty"`   // the source it applied to; "" for a removal from every source
	Path    string         `json:"path"`              // as given
	SHA256  string         `json:"sha256"`            // hex SHA-256 of the file's bytes
	Lines   int            `json:"lines"`             // data lines read
	Invalid map[string]int `json:"invalid,omitempty"` // invalid lines by reason
	Entries int            `json:"entries"`           // distinct valid numbers in the file
	Applied int            `json:"applied"`           // numbers actually added to or removed from a source
	// ColumnsIgnored are the file's header cells that look like phone
	// columns but were not read (see SourceInfo.ColumnsIgnored).
	ColumnsIgnored []string `json:"-"`
}

// BaseInfo identifies the base snapshot a snapshot was built from.
type BaseInfo struct {
	Path     string `json:"path"`     // as given
	SHA256   string `json:"sha256"`   // hex SHA-256 of the base file
	Checksum string `json:"checksum"` // the base set's checksum (Set.Checksum)
	Entries  int    `json:"entries"`
}

// ApplyChanges reads the snapshot at basePath and applies the change files
// in order of kind: every addition, then every removal (a number both added
// and removed is removed). The returned Set keeps the base's sources (plus
// any new source an addition names), with their entry counts updated, and
// the base's coverage; meta is the base's metadata with Base and Changes
// filled in. Any unreadable file, (with opts.Strict) line, or file refused
// by opts.Checks (a change file may be empty) is an error. A base built
// from wash results is refused: change files carry no verdicts.
func ApplyChanges(ctx context.Context, basePath string, changes []Change, opts LoadOptions) (*Set, SnapshotMeta, error) {
	if opts.Normalizer == nil {
		return nil, SnapshotMeta{}, errors.New("registry: LoadOptions.Normalizer is required")
	}
	meta, base, err := readBase(basePath)
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	baseSum, err := fileSHA256(basePath)
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	data, err := readChanges(ctx, basePath, base, meta, changes, opts)
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	plan, err := planChanges(basePath, base, changes, data)
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	keys, masks, err := plan.apply(ctx, base)
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	sources := plan.sources
	s := &Set{masks: masks, width: plan.width}
	counts := make([]int, len(sources))
	for i := range keys {
		m := s.maskAt(i)
		for b := range sources {
			if m&(1<<b) != 0 {
				counts[b]++
			}
		}
	}
	for b := range sources {
		sources[b].Entries = counts[b]
		if sources[b].Invalid != nil {
			sources[b].Invalid = maps.Clone(sources[b].Invalid)
		}
	}
	out := newSet(keys, masks, plan.width, sources, true)
	out.cover = base.cover
	meta.Base = &BaseInfo{Path: basePath, SHA256: baseSum, Checksum: base.Checksum(), Entries: base.Len()}
	meta.Changes = plan.infos
	meta.Covers = base.Coverage()
	return out, meta, nil
}

// readBase reads and checks the base snapshot of ApplyChanges.
func readBase(basePath string) (SnapshotMeta, *Set, error) {
	meta, base, err := ReadSnapshotInfo(basePath)
	if err != nil {
		return SnapshotMeta{}, nil, err
	}
	// The base's keys and masks are merged: check them first (a load for a
	// scrub leaves them to the file's checksum).
	if err := base.validateContent(); err != nil {
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: %w: %v", basePath, ErrCorrupt, err)
	}
	if base.Screening() {
		// A change file says nothing of what was screened: an added number
		// would be registered but not screened, a removed one screened
		// with no verdict. Refused rather than guessed.
		return SnapshotMeta{}, nil, fmt.Errorf("snapshot %s: built from wash results, which change files cannot update: build it again from the new wash results", basePath)
	}
	return meta, base, nil
}

// readChanges reads the change files in parallel; the base and every change
// file pass the same checks as sources, except that a change file may be
// empty (a day without changes).
func readChanges(ctx context.Context, basePath string, base *Set, meta SnapshotMeta, changes []Change, opts LoadOptions) ([]*sourceData, error) {
	data := make([]*sourceData, len(changes))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, c := range changes {
		g.Go(func() error {
			o := opts
			// A removal read from one column too many would unregister
			// numbers: removal files read as few columns as exempt lists.
			o.Exempt = opts.Exempt || c.Remove
			sd, err := readSource(gctx, Spec{Label: c.Label, Path: c.Path}, o)
			if err != nil {
				return err
			}
			if sd.info.Kind == KindSnapshot {
				return fmt.Errorf("registry %s: a change file must be a raw list, not a snapshot", c.Path)
			}
			data[i] = sd
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vetted := []*SourceInfo{{Path: basePath, Kind: KindSnapshot, Entries: base.Len(), AsOf: meta.AsOf, Region: meta.Country}}
	for _, sd := range data {
		vetted = append(vetted, &sd.info)
	}
	checks := opts.Checks
	checks.RequireNumbers = false
	if err := checks.vetAll(vetted, opts.Normalizer.Region()); err != nil {
		return nil, err
	}
	return data, nil
}

// changePlan is the change files resolved to the source bits each sets or
// clears.
type changePlan struct {
	sources     []SourceInfo // the base's, and the new ones additions name
	width       int          // mask width for sources
	addLists    [][]uint64   // the base's keys, then each addition's
	addMasks    []uint64     // the bit each addition sets
	removeLists [][]uint64
	removeMasks []uint64 // the bits each removal clears
	addIdx      []int    // index in changes of each addition
	removeIdx   []int    // and of each removal
	infos       []ChangeInfo
}

// planChanges resolves each change to the mask of source bits it sets or
// clears.
func planChanges(basePath string, base *Set, changes []Change, data []*sourceData) (*changePlan, error) {
	pl := &changePlan{sources: base.Sources(), addLists: [][]uint64{base.p.decodeAll()}, infos: make([]ChangeInfo, len(changes))}
	bit := func(label string) int {
		return slices.IndexFunc(pl.sources, func(s SourceInfo) bool { return s.Label == label })
	}
	for i, c := range changes {
		sd := data[i]
		pl.infos[i] = ChangeInfo{Op: "add", Label: c.Label, Path: c.Path, SHA256: sd.info.SHA256,
			Lines: sd.info.Lines, Invalid: sd.info.Invalid, Entries: len(sd.keys), ColumnsIgnored: sd.info.ColumnsIgnored}
		if c.Remove {
			pl.infos[i].Op = "remove"
			m := ^uint64(0)
			if c.Label != "" {
				b := bit(c.Label)
				if b < 0 {
					return nil, fmt.Errorf("registry %s: base snapshot %s has no source %q to remove from", c.Path, basePath, c.Label)
				}
				m = 1 << b
			}
			pl.removeLists = append(pl.removeLists, sd.keys)
			pl.removeMasks = append(pl.removeMasks, m)
			pl.removeIdx = append(pl.removeIdx, i)
			continue
		}
		label := c.Label
		if label == "" {
			if len(pl.sources) == 1 {
				label = pl.sources[0].Label
			} else {
				label = labelFromPath(c.Path)
			}
		}
		b := bit(label)
		if b < 0 {
			if len(pl.sources) == MaxSources {
				return nil, fmt.Errorf("registry %s: base snapshot %s already has %d sources", c.Path, basePath, MaxSources)
			}
			pl.sources = append(pl.sources, SourceInfo{Label: label, Path: c.Path, Kind: sd.info.Kind, AsOf: sd.info.AsOf,
				SHA256: sd.info.SHA256, Lines: sd.info.Lines, Invalid: sd.info.Invalid, Region: sd.info.Region,
				ColumnsIgnored: sd.info.ColumnsIgnored})
			b = len(pl.sources) - 1
		}
		pl.infos[i].Label = label
		pl.addLists = append(pl.addLists, sd.keys)
		pl.addMasks = append(pl.addMasks, 1<<b)
		pl.addIdx = append(pl.addIdx, i)
	}
	pl.width = maskWidth(len(pl.sources))
	return pl, nil
}

// apply merges the base's keys and the additions, clears the removals'
// bits and drops the keys no source holds any more, counting what each
// change applied.
func (pl *changePlan) apply(ctx context.Context, base *Set) (keys []uint64, masks []byte, err error) {
	n := 0
	mergeWalk(pl.addLists, func(uint64, uint64) { n++ })
	keys = make([]uint64, 0, n)
	masks = make([]byte, 0, n*pl.width)
	removePos := make([]int, len(pl.removeLists))
	bi := 0
	var walked int
	mergeWalk(pl.addLists, func(k, lm uint64) {
		if err != nil {
			return
		}
		if walked++; walked&0xfffff == 0 {
			err = ctx.Err()
		}
		var m uint64
		if lm&1 != 0 {
			m = base.maskAt(bi)
			bi++
		}
		for j, am := range pl.addMasks {
			if lm&(2<<j) != 0 {
				if m&am == 0 {
					pl.infos[pl.addIdx[j]].Applied++
				}
				m |= am
			}
		}
		for j, l := range pl.removeLists {
			p := removePos[j]
			for p < len(l) && l[p] < k {
				p++
			}
			removePos[j] = p
			if p < len(l) && l[p] == k {
				if m&pl.removeMasks[j] != 0 {
					pl.infos[pl.removeIdx[j]].Applied++
				}
				m &^= pl.removeMasks[j]
			}
		}
		if m == 0 {
			return
		}
		keys = append(keys, k)
		masks = appendMask(masks, pl.width, m)
	})
	if err != nil {
		return nil, nil, err
	}
	if pl.width == 0 {
		masks = nil
	}
	return keys, masks, nil
}

// fileSHA256 returns the hex SHA-256 of a file's bytes.
func fileSHA256(path string) (string, error) {
	hf, err := openHashing(context.Background(), path)
	if err != nil {
		return "", err
	}
	defer hf.f.Close()
	return hf.finish(path)
}

// Diff compares two sets' numbers (not their memberships) and calls fn, if
// not nil, for every number in b and not in a (added) and in a and not in b
// (removed), in ascending order. It returns the counts.
func Diff(a, b *Set, fn func(k normalize.Key, added bool)) (added, removed int) {
	return diffKeys(a.p.decodeAll(), b.p.decodeAll(), fn)
}

// DiffScreened is Diff over the numbers the sets' wash results screened
// (none for a set without wash results).
func DiffScreened(a, b *Set, fn func(k normalize.Key, added bool)) (added, removed int) {
	screened := func(s *Set) []uint64 {
		if s.screened == nil {
			return nil
		}
		return s.screened.decodeAll()
	}
	return diffKeys(screened(a), screened(b), fn)
}

// diffKeys compares two sorted key lists: see Diff.
func diffKeys(ak, bk []uint64, fn func(k normalize.Key, added bool)) (added, removed int) {
	i, j := 0, 0
	for i < len(ak) || j < len(bk) {
		switch {
		case j == len(bk) || (i < len(ak) && ak[i] < bk[j]):
			removed++
			if fn != nil {
				fn(normalize.Key(ak[i]), false)
			}
			i++
		case i == len(ak) || bk[j] < ak[i]:
			added++
			if fn != nil {
				fn(normalize.Key(bk[j]), true)
			}
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}
