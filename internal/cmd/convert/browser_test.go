package convert

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/validate"
)

// chromium finds a headless-capable Chromium (Debian package chromium).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on this machine (Debian: apt-get install chromium); .ci/run installs it")
	return ""
}

// runChromium runs a headless browser with no network traffic of its own.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	out, err := exec.CommandContext(ctx, bin, append(base, args...)...).Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", args, err)
	}
	return out
}

// TestPageInBrowser renders an evidence request and opens the page in a real
// browser: the laid-out document holds the key texts, and the screenshot is
// a picture, not a blank page.
func TestPageInBrowser(t *testing.T) {
	bin := chromium(t)
	data, err := os.ReadFile("../../../examples/messages/evidence-request.xml")
	if err != nil {
		t.Fatal(err)
	}
	page, err := toHTML(context.Background(), "evidence-request.xml", "xml", data, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "request.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(runChromium(t, bin, "--dump-dom", "file://"+file))
	for _, want := range []string{"Evidence request", "Specification identifier", "oots-edm:v1.0", "Evidence requester", "Natural person"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "request.png")
	runChromium(t, bin, "--window-size=1000,1400", "--screenshot="+shot, "file://"+file)
	checkNotBlank(t, shot)
}

func checkNotBlank(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() < 500 || b.Dy() < 500 {
		t.Fatalf("screenshot is %dx%d", b.Dx(), b.Dy())
	}
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if img.At(x, y) != first {
				return
			}
		}
	}
	t.Fatal("the screenshot is a blank page")
}

func TestPageTitle(t *testing.T) {
	for kind, want := range map[string]string{"evidence-request": "Evidence request", "dsd-response": "Data Service Directory query response", "nonsense": "OOTS message"} {
		if got := pageTitle(validate.Kind(kind)); got != want {
			t.Errorf("pageTitle(%s) = %q, want %q", kind, got, want)
		}
	}
}
