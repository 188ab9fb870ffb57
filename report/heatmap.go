package report

import (
	"fmt"
	"math"

	"github.com/listscrub/listscrub/progress"
)

// Heat map geometry, in SVG user units.
const (
	heatLabel  = 90 // room for the weekday names
	heatHead   = 20 // room for the hours above the cells
	heatCellW  = 35
	heatCellH  = 26
	heatGap    = 2
	heatLegend = 34 // room for the scale below the cells
)

// Heat map colours: no row callable, then from few to the most.
var (
	heatNone = "#eef0f3"
	heatLow  = [3]int{0xe0, 0xf2, 0xf1}
	heatHigh = [3]int{0x00, 0x69, 0x5c} // the busiest hour
)

// htmlHeatMap is callable_by_hour drawn as a grid of days by hours.
type htmlHeatMap struct {
	Caption       string
	Width, Height int
	Hours         []htmlHeatLabel // 00 ... 23 above the columns
	Days          []htmlHeatLabel // monday ... sunday left of the rows
	Cells         []htmlHeatCell
	Scale         []htmlHeatCell // the legend: none, few, most
	ScaleY        int
	ScaleTextY    int
}

type htmlHeatLabel struct {
	Text string
	X, Y int
}

type htmlHeatCell struct {
	X, Y, W, H   int
	TextX, TextY int
	Fill, Ink    string
	Text, Title  string
}

// heatMap lays out the 168 hours: one row per day, one column per hour,
// each cell shaded by its rows relative to the busiest hour and labelled
// with its share of the file's rows.
func heatMap(h *CallableByHour, total int64) *htmlHeatMap {
	m := &htmlHeatMap{
		Caption: fmt.Sprintf("Rows callable at the start of each hour, %s time, in the week of Monday %s to Sunday %s; each cell gives the share of the %s rows of the file. %s rows may be callable (clean, or blocked only by the policy).",
			h.Zone, h.WeekStart, h.WeekEnd, progress.Count(total), progress.Count(h.Eligible)),
		Width:  heatLabel + 24*(heatCellW+heatGap),
		Height: heatHead + 7*(heatCellH+heatGap) + heatLegend,
	}
	var most int64
	for _, x := range h.Hours {
		most = max(most, x.Rows)
	}
	for hr := range 24 {
		m.Hours = append(m.Hours, htmlHeatLabel{fmt.Sprintf("%02d", hr), heatLabel + hr*(heatCellW+heatGap) + heatCellW/2, heatHead - 6})
	}
	for day := range 7 {
		y := heatHead + day*(heatCellH+heatGap)
		m.Days = append(m.Days, htmlHeatLabel{h.Hours[day*24].Weekday, heatLabel - 8, y + heatCellH/2 + 5})
		for hr := range 24 {
			x := h.Hours[day*24+hr]
			cell := htmlHeatCell{
				X: heatLabel + hr*(heatCellW+heatGap), Y: y, W: heatCellW, H: heatCellH,
				Fill: heatColor(x.Rows, most), Ink: "#1f2933",
				Title: fmt.Sprintf("%s %02d:00 (%s): %s rows callable", x.Weekday, x.Hour, x.Start, progress.Count(x.Rows)),
			}
			cell.TextX, cell.TextY = cell.X+heatCellW/2, y+heatCellH/2+4
			if x.Rows > 0 {
				cell.Text = fmt.Sprintf("%d", (x.Rows*100+total/2)/max(total, 1))
				if cell.Text == "0" {
					cell.Text = "<1"
				}
				if x.Rows*2 > most {
					cell.Ink = "#ffffff"
				}
			}
			m.Cells = append(m.Cells, cell)
		}
	}
	m.ScaleY = heatHead + 7*(heatCellH+heatGap) + 8
	m.ScaleTextY = m.ScaleY + 13
	for i, s := range []struct {
		fill, text string
	}{{heatNone, "none"}, {heatColor(1, 1_000_000), "few"}, {heatColor(1, 1), fmt.Sprintf("most (%s rows)", progress.Count(most))}} {
		m.Scale = append(m.Scale, htmlHeatCell{X: heatLabel + i*150, Y: m.ScaleY, W: 18, H: 18, TextX: heatLabel + i*150 + 24, Fill: s.fill, Text: s.text})
	}
	return m
}

// heatColor shades n rows out of the busiest hour's most: none is grey,
// the busiest is heatHigh exactly.
func heatColor(n, most int64) string {
	if n <= 0 || most <= 0 {
		return heatNone
	}
	f := float64(n) / float64(most)
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(float64(heatLow[i]) + float64(heatHigh[i]-heatLow[i])*f))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}
