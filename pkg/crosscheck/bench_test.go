package crosscheck

import (
	"testing"

	"github.com/oots-tools/oots/internal/testdocs"
)

// BenchmarkCheck cross-checks the example request with the example response
// and with the example preview error.
func BenchmarkCheck(b *testing.B) {
	for _, c := range []struct{ req, resp string }{
		{"evidence-request.xml", "evidence-response.xml"},
		{"evidence-request-preview.xml", "evidence-error-preview.xml"},
	} {
		b.Run(c.resp, func(b *testing.B) {
			req, resp := testdocs.Example(b, c.req), testdocs.Example(b, c.resp)
			b.ReportAllocs()
			for b.Loop() {
				Check(req, resp)
			}
		})
	}
}
