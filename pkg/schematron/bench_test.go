package schematron

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
)

// benchmarkOfficial runs the named official rule sets over one corpus sample.
func benchmarkOfficial(b *testing.B, sample string, names ...string) {
	spec, ok := conformance.SpecDir()
	if !ok {
		b.Skip("shared corpus not found")
	}
	var compiled []*Compiled
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(spec, "sch", name+".sch"))
		if err != nil {
			b.Fatal(err)
		}
		s, err := Parse(name, data)
		if err != nil {
			b.Fatal(err)
		}
		c, err := Compile(s)
		if err != nil {
			b.Fatal(err)
		}
		compiled = append(compiled, c)
	}
	data, err := os.ReadFile(filepath.Join(spec, sample))
	if err != nil {
		b.Fatal(err)
	}
	doc, err := helium.NewParser().Parse(context.Background(), data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		for _, c := range compiled {
			if _, err := c.Validate(context.Background(), doc); err != nil {
				b.Fatal(err)
			}
		}
	}
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkValidateOfficialRequestRules runs the official EDM-REQ-S and -C
// rules over a full evidence request.
func BenchmarkValidateOfficialRequestRules(b *testing.B) {
	benchmarkOfficial(b, "samples/evidence-request/edm10-2.1-Step-1-Evidence-Request-Birth-full-example.xml", "EDM-REQ-S", "EDM-REQ-C")
}

// BenchmarkValidateOfficialCatalogue runs the official EB-REQ-S and -C rules
// over the largest corpus document, a 600 kB Evidence Broker requirements
// catalogue: the case where per-node costs dominate.
func BenchmarkValidateOfficialCatalogue(b *testing.B) {
	benchmarkOfficial(b, "samples/eb/fr-acc-eb_requirements_catalogue.xml", "EB-REQ-S", "EB-REQ-C")
}
