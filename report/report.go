package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/bits"
	"sort"
	"strings"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/scrub"
)

// Report is a coverage report: the scrub's stats (every key of `scrub
// --stats`, by_type included) plus the breakdowns.
type Report struct {
	*scrub.Stats
	Shares       Shares    `json:"shares"`         // fractions of rows_in per category
	BySource     Sources   `json:"by_source"`      // per registry source
	Overlap      Overlap   `json:"overlap"`        // numbers held by several sources
	ByNumberType Breakdown `json:"by_number_type"` // rows by their primary number's type
	ByCountry    Breakdown `json:"by_country"`     // rows by their primary number's calling code
	ByZone       Breakdown `json:"by_zone"`        // rows whose primary number is +33, by zone
	ByTerritory  Breakdown `json:"by_territory"`   // rows whose primary number is overseas French
	ByColumn     Columns   `json:"by_column"`      // one per --by column
	// CallableByHour is when the file can be worked: with a policy and no
	// --at, the rows callable at each hour of next week (nil otherwise).
	CallableByHour *CallableByHour `json:"callable_by_hour,omitempty"`
}

// Shares are fractions of the input's rows, rounded to 4 decimals.
type Shares struct {
	Clean     float64 `json:"clean"`
	Blocked   float64 `json:"blocked"`
	Invalid   float64 `json:"invalid"`
	Duplicate float64 `json:"duplicate"`
}

// Bucket is one line of a breakdown.
type Bucket struct {
	Key   string `json:"-"`
	Label string `json:"label"`
	Counts
}

// Breakdown is a list of buckets; its JSON form is an object keyed by
// bucket key, in list order.
type Breakdown []Bucket

// MarshalJSON writes the buckets as an ordered object.
func (b Breakdown) MarshalJSON() ([]byte, error) {
	kv := make([]keyValue, len(b))
	for i, x := range b {
		kv[i] = keyValue{x.Key, x}
	}
	return marshalObject(kv)
}

// Total returns the sum of the buckets' counts.
func (b Breakdown) Total() Counts {
	var c Counts
	for _, x := range b {
		c.plus(x.Counts)
	}
	return c
}

// SourceCoverage is what one registry source did to the input.
type SourceCoverage struct {
	Label       string `json:"-"`
	Kind        string `json:"kind"`
	Entries     int    `json:"entries"`      // numbers in the source
	AsOf        string `json:"as_of"`        // YYYY-MM-DD
	AgeDays     int    `json:"age_days"`     // days from AsOf to the run
	RowsBlocked int64  `json:"rows_blocked"` // rows it blocked (a row held by two sources counts for both)
	Numbers     int64  `json:"numbers"`      // distinct input numbers it holds
	Only        int64  `json:"only"`         // of which held by no other source
}

// Sources are the per-source figures; their JSON form is an object keyed by
// source label, in registry order.
type Sources []SourceCoverage

// MarshalJSON writes the sources as an ordered object.
func (s Sources) MarshalJSON() ([]byte, error) {
	kv := make([]keyValue, len(s))
	for i, x := range s {
		kv[i] = keyValue{x.Label, x}
	}
	return marshalObject(kv)
}

// Columns are the --by breakdowns; their JSON form is an object keyed by
// column name, in --by order.
type Columns []ColumnBreakdown

// MarshalJSON writes the breakdowns as an ordered object.
func (c Columns) MarshalJSON() ([]byte, error) {
	kv := make([]keyValue, len(c))
	for i, x := range c {
		kv[i] = keyValue{x.Column, x}
	}
	return marshalObject(kv)
}

// Overlap counts distinct input numbers held by several registry sources
// (before --allow exemptions, like numbers_registered).
type Overlap struct {
	Numbers     int64  `json:"numbers"`        // distinct registered input numbers
	InTwoOrMore int64  `json:"in_two_or_more"` // of which held by two sources or more
	Pairs       []Pair `json:"-"`
}

// Pair is the number of distinct input numbers two sources both hold.
type Pair struct {
	A, B    string
	Numbers int64
}

// MarshalJSON writes the overlap with its pairs as an object "A+B": numbers.
func (o Overlap) MarshalJSON() ([]byte, error) {
	pairs := make([]keyValue, len(o.Pairs))
	for i, p := range o.Pairs {
		pairs[i] = keyValue{p.A + "+" + p.B, p.Numbers}
	}
	pj, err := marshalObject(pairs)
	if err != nil {
		return nil, err
	}
	return marshalObject([]keyValue{
		{"numbers", o.Numbers}, {"in_two_or_more", o.InTwoOrMore}, {"pairs", json.RawMessage(pj)},
	})
}

// ColumnBreakdown is the breakdown by one input column's values: the Top
// most frequent values (by rows, then value) and "(other)" for the rest.
type ColumnBreakdown struct {
	Column   string    `json:"-"`
	Distinct int       `json:"distinct"` // distinct values counted (at most 100,000)
	Values   Breakdown `json:"values"`
}

// Bucket keys that are not values.
const (
	KeyNone  = "none"    // rows without a valid number
	KeyOther = "(other)" // values past the top N
	KeyEmpty = "(empty)" // an empty field
)

// Report builds the report from the aggregated rows and the scrub's stats.
func (a *Aggregator) Report(st *scrub.Stats) *Report {
	r := &Report{Stats: st}
	if n := float64(st.RowsIn); n > 0 {
		r.Shares = Shares{share(st.RowsClean, n), share(st.RowsBlocked, n), share(st.RowsInvalid, n), share(st.RowsDuplicate, n)}
	}
	r.BySource, r.Overlap = a.sources(st)

	r.ByNumberType = Breakdown{}
	for _, t := range typeOrder {
		if c := a.byType[t]; c.Rows > 0 {
			r.ByNumberType = append(r.ByNumberType, Bucket{t.String(), strings.ReplaceAll(t.String(), "_", " "), c})
		}
	}
	if a.noNumber.Rows > 0 {
		r.ByNumberType = append(r.ByNumberType, Bucket{KeyNone, "no valid number", a.noNumber})
	}

	ccs := make([]int, 0, len(a.byCountry))
	for cc := range a.byCountry {
		ccs = append(ccs, cc)
	}
	sort.Slice(ccs, func(i, j int) bool {
		ci, cj := a.byCountry[ccs[i]], a.byCountry[ccs[j]]
		if ci.Rows != cj.Rows {
			return ci.Rows > cj.Rows
		}
		return ccs[i] < ccs[j]
	})
	r.ByCountry = Breakdown{}
	for _, cc := range ccs {
		r.ByCountry = append(r.ByCountry, Bucket{fmt.Sprintf("+%d", cc), countryLabel(cc), *a.byCountry[cc]})
	}
	if a.noNumber.Rows > 0 {
		r.ByCountry = append(r.ByCountry, Bucket{KeyNone, "no valid number", a.noNumber})
	}

	r.ByZone = Breakdown{}
	for _, z := range zoneOrder {
		if c := a.byZone[z]; c != nil {
			r.ByZone = append(r.ByZone, Bucket{z, zoneLabel(z), *c})
		}
	}
	r.ByTerritory = Breakdown{}
	for _, t := range territories {
		if c := a.byTerr[t.region]; c != nil {
			r.ByTerritory = append(r.ByTerritory, Bucket{t.region, t.name, *c})
		}
	}

	enc := csvsplit.UTF8
	if st.Input.Encoding == csvsplit.Windows1252.String() {
		enc = csvsplit.Windows1252
	}
	r.ByColumn = Columns{}
	for _, c := range a.columns {
		r.ByColumn = append(r.ByColumn, c.breakdown(enc, a.cfg.Top))
	}
	if a.hours != nil {
		r.CallableByHour = a.hours.report()
	}
	return r
}

func share(n int64, total float64) float64 {
	return math.Round(float64(n)/total*1e4) / 1e4
}

// typeOrder is the order number types are reported in (as in by_type).
var typeOrder = [...]normalize.Type{normalize.TypeMobile, normalize.TypeFixedLine, normalize.TypeVoIP,
	normalize.TypeTollFree, normalize.TypePremiumRate, normalize.TypeOther}

func zoneLabel(key string) string {
	for _, z := range frenchZones {
		if z.key == key {
			return z.label
		}
	}
	return key
}

// sources computes the per-source figures and the overlap.
func (a *Aggregator) sources(st *scrub.Stats) (Sources, Overlap) {
	out := Sources{}
	ov := Overlap{Pairs: []Pair{}}
	if a.cfg.Registry == nil {
		return out, ov
	}
	srcs := a.cfg.Registry.Sources()
	numbers := make([]int64, len(srcs))
	only := make([]int64, len(srcs))
	pairs := make([][]int64, len(srcs))
	for i := range pairs {
		pairs[i] = make([]int64, len(srcs))
	}
	for _, m := range a.registered {
		ov.Numbers++
		if bits.OnesCount64(m) > 1 {
			ov.InTwoOrMore++
		} else {
			only[bits.TrailingZeros64(m)]++
		}
		for i := range srcs {
			if m&(1<<i) == 0 {
				continue
			}
			numbers[i]++
			for j := i + 1; j < len(srcs); j++ {
				if m&(1<<j) != 0 {
					pairs[i][j]++
				}
			}
		}
	}
	ages := map[string]int{}
	for _, s := range st.Registry.Sources {
		ages[s.Label] = s.AgeDays
	}
	for i, s := range srcs {
		out = append(out, SourceCoverage{
			Label: s.Label, Kind: s.Kind, Entries: s.Entries, AsOf: s.AsOf.Format("2006-01-02"),
			AgeDays: ages[s.Label], RowsBlocked: st.BlockedBySource.Get(s.Label),
			Numbers: numbers[i], Only: only[i],
		})
		for j := i + 1; j < len(srcs); j++ {
			ov.Pairs = append(ov.Pairs, Pair{s.Label, srcs[j].Label, pairs[i][j]})
		}
	}
	return out, ov
}

// breakdown returns the column's top values and "(other)".
func (c *byColumn) breakdown(enc csvsplit.Encoding, top int) ColumnBreakdown {
	vals := append([]string(nil), c.order...)
	sort.SliceStable(vals, func(i, j int) bool {
		ri, rj := c.values[vals[i]].Rows, c.values[vals[j]].Rows
		if ri != rj {
			return ri > rj
		}
		return vals[i] < vals[j]
	})
	cb := ColumnBreakdown{Column: c.name, Distinct: len(vals), Values: Breakdown{}}
	other := c.capped
	for i, v := range vals {
		if i >= top {
			other.plus(*c.values[v])
			continue
		}
		key := csvsplit.DecodeString(enc, []byte(v))
		if key == "" {
			key = KeyEmpty
		}
		cb.Values = append(cb.Values, Bucket{key, key, *c.values[v]})
	}
	if other.Rows > 0 {
		cb.Values = append(cb.Values, Bucket{KeyOther, KeyOther, other})
	}
	return cb
}

// keyValue is one member of an ordered JSON object.
type keyValue struct {
	key   string
	value any
}

func marshalObject(kv []keyValue) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, x := range kv {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(x.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(x.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
