// Package dsigtest builds signed documents for the tests of XML signature
// verification: a negative corpus of signatures that must be refused, each
// with the sentinel error and the words of its refusal, and Resign, which
// makes a changed SignedInfo cryptographically valid again so that a test
// reaches the policy check it aims at.
package dsigtest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// Case is a signed document that verification must refuse.
type Case struct {
	Name string
	Doc  []byte
	// Roots are the trust anchors to verify with.
	Roots []*x509.Certificate
	// Want is the sentinel the error wraps (of pkg/dsig or pkg/pki).
	Want error
	// Message is a piece of text the refusal must contain.
	Message string
}

// BodyText is the text NegativeCorpus changes in a message body: every EDM
// message carries it in its SpecificationIdentifier slot.
const BodyText = "oots-edm:v1.0"

// NegativeCorpus signs msg — an XML document whose document element has an
// id attribute and whose body contains BodyText — in every way that must be
// refused. Every case is signed by an identity of p unless the case is
// about trust.
func NegativeCorpus(tb testing.TB, p *pkitest.PKI, msg []byte) []Case {
	tb.Helper()
	now := time.Now()
	rsa := p.Identity(tb, pki.RSA3072)
	ec := p.Identity(tb, pki.P256)
	other := p.Identity(tb, pki.P256)
	roots := []*x509.Certificate{p.Root}
	sign := func(id *pki.Identity, xades bool) []byte { return Sign(tb, msg, id, dsig.SignOptions{XAdES: xades}) }
	rootID := rootIDOf(tb, msg)

	cases := []Case{
		{Name: "tampered body", Doc: replaceOnce(tb, sign(ec, false), BodyText, "oots-edm:v2.0"),
			Want: dsig.ErrDigestMismatch, Message: `Reference URI="" covers the whole document: `},
		{Name: "tampered SignedInfo", Doc: tamperDigestValue(tb, sign(ec, false)),
			Want: dsig.ErrSignatureInvalid, Message: "signature value does not verify"},
		{Name: "wrong key", Doc: replaceCertificate(tb, sign(ec, false), other.Certificate),
			Want: dsig.ErrSignatureInvalid, Message: "ECDSA-SHA256 over ds:SignedInfo"},
		{Name: "expired certificate", Doc: sign(p.Identity(tb, pki.P256, pkitest.Validity(now.Add(-72*time.Hour), now.Add(-24*time.Hour))), false),
			Want: pki.ErrExpired, Message: "certificate expired"},
		{Name: "not yet valid certificate", Doc: sign(p.Identity(tb, pki.P256, pkitest.Validity(now.Add(24*time.Hour), now.Add(72*time.Hour))), false),
			Want: pki.ErrNotYetValid, Message: "certificate not yet valid"},
		{Name: "untrusted chain", Doc: sign(pkitest.New(tb).Identity(tb, pki.P256), false),
			Want: pki.ErrUntrusted, Message: "does not chain to a trust anchor"},
		{Name: "key usage", Doc: sign(p.Identity(tb, pki.P256, pkitest.KeyUsage(x509.KeyUsageKeyEncipherment)), false),
			Want: pki.ErrKeyUsage, Message: "key usage does not allow signing"},
		{Name: "wrapped signature", Doc: wrap(tb, Resign(tb, sign(ec, false), ec, func(si string) string {
			return strings.Replace(si, `URI=""`, `URI="#`+rootID+`"`, 1)
		})), Want: dsig.ErrWrapped, Message: "signature wrapping"},
		{Name: "reference to a body element", Doc: Resign(tb, Sign(tb, withInner(tb, msg), ec, dsig.SignOptions{}), ec, func(si string) string {
			return strings.Replace(si, `URI=""`, `URI="#inner"`, 1)
		}), Want: dsig.ErrWrapped, Message: "covers <inner>"},
		{Name: "SHA-1", Doc: sha1Signature(tb, msg, rsa),
			Want: dsig.ErrAlgorithm, Message: "uses SHA-1, which is refused"},
		{Name: "unknown signature method", Doc: Resign(tb, sign(ec, false), ec, func(si string) string {
			return strings.Replace(si, dsig.AlgECDSASHA256, "http://www.w3.org/2000/09/xmldsig#hmac-sha1", 1)
		}), Want: dsig.ErrAlgorithm, Message: "hmac-sha1"},
		{Name: "XPath transform", Doc: Resign(tb, sign(ec, false), ec, func(si string) string {
			return strings.Replace(si, `<ds:Transform Algorithm="`+dsig.AlgExcC14N+`"/>`,
				`<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform>`, 1)
		}), Want: dsig.ErrTransform, Message: "REC-xpath-19991116"},
		{Name: "duplicate ID", Doc: replaceOnce(tb, sign(ec, false), "<ds:Signature ", `<inner id="`+rootID+`"/><ds:Signature `),
			Want: dsig.ErrDuplicateID, Message: rootID},
		{Name: "two signatures", Doc: Sign(tb, sign(ec, false), rsa, dsig.SignOptions{}),
			Want: dsig.ErrAmbiguousSignature, Message: "say which one"},
		{Name: "no signature", Doc: msg, Want: dsig.ErrNoSignature, Message: "no ds:Signature"},
		{Name: "no certificate", Doc: regexp.MustCompile(`(?s)<ds:KeyInfo>.*</ds:KeyInfo>\n`).ReplaceAll(sign(ec, false), nil),
			Want: dsig.ErrNoCertificate, Message: "no ds:X509Certificate"},
		{Name: "XAdES signing time changed", Doc: changeSigningTime(tb, sign(ec, true)),
			Want: dsig.ErrDigestMismatch, Message: "covers xades:SignedProperties, and its SHA-256 digest differs"},
		{Name: "XAdES certificate swapped", Doc: Resign(tb, replaceCertificate(tb, sign(ec, true), other.Certificate), other, nil),
			Want: dsig.ErrCertMismatch, Message: "is not that of the KeyInfo certificate"},
		{Name: "external reference", Doc: Resign(tb, sign(ec, false), ec, func(si string) string {
			return strings.Replace(si, `URI=""`, `URI="http://example.org/message.xml"`, 1)
		}), Want: dsig.ErrWrapped, Message: "points outside the document"},
		{Name: "DTD", Doc: append([]byte("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"), sign(ec, false)...),
			Want: dsig.ErrDocument, Message: "DTDs"},
	}
	for i := range cases {
		if cases[i].Roots == nil {
			cases[i].Roots = roots
		}
	}
	return cases
}

// Sign signs msg as an enveloped signature, failing the test on error.
func Sign(tb testing.TB, msg []byte, id *pki.Identity, opts dsig.SignOptions) []byte {
	tb.Helper()
	out, err := dsig.SignEnveloped(context.Background(), msg, id, opts)
	if err != nil {
		tb.Fatalf("dsigtest: signing: %v", err)
	}
	return out
}

var (
	signedInfoPattern     = regexp.MustCompile(`(?s)<ds:SignedInfo>.*?</ds:SignedInfo>`)
	signatureMethod       = regexp.MustCompile(`<ds:SignatureMethod Algorithm="([^"]+)"`)
	signatureValuePattern = regexp.MustCompile(`<ds:SignatureValue>[^<]*</ds:SignatureValue>`)
)

// Resign applies edit (nil: no change) to the SignedInfo of a document
// signed by pkg/dsig and signs the new SignedInfo with id's key under the
// SignatureMethod it names, so that only the policy can refuse it.
func Resign(tb testing.TB, signed []byte, id *pki.Identity, edit func(signedInfo string) string) []byte {
	tb.Helper()
	loc := signedInfoPattern.FindIndex(signed)
	if loc == nil {
		tb.Fatalf("dsigtest: no ds:SignedInfo")
	}
	si := string(signed[loc[0]:loc[1]])
	if edit != nil {
		si = edit(si)
	}
	standalone := strings.Replace(si, "<ds:SignedInfo>", `<ds:SignedInfo xmlns:ds="`+dsig.NamespaceDSig+`">`, 1)
	canonical, err := dsig.Canonicalize(context.Background(), []byte(standalone))
	if err != nil {
		tb.Fatalf("dsigtest: %v", err)
	}
	method := signatureMethod.FindStringSubmatch(si)
	value := signWith(tb, id.Signer, hashOf(method[1]), canonical)
	out := append(append(append([]byte{}, signed[:loc[0]]...), si...), signed[loc[1]:]...)
	return signatureValuePattern.ReplaceAll(out, []byte("<ds:SignatureValue>"+base64.StdEncoding.EncodeToString(value)+"</ds:SignatureValue>"))
}

func hashOf(method string) crypto.Hash {
	switch {
	case strings.HasSuffix(method, "sha1"):
		return crypto.SHA1
	case strings.HasSuffix(method, "ed25519"):
		return 0
	}
	return crypto.SHA256
}

func signWith(tb testing.TB, signer crypto.Signer, h crypto.Hash, data []byte) []byte {
	tb.Helper()
	digest := data
	if h != 0 {
		hh := h.New()
		hh.Write(data)
		digest = hh.Sum(nil)
	}
	sig, err := signer.Sign(rand.Reader, digest, h)
	if err != nil {
		tb.Fatalf("dsigtest: %v", err)
	}
	pub, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok {
		return sig
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		tb.Fatalf("dsigtest: %v", err)
	}
	n := (pub.Curve.Params().BitSize + 7) / 8
	raw := make([]byte, 2*n)
	rs.R.FillBytes(raw[:n])
	rs.S.FillBytes(raw[n:])
	return raw
}

// sha1Signature is msg signed with RSA-SHA1 over a SHA-1 digest, the way
// old signers did.
func sha1Signature(tb testing.TB, msg []byte, id *pki.Identity) []byte {
	tb.Helper()
	canonical, err := dsig.Canonicalize(context.Background(), msg)
	if err != nil {
		tb.Fatalf("dsigtest: %v", err)
	}
	h := crypto.SHA1.New()
	h.Write(canonical)
	digest := base64.StdEncoding.EncodeToString(h.Sum(nil))
	return Resign(tb, Sign(tb, msg, id, dsig.SignOptions{}), id, func(si string) string {
		si = strings.Replace(si, dsig.AlgRSASHA256, dsig.AlgRSASHA1, 1)
		si = strings.Replace(si, dsig.AlgSHA256, dsig.AlgSHA1, 1)
		return regexp.MustCompile(`<ds:DigestValue>[^<]*</ds:DigestValue>`).ReplaceAllString(si, "<ds:DigestValue>"+digest+"</ds:DigestValue>")
	})
}

// wrap moves the signed document element into a new one — the classic
// signature-wrapping attack: the signature still verifies over the moved
// element, but a reader of the new document element sees other content.
func wrap(tb testing.TB, signed []byte) []byte {
	tb.Helper()
	start := bytes.Index(signed, []byte("?>"))
	body := signed[start+2:]
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<query:QueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" id="urn:uuid:00000000-0000-4000-8000-000000000bad">
<forged>the attacker's request</forged>
<wrapper>` + string(body) + `</wrapper>
</query:QueryRequest>
`)
}

// withInner adds <inner id="inner"> as the last child of the document
// element, for a Reference to point at.
func withInner(tb testing.TB, msg []byte) []byte {
	tb.Helper()
	end := bytes.LastIndex(msg, []byte("</"))
	if end < 0 {
		tb.Fatalf("dsigtest: the document element is empty")
	}
	return append(append(append([]byte{}, msg[:end]...), `<inner id="inner">signed too</inner>`...), msg[end:]...)
}

var rootIDPattern = regexp.MustCompile(`(?s)^(?:<\?.*?\?>|<!--.*?-->|\s)*<[^\s>]+[^>]*?\sid="([^"]+)"`)

func rootIDOf(tb testing.TB, msg []byte) string {
	tb.Helper()
	m := rootIDPattern.FindSubmatch(msg)
	if m == nil {
		tb.Fatalf("dsigtest: the document element has no id attribute")
	}
	return string(m[1])
}

func replaceOnce(tb testing.TB, doc []byte, from, to string) []byte {
	tb.Helper()
	if !bytes.Contains(doc, []byte(from)) {
		tb.Fatalf("dsigtest: %q not found", from)
	}
	return bytes.Replace(doc, []byte(from), []byte(to), 1)
}

// tamperDigestValue changes the first DigestValue of SignedInfo to the
// digest of other content.
func tamperDigestValue(tb testing.TB, signed []byte) []byte {
	tb.Helper()
	other := base64.StdEncoding.EncodeToString(make([]byte, 32))
	return regexp.MustCompile(`<ds:DigestValue>[^<]*</ds:DigestValue>`).ReplaceAll(signed, []byte("<ds:DigestValue>"+other+"</ds:DigestValue>"))
}

var certificatePattern = regexp.MustCompile(`(?s)<ds:X509Certificate>.*?</ds:X509Certificate>`)

// replaceCertificate puts cert in KeyInfo instead of the signer's.
func replaceCertificate(tb testing.TB, signed []byte, cert *x509.Certificate) []byte {
	tb.Helper()
	if !certificatePattern.Match(signed) {
		tb.Fatalf("dsigtest: no ds:X509Certificate")
	}
	return certificatePattern.ReplaceAll(signed, []byte("<ds:X509Certificate>"+base64.StdEncoding.EncodeToString(cert.Raw)+"</ds:X509Certificate>"))
}

var signingTimePattern = regexp.MustCompile(`<xades:SigningTime>[^<]*</xades:SigningTime>`)

func changeSigningTime(tb testing.TB, signed []byte) []byte {
	tb.Helper()
	if !signingTimePattern.Match(signed) {
		tb.Fatalf("dsigtest: no xades:SigningTime")
	}
	return signingTimePattern.ReplaceAll(signed, []byte("<xades:SigningTime>2020-01-01T00:00:00Z</xades:SigningTime>"))
}
