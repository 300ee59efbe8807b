package dsig

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

func signDetached(t *testing.T, id *pki.Identity, opts SignOptions, files map[string]string) []byte {
	t.Helper()
	var list []DetachedFile
	for name, content := range files {
		uri, err := FileURI(name)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, DetachedFile{URI: uri, Content: strings.NewReader(content)})
	}
	out, err := SignDetached(context.Background(), list, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDetached(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	files := fstest.MapFS{
		"invoice.pdf":             {Data: []byte("%PDF-1.7 an invoice")},
		"evidence/birth cert.xml": {Data: []byte("<birth/>")},
	}
	sig := signDetached(t, id, SignOptions{XAdES: true}, map[string]string{
		"invoice.pdf": "%PDF-1.7 an invoice", "evidence/birth cert.xml": "<birth/>",
	})
	if !bytes.Contains(sig, []byte(`URI="evidence/birth%20cert.xml"`)) {
		t.Errorf("the URI is not escaped:\n%s", sig)
	}
	opts := trusting(p)
	opts.Files = files
	res := mustVerify(t, sig, opts)
	if !res.Detached || !res.XAdES {
		t.Errorf("Detached = %v, XAdES = %v", res.Detached, res.XAdES)
	}
	var covers []string
	for _, r := range res.References {
		covers = append(covers, r.Covers)
	}
	got := strings.Join(covers, "; ")
	for _, want := range []string{"file invoice.pdf", "file evidence/birth cert.xml", "xades:SignedProperties"} {
		if !strings.Contains(got, want) {
			t.Errorf("covers %q, want %q in it", got, want)
		}
	}

	t.Run("changed file", func(t *testing.T) {
		changed := fstest.MapFS{"invoice.pdf": {Data: []byte("%PDF-1.7 another invoice")}, "evidence/birth cert.xml": files["evidence/birth cert.xml"]}
		opts := trusting(p)
		opts.Files = changed
		_, err := Verify(context.Background(), sig, opts)
		if !errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), "file invoice.pdf") {
			t.Fatalf("err = %v, want ErrDigestMismatch naming the file", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		opts := trusting(p)
		opts.Files = fstest.MapFS{"invoice.pdf": files["invoice.pdf"]}
		if _, err := Verify(context.Background(), sig, opts); !errors.Is(err, ErrReference) {
			t.Fatalf("err = %v, want ErrReference", err)
		}
	})
	t.Run("no folder", func(t *testing.T) {
		if _, err := Verify(context.Background(), sig, trusting(p)); !errors.Is(err, ErrReference) {
			t.Fatalf("err = %v, want ErrReference", err)
		}
	})
}

func TestDetachedURIsAreRelative(t *testing.T) {
	for _, uri := range []string{"http://example.org/a.pdf", "file:///etc/passwd", "/etc/passwd", "../secret.pdf", "a/../../b", "//host/share/a", "a.pdf?x=1", "c:/windows/a"} {
		if _, err := filePath(uri); !errors.Is(err, ErrReference) {
			t.Errorf("%q: err = %v, want ErrReference", uri, err)
		}
	}
	for uri, want := range map[string]string{"a.pdf": "a.pdf", "sub/b%20c.xml": "sub/b c.xml"} {
		if got, err := filePath(uri); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", uri, got, err, want)
		}
	}
	p := pkitest.New(t)
	_, err := SignDetached(context.Background(), []DetachedFile{{URI: "https://example.org/x", Content: strings.NewReader("")}}, p.Identity(t, pki.P256), SignOptions{})
	if !errors.Is(err, ErrReference) {
		t.Fatalf("signing an absolute URL: err = %v", err)
	}
}

// Certificates are checked at the XAdES SigningTime: a signature made while
// the certificate was valid stays valid after it expires; --at overrides.
func TestValidityAtSigningTime(t *testing.T) {
	p := newCA(t, "root", 0, nil, nil)
	notBefore := time.Now().Add(-72 * time.Hour).UTC().Truncate(time.Second)
	id := p.Identity(t, pki.P256, pkitest.Validity(notBefore, notBefore.Add(48*time.Hour)))
	during := notBefore.Add(time.Hour)
	signed := mustSign(t, []byte("<r/>"), id, SignOptions{XAdES: true, SigningTime: during})
	if res := mustVerify(t, signed, trusting(p)); !res.CheckedAt.Equal(during) {
		t.Errorf("CheckedAt = %v, want the signing time %v", res.CheckedAt, during)
	}
	opts := trusting(p)
	opts.At = time.Now()
	if _, err := Verify(context.Background(), signed, opts); !errors.Is(err, pki.ErrExpired) {
		t.Errorf("at now: err = %v, want ErrExpired", err)
	}
	plain := mustSign(t, []byte("<r/>"), id, SignOptions{})
	if _, err := Verify(context.Background(), plain, trusting(p)); !errors.Is(err, pki.ErrExpired) {
		t.Errorf("no signing time: err = %v, want ErrExpired (checked now)", err)
	}
	opts.At = during
	mustVerify(t, plain, opts)
}

func TestSelectSignatureByID(t *testing.T) {
	p := pkitest.New(t)
	a, b := p.Identity(t, pki.P256), p.Identity(t, pki.Ed25519)
	once := mustSign(t, []byte("<r>x</r>"), a, SignOptions{SignatureID: "first"})
	twice := mustSign(t, once, b, SignOptions{SignatureID: "second"})
	opts := trusting(p)
	if _, err := Verify(context.Background(), twice, opts); !errors.Is(err, ErrAmbiguousSignature) {
		t.Fatalf("err = %v, want ErrAmbiguousSignature", err)
	}
	opts.SignatureID = "second"
	if res := mustVerify(t, twice, opts); !res.Signer.Equal(b.Certificate) {
		t.Errorf("second: signer %s", res.Signer.Subject)
	}
	// The first signature covered the document before the second was added.
	opts.SignatureID = "first"
	if _, err := Verify(context.Background(), twice, opts); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("first: err = %v, want ErrDigestMismatch", err)
	}
	opts.SignatureID = "third"
	if _, err := Verify(context.Background(), twice, opts); !errors.Is(err, ErrNoSignature) {
		t.Errorf("third: err = %v, want ErrNoSignature", err)
	}
}

// A chain through an intermediate CA in KeyInfo verifies to the root.
func TestIntermediateInKeyInfo(t *testing.T) {
	root := newCA(t, "root", 1, nil, nil)
	inter := newCA(t, "intermediate", 0, root.Root, root.RootKey)
	p := root
	id := inter.Identity(t, pki.P256)
	id.Chain = []*x509.Certificate{inter.Root, p.Root}
	signed := mustSign(t, []byte("<r/>"), id, SignOptions{XAdES: true})
	if bytes.Count(signed, []byte("<ds:X509Certificate>")) != 2 {
		t.Fatalf("KeyInfo should hold the leaf and the intermediate, not the root:\n%s", signed)
	}
	res := mustVerify(t, signed, trusting(p))
	if len(res.Chain) != 3 || !res.Signer.Equal(id.Certificate) {
		t.Fatalf("chain of %d, signer %s", len(res.Chain), res.Signer.Subject)
	}
}

func TestVerifyRefusesMalformedSignatures(t *testing.T) {
	p := pkitest.New(t)
	signed := string(mustSign(t, []byte(`<r id="r"><a>x</a></r>`), p.Identity(t, pki.P256), SignOptions{}))
	tests := map[string]struct {
		from, to string
		want     error
	}{
		"no SignatureValue":     {"ds:SignatureValue>", "ds:Other>", ErrMalformed},
		"bad base64":            {"<ds:SignatureValue>", "<ds:SignatureValue>!!", ErrMalformed},
		"no DigestValue":        {"ds:DigestValue>", "ds:DigestValu>", ErrMalformed},
		"no Algorithm":          {`<ds:SignatureMethod Algorithm=`, `<ds:SignatureMethod Alg=`, ErrMalformed},
		"no URI":                {`<ds:Reference URI="">`, `<ds:Reference>`, ErrReference},
		"unknown ID":            {`<ds:Reference URI="">`, `<ds:Reference URI="#nowhere">`, ErrReference},
		"XPointer":              {`<ds:Reference URI="">`, `<ds:Reference URI="#xpointer(/)">`, ErrReference},
		"no enveloped":          {`<ds:Transform Algorithm="` + AlgEnvelopedSignature + `"/>`, "", ErrTransform},
		"two c14n":              {`<ds:Transform Algorithm="` + AlgExcC14N + `"/>`, `<ds:Transform Algorithm="` + AlgExcC14N + `"/><ds:Transform Algorithm="` + AlgC14N10 + `"/>`, ErrTransform},
		"unknown c14n":          {`<ds:CanonicalizationMethod Algorithm="` + AlgExcC14N, `<ds:CanonicalizationMethod Algorithm="urn:x`, ErrAlgorithm},
		"MD5 digest":            {AlgSHA256, "http://www.w3.org/2001/04/xmldsig-more#md5", ErrAlgorithm},
		"RSA method for EC key": {AlgECDSASHA256, AlgRSASHA256, ErrSignatureInvalid},
		"extra element":         {"</ds:SignedInfo>", "<ds:Manifest/></ds:SignedInfo>", ErrMalformed},
		"not XML":               {"</r>", "", ErrDocument},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc := strings.ReplaceAll(signed, tt.from, tt.to)
			if doc == signed {
				t.Fatalf("%q not in the signature", tt.from)
			}
			if _, err := Verify(context.Background(), []byte(doc), trusting(p)); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// A Reference by the ID of the document element covers the whole document too.
func TestReferenceByRootID(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	doc := []byte(`<r xmlns="urn:x" Id="msg"><a>x</a></r>`)
	canonical, err := Canonicalize(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	dig, _ := newDigester(0)
	sigXML, err := buildSignature(context.Background(), id, SignOptions{}, dig, []refSpec{{uri: "#msg", transforms: []string{AlgEnvelopedSignature, AlgExcC14N}, digest: dig.sum(canonical)}})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := insertBeforeRootEnd(doc, "r", sigXML)
	if err != nil {
		t.Fatal(err)
	}
	res := mustVerify(t, signed, trusting(p))
	if res.References[0].Covers != "the whole document: r" || res.References[0].URI != "#msg" {
		t.Fatalf("reference: %+v", res.References[0])
	}
}

func TestDuplicateIDSpellings(t *testing.T) {
	for _, doc := range []string{
		`<r Id="a"><x ID="a"/></r>`,
		`<r id="a"><x xml:id="a"/></r>`,
		`<r><x Id="a" id="a"/></r>`,
	} {
		if _, err := Verify(context.Background(), []byte(doc), VerifyOptions{}); !errors.Is(err, ErrDuplicateID) {
			t.Errorf("%s: err = %v, want ErrDuplicateID", doc, err)
		}
	}
}

// newCA makes a CA certificate, valid since a year, allowing pathLen CAs below it, issued by
// parent (self-signed when parent is nil).
func newCA(t *testing.T, name string, pathLen int, parent *x509.Certificate, parentKey crypto.Signer) *pkitest.PKI {
	t.Helper()
	key, err := pki.GenerateKey(pki.P256)
	if err != nil {
		t.Fatal(err)
	}
	// Valid since a year, so that signatures can be dated in the past.
	tmpl, err := pki.RootTemplate(key.Public(), pki.Period{NotBefore: time.Now().AddDate(-1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	tmpl.Subject.CommonName = name
	tmpl.MaxPathLen, tmpl.MaxPathLenZero = pathLen, pathLen == 0
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	cert, err := pki.CreateCertificate(tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return &pkitest.PKI{Root: cert, RootKey: key}
}

func TestReason(t *testing.T) {
	for err, want := range map[error]string{
		fmt.Errorf("x: %w", ErrWrapped):        "wrapped",
		fmt.Errorf("y: %w", pki.ErrExpired):    "certificate-expired",
		fmt.Errorf("z: %w", ErrDigestMismatch): "digest-mismatch",
		errors.New("disk on fire"):             "error",
	} {
		if got := Reason(err); got != want {
			t.Errorf("Reason(%v) = %q, want %q", err, got, want)
		}
	}
}
