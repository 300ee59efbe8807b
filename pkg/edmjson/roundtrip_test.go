package edmjson

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

func sampleFiles(t testing.TB) []string {
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("the shared OOTS corpus (../shared/oots-spec or $OOTS_SPEC) is absent")
	}
	var files []string
	err := filepath.WalkDir(filepath.Join(spec, "samples"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// roundTrip converts XML to JSON and back and compares the canonical forms.
func roundTrip(t *testing.T, data []byte) ([]byte, bool) {
	t.Helper()
	ctx := context.Background()
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	js, err := ToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromJSON(js)
	if err != nil {
		t.Fatalf("FromJSON: %v\n%s", err, js)
	}
	want, err := Canonical(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Canonical(ctx, back)
	if err != nil {
		t.Fatalf("re-parsing the XML from JSON: %v\n%s", err, back)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("canonical forms differ at byte %d:\nwant …%s…\n got …%s…", diffAt(want, got), around(want, diffAt(want, got)), around(got, diffAt(want, got)))
		return js, false
	}
	return js, true
}

func diffAt(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func around(b []byte, i int) string {
	return string(b[max(0, i-120):min(len(b), i+120)])
}

// TestRoundTripSamples converts every sample of the shared corpus to JSON
// and back: the documents must be equal after exclusive C14N.
func TestRoundTripSamples(t *testing.T) {
	files := sampleFiles(t)
	passed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, ok := roundTrip(t, data); ok {
				passed++
			}
		})
	}
	t.Logf("round trip: %d/%d", passed, len(files))
	if testing.Verbose() || passed != len(files) {
		println("round trip:", passed, "/", len(files))
	}
}

// TestRoundTripKeepWhitespace checks the strict mode on every sample: equal
// under plain exclusive C14N, indentation included.
func TestRoundTripKeepWhitespace(t *testing.T) {
	ctx := context.Background()
	passed, files := 0, sampleFiles(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		js, err := ToJSONWith(doc, Options{KeepWhitespace: true})
		if err != nil {
			t.Fatal(err)
		}
		back, err := FromJSON(js)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want, _ := ExclusiveC14N(ctx, data)
		got, err := ExclusiveC14N(ctx, back)
		if err != nil || !bytes.Equal(want, got) {
			t.Errorf("%s: differs at byte %d (%v)", f, diffAt(want, got), err)
			continue
		}
		passed++
	}
	t.Logf("round trip, whitespace kept: %d/%d", passed, len(files))
}

func TestRoundTripExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*/*.xml")
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) { roundTrip(t, data) })
	}
}

// FuzzRoundTrip checks the lossless claim on arbitrary XML: whatever parses
// converts to JSON and back to an equal canonical document.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(`<a xmlns="urn:x" xmlns:p="urn:p" p:q="1"><b c="d">e &amp; f</b><p:b/></a>`))
	f.Add([]byte(`<a>t<![CDATA[<c>]]><?pi x?>u<!-- c --><b/></a>`))
	f.Add([]byte(`<r:Slot xmlns:r="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0" name="x"/>`))
	f.Add([]byte(`<kind>x</kind>`))
	f.Add([]byte(`<a xmlns:x="urn:x"><x:b xmlns:x="urn:y"><c xmlns=""/></x:b></a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		want, err := Canonical(ctx, data)
		if err != nil {
			return
		}
		doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		js, err := ToJSON(doc)
		if err != nil {
			t.Fatal(err)
		}
		back, err := FromJSON(js)
		if err != nil {
			t.Fatalf("FromJSON: %v\n%s", err, js)
		}
		got, err := Canonical(ctx, back)
		if err != nil {
			t.Fatalf("%v\n%s\n%s", err, js, back)
		}
		if !bytes.Equal(want, got) {
			t.Fatalf("differ:\n%s\n%s\n%s", want, got, js)
		}
		strict, err := ToJSONWith(doc, Options{KeepWhitespace: true})
		if err != nil {
			t.Fatal(err)
		}
		if back, err = FromJSON(strict); err != nil {
			t.Fatal(err)
		}
		want, _ = ExclusiveC14N(ctx, data)
		if got, _ = ExclusiveC14N(ctx, back); !bytes.Equal(want, got) {
			t.Fatalf("whitespace kept, differ:\n%s\n%s\n%s", want, got, strict)
		}
	})
}
