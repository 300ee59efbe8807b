package dsig

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// Differential tests against xmlsec1 (Debian xmlsec1, installed by .ci/run):
// what oots signs verifies with xmlsec1, what xmlsec1 signs verifies with
// oots, and a tampered document fails in both.

func needXmlsec1(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("xmlsec1")
	if err != nil {
		tb.Skip("xmlsec1 is not installed (Debian package xmlsec1; .ci/run installs it)")
	}
	return path
}

// xmlsec1Verify runs `xmlsec1 --verify` trusting caPEM and returns its
// output and success. --id-attr declares the Id of xades:SignedProperties,
// which xmlsec1 cannot know without a schema.
func xmlsec1Verify(tb testing.TB, doc []byte, caPEM string) (string, bool) {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "signed.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(needXmlsec1(tb), "--verify", "--trusted-pem", caPEM, "--id-attr:Id", NamespaceXAdES+":SignedProperties", file)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		tb.Fatalf("running xmlsec1: %v", err)
	}
	return string(out), err == nil
}

// xmlsec1Sign signs template (a document with an empty ds:Signature) with
// the key and certificate files.
func xmlsec1Sign(tb testing.TB, template []byte, keyPEM, certPEM string) []byte {
	tb.Helper()
	dir := tb.TempDir()
	in, out := filepath.Join(dir, "template.xml"), filepath.Join(dir, "signed.xml")
	if err := os.WriteFile(in, template, 0o644); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(needXmlsec1(tb), "--sign", "--privkey-pem", keyPEM+","+certPEM, "--output", out, in)
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("xmlsec1 --sign: %v\n%s", err, msg)
	}
	signed, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return signed
}

// signatureTemplate is an empty enveloped signature for xmlsec1 to fill.
func signatureTemplate(c14n, method, digest string, transforms ...string) string {
	var b strings.Builder
	b.WriteString(`<ds:Signature xmlns:ds="` + NamespaceDSig + `"><ds:SignedInfo>`)
	b.WriteString(`<ds:CanonicalizationMethod Algorithm="` + c14n + `"/><ds:SignatureMethod Algorithm="` + method + `"/>`)
	b.WriteString(`<ds:Reference URI=""><ds:Transforms>`)
	for _, t := range transforms {
		b.WriteString(`<ds:Transform Algorithm="` + t + `"/>`)
	}
	b.WriteString(`</ds:Transforms><ds:DigestMethod Algorithm="` + digest + `"/><ds:DigestValue/></ds:Reference>`)
	b.WriteString(`</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>`)
	return b.String()
}

func withTemplate(tb testing.TB, doc []byte, template string) []byte {
	tb.Helper()
	root := regexpRootName(doc)
	out, err := insertBeforeRootEnd(doc, root, template)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// tamper changes a value inside the document body.
func tamper(tb testing.TB, doc []byte) []byte {
	tb.Helper()
	const from, to = "oots-edm:v1.0", "oots-edm:v1.1"
	if !bytes.Contains(doc, []byte(from)) {
		tb.Fatalf("nothing to tamper with")
	}
	return bytes.Replace(doc, []byte(from), []byte(to), 1)
}

func TestXmlsec1VerifiesOotsSignatures(t *testing.T) {
	needXmlsec1(t)
	p := pkitest.New(t)
	msg := exampleMessage(t, "evidence-request.xml")
	for _, alg := range []pki.Algorithm{pki.RSA3072, pki.P256} {
		for _, xades := range []bool{false, true} {
			name := string(alg)
			if xades {
				name += "/xades"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				id := p.Identity(t, alg)
				p.WriteFiles(t, dir, "node", id)
				ca := filepath.Join(dir, "node-ca.pem")
				signed := mustSign(t, msg, id, SignOptions{XAdES: xades})
				if out, ok := xmlsec1Verify(t, signed, ca); !ok {
					t.Fatalf("xmlsec1 refuses an oots signature:\n%s", out)
				}
				bad := tamper(t, signed)
				if out, ok := xmlsec1Verify(t, bad, ca); ok {
					t.Fatalf("xmlsec1 accepts a tampered document:\n%s", out)
				}
				if _, err := Verify(context.Background(), bad, trusting(p)); !errors.Is(err, ErrDigestMismatch) {
					t.Fatalf("oots: err = %v, want ErrDigestMismatch", err)
				}
			})
		}
	}
}

func TestOotsVerifiesXmlsec1Signatures(t *testing.T) {
	needXmlsec1(t)
	p := pkitest.New(t)
	msg := exampleMessage(t, "evidence-request.xml")
	templates := map[string]string{
		"rsa exclusive":     signatureTemplate(AlgExcC14N, AlgRSASHA256, AlgSHA256, AlgEnvelopedSignature, AlgExcC14N),
		"p256 exclusive":    signatureTemplate(AlgExcC14N, AlgECDSASHA256, AlgSHA256, AlgEnvelopedSignature, AlgExcC14N),
		"rsa inclusive":     signatureTemplate(AlgC14N10, AlgRSASHA256, AlgSHA256, AlgEnvelopedSignature),
		"p256 c14n11":       signatureTemplate(AlgC14N11, AlgECDSASHA256, AlgSHA512, AlgEnvelopedSignature, AlgC14N11),
		"rsa with comments": signatureTemplate(AlgExcC14NWithComments, AlgRSASHA512, AlgSHA384, AlgEnvelopedSignature, AlgExcC14NWithComments),
	}
	for name, tmpl := range templates {
		t.Run(name, func(t *testing.T) {
			alg := pki.P256
			if strings.HasPrefix(name, "rsa") {
				alg = pki.RSA3072
			}
			dir := t.TempDir()
			id := p.Identity(t, alg)
			cert, key := p.WriteFiles(t, dir, "node", id)
			signed := xmlsec1Sign(t, withTemplate(t, msg, tmpl), key, cert)
			res := mustVerify(t, signed, trusting(p))
			if !res.Signer.Equal(id.Certificate) || res.References[0].Kind != CoversDocument {
				t.Errorf("result: %+v", res)
			}
			bad := tamper(t, signed)
			if _, err := Verify(context.Background(), bad, trusting(p)); !errors.Is(err, ErrDigestMismatch) {
				t.Errorf("oots: err = %v, want ErrDigestMismatch", err)
			}
			if out, ok := xmlsec1Verify(t, bad, filepath.Join(dir, "node-ca.pem")); ok {
				t.Errorf("xmlsec1 accepts a tampered document:\n%s", out)
			}
		})
	}
}

// SHA-1 signatures made by xmlsec1 are refused unless AllowSHA1.
func TestXmlsec1SHA1Signature(t *testing.T) {
	needXmlsec1(t)
	p := pkitest.New(t)
	dir := t.TempDir()
	id := p.Identity(t, pki.RSA3072)
	cert, key := p.WriteFiles(t, dir, "node", id)
	tmpl := signatureTemplate(AlgExcC14N, AlgRSASHA1, AlgSHA1, AlgEnvelopedSignature, AlgExcC14N)
	signed := xmlsec1Sign(t, withTemplate(t, exampleMessage(t, "evidence-request.xml"), tmpl), key, cert)
	_, err := Verify(context.Background(), signed, trusting(p))
	if !errors.Is(err, ErrAlgorithm) || !strings.Contains(err.Error(), "SHA-1") {
		t.Fatalf("err = %v, want ErrAlgorithm about SHA-1", err)
	}
	opts := trusting(p)
	opts.AllowSHA1 = true
	if res := mustVerify(t, signed, opts); res.Algorithm != "RSA-SHA1" {
		t.Errorf("Algorithm = %s", res.Algorithm)
	}
}

// Every evidence message of the shared corpus signed by oots verifies with
// xmlsec1, and signed by xmlsec1 (inclusive C14N, where namespaces of the
// whole message come into play) verifies with oots: the canonical forms agree
// on real messages.
func TestXmlsec1OnCorpusMessages(t *testing.T) {
	needXmlsec1(t)
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("the shared OOTS corpus is not available")
	}
	files, _ := filepath.Glob(filepath.Join(spec, "samples", "evidence-*", "*.xml"))
	if len(files) == 0 {
		t.Skip("no evidence messages in the corpus")
	}
	p := pkitest.New(t)
	dir := t.TempDir()
	id := p.Identity(t, pki.P256)
	cert, key := p.WriteFiles(t, dir, "node", id)
	tmpl := signatureTemplate(AlgC14N10, AlgECDSASHA256, AlgSHA256, AlgEnvelopedSignature)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			signed := mustSign(t, data, id, SignOptions{XAdES: true})
			if out, ok := xmlsec1Verify(t, signed, filepath.Join(dir, "node-ca.pem")); !ok {
				t.Fatalf("xmlsec1 refuses the oots signature:\n%s", out)
			}
			mustVerify(t, signed, trusting(p))
			mustVerify(t, xmlsec1Sign(t, withTemplate(t, data, tmpl), key, cert), trusting(p))
		})
	}
}
