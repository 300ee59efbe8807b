package dsig

import (
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// exampleMessage reads a message of the repository's examples folder.
func exampleMessage(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "messages", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func mustSign(tb testing.TB, data []byte, id *pki.Identity, opts SignOptions) []byte {
	tb.Helper()
	out, err := SignEnveloped(context.Background(), data, id, opts)
	if err != nil {
		tb.Fatalf("SignEnveloped: %v", err)
	}
	return out
}

func trusting(p *pkitest.PKI) VerifyOptions {
	return VerifyOptions{Roots: []*x509.Certificate{p.Root}}
}

func mustVerify(tb testing.TB, data []byte, opts VerifyOptions) *Result {
	tb.Helper()
	res, err := Verify(context.Background(), data, opts)
	if err != nil {
		tb.Fatalf("Verify: %v\n%s", err, data)
	}
	return res
}

// regexpRootName is the qualified name of the document element.
func regexpRootName(doc []byte) string {
	m := rootNamePattern.FindSubmatch(doc)
	if m == nil {
		return ""
	}
	return string(m[1])
}

var rootNamePattern = regexp.MustCompile(`(?s)^(?:<\?.*?\?>|<!--.*?-->|\s)*<([^\s/>]+)`)
