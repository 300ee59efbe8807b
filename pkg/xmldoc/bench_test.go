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
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "messages", "evidence-request.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
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
