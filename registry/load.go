package registry

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// Load reads every source (raw list, CSV, NANP area-code file, .gz, or
// snapshot, detected by content) into one Set. Any unreadable source, bad
// snapshot checksum, (with Strict) unreadable line, or source refused by
// opts.Checks is an error naming the file and line. Sources are read in parallel; labels must be distinct.
func Load(ctx context.Context, specs []Spec, opts LoadOptions) (*Set, error) {
	return load(ctx, specs, opts, true)
}

func load(ctx context.Context, specs []Spec, opts LoadOptions, withBloom bool) (*Set, error) {
	if len(specs) == 0 {
		return nil, errors.New("registry: no source given")
	}
	if len(specs) > MaxSources {
		return nil, fmt.Errorf("registry: %d sources given, at most %d", len(specs), MaxSources)
	}
	seen := make(map[string]bool, len(specs))
	for _, sp := range specs {
		if sp.Label == "" {
			return nil, fmt.Errorf("registry %s: empty label", sp.Path)
		}
		if seen[sp.Label] {
			return nil, fmt.Errorf("registry %s: label %q given twice", sp.Path, sp.Label)
		}
		seen[sp.Label] = true
	}
	if opts.Normalizer == nil {
		return nil, errors.New("registry: LoadOptions.Normalizer is required")
	}
	for _, sp := range specs {
		if sp.Format == KindHistory {
			return nil, fmt.Errorf("registry %s: a contact history is no registry (LoadHistory reads it)", sp.Path)
		}
	}
	if opts.Consents != nil {
		if !opts.Exempt {
			return nil, errors.New("registry: LoadOptions.Consents is for consent lists (Exempt)")
		}
		opts.records = &recordSink{consents: opts.Consents}
	}
	data := make([]*sourceData, len(specs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, sp := range specs {
		g.Go(func() error {
			sd, err := readSource(gctx, sp, opts)
			if err != nil {
				return err
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
	infos := make([]*SourceInfo, len(data))
	for i, sd := range data {
		infos[i] = &sd.info
	}
	if err := opts.Checks.vetAll(infos, opts.Normalizer.Region()); err != nil {
		return nil, err
	}
	if opts.records != nil {
		for _, sd := range data {
			switch {
			case sd.recorded:
			case sd.snap != nil:
				opts.records.addUndated(sd.snap.p.decodeAll())
			default:
				opts.records.addUndated(sd.keys)
			}
		}
	}
	sources := make([]SourceInfo, len(data))
	lists := make([][]uint64, len(data))
	for i, sd := range data {
		sources[i] = sd.info
	}
	// One snapshot alone: its packed keys and bloom filter are used in place.
	if len(data) == 1 && data[0].snap != nil {
		snap := data[0].snap
		s := &Set{p: snap.p, mem: snap.mem, sources: sources, bloom: snap.bloom, cover: coverageOf(sources), noBloom: !withBloom,
			checksum: snap.checksum, screened: snap.screened}
		if !withBloom {
			s.bloom = nil
		}
		return s, nil
	}
	screened := mergeScreened(data)
	for i, sd := range data {
		lists[i] = sd.keys
		if sd.snap != nil {
			lists[i] = sd.snap.p.decodeAll()
		}
	}
	keys, masks, width := mergeSources(lists)
	for i := range data {
		data[i] = nil
		lists[i] = nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Checksum {
		return newSetSummed(keys, masks, width, sources, withBloom, screened), nil
	}
	return newScreenedSet(keys, masks, width, sources, withBloom, screened), nil
}

// mergeScreened returns the union of the numbers the sources' wash results
// screened (a snapshot's own included), sorted; nil when none holds one.
func mergeScreened(data []*sourceData) []uint64 {
	var lists [][]uint64
	for _, sd := range data {
		switch {
		case sd.screened != nil:
			lists = append(lists, sd.screened)
		case sd.snap != nil && sd.snap.screened != nil:
			lists = append(lists, sd.snap.screened.decodeAll())
		}
	}
	if lists == nil {
		return nil
	}
	out := []uint64{}
	mergeWalk(lists, func(k, _ uint64) { out = append(out, k) })
	return out
}
