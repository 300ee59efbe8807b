package dsig_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/dsig/dsigtest"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// Every case of the negative corpus is refused with its own sentinel error
// and a message that says what is wrong.
func TestNegativeCorpus(t *testing.T) {
	msg, err := os.ReadFile(filepath.Join("..", "..", "examples", "messages", "evidence-request.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dsigtest.NegativeCorpus(t, pkitest.New(t), msg) {
		t.Run(c.Name, func(t *testing.T) {
			_, err := dsig.Verify(context.Background(), c.Doc, dsig.VerifyOptions{Roots: c.Roots})
			if !errors.Is(err, c.Want) {
				t.Fatalf("err = %v, want %v", err, c.Want)
			}
			if !strings.Contains(err.Error(), c.Message) {
				t.Fatalf("err = %v, want it to say %q", err, c.Message)
			}
		})
	}
}

func corpusCase(t *testing.T, name string) dsigtest.Case {
	t.Helper()
	msg, err := os.ReadFile(filepath.Join("..", "..", "examples", "messages", "evidence-request.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dsigtest.NegativeCorpus(t, pkitest.New(t), msg) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no corpus case %q", name)
	return dsigtest.Case{}
}

// The SHA-1 case is a sound signature: only the policy refuses it.
func TestSHA1AcceptedWhenAllowed(t *testing.T) {
	c := corpusCase(t, "SHA-1")
	res, err := dsig.Verify(context.Background(), c.Doc, dsig.VerifyOptions{Roots: c.Roots, AllowSHA1: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Algorithm != "RSA-SHA1" || res.References[0].Digest != "SHA-1" {
		t.Fatalf("result: %+v", res)
	}
}

// The wrapped signature is a real attack: xmlsec1, which checks the
// cryptography only, accepts it; oots refuses it.
func TestWrappedSignatureFoolsXmlsec1(t *testing.T) {
	xmlsec1, err := exec.LookPath("xmlsec1")
	if err != nil {
		t.Skip("xmlsec1 is not installed (Debian package xmlsec1; .ci/run installs it)")
	}
	wrapped := corpusCase(t, "wrapped signature")
	dir := t.TempDir()
	ca, doc := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "wrapped.xml")
	if err := os.WriteFile(ca, pki.EncodeCertificatesPEM(wrapped.Roots...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, wrapped.Doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmlsec1, "--verify", "--trusted-pem", ca,
		"--id-attr:id", "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0:QueryRequest", doc).CombinedOutput()
	if err != nil {
		t.Fatalf("xmlsec1 should accept the wrapped signature (it is cryptographically sound): %v\n%s", err, out)
	}
	if _, err := dsig.Verify(context.Background(), wrapped.Doc, dsig.VerifyOptions{Roots: wrapped.Roots}); !errors.Is(err, dsig.ErrWrapped) {
		t.Fatalf("oots: err = %v, want ErrWrapped", err)
	}
}
