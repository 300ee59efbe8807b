package schematron

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
)

// BenchmarkValidateOfficialRequestRules runs the official EDM-REQ-S and -C
// rules over a full evidence request.
func BenchmarkValidateOfficialRequestRules(b *testing.B) {
	spec, ok := conformance.SpecDir()
	if !ok {
		b.Skip("shared corpus not found")
	}
	var compiled []*Compiled
	for _, name := range []string{"EDM-REQ-S", "EDM-REQ-C"} {
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
	data, err := os.ReadFile(filepath.Join(spec, "samples/evidence-request/edm10-2.1-Step-1-Evidence-Request-Birth-full-example.xml"))
	if err != nil {
		b.Fatal(err)
	}
	doc, err := helium.NewParser().Parse(context.Background(), data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range compiled {
			if _, err := c.Validate(context.Background(), doc); err != nil {
				b.Fatal(err)
			}
		}
	}
}
