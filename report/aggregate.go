// Package report aggregates the rows of a scrub into a coverage report — how
// much of a prospect file may be called and why not the rest, by registry
// source, number type, country, French zone and territory and any input
// column — and renders it as an aligned table, JSON, CSV or a self-contained
// HTML page.
//
// An Aggregator is a scrub.Observer: run scrub.Run with it and no row
// outputs, then call Report. Row-level breakdowns attribute each row to its
// primary number, the first valid number in phone-column order; rows without
// one (invalid rows) fall in the "none" bucket, so every breakdown that
// covers all rows sums to rows_in. Overlap counts distinct numbers, not rows.
// Output is deterministic: equal inputs give byte-identical reports, except
// for the timing and registry-age figures.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/listscrub/listscrub/colname"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// DefaultTop is how many values of a --by column are reported by default;
// the rest are summed as "(other)".
const DefaultTop = 10

// maxDistinct bounds the distinct values counted per --by column: later new
// values are counted in "(other)" directly, so memory stays bounded on a
// column such as a customer id.
const maxDistinct = 100_000

// Config configures an Aggregator.
type Config struct {
	// Registry is the set the scrub checks against; its per-number source
	// masks give the overlap between sources. nil (opt-in mode without a
	// registry) reports no sources and no overlap.
	Registry *registry.Set
	// By names input columns to break down by: a header name (spelt any
	// way colname.Equal accepts: case, accents and separators aside) or a
	// 1-based column number.
	By []string
	// Top is how many values of each By column are reported; 0 means DefaultTop.
	Top int
	// OnError, if set, is called once when the header makes the report
	// impossible (a By column that does not exist), so the caller can cancel
	// the scrub instead of reading the whole input for nothing.
	OnError func(error)

	// Policy, when set with Week, adds callable_by_hour: the rows it allows
	// to be called at each hour of the week from Week (00:00 of a day, in
	// the location the hours are counted in), with the contact History
	// (nil: none).
	Policy  *policy.Policy
	History *policy.History
	Week    time.Time
}

// Counts are rows per category.
type Counts struct {
	Rows      int64 `json:"rows"`
	Clean     int64 `json:"clean"`
	Blocked   int64 `json:"blocked"`
	Invalid   int64 `json:"invalid"`
	Duplicate int64 `json:"duplicate"`
}

func (c *Counts) add(cat scrub.Category) {
	c.Rows++
	switch cat {
	case scrub.Clean:
		c.Clean++
	case scrub.Blocked:
		c.Blocked++
	case scrub.Invalid:
		c.Invalid++
	case scrub.Duplicate:
		c.Duplicate++
	}
}

func (c *Counts) plus(o Counts) {
	c.Rows += o.Rows
	c.Clean += o.Clean
	c.Blocked += o.Blocked
	c.Invalid += o.Invalid
	c.Duplicate += o.Duplicate
}

// byColumn counts one --by column's values.
type byColumn struct {
	spec   string
	name   string // header name, or the 1-based number without a header
	index  int
	values map[string]*Counts // raw field bytes (input encoding) -> counts
	order  []string           // values in order of first appearance
	capped Counts             // new values past maxDistinct
}

// Aggregator counts a scrub's rows as a scrub.Observer. Its methods are
// called from the scrub's writer goroutine only.
type Aggregator struct {
	cfg   Config
	codes map[int]bool // libphonenumber's country calling codes
	err   error

	total     Counts
	byType    [normalize.NumTypes]Counts
	noNumber  Counts // rows without a valid number
	byCountry map[int]*Counts
	byZone    map[string]*Counts
	byTerr    map[string]*Counts
	columns   []*byColumn

	registered map[normalize.Key]uint64 // distinct registered input numbers -> source mask
	hours      *hourCounter             // nil without Policy and Week
}

// New returns an Aggregator for cfg.
func New(cfg Config) *Aggregator {
	if cfg.Top <= 0 {
		cfg.Top = DefaultTop
	}
	a := &Aggregator{
		cfg:        cfg,
		codes:      phonenumbers.GetSupportedCallingCodes(),
		byCountry:  map[int]*Counts{},
		byZone:     map[string]*Counts{},
		byTerr:     map[string]*Counts{},
		registered: map[normalize.Key]uint64{},
	}
	if cfg.Policy != nil && !cfg.Week.IsZero() {
		a.hours = newHourCounter(cfg.Policy, cfg.History, cfg.Week)
	}
	return a
}

// Err returns the error found in the header, if any: the report is then
// meaningless and the scrub was (if OnError cancels it) cut short.
func (a *Aggregator) Err() error { return a.err }

// Header resolves the By columns against the header (scrub.Observer).
func (a *Aggregator) Header(names []string, _ []int) {
	for _, spec := range a.cfg.By {
		idx, name, err := resolveColumn(spec, names)
		if err != nil {
			a.fail(err)
			return
		}
		a.columns = append(a.columns, &byColumn{spec: spec, name: name, index: idx, values: map[string]*Counts{}})
	}
}

func (a *Aggregator) fail(err error) {
	if a.err != nil {
		return
	}
	a.err = err
	if a.cfg.OnError != nil {
		a.cfg.OnError(err)
	}
}

// resolveColumn finds a --by column by header name (spelt any way
// colname.Equal accepts) or 1-based number.
func resolveColumn(spec string, names []string) (int, string, error) {
	want := strings.TrimSpace(spec)
	for i, n := range names {
		if colname.Equal(n, want) {
			return i, n, nil
		}
	}
	n, err := strconv.Atoi(want)
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(want, "-") {
		// Digits, more than an int holds: no file has such a column.
		return 0, "", fmt.Errorf("--by %s: a column number this large cannot exist: give a number from 1 to the number of columns, or a column name", colname.Quote(spec))
	}
	if err == nil && n >= 1 {
		if names == nil {
			return n - 1, want, nil
		}
		if n <= len(names) {
			return n - 1, names[n-1], nil
		}
	}
	if names == nil {
		return 0, "", fmt.Errorf("--by %s: without a header, give a 1-based column number", colname.Quote(spec))
	}
	return 0, "", fmt.Errorf("--by %s: no such column; the header has: %s", colname.Quote(spec), colname.QuoteList(names))
}

// Row counts one row (scrub.Observer).
func (a *Aggregator) Row(r *scrub.Row) {
	if a.err != nil {
		return
	}
	a.total.add(r.Category)
	if a.hours != nil {
		a.hours.row(r)
	}
	var primary *normalize.Result
	for i := range r.Numbers {
		n := &r.Numbers[i]
		if !n.Valid() {
			continue
		}
		if primary == nil {
			primary = n
		}
		if a.cfg.Registry != nil {
			if m := a.cfg.Registry.Lookup(n.Key); m != 0 {
				a.registered[n.Key] = m
			}
		}
	}
	if primary == nil {
		a.noNumber.add(r.Category)
	} else {
		a.byType[primary.Type].add(r.Category)
		cc, nsn, ok := splitKey(primary.Key, a.codes)
		if ok {
			count(a.byCountry, cc).add(r.Category)
			if cc == 33 {
				if z, ok := frenchZone(nsn); ok {
					count(a.byZone, z.key).add(r.Category)
				}
			} else if t := territoryOf(cc, nsn); t != "" {
				count(a.byTerr, t).add(r.Category)
			}
		}
	}
	for _, c := range a.columns {
		v := bytes.TrimSpace(r.Field(c.index))
		if cnt, ok := c.values[string(v)]; ok {
			cnt.add(r.Category)
			continue
		}
		if len(c.values) >= maxDistinct {
			c.capped.add(r.Category)
			continue
		}
		cnt := &Counts{}
		cnt.add(r.Category)
		c.values[string(v)] = cnt
		c.order = append(c.order, string(v))
	}
}

func count[K comparable](m map[K]*Counts, k K) *Counts {
	c := m[k]
	if c == nil {
		c = &Counts{}
		m[k] = c
	}
	return c
}
