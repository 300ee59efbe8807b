package xmlschema

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/oots-tools/oots/schemas/structure"
)

// Helpers shared by the tests that read the OOTS specification corpus
// (/work/shared/oots-spec, or $OOTS_SPEC). The corpus is read in place and
// never copied into the repository.

const officialDriver = "sdg/oots_driver_v1.0.0.xsd"

// specDir locates the corpus or skips the test.
func specDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("OOTS_SPEC")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "oots-spec")
	}
	if _, err := os.Stat(filepath.Join(dir, "expected", "samples.tsv")); err != nil {
		t.Skipf("OOTS specification corpus not found at %s (set OOTS_SPEC): %v", dir, err)
	}
	return dir
}

// corpusCase is one document with the xmllint verdict recorded for it.
type corpusCase struct {
	rel   string // path relative to the corpus folder, e.g. "samples/dsd/x.xml"
	valid bool
}

// readExpected reads expected/<set>.tsv ("samples" or "mutants"): one row
// per document and Schematron file, so documents repeat; the xsd column is
// the same on every row of a document.
func readExpected(t testing.TB, spec, set string) []corpusCase {
	t.Helper()
	f, err := os.Open(filepath.Join(spec, "expected", set+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	seen := map[string]bool{}
	var out []corpusCase
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || cols[0] == "file" || seen[cols[0]] {
			continue
		}
		seen[cols[0]] = true
		if cols[2] != "valid" && cols[2] != "invalid" {
			t.Fatalf("%s.tsv: unexpected xsd verdict %q for %s", set, cols[2], cols[0])
		}
		out = append(out, corpusCase{rel: set + "/" + cols[0], valid: cols[2] == "valid"})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s.tsv lists no documents", set)
	}
	return out
}

// verdict validates one corpus file; a document that is not well-formed
// is invalid, as the expected column counts it.
func verdict(t testing.TB, s *Schema, spec, rel string) (bool, []Violation) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(spec, rel))
	if err != nil {
		t.Fatal(err)
	}
	vs := s.ValidateBytes(context.Background(), data)
	return len(vs) == 0, vs
}

var (
	officialOnce sync.Once
	officialS    *Schema
	officialErr  error
)

// officialSchema compiles the official driver from the corpus once per
// test binary.
func officialSchema(t testing.TB, spec string) *Schema {
	t.Helper()
	officialOnce.Do(func() {
		officialS, officialErr = CompileFS(context.Background(), os.DirFS(filepath.Join(spec, "xsd")), officialDriver)
	})
	if officialErr != nil {
		t.Fatalf("compile official driver: %v", officialErr)
	}
	return officialS
}

func embeddedSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := Embedded(context.Background())
	if err != nil {
		t.Fatalf("compile embedded model: %v", err)
	}
	return s
}

func embeddedEbMSSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := EmbeddedEbMS(context.Background())
	if err != nil {
		t.Fatalf("compile embedded ebMS model: %v", err)
	}
	return s
}

var (
	xsdRouteOnce sync.Once
	xsdRouteEDM  *Schema
	xsdRouteEbMS *Schema
	xsdRouteErr  error
)

// embeddedXSDSchemas compiles the embedded model the other way, as
// generated XSD compiled by helium, once per test binary.
func embeddedXSDSchemas(t testing.TB) (edm, ebms *Schema) {
	t.Helper()
	xsdRouteOnce.Do(func() {
		ctx := context.Background()
		xsdRouteEDM, xsdRouteErr = compileModelXSD(ctx, structure.FS, EntryEDM)
		if xsdRouteErr == nil {
			xsdRouteEbMS, xsdRouteErr = compileModelXSD(ctx, structure.FS, EntryEbMS)
		}
	})
	if xsdRouteErr != nil {
		t.Fatalf("compile the generated XSD of the embedded model: %v", xsdRouteErr)
	}
	return xsdRouteEDM, xsdRouteEbMS
}
