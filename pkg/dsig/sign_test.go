package dsig

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

func TestSignVerifyEveryAlgorithm(t *testing.T) {
	p := pkitest.New(t)
	msg := exampleMessage(t, "evidence-request.xml")
	wantAlg := map[pki.Algorithm]string{pki.RSA3072: "RSA-SHA256", pki.P256: "ECDSA-SHA256", pki.Ed25519: "Ed25519"}
	for _, alg := range pki.Algorithms() {
		for _, xades := range []bool{false, true} {
			name := string(alg)
			if xades {
				name += "/xades"
			}
			t.Run(name, func(t *testing.T) {
				id := p.Identity(t, alg)
				at := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
				res := mustVerify(t, mustSign(t, msg, id, SignOptions{XAdES: xades, SigningTime: at}), trusting(p))
				if !res.Signer.Equal(id.Certificate) {
					t.Errorf("Signer = %s, want %s", res.Signer.Subject, id.Certificate.Subject)
				}
				if res.Algorithm != wantAlg[alg] {
					t.Errorf("Algorithm = %s, want %s", res.Algorithm, wantAlg[alg])
				}
				if len(res.Chain) != 2 || !res.Chain[1].Equal(p.Root) {
					t.Errorf("Chain does not end at the root: %v", res.Chain)
				}
				if res.References[0].Covers != "the whole document: query:QueryRequest" || res.References[0].Digest != "SHA-256" {
					t.Errorf("References[0] = %+v", res.References[0])
				}
				if !xades {
					if len(res.References) != 1 || res.XAdES || !res.SigningTime.IsZero() {
						t.Errorf("plain signature: %+v", res)
					}
					return
				}
				if len(res.References) != 2 || res.References[1].Covers != "xades:SignedProperties" || res.References[1].Kind != CoversSignedProperties {
					t.Errorf("References = %+v", res.References)
				}
				if !res.XAdES || !res.SigningTime.Equal(at) || !res.CheckedAt.Equal(at) {
					t.Errorf("XAdES = %v, SigningTime = %v, CheckedAt = %v; want %v", res.XAdES, res.SigningTime, res.CheckedAt, at)
				}
			})
		}
	}
}

// Every example message (and kind of root) signs and verifies.
func TestSignEveryExample(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	for _, name := range []string{"dsd-response.xml", "eb-requirements.xml", "evidence-error-preview.xml", "evidence-request-preview.xml", "evidence-response.xml"} {
		t.Run(name, func(t *testing.T) {
			mustVerify(t, mustSign(t, exampleMessage(t, name), id, SignOptions{XAdES: true}), trusting(p))
		})
	}
}

// Signing inserts the signature and changes no other byte.
func TestSignKeepsTheDocument(t *testing.T) {
	p := pkitest.New(t)
	msg := exampleMessage(t, "evidence-response.xml")
	out := mustSign(t, msg, p.Identity(t, pki.Ed25519), SignOptions{})
	start := bytes.Index(out, []byte("<ds:Signature "))
	end := bytes.Index(out, []byte("</ds:Signature>")) + len("</ds:Signature>")
	if start < 0 || end < start {
		t.Fatalf("no signature in\n%s", out)
	}
	rest := append(append([]byte{}, out[:start]...), out[end:]...)
	if !bytes.Equal(rest, msg) {
		t.Fatalf("the document around the signature changed")
	}
	if !bytes.HasSuffix(bytes.TrimSpace(out), []byte("</ds:Signature></query:QueryResponse>")) {
		t.Fatalf("the signature is not the last child of the document element:\n%s", out[len(out)-200:])
	}
}

func TestSignDocumentShapes(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	docs := map[string]string{
		"empty root":              `<r xmlns="urn:x" a="1"/>`,
		"empty root with space":   "<?xml version=\"1.0\"?>\n<p:r xmlns:p=\"urn:p\" />\n",
		"trailing comment and PI": "<r><a>x</a></r>\n<!-- done -->\n<?pi data?>\n",
		"default namespace":       `<r xmlns="urn:x"><a xmlns="">plain</a><b>t</b></r>`,
		"leading PI":              "<?xml-stylesheet href=\"a.xsl\"?>\n<r>text</r>",
		"non-ASCII":               "<r>Grüße — 日本</r>",
		"CDATA and entities":      "<r><![CDATA[a<b]]> &amp; &#233;</r>",
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			mustVerify(t, mustSign(t, []byte(doc), id, SignOptions{XAdES: true}), trusting(p))
		})
	}
}

func TestSignRefuses(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	tests := map[string]struct {
		doc  string
		opts SignOptions
		want string
	}{
		"DTD":          {`<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>`, SignOptions{}, "DTD"},
		"not XML":      {`<r>`, SignOptions{}, "not well-formed"},
		"MD5 digest":   {`<r/>`, SignOptions{Digest: crypto.MD5}, "use SHA-256"},
		"SHA-1 digest": {`<r/>`, SignOptions{Digest: crypto.SHA1}, "use SHA-256"},
		"UTF-16":       {"\xff\xfe<\x00r\x00/\x00>\x00", SignOptions{}, "UTF-16"},
		"too deep":     {strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300), SignOptions{}, "depth"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := SignEnveloped(context.Background(), []byte(tt.doc), id, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestSignOtherDigests(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	for h, name := range map[crypto.Hash]string{crypto.SHA384: "SHA-384", crypto.SHA512: "SHA-512"} {
		res := mustVerify(t, mustSign(t, []byte("<r>x</r>"), id, SignOptions{Digest: h, XAdES: true}), trusting(p))
		for _, ref := range res.References {
			if ref.Digest != name {
				t.Errorf("%v: Reference digest %s", h, ref.Digest)
			}
		}
	}
}

// ECDSA signature values are r||s of the curve's size, not DER.
func TestECDSASignatureValueIsRaw(t *testing.T) {
	p := pkitest.New(t)
	out := mustSign(t, []byte("<r/>"), p.Identity(t, pki.P256), SignOptions{})
	m := regexp.MustCompile(`<ds:SignatureValue>([^<]+)</ds:SignatureValue>`).FindSubmatch(out)
	raw, err := base64.StdEncoding.DecodeString(string(m[1]))
	if err != nil || len(raw) != 64 {
		t.Fatalf("SignatureValue is %d bytes (%v), want 64", len(raw), err)
	}
}

func TestSignatureIDOption(t *testing.T) {
	p := pkitest.New(t)
	out := mustSign(t, []byte("<r/>"), p.Identity(t, pki.P256), SignOptions{SignatureID: "my-sig", XAdES: true})
	for _, want := range []string{`Id="my-sig"`, `Target="#my-sig"`, `URI="#xades-my-sig"`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	if res := mustVerify(t, out, trusting(p)); res.SignatureID != "my-sig" {
		t.Errorf("SignatureID = %q", res.SignatureID)
	}
}

func TestSignRefusesAForeignCertificate(t *testing.T) {
	p := pkitest.New(t)
	id := *p.Identity(t, pki.P256)
	id.Certificate = p.Identity(t, pki.P256).Certificate
	if _, err := SignEnveloped(context.Background(), []byte("<r/>"), &id, SignOptions{}); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Fatalf("err = %v", err)
	}
}
