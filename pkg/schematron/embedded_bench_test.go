package schematron_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/codelist"
	"github.com/oots-tools/oots/pkg/rulepack"
	"github.com/oots-tools/oots/pkg/schematron"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/oots-tools/oots/schemas"
)

// embeddedPacks compiles the named packs of the embedded rule set, as
// pkg/validate does for the kind of message it checks.
func embeddedPacks(tb testing.TB, names ...string) []*schematron.Compiled {
	tb.Helper()
	codes := codelist.NewSet(schemas.Codelists, "codelists")
	var out []*schematron.Compiled
	for _, name := range names {
		file := "rules/edm-v1.0/" + name + ".yaml"
		data, err := fs.ReadFile(schemas.Rules, file)
		if err != nil {
			tb.Fatal(err)
		}
		p, err := rulepack.Parse(name+".yaml", data, codes)
		if err != nil {
			tb.Fatal(err)
		}
		c, err := schematron.Compile(p.Schema)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// benchDoc parses one document of the shared corpus as the simulator's
// nodes parse messages.
func benchDoc(tb testing.TB, sample string) *helium.Document {
	tb.Helper()
	spec, ok := conformance.SpecDir()
	if !ok {
		tb.Skip("shared corpus not found")
	}
	data, err := os.ReadFile(filepath.Join(spec, sample))
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// benchmarkEmbedded runs the embedded packs over one corpus sample, as one
// validation of the simulator's journey does: each pack on its own, or all
// in one Batch.
func benchmarkEmbedded(b *testing.B, sample string, packs ...string) {
	compiled := embeddedPacks(b, packs...)
	doc := benchDoc(b, sample)
	b.Run("each", func(b *testing.B) {
		measure(b, func() {
			for _, c := range compiled {
				if _, err := c.Validate(context.Background(), doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("batch", func(b *testing.B) {
		measure(b, func() {
			batch := schematron.NewBatch(doc)
			defer batch.Close()
			for _, c := range compiled {
				if _, err := batch.Validate(context.Background(), c); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// measure runs op in the benchmark loop and reports its allocations and
// CPU time, a steadier measure than wall time on a loaded machine.
func measure(b *testing.B, op func()) {
	b.ReportAllocs()
	start := schematron.CPUTime()
	for b.Loop() {
		op()
	}
	if cpu := schematron.CPUTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkValidateEmbeddedRequest runs the embedded EDM-REQ packs over a
// full evidence request (13 kB).
func BenchmarkValidateEmbeddedRequest(b *testing.B) {
	benchmarkEmbedded(b, "samples/evidence-request/edm10-2.1-Step-1-Evidence-Request-Birth-full-example.xml", "EDM-REQ-S", "EDM-REQ-C")
}

// BenchmarkValidateEmbeddedResponse runs the embedded EDM-RESP packs over a
// full evidence response (12 kB).
func BenchmarkValidateEmbeddedResponse(b *testing.B) {
	benchmarkEmbedded(b, "samples/evidence-response/edm10-2.2-Step-2-Evidence-Response-Birth-full-example.xml", "EDM-RESP-S", "EDM-RESP-C")
}
