package dsig

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// SignOptions tune a signature. The zero value makes a plain XML-DSig
// signature with SHA-256 digests.
type SignOptions struct {
	// XAdES adds the XAdES baseline B signed properties: SigningTime and
	// SigningCertificateV2, covered by a second Reference.
	XAdES bool
	// SigningTime is the XAdES SigningTime; zero means now.
	SigningTime time.Time
	// Digest is the digest of the References: crypto.SHA256 (the default),
	// SHA384 or SHA512.
	Digest crypto.Hash
	// SignatureID is the Id of ds:Signature; empty picks a random one.
	SignatureID string
	// Limits bound the document to sign; zero means xmldoc.DefaultLimits.
	Limits xmldoc.Limits
}

// DetachedFile is one file a detached signature covers. URI is the
// relative URI that names it in the signature (a file name, or a path
// below the signature's folder with forward slashes).
type DetachedFile struct {
	URI     string
	Content io.Reader
}

// refSpec is a Reference about to be written.
type refSpec struct {
	uri, typ   string
	transforms []string
	digest     []byte
}

// SignEnveloped signs a whole XML document (an EDM message): the signature
// becomes the last child of the document element, with one Reference
// URI="" under the enveloped-signature and exclusive C14N transforms. The
// document's own bytes are kept; only the signature is inserted.
func SignEnveloped(ctx context.Context, data []byte, id *pki.Identity, opts SignOptions) ([]byte, error) {
	if isUTF16(data) {
		return nil, errors.New("UTF-16 documents cannot be signed in place; convert the document to UTF-8")
	}
	doc, err := xmldoc.Parse(ctx, data, limitsOr(opts.Limits))
	if err != nil {
		return nil, fmt.Errorf("the document is not well-formed XML: %w", err)
	}
	dig, err := newDigester(opts.Digest)
	if err != nil {
		return nil, err
	}
	// The signature goes in as the last child of the document element, with
	// no text around it, so the document without it — what the enveloped
	// transform leaves — is exactly the document as it is now. The node-set
	// form is the one verification uses (helium's whole-document mode
	// declares the xml namespace on xml:lang, which C14N forbids).
	exc := c14nMethods[AlgExcC14N]
	canonical, err := canonicalizeNodes(doc, documentNodes(doc, nil, exc, nil), exc, nil)
	if err != nil {
		return nil, fmt.Errorf("canonicalising the document: %w", err)
	}
	ref := refSpec{uri: "", transforms: []string{AlgEnvelopedSignature, AlgExcC14N}, digest: dig.sum(canonical)}
	sigXML, err := buildSignature(ctx, id, opts, dig, []refSpec{ref})
	if err != nil {
		return nil, err
	}
	return insertBeforeRootEnd(data, doc.DocumentElement().Name(), sigXML)
}

// SignDetached makes a standalone signature document whose References name
// files by relative URI; verification finds them beside the signature.
func SignDetached(ctx context.Context, files []DetachedFile, id *pki.Identity, opts SignOptions) ([]byte, error) {
	if len(files) == 0 {
		return nil, errors.New("a detached signature needs at least one file")
	}
	dig, err := newDigester(opts.Digest)
	if err != nil {
		return nil, err
	}
	refs := make([]refSpec, 0, len(files))
	for _, f := range files {
		if _, err := filePath(f.URI); err != nil {
			return nil, err
		}
		sum, err := dig.sumReader(f.Content)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.URI, err)
		}
		refs = append(refs, refSpec{uri: f.URI, digest: sum})
	}
	sigXML, err := buildSignature(ctx, id, opts, dig, refs)
	if err != nil {
		return nil, err
	}
	return []byte(xml.Header + sigXML + "\n"), nil
}

// buildSignature writes ds:Signature: the XAdES properties first (their
// digest goes into SignedInfo), then SignedInfo, then its signature value.
func buildSignature(ctx context.Context, id *pki.Identity, opts SignOptions, dig digester, refs []refSpec) (string, error) {
	if id == nil || id.Signer == nil || id.Certificate == nil {
		return "", errors.New("signing needs a key and its certificate")
	}
	if pub, ok := id.Signer.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(id.Certificate.PublicKey) {
		return "", fmt.Errorf("the certificate %q does not belong to the signing key", id.Certificate.Subject.String())
	}
	alg, err := signatureAlgorithmFor(id.Signer.Public())
	if err != nil {
		return "", err
	}
	t := &sigTemplate{id: opts.SignatureID, alg: alg, digestURI: dig.uri, certs: keyInfoCertificates(id)}
	if t.id == "" {
		t.id = newID("sig")
	}
	if opts.XAdES {
		ref, err := t.addXAdES(ctx, id.Certificate, opts.SigningTime, dig)
		if err != nil {
			return "", err
		}
		refs = append(refs, ref)
	}
	t.signedInfo = t.signedInfoXML(refs)
	canonical, err := canonicalFragment(ctx, t.signedInfo, NamespaceDSig, "SignedInfo")
	if err != nil {
		return "", err
	}
	value, err := signBytes(alg, id.Signer, canonical)
	if err != nil {
		return "", err
	}
	return t.signatureXML(value), nil
}

// addXAdES writes the qualifying properties and returns the Reference to
// their SignedProperties.
func (t *sigTemplate) addXAdES(ctx context.Context, cert *x509.Certificate, at time.Time, dig digester) (refSpec, error) {
	if at.IsZero() {
		at = time.Now()
	}
	propsID := "xades-" + t.id
	object, err := xadesObjectXML(t.id, propsID, at, cert, dig)
	if err != nil {
		return refSpec{}, err
	}
	t.object = object
	canonical, err := canonicalFragment(ctx, object, NamespaceXAdES, "SignedProperties")
	if err != nil {
		return refSpec{}, err
	}
	return refSpec{uri: "#" + propsID, typ: TypeSignedProperties, transforms: []string{AlgExcC14N}, digest: dig.sum(canonical)}, nil
}

// canonicalFragment parses a piece of the signature inside a ds:Signature
// element and canonicalises (exclusive C14N) the named element of it.
// Exclusive C14N only renders the namespaces an element uses, so the form
// is the same here as in the finished document.
func canonicalFragment(ctx context.Context, fragment, ns, local string) ([]byte, error) {
	doc, err := xmldoc.Parse(ctx, []byte(`<ds:Signature xmlns:ds="`+NamespaceDSig+`">`+fragment+`</ds:Signature>`), xmldoc.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("building the signature: %w", err)
	}
	found := elementsNamed(doc.DocumentElement(), ns, local)
	if len(found) != 1 {
		return nil, fmt.Errorf("building the signature: no %s element", local)
	}
	return canonicalizeSubtree(found[0], c14nMethods[AlgExcC14N], nil)
}

// keyInfoCertificates is the signer's certificate and its chain without
// self-signed roots: a verifier must bring its own trust anchors.
func keyInfoCertificates(id *pki.Identity) []*x509.Certificate {
	certs := []*x509.Certificate{id.Certificate}
	for _, c := range id.Chain {
		if !bytes.Equal(c.RawSubject, c.RawIssuer) {
			certs = append(certs, c)
		}
	}
	return certs
}

// digester hashes content for References.
type digester struct {
	uri  string
	hash crypto.Hash
}

func newDigester(h crypto.Hash) (digester, error) {
	uri, err := digestURI(h)
	if err != nil {
		return digester{}, err
	}
	return digester{uri: uri, hash: digestAlgorithms[uri].hash}, nil
}

func (d digester) sum(data []byte) []byte {
	h := d.hash.New()
	h.Write(data)
	return h.Sum(nil)
}

func (d digester) sumReader(r io.Reader) ([]byte, error) {
	h := d.hash.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// newID makes an XML ID (an NCName) that no document already uses.
func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return prefix + "-" + hex.EncodeToString(b)
}

func limitsOr(l xmldoc.Limits) xmldoc.Limits {
	if l == (xmldoc.Limits{}) {
		return xmldoc.DefaultLimits
	}
	return l
}

func isUTF16(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) ||
		bytes.HasPrefix(data, []byte{0, '<'}) || bytes.HasPrefix(data, []byte{'<', 0})
}
