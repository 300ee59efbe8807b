package validate_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// relabelled lists samples whose reference kind differs from their content:
// this LCM submission registers requirements and evidence types, so it goes
// to the Evidence Broker, though the reference table files it under the DSD.
var relabelled = map[string]validate.Kind{
	"samples/lcm/edm10-5.4-LCM-Submit-Objects-to-the-Evidence-Broker-Birth-Certificate.xml": validate.LCMSubmitEB,
}

// TestDetectKindOfSamples requires the detected kind of every sample to be the
// reference kind.
func TestDetectKindOfSamples(t *testing.T) {
	spec, rows := conformance.LoadOrSkip(t)
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.File] || filepath.Dir(filepath.Dir(r.File)) != "samples" {
			continue
		}
		seen[r.File] = true
		want := validate.Kind(r.Kind)
		if k, ok := relabelled[r.File]; ok {
			want = k
		}
		if got := detect(t, filepath.Join(spec, r.File)); got != want {
			t.Errorf("%s: detected %s, want %s", r.File, got, want)
		}
	}
	if len(seen) < 80 {
		t.Fatalf("only %d samples checked", len(seen))
	}
}

func TestDetectKindOfHeaders(t *testing.T) {
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared oots-spec corpus not found")
	}
	for pattern, want := range map[string]validate.Kind{
		"samples/as4/*.xml":                   validate.EbMSHeader,
		"samples/as4/domibus-ws-plugin/*.xml": validate.SOAPEnvelope,
	} {
		files, _ := filepath.Glob(filepath.Join(spec, pattern))
		if len(files) == 0 {
			t.Fatalf("no files for %s", pattern)
		}
		for _, f := range files {
			if got := detect(t, f); got != want {
				t.Errorf("%s: detected %s, want %s", f, got, want)
			}
		}
	}
}

func detect(t *testing.T, path string) validate.Kind {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return validate.Detect(doc)
}

func TestParseKind(t *testing.T) {
	if k, err := validate.ParseKind(" Evidence-Request "); err != nil || k != validate.EvidenceRequest {
		t.Errorf("got %v, %v", k, err)
	}
	if _, err := validate.ParseKind("invoice"); err == nil {
		t.Error("accepted an unknown kind")
	}
}
