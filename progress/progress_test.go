package progress

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// fakeClock advances by step at every call.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(step); return t }
}

func TestLine(t *testing.T) {
	var b bytes.Buffer
	bar := New(&b, Options{Terminal: true, Label: "scrub", Width: 100, Now: fakeClock(time.Second)})
	bar.Update(50_000, 25_000_000, 100_000_000)
	// 1 s after start: 25 MB read of 100, so 3 s to go at that pace.
	want := "\rscrub [=======                        ]  25% 25.0 MB/100.0 MB  50,000 rows  50,000 rows/s  ETA 0:03\x1b[K"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
	b.Reset()
	bar.Finish()
	if b.String() != "\r\x1b[K" {
		t.Errorf("Finish wrote %q", b.String())
	}
	b.Reset()
	bar.Update(1, 2, 3)
	if b.Len() != 0 {
		t.Errorf("Update after Finish wrote %q", b.String())
	}
}

func TestUnknownSizeAndNarrow(t *testing.T) {
	var b bytes.Buffer
	bar := New(&b, Options{Terminal: true, Width: 30, Now: fakeClock(time.Second)})
	bar.Update(1234, 5_600_000, 0)
	line := strings.TrimSuffix(strings.TrimPrefix(b.String(), "\r"), "\x1b[K")
	if strings.Contains(line, "[") || strings.Contains(line, "ETA") {
		t.Errorf("no size, yet a bar or an ETA: %q", line)
	}
	if n := len([]rune(line)); n > 29 {
		t.Errorf("line is %d columns on a 30-column terminal: %q", n, line)
	}
}

// At most one redraw per interval, and the first update draws at once.
func TestThrottle(t *testing.T) {
	var b bytes.Buffer
	bar := New(&b, Options{Terminal: true, Width: 80, Now: fakeClock(10 * time.Millisecond)})
	for i := range 100 { // one second of updates, every 10ms
		bar.Update(int64(i), int64(i), 100)
	}
	if n := strings.Count(b.String(), "\r"); n < 9 || n > 11 {
		t.Errorf("%d redraws in 1s, want about 10", n)
	}
}

func TestNotATerminal(t *testing.T) {
	var b bytes.Buffer
	bar := New(&b, Options{Terminal: IsTerminal(&b)})
	bar.Update(1, 2, 3)
	bar.Status("x")
	bar.Finish()
	if b.Len() != 0 {
		t.Errorf("wrote %q to a buffer", b.String())
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}

// On a pseudo-terminal, IsTerminal is true and the bar is drawn.
func TestPseudoTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	if !IsTerminal(tty) {
		t.Fatal("a pty is not a terminal")
	}
	bar := New(tty, Options{Terminal: IsTerminal(tty), Label: "scrub"})
	bar.Update(10, 50, 100)
	bar.Finish()
	tty.Close()
	out, _ := io.ReadAll(ptmx) // ends with EIO once the tty side is closed
	if !strings.Contains(string(out), "scrub [") || !strings.Contains(string(out), " 50%") {
		t.Errorf("pty got %q", out)
	}
}

func TestFormats(t *testing.T) {
	for got, want := range map[string]string{
		Bytes(999): "999 B", Bytes(1000): "1.0 kB", Bytes(125_900): "125.9 kB", Bytes(3_200_000_000): "3.2 GB",
		Count(0): "0", Count(999): "999", Count(1000): "1,000", Count(20_000_000): "20,000,000", Count(-1234): "-1,234",
		Clock(59 * time.Second): "0:59", Clock(61 * time.Minute): "1:01:00",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
