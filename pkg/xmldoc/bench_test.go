package xmldoc_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// BenchmarkParse parses the example evidence request (8 kB) on the fast
// path and with helium alone.
func BenchmarkParse(b *testing.B) {
	benchmarkParse(b, filepath.Join("..", "..", "examples", "messages", "evidence-request.xml"))
}

// BenchmarkParseResponse parses the example evidence response (6 kB), the
// other EDM payload of every journey.
func BenchmarkParseResponse(b *testing.B) {
	benchmarkParse(b, filepath.Join("..", "..", "examples", "messages", "evidence-response.xml"))
}

// BenchmarkParseEnvelope parses a signed AS4 envelope (6 kB: many
// namespace declarations, a base64 certificate, indentation), a static copy
// of one pkg/as4 writes, which xmldoc cannot import.
func BenchmarkParseEnvelope(b *testing.B) {
	benchmarkParse(b, filepath.Join("testdata", "as4-envelope.xml"))
}

func benchmarkParse(b *testing.B, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
		if doc, ok := xmldoc.ParseFast(data, xmldoc.DefaultLimits.MaxDepth); !ok {
			b.Fatal("the fast path refuses the document")
		} else {
			doc.Free()
		}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
			if err != nil {
				b.Fatal(err)
			}
			doc.Free()
		}
	})
	b.Run("helium", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			doc, err := xmldoc.ParseHelium(context.Background(), data, xmldoc.DefaultLimits)
			if err != nil {
				b.Fatal(err)
			}
			doc.Free()
		}
	})
}
