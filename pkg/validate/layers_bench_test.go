package validate

import (
	"context"
	"testing"

	"github.com/oots-tools/oots/internal/testdocs"
)

var layerExamples = []string{"evidence-request.xml", "evidence-response.xml", "evidence-error-preview.xml"}

// BenchmarkCodelistLayer is the code-list layer alone on the example messages.
func BenchmarkCodelistLayer(b *testing.B) {
	rs, err := Embedded(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	v := New(rs, Options{})
	for _, name := range layerExamples {
		b.Run(name, func(b *testing.B) {
			doc := testdocs.Example(b, name)
			kind := Detect(doc)
			b.ReportAllocs()
			for b.Loop() {
				v.codelistLayer(context.Background(), doc, kind)
			}
		})
	}
}

// BenchmarkDetect is kind detection alone on the example messages.
func BenchmarkDetect(b *testing.B) {
	for _, name := range layerExamples {
		b.Run(name, func(b *testing.B) {
			doc := testdocs.Example(b, name)
			b.ReportAllocs()
			for b.Loop() {
				Detect(doc)
			}
		})
	}
}
