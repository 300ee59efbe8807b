package edmjson

import (
	"context"
	"os"
	"testing"

	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// TestRoundTripKeepsVerdicts validates every sample and its round trip
// through JSON with the embedded rules: the verdict and the number of errors
// must not change (the canonical comparison checks the content; this checks
// that nothing the rules look at, such as line-independent structure, moved).
func TestRoundTripKeepsVerdicts(t *testing.T) {
	ctx := context.Background()
	rs, err := validate.Embedded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := validate.New(rs, validate.Options{})
	same := 0
	files := sampleFiles(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		back := xmlRoundTrip(t, data)
		a := v.Validate(ctx, f, data)
		b := v.Validate(ctx, f, back)
		ea, eb := errorCount(a.Findings), errorCount(b.Findings)
		if a.Valid == b.Valid && ea == eb {
			same++
		} else {
			t.Errorf("%s: valid %v with %d errors, after the round trip valid %v with %d", f, a.Valid, ea, b.Valid, eb)
		}
	}
	t.Logf("same verdict: %d/%d", same, len(files))
}

func errorCount(fs []report.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == "error" {
			n++
		}
	}
	return n
}

func xmlRoundTrip(t *testing.T, data []byte) []byte {
	t.Helper()
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	js, err := ToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	return back
}
