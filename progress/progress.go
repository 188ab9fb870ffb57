// Package progress draws a one-line progress bar on a terminal: bytes read
// of the total, rows, rows per second and the time left. On anything that is
// not a terminal (a CI log, a file, a pipe) it draws nothing at all.
//
// It prints counts only, never the data being read.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// DefaultInterval is the least time between two redraws (10 a second).
const DefaultInterval = 100 * time.Millisecond

// Options configure a Bar.
type Options struct {
	// Terminal says whether the writer is a terminal; the Bar draws only if so.
	// IsTerminal(w) is the usual value.
	Terminal bool
	// Label starts the line ("listscrub scrub").
	Label string
	// Unit names what is counted besides bytes: "rows" (the default) or "lines".
	Unit string
	// Width is the line's width in columns; 0 asks the terminal, or uses 80.
	Width int
	// Interval is the least time between redraws; 0 means DefaultInterval.
	Interval time.Duration
	// Now returns the time (tests fake it); nil means time.Now.
	Now func() time.Time
}

// Bar is a progress line. Its methods may be called from any goroutine; a nil
// *Bar does nothing.
type Bar struct {
	w     io.Writer
	o     Options
	start time.Time

	mu    sync.Mutex
	last  time.Time
	drawn bool
	done  bool
}

// New returns a Bar drawing on w, or nil (which draws nothing) when
// o.Terminal is false.
func New(w io.Writer, o Options) *Bar {
	if !o.Terminal {
		return nil
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Unit == "" {
		o.Unit = "rows"
	}
	if o.Width <= 0 {
		o.Width = 80
		if f, ok := w.(*os.File); ok {
			if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
				o.Width = cols
			}
		}
	}
	return &Bar{w: w, o: o, start: o.Now()}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Update reports progress: n rows (or lines) done, read bytes of size (size
// 0 when unknown, as for standard input). It redraws at most once per
// Interval, and at once on the first call.
func (b *Bar) Update(n, read, size int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now, ok := b.due()
	if !ok {
		return
	}
	fmt.Fprint(b.w, "\r"+b.line(n, read, size, now.Sub(b.start))+"\x1b[K")
}

// due reports whether it is time to redraw (not finished, and the first
// draw or Interval since the last), and if so records the draw. b.mu is held.
func (b *Bar) due() (time.Time, bool) {
	now := b.o.Now()
	if b.done || (b.drawn && now.Sub(b.last) < b.o.Interval) {
		return now, false
	}
	b.last, b.drawn = now, true
	return now, true
}

// Status draws a line with no measure of how far the work is, only what it
// is and how long it has run: "label text  0:12". It redraws at most once per
// Interval.
func (b *Bar) Status(text string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now, ok := b.due()
	if !ok {
		return
	}
	line := []rune(strings.TrimSpace(b.o.Label+" "+text) + "  " + Clock(now.Sub(b.start)))
	if len(line) > b.o.Width-1 {
		line = line[:b.o.Width-1]
	}
	fmt.Fprint(b.w, "\r"+string(line)+"\x1b[K")
}

// Finish erases the line, so that what is printed next starts clean. Later
// Updates draw nothing.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn && !b.done {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
	b.done = true
}

// line renders the progress line, at most o.Width-1 columns wide.
func (b *Bar) line(n, read, size int64, elapsed time.Duration) string {
	secs := elapsed.Seconds()
	var tail strings.Builder
	if size > 0 {
		fmt.Fprintf(&tail, " %3d%% %s/%s", percent(read, size), Bytes(read), Bytes(size))
	} else {
		fmt.Fprintf(&tail, " %s", Bytes(read))
	}
	fmt.Fprintf(&tail, "  %s %s", Count(n), b.o.Unit)
	if secs >= 0.5 {
		fmt.Fprintf(&tail, "  %s %s/s", Count(int64(float64(n)/secs)), b.o.Unit)
		if size > 0 && read > 0 && read < size {
			left := time.Duration(float64(size-read) / (float64(read) / secs) * float64(time.Second))
			fmt.Fprintf(&tail, "  ETA %s", Clock(left))
		}
	}
	head := b.o.Label
	if head != "" {
		head += " "
	}
	room := b.o.Width - 1 - len([]rune(head)) - len([]rune(tail.String())) - 2
	if size > 0 && room >= 10 {
		width := min(room, 40)
		filled := int(int64(width) * min(read, size) / size)
		head += "[" + strings.Repeat("=", filled) + strings.Repeat(" ", width-filled) + "]"
	}
	s := []rune(head + tail.String())
	if len(s) > b.o.Width-1 {
		s = s[:b.o.Width-1]
	}
	return string(s)
}

func percent(read, size int64) int64 {
	if read >= size {
		return 100
	}
	return read * 100 / size
}

// Bytes formats a byte count: "512 B", "12.3 kB", "4.1 MB", "2.0 GB".
func Bytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", v, "kMGT"[i])
}

// Count formats a count with thousands separators: 1,234,567.
func Count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Count(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Clock formats a duration as m:ss or h:mm:ss.
func Clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
