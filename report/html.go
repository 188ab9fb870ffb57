package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"

	"github.com/listscrub/listscrub/progress"
)

//go:embed html.tmpl
var htmlTemplate string

// Colours of the categories, shared by the charts and the legend.
var categoryColors = map[string]string{
	"clean": "#2e7d32", "blocked": "#c62828", "invalid": "#f9a825", "duplicate": "#6d6d9c",
}

// Chart geometry, in SVG user units.
const (
	barHeight = 22
	barGap    = 8
)

// geometry is a chart's width and the room for its labels and values, in
// SVG user units, drawn at 1 unit per CSS pixel so text stays at its size.
type geometry struct{ width, label, value int }

var (
	fullWidth = geometry{1000, 200, 170} // a chart across the page
	halfWidth = geometry{470, 120, 110}  // a chart in a half-width column
)

// htmlPage is the HTML template's data.
type htmlPage struct {
	Title      string
	Input      string
	InputSize  string
	RowsIn     string
	Report     *Report
	Figures    []htmlFigure
	Categories htmlChart
	Sources    htmlChart
	Reasons    htmlChart
	Blocked    htmlChart // blocked rows by reason
	Hours      *htmlHeatMap
	Breakdowns []htmlChart
	Registries []htmlRegistry
	Colors     map[string]string
	Legend     []string
	Stale      bool
}

type htmlFigure struct {
	ID, Name, Value, Share, Color, Note string
}

type htmlRegistry struct {
	Label, Kind, Entries, AsOf, Age string
	Stale                           bool
}

// htmlChart is one SVG chart: horizontal bars, simple or stacked.
type htmlChart struct {
	ID, Title, Note string
	Width, Height   int
	Stacked         bool // bars split by category (show the legend)
	Bars            []htmlBar
}

type htmlBar struct {
	Label, Value         string
	Y, TextY             int
	LabelX, BarX, ValueX int
	BarW, BarH           int
	Segments             []htmlSegment
}

type htmlSegment struct {
	from, size float64 // fractions of the bar area
	X, W       string
	Y, H       int
	Color      string
	Title      string
}

// WriteHTML writes the report as one self-contained HTML page: no script,
// no external resource; charts are inline SVG and the page prints on A4.
func (r *Report) WriteHTML(w io.Writer) error {
	t, err := template.New("report").Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	if err := t.Execute(w, r.htmlPage()); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

func (r *Report) htmlPage() htmlPage {
	st := r.Stats
	total := st.RowsIn
	p := htmlPage{
		Title:     "Coverage of " + filepath.Base(st.Input.Path),
		Input:     st.Input.Path,
		RowsIn:    progress.Count(st.RowsIn),
		InputSize: fmt.Sprintf("%s (%s bytes)", progress.Bytes(st.Input.Bytes), progress.Count(st.Input.Bytes)),
		Report:    r,
		Colors:    categoryColors,
		Legend:    []string{"clean", "blocked", "invalid", "duplicate"},
	}
	fig := func(id, name string, n int64, note string) htmlFigure {
		return htmlFigure{ID: id, Name: name, Value: progress.Count(n), Share: Percent(n, total), Color: categoryColors[id], Note: note}
	}
	p.Figures = []htmlFigure{
		{ID: "rows", Name: "rows", Value: progress.Count(total), Share: "100%", Color: "#37474f", Note: "data rows read"},
		fig("clean", "clean", st.RowsClean, "may be called"),
		fig("blocked", "blocked", st.RowsBlocked, blockedNote(r)),
		fig("invalid", "invalid", st.RowsInvalid, "no usable number"),
		fig("duplicate", "duplicate", st.RowsDuplicate, "number seen before"),
	}

	var cats []simpleBar
	for _, c := range p.Legend {
		cats = append(cats, simpleBar{c, map[string]int64{"clean": st.RowsClean, "blocked": st.RowsBlocked, "invalid": st.RowsInvalid, "duplicate": st.RowsDuplicate}[c], categoryColors[c]})
	}
	p.Categories = barChart("chart-categories", "Rows by category", "", cats, total, fullWidth)

	var srcs []simpleBar
	for _, k := range st.BlockedBySource.Keys() {
		srcs = append(srcs, simpleBar{k, st.BlockedBySource.Get(k), categoryColors["blocked"]})
	}
	p.Sources = barChart("chart-sources", "Blocked rows by registry source",
		"A row held by two sources counts for both.", srcs, total, halfWidth)
	var reasons []simpleBar
	for _, k := range st.InvalidByReason.Keys() {
		reasons = append(reasons, simpleBar{k, st.InvalidByReason.Get(k), categoryColors["invalid"]})
	}
	p.Reasons = barChart("chart-reasons", "Invalid rows by reason", "", reasons, total, halfWidth)
	var blocked []simpleBar
	for _, k := range st.BlockedByReason.Keys() {
		blocked = append(blocked, simpleBar{k, st.BlockedByReason.Get(k), categoryColors["blocked"]})
	}
	p.Blocked = barChart("chart-blocked-reasons", "Blocked rows by reason",
		"Each row counts once, for the first reason that applies.", blocked, total, halfWidth)
	if r.CallableByHour != nil {
		p.Hours = heatMap(r.CallableByHour, total)
	}

	for _, bd := range r.breakdowns() {
		if len(bd.Breakdown) == 0 {
			continue
		}
		id := "chart-" + strings.NewReplacer(":", "-", " ", "-").Replace(bd.id)
		p.Breakdowns = append(p.Breakdowns, stackedChart(id, bd.title, bd.Breakdown))
	}
	for _, s := range r.BySource {
		p.Registries = append(p.Registries, htmlRegistry{
			Label: s.Label, Kind: s.Kind, Entries: progress.Count(int64(s.Entries)), AsOf: s.AsOf,
			Age: days(s.AgeDays), Stale: s.AgeDays > 30,
		})
		p.Stale = p.Stale || s.AgeDays > 30
	}
	return p
}

type simpleBar struct {
	label string
	n     int64
	color string
}

// barChart draws one bar per value, scaled to total.
func barChart(id, title, note string, bars []simpleBar, total int64, g geometry) htmlChart {
	c := htmlChart{ID: id, Title: title, Note: note}
	for i, b := range bars {
		y := i * (barHeight + barGap)
		bar := htmlBar{Label: b.label, Value: progress.Count(b.n) + " · " + Percent(b.n, total), Y: y, TextY: y + barHeight/2 + 5}
		bar.Segments = []htmlSegment{{from: 0, size: frac(b.n, total), Color: b.color, Title: fmt.Sprintf("%s: %s rows", b.label, progress.Count(b.n))}}
		c.Bars = append(c.Bars, bar)
	}
	return c.layout(g)
}

// stackedChart draws one bar per bucket, split by category and scaled to
// the largest bucket.
func stackedChart(id, title string, bd Breakdown) htmlChart {
	c := htmlChart{ID: id, Title: title}
	var most int64
	for _, b := range bd {
		most = max(most, b.Rows)
	}
	for i, b := range bd {
		y := i * (barHeight + barGap)
		bar := htmlBar{Label: b.Label, Value: progress.Count(b.Rows) + " · " + Percent(b.Clean, b.Rows) + " clean", Y: y, TextY: y + barHeight/2 + 5}
		var x int64
		for _, seg := range []struct {
			name string
			n    int64
		}{{"clean", b.Clean}, {"blocked", b.Blocked}, {"invalid", b.Invalid}, {"duplicate", b.Duplicate}} {
			if seg.n == 0 {
				continue
			}
			bar.Segments = append(bar.Segments, htmlSegment{
				from: frac(x, most), size: frac(seg.n, most), Color: categoryColors[seg.name],
				Title: fmt.Sprintf("%s, %s: %s rows", b.Label, seg.name, progress.Count(seg.n)),
			})
			x += seg.n
		}
		c.Bars = append(c.Bars, bar)
	}
	c.Stacked = true
	return c.layout(fullWidth)
}

// layout sets the chart's geometry: labels right-aligned left of the bars,
// values right of them, segments offset to the bar area.
func (c htmlChart) layout(g geometry) htmlChart {
	c.Width = g.width
	c.Height = max(len(c.Bars)*(barHeight+barGap)-barGap, 0)
	area := g.width - g.label - g.value
	for i := range c.Bars {
		b := &c.Bars[i]
		b.LabelX, b.BarX, b.ValueX = g.label-8, g.label, g.label+area+8
		b.BarW, b.BarH = area, barHeight
		for j := range b.Segments {
			sg := &b.Segments[j]
			sg.Y, sg.H = b.Y, barHeight
			sg.X = fmt.Sprintf("%.1f", float64(g.label)+sg.from*float64(area))
			sg.W = fmt.Sprintf("%.1f", sg.size*float64(area))
		}
	}
	return c
}

// frac returns n/total, or 0.
func frac(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// blockedNote says what blocked the rows: a registry, consent, the contact
// policy, as the reasons found say (or, with none blocked, as checked).
func blockedNote(r *Report) string {
	st := r.Stats
	var registry, consent, pol bool
	for _, k := range st.BlockedByReason.Keys() {
		switch k {
		case "registered":
			registry = true
		case "no-consent", "consent-withdrawn", "consent-expired":
			consent = true
		default:
			pol = true
		}
	}
	if !registry && !consent && !pol {
		registry, consent, pol = len(r.BySource) > 0, st.ConsentAt != "", st.Policy != nil
	}
	var what []string
	if registry {
		what = append(what, "a registry")
	}
	if consent {
		what = append(what, "consent")
	}
	if pol {
		what = append(what, "the contact policy")
	}
	switch len(what) {
	case 0:
		return "on a registry"
	case 1:
		return "by " + what[0]
	}
	return "by " + strings.Join(what[:len(what)-1], ", ") + " or " + what[len(what)-1]
}
