package xmlschema

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/schemas/structure"
)

func parseDoc(tb testing.TB, data []byte) *helium.Document {
	tb.Helper()
	doc, err := helium.NewParser().Parse(context.Background(), data)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// reportCPU adds the process CPU time per operation (including the garbage
// collector's share) to a benchmark's results.
func reportCPU(b *testing.B, start time.Duration, ok bool) {
	if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N)/1e3, "cpu-µs/op")
	}
}

// The benchmarks compare the two engines of the embedded model: the native
// engine (what Embedded returns) and the generated XSD compiled by helium.
// Besides wall time they report cpu-µs/op, the process CPU time per
// operation, garbage collection included: the machine they run on is shared.

// engines returns the EDM schema of both engines.
func engines(b *testing.B) []struct {
	name string
	s    *Schema
} {
	xsdEDM, _ := embeddedXSDSchemas(b)
	return []struct {
		name string
		s    *Schema
	}{{"native", embeddedSchema(b)}, {"helium", xsdEDM}}
}

// BenchmarkEmbeddedStartup is the one-off cost of Embedded: reading the
// model and building the native schema, or generating XSD and compiling it.
func BenchmarkEmbeddedStartup(b *testing.B) {
	ctx := context.Background()
	for _, e := range []struct {
		name    string
		compile func(context.Context, fs.FS, string) (*Schema, error)
	}{{"native", CompileModel}, {"helium", compileModelXSD}} {
		b.Run(e.name, func(b *testing.B) {
			b.ReportAllocs()
			start, ok := processCPU()
			for b.Loop() {
				if _, err := e.compile(ctx, structure.FS, EntryEDM); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start, ok)
		})
	}
}

// BenchmarkValidateTypical validates one typical evidence request, already
// parsed.
func BenchmarkValidateTypical(b *testing.B) {
	benchValidate(b, []byte(typicalRequest), true)
}

// BenchmarkValidateCatalogue validates the largest EDM sample of the corpus,
// the Evidence Broker's requirements catalogue (read in place). It breaks
// the official schema 53 times, so error reporting is part of the cost.
func BenchmarkValidateCatalogue(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(specDir(b), "samples", "eb", "fr-acc-eb_requirements_catalogue.xml"))
	if err != nil {
		b.Fatal(err)
	}
	benchValidate(b, data, false)
}

// BenchmarkValidateOfficialSample validates the official full evidence
// request example of the corpus.
func BenchmarkValidateOfficialSample(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(specDir(b), "samples", "evidence-request", "edm10-2.1-Step-1-Evidence-Request-Birth-full-example.xml"))
	if err != nil {
		b.Fatal(err)
	}
	benchValidate(b, data, true)
}

func benchValidate(b *testing.B, data []byte, valid bool) {
	ctx := context.Background()
	for _, e := range engines(b) {
		b.Run(e.name, func(b *testing.B) {
			doc := parseDoc(b, data)
			b.ReportAllocs()
			start, ok := processCPU()
			for b.Loop() {
				if vs := e.s.Validate(ctx, doc); (vs == nil) != valid {
					b.Fatalf("unexpected verdict: %v", vs)
				}
			}
			reportCPU(b, start, ok)
		})
	}
}

// BenchmarkValidateParallel shares one schema between goroutines, each
// validating its own parse of the typical request.
func BenchmarkValidateParallel(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines(b) {
		b.Run(e.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				doc := parseDoc(b, []byte(typicalRequest))
				for pb.Next() {
					if vs := e.s.Validate(ctx, doc); vs != nil {
						b.Error(vs)
						return
					}
				}
			})
		})
	}
}

// BenchmarkValidateBytes includes parsing the typical request.
func BenchmarkValidateBytes(b *testing.B) {
	ctx := context.Background()
	data := []byte(typicalRequest)
	for _, e := range engines(b) {
		b.Run(e.name, func(b *testing.B) {
			b.ReportAllocs()
			start, ok := processCPU()
			for b.Loop() {
				if vs := e.s.ValidateBytes(ctx, data); vs != nil {
					b.Fatal(vs)
				}
			}
			reportCPU(b, start, ok)
		})
	}
}

// TestConcurrentValidation shares one schema between goroutines validating
// valid and invalid documents, and requires the sequential results. Run
// with -race to check helium's validator is safe to share.
func TestConcurrentValidation(t *testing.T) {
	s := embeddedSchema(t)
	ctx := context.Background()
	docs := []string{
		typicalRequest,
		strings.Replace(typicalRequest, "<rim:Value>true</rim:Value>", "<rim:Value>yes</rim:Value>", 1),
		strings.Replace(typicalRequest, `xml:lang="en"`, `xsi:lang="en"`, 1),
		strings.NewReplacer("<sdg:GivenName>", "<sdg:Given>", "</sdg:GivenName>", "</sdg:Given>").Replace(typicalRequest),
		minimalRequest,
	}
	want := make([][]Violation, len(docs))
	parsed := make([]*helium.Document, len(docs))
	for i, d := range docs {
		parsed[i] = parseDoc(t, []byte(d))
		want[i] = s.Validate(ctx, parsed[i])
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				k := (g + i) % len(docs)
				// Half the goroutines share parsed documents, half parse their own.
				var got []Violation
				if g%2 == 0 {
					got = s.Validate(ctx, parsed[k])
				} else {
					got = s.ValidateBytes(ctx, []byte(docs[k]))
				}
				if !reflect.DeepEqual(got, want[k]) {
					errs <- "document " + string(rune('0'+k)) + " gave different violations concurrently"
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// BenchmarkValidateMessages validates the example evidence request and
// response, the documents a simulated journey validates (native engine
// only: it is the one the journey runs).
func BenchmarkValidateMessages(b *testing.B) {
	ctx := context.Background()
	s := embeddedSchema(b)
	for _, name := range []string{"evidence-request", "evidence-response"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "messages", name+".xml"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			doc := parseDoc(b, data)
			b.ReportAllocs()
			start, ok := processCPU()
			for b.Loop() {
				if vs := s.Validate(ctx, doc); vs != nil {
					b.Fatal(vs)
				}
			}
			reportCPU(b, start, ok)
		})
	}
}
