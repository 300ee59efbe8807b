package xmlschema

import (
	"context"
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

// BenchmarkValidateEmbedded validates one typical evidence request (already
// parsed) against the embedded model.
func BenchmarkValidateEmbedded(b *testing.B) {
	s := embeddedSchema(b)
	doc := parseDoc(b, []byte(typicalRequest))
	ctx := context.Background()
	b.ReportAllocs()
	start, ok := processCPU()
	for b.Loop() {
		if vs := s.Validate(ctx, doc); vs != nil {
			b.Fatal(vs)
		}
	}
	reportCPU(b, start, ok)
}

// BenchmarkValidateEmbeddedParallel shares one schema between goroutines.
func BenchmarkValidateEmbeddedParallel(b *testing.B) {
	s := embeddedSchema(b)
	doc := parseDoc(b, []byte(typicalRequest))
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if vs := s.Validate(ctx, doc); vs != nil {
				b.Error(vs)
				return
			}
		}
	})
}

// BenchmarkValidateBytesEmbedded includes parsing.
func BenchmarkValidateBytesEmbedded(b *testing.B) {
	s := embeddedSchema(b)
	data := []byte(typicalRequest)
	ctx := context.Background()
	b.ReportAllocs()
	start, ok := processCPU()
	for b.Loop() {
		if vs := s.ValidateBytes(ctx, data); vs != nil {
			b.Fatal(vs)
		}
	}
	reportCPU(b, start, ok)
}

// BenchmarkValidateEmbeddedOfficialSample validates the official full
// evidence request example of the corpus (read in place).
func BenchmarkValidateEmbeddedOfficialSample(b *testing.B) {
	spec := specDir(b)
	data, err := os.ReadFile(filepath.Join(spec, "samples", "evidence-request", "edm10-2.1-Step-1-Evidence-Request-Birth-full-example.xml"))
	if err != nil {
		b.Fatal(err)
	}
	s := embeddedSchema(b)
	doc := parseDoc(b, data)
	ctx := context.Background()
	b.ReportAllocs()
	start, ok := processCPU()
	for b.Loop() {
		if vs := s.Validate(ctx, doc); vs != nil {
			b.Fatal(vs)
		}
	}
	reportCPU(b, start, ok)
}

// BenchmarkCompileEmbedded measures generating and compiling the model,
// the one-off cost Embedded pays on first use.
func BenchmarkCompileEmbedded(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := CompileModel(ctx, structure.FS, EntryEDM); err != nil {
			b.Fatal(err)
		}
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
