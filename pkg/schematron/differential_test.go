package schematron_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/codelist"
	"github.com/oots-tools/oots/pkg/rulepack"
	"github.com/oots-tools/oots/pkg/schematron"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/oots-tools/oots/schemas"
)

// TestNativeAgreesOnCorpus validates every document of the shared corpus with
// every official rule set and embedded pack, once with native contexts and
// tests and once with XPath only, and requires identical results: id, role,
// line, location, message, pattern, evaluation error, in the same order.
func TestNativeAgreesOnCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus differential in -short mode")
	}
	spec, rows := conformance.LoadOrSkip(t)
	files := map[string][]string{} // rule set name -> documents
	for _, row := range rows {
		if row.Status == "ok" {
			name := strings.TrimSuffix(row.Schematron, ".sch")
			files[name] = append(files[name], row.File)
		}
	}
	docs := map[string]*helium.Document{}
	codes := codelist.NewSet(schemas.Codelists, "codelists")
	compared, findings := 0, 0
	for name, list := range files {
		for _, s := range ruleSets(t, spec, name, codes) {
			native, err := schematron.Compile(s)
			if err != nil {
				t.Fatal(err)
			}
			xpath, err := schematron.CompileXPathOnly(s)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range list {
				doc := corpusDoc(t, docs, spec, file)
				got, gerr := native.Validate(context.Background(), doc)
				want, werr := xpath.Validate(context.Background(), doc)
				if g, w := describe(got, gerr), describe(want, werr); g != w {
					t.Errorf("%s on %s:\nnative:\n%s\nXPath:\n%s", s.Source, file, g, w)
				}
				compared++
				findings += len(want)
			}
		}
	}
	t.Logf("%d validations, %d findings compared", compared, findings)
}

// ruleSets are the official rule set and, when there is one, the embedded pack.
func ruleSets(t *testing.T, spec, name string, codes *codelist.Set) []*schematron.Schema {
	data, err := os.ReadFile(filepath.Join(spec, "sch", name+".sch"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := schematron.Parse(name+".sch", data)
	if err != nil {
		t.Fatal(err)
	}
	out := []*schematron.Schema{s}
	if data, err := schemas.Rules.ReadFile("rules/edm-v1.0/" + name + ".yaml"); err == nil {
		p, err := rulepack.Parse(name+".yaml", data, codes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Schema)
	}
	return out
}

func corpusDoc(t *testing.T, docs map[string]*helium.Document, spec, file string) *helium.Document {
	if d, ok := docs[file]; ok {
		return d
	}
	data, err := os.ReadFile(filepath.Join(spec, file))
	if err != nil {
		t.Fatal(err)
	}
	d, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	docs[file] = d
	return d
}

// TestBatchAgreesOnCorpus validates every document of the shared corpus
// with its official rule set and embedded pack, one by one and then in one
// Batch, and requires identical results.
func TestBatchAgreesOnCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus differential in -short mode")
	}
	spec, rows := conformance.LoadOrSkip(t)
	codes := codelist.NewSet(schemas.Codelists, "codelists")
	compiled := map[string][]*schematron.Compiled{}
	docs := map[string]*helium.Document{}
	compared := 0
	for _, row := range rows {
		if row.Status != "ok" {
			continue
		}
		name := strings.TrimSuffix(row.Schematron, ".sch")
		sets, ok := compiled[name]
		if !ok {
			for _, s := range ruleSets(t, spec, name, codes) {
				c, err := schematron.Compile(s)
				if err != nil {
					t.Fatal(err)
				}
				sets = append(sets, c)
			}
			compiled[name] = sets
		}
		doc := corpusDoc(t, docs, spec, row.File)
		batch := schematron.NewBatch(doc)
		for _, c := range sets {
			want := describe(c.Validate(context.Background(), doc))
			if got := describe(batch.Validate(context.Background(), c)); got != want {
				t.Errorf("%s on %s:\nbatch:\n%s\nalone:\n%s", name, row.File, got, want)
			}
			compared++
		}
		batch.Close()
	}
	t.Logf("%d validations compared", compared)
}

func describe(res []schematron.Result, err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	for _, r := range res {
		fmt.Fprintf(&b, "%s|%s|%s|%d|%s|%q|%s|%s|%v|%s\n", r.Pattern, r.ID, r.EffectiveRole(), r.Line, r.Location, r.Message, r.Context, r.Test, r.Report, r.EvalError)
	}
	return b.String()
}

// TestConcurrentValidation shares one compiled rule set between goroutines
// (runs are pooled per rule set) and requires every result to be the
// sequential one. Run it with -race.
func TestConcurrentValidation(t *testing.T) {
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared oots-spec corpus not found (set OOTS_SPEC)")
	}
	s := ruleSets(t, spec, "EDM-REQ-C", codelist.NewSet(schemas.Codelists, "codelists"))[1]
	c, err := schematron.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*helium.Document{}
	files, _ := filepath.Glob(filepath.Join(spec, "samples/evidence-request/*.xml"))
	want := make([]string, len(files))
	for i, f := range files {
		rel, _ := filepath.Rel(spec, f)
		res, err := c.Validate(context.Background(), corpusDoc(t, docs, spec, rel))
		want[i] = describe(res, err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 20; n++ {
				i := (g + n) % len(files)
				rel, _ := filepath.Rel(spec, files[i])
				res, err := c.Validate(context.Background(), docs[rel])
				if got := describe(res, err); got != want[i] {
					t.Errorf("%s: concurrent result differs:\n%s\nwant\n%s", rel, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}
