package dsig

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// BenchmarkSignVerify signs an EDM evidence request and verifies it again,
// in one process; msgs/s counts signed-and-verified messages.
func BenchmarkSignVerify(b *testing.B) {
	p := pkitest.New(b)
	msg := exampleMessage(b, "evidence-request.xml")
	opts := trusting(p)
	for _, alg := range pki.Algorithms() {
		b.Run(string(alg), func(b *testing.B) {
			id := p.Identity(b, alg)
			b.ReportAllocs()
			for b.Loop() {
				signed, err := SignEnveloped(context.Background(), msg, id, SignOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Verify(context.Background(), signed, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkXmlsec1SignVerify does the same work with xmlsec1, one process
// to sign and one to verify each message, as a shell pipeline would.
func BenchmarkXmlsec1SignVerify(b *testing.B) {
	xmlsec1 := needXmlsec1(b)
	p := pkitest.New(b)
	msg := exampleMessage(b, "evidence-request.xml")
	methods := map[pki.Algorithm]string{pki.RSA3072: AlgRSASHA256, pki.P256: AlgECDSASHA256}
	for _, alg := range []pki.Algorithm{pki.RSA3072, pki.P256} {
		b.Run(string(alg), func(b *testing.B) {
			dir := b.TempDir()
			cert, key := p.WriteFiles(b, dir, "node", p.Identity(b, alg))
			ca := filepath.Join(dir, "node-ca.pem")
			template := filepath.Join(dir, "template.xml")
			signed := filepath.Join(dir, "signed.xml")
			tmpl := signatureTemplate(AlgExcC14N, methods[alg], AlgSHA256, AlgEnvelopedSignature, AlgExcC14N)
			if err := os.WriteFile(template, withTemplate(b, msg, tmpl), 0o644); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if out, err := exec.Command(xmlsec1, "--sign", "--privkey-pem", key+","+cert, "--output", signed, template).CombinedOutput(); err != nil {
					b.Fatalf("xmlsec1 --sign: %v\n%s", err, out)
				}
				if out, err := exec.Command(xmlsec1, "--verify", "--trusted-pem", ca, signed).CombinedOutput(); err != nil {
					b.Fatalf("xmlsec1 --verify: %v\n%s", err, out)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
