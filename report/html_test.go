package report

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The page is self-contained: no script, no stylesheet, font or image
// fetched from anywhere, and it holds the figures and every chart.
func TestHTMLSelfContained(t *testing.T) {
	r := sampleReport(t)
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "<link", "<img", "@import", "url(", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if urls := regexp.MustCompile(`(?:src|href)=|https?://[^"]*`).FindAllString(page, -1); len(urls) > 0 {
		for _, u := range urls {
			if u != "http://www.w3.org/2000/svg" {
				t.Errorf("page refers to %q", u)
			}
		}
	}
	assertPage(t, page)
}

// assertPage checks that a page (as written, or as a browser's DOM) holds
// the sample's headline figures, charts, registries and input.
func assertPage(t *testing.T, page string) {
	t.Helper()
	for _, want := range []string{
		`id="fig-clean"`, `>598<`, `>59.8%<`, `id="fig-blocked"`, `>268<`, `>88<`, `>46<`,
		`id="chart-categories"`, `id="chart-sources"`, `id="chart-reasons"`,
		`id="chart-number_type"`, `id="chart-country"`, `id="chart-zone"`, `id="chart-territory"`,
		`id="chart-column-Ville"`, `id="chart-column-Campagne"`,
		`01 Île-de-France`, `Réunion`, `Saint-Barthélemy`, `Énergie-Q4`,
		`<td>bloctel</td>`, `<td>optout</td>`, `0 days old`,
		`prospects.csv`, `21786953862dab447ecae7583b9ea36af5cef30c00ccfccc8822ad1b75dccceb`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(page, `class="seg"`); n < 40 {
		t.Errorf("%d bar segments, want at least 40", n)
	}
}

// TestHTMLInBrowser renders the page in headless Chromium: the DOM it built
// holds the figures and charts, and the screenshot shows the category
// colours of the bars. LISTSCRUB_SCREENSHOT=PATH keeps the screenshot
// (make test-browser saves testdata/report.png).
//
// Without Chromium the test skips, unless LISTSCRUB_REQUIRE_BROWSER=1 (set
// by make test, which CI runs, after installing it) or CI is set: there a
// skip would let a broken report pass, so a missing browser fails the test.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	chromium := findChromium()
	if chromium == "" {
		msg := "chromium not found: `make test-browser` installs it (apt-get install chromium) and runs this test"
		if browserRequired() {
			t.Fatal(msg + "; LISTSCRUB_REQUIRE_BROWSER or CI is set, so the browser test may not be skipped")
		}
		t.Skip(msg)
	}
	dom, img := renderInChromium(t, chromium, sampleReport(t))
	assertPage(t, dom)
	if got := img.Bounds().Size(); got != (image.Point{1280, 2000}) {
		t.Errorf("screenshot is %v, want 1280x2000", got)
	}
	for name, c := range map[string][3]uint32{"clean": {0x2e, 0x7d, 0x32}, "blocked": {0xc6, 0x28, 0x28}, "invalid": {0xf9, 0xa8, 0x25}, "duplicate": {0x6d, 0x6d, 0x9c}} {
		if n := countColor(img, c); n < 2000 {
			t.Errorf("screenshot: %d %s pixels, want bars of that colour", n, name)
		}
	}
}

// TestHTMLPolicyInBrowser renders the page of a run under a policy in
// headless Chromium: the DOM holds the blocked-reasons chart and the heat
// map's 168 cells, and the screenshot shows the heat map's colours.
func TestHTMLPolicyInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	chromium := findChromium()
	if chromium == "" {
		msg := "chromium not found: `make test-browser` installs it (apt-get install chromium) and runs this test"
		if browserRequired() {
			t.Fatal(msg + "; LISTSCRUB_REQUIRE_BROWSER or CI is set, so the browser test may not be skipped")
		}
		t.Skip(msg)
	}
	dom, img := renderInChromium(t, chromium, policyReport(t))
	assertPolicyPage(t, dom)
	// The busiest hours' cells (35 x 26 units at scale 1) and the legend's.
	if n := countColor(img, [3]uint32{0x00, 0x69, 0x5c}); n < 35*26 {
		t.Errorf("screenshot: %d pixels of the busiest hour's colour, want at least one cell", n)
	}
	if n := countColor(img, [3]uint32{0xee, 0xf0, 0xf3}); n < 40*35*26 {
		t.Errorf("screenshot: %d pixels of the no-row colour, want the nights and weekend", n)
	}
}

// renderInChromium writes r's page and has headless Chromium load it: one
// launch gives the DOM it built and a 1280x2000 screenshot.
// LISTSCRUB_SCREENSHOT=PATH keeps the screenshot.
func renderInChromium(t *testing.T, chromium string, r *Report) (string, image.Image) {
	t.Helper()
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir=" + t.TempDir(),
		"--dump-dom", "--screenshot=" + shot, "--window-size=1280,2000", "--force-device-scale-factor=1"}
	start := time.Now()
	cmd := exec.Command(chromium, append(base, "file://"+page)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", chromium, err, stderr.String())
	}
	t.Logf("chromium rendered the page in %v", time.Since(start).Round(time.Millisecond))
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("LISTSCRUB_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot saved to %s (%d bytes)", keep, len(data))
	}
	return string(dom), img
}

// findChromium returns the path of a Chromium or Chrome binary, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserRequired reports whether a missing browser must fail the browser
// test rather than skip it: LISTSCRUB_REQUIRE_BROWSER=1, or CI set to
// anything but "" or "false" (as CI services set it).
func browserRequired() bool {
	if os.Getenv("LISTSCRUB_REQUIRE_BROWSER") == "1" {
		return true
	}
	ci := os.Getenv("CI")
	return ci != "" && ci != "false" && ci != "0"
}

// countColor counts the pixels of img within a small distance of c (8-bit RGB).
func countColor(img image.Image, c [3]uint32) int {
	n := 0
	if rgba, ok := img.(*image.NRGBA); ok { // what Chromium's PNGs decode to: read the bytes
		for i := 0; i+3 < len(rgba.Pix); i += 4 {
			if near(uint32(rgba.Pix[i]), c[0]) && near(uint32(rgba.Pix[i+1]), c[1]) && near(uint32(rgba.Pix[i+2]), c[2]) {
				n++
			}
		}
		return n
	}
	if rgba, ok := img.(*image.RGBA); ok {
		for i := 0; i+3 < len(rgba.Pix); i += 4 {
			if near(uint32(rgba.Pix[i]), c[0]) && near(uint32(rgba.Pix[i+1]), c[1]) && near(uint32(rgba.Pix[i+2]), c[2]) {
				n++
			}
		}
		return n
	}
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r>>8, c[0]) && near(g>>8, c[1]) && near(b>>8, c[2]) {
				n++
			}
		}
	}
	return n
}

func near(a, b uint32) bool { return a+6 >= b && b+6 >= a }
