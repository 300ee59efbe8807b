package render

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

func renderFile(t *testing.T, path string, opts Options) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	out, err := HTML(doc, "Evidence request", opts)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestRequestPage(t *testing.T) {
	page := renderFile(t, "../../examples/messages/evidence-request.xml", Options{})
	for _, want := range []string{
		`<html lang="en">`, "<title>Evidence request</title>",
		"<h2>Specification identifier</h2>", "oots-edm:v1.0",
		"<h2>Evidence requester</h2>", "<h2>Possibility for preview</h2>", "No",
		"Natural person", "Date of birth",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// The page is standalone: no scripts, no style sheets or images from elsewhere.
func TestPageIsStandalone(t *testing.T) {
	for _, f := range []string{"evidence-request.xml", "evidence-response.xml", "evidence-error-preview.xml", "eb-requirements.xml", "dsd-response.xml"} {
		page := renderFile(t, "../../examples/messages/"+f, Options{})
		if regexp.MustCompile(`(?i)<script|<link|<img|<iframe|src=|@import|url\(`).MatchString(page) {
			t.Errorf("%s: page loads something from outside", f)
		}
	}
}

func TestPreferredLanguage(t *testing.T) {
	page := renderFile(t, "../../examples/messages/evidence-error-preview.xml", Options{Lang: "pt"})
	if !strings.Contains(page, `<html lang="pt">`) {
		t.Error("page language not taken from the options")
	}
}

func TestHumanize(t *testing.T) {
	for in, want := range map[string]string{"EvidenceRequester": "Evidence requester", "requestId": "request id", "IssueDateTime": "Issue date time", "LoA": "LoA", "DSD": "DSD", "DSDErrorCode": "DSD error code"} {
		if got := humanize(in); got != want {
			t.Errorf("humanize(%q) = %q, want %q", in, got, want)
		}
	}
}

// Labels follow the page language where a translation exists.
func TestLabelsInPageLanguage(t *testing.T) {
	page := renderFile(t, "../../examples/messages/evidence-request.xml", Options{Lang: "de"})
	for _, want := range []string{`<html lang="de">`, "<h2>Spezifikationskennung</h2>", "<h2>Nachweisanforderer</h2>", "Nein", "Maßgeblich ist die Nachricht selbst"} {
		if !strings.Contains(page, want) {
			t.Errorf("German page lacks %q", want)
		}
	}
	// A language without a table keeps the English labels.
	page = renderFile(t, "../../examples/messages/evidence-request.xml", Options{Lang: "fi"})
	if !strings.Contains(page, "<h2>Specification identifier</h2>") {
		t.Error("fallback to English labels missing")
	}
}
