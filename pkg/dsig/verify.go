package dsig

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io/fs"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// VerifyOptions say what a signature must chain to and how to find what it covers.
type VerifyOptions struct {
	// Roots are the trust anchors; Intermediates help build the chain
	// beside the certificates in KeyInfo.
	Roots         []*x509.Certificate
	Intermediates []*x509.Certificate
	// At is when the certificates must be valid. Zero means the XAdES
	// SigningTime when the signature has one, and now otherwise.
	At time.Time
	// AllowSHA1 accepts SHA-1 digests and signature methods, for old signatures.
	AllowSHA1 bool
	// SignatureID picks the ds:Signature with this Id when the document
	// holds several; without it, several signatures are refused.
	SignatureID string
	// Files resolves the relative URIs of a detached signature — normally
	// os.DirFS of the signature's folder. Nil refuses file References.
	Files fs.FS
	// Limits bound the document; zero means xmldoc.DefaultLimits.
	Limits xmldoc.Limits
}

// Result describes a signature that verified.
type Result struct {
	// Signer is the certificate that signed; Chain runs from it to the trust anchor.
	Signer *x509.Certificate
	Chain  []*x509.Certificate
	// SigningTime is the XAdES SigningTime, zero when the signature has none.
	SigningTime time.Time
	// CheckedAt is when the certificates were found valid.
	CheckedAt time.Time
	// Algorithm names the signature method ("RSA-SHA256"); AlgorithmURI is its identifier.
	Algorithm    string
	AlgorithmURI string
	// SignatureID is the Id of ds:Signature, if it has one.
	SignatureID string
	// Detached is true for a standalone signature over files; XAdES when it
	// carries signed XAdES properties.
	Detached bool
	XAdES    bool
	// References says what each Reference covers, in SignedInfo order.
	References []Reference
}

// Reference is one verified Reference.
type Reference struct {
	URI string
	// Covers says in words what is signed: "the whole document:
	// query:QueryRequest", "xades:SignedProperties", "file invoice.pdf".
	Covers string
	Kind   CoverageKind
	// Digest names the digest algorithm ("SHA-256").
	Digest string
}

// CoverageKind is what a Reference covers.
type CoverageKind string

// The things a Reference may cover.
const (
	CoversDocument         CoverageKind = "document"
	CoversSignedProperties CoverageKind = "signed-properties"
	CoversFile             CoverageKind = "file"
)

// verifier carries one verification.
type verifier struct {
	opts VerifyOptions
	doc  *helium.Document
	root *helium.Element
	ids  map[string]*helium.Element
	sig  *signature
	alg  signatureAlgorithm
	// props are the XAdES signed properties, nil without XAdES.
	props *xadesProperties
}

// Verify checks the one XML signature of data (or the one opts.SignatureID
// names): policy first (IDs, structure, algorithms, what every Reference
// covers), then the signer's certificate against XAdES, the signature
// value, every Reference digest and the certificate chain. The error wraps
// a sentinel of this package or of pkg/pki.
func Verify(ctx context.Context, data []byte, opts VerifyOptions) (*Result, error) {
	doc, err := xmldoc.Parse(ctx, data, limitsOr(opts.Limits))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDocument, err)
	}
	v := &verifier{opts: opts, doc: doc, root: doc.DocumentElement()}
	if v.ids, err = indexIDs(v.root); err != nil {
		return nil, err
	}
	sigEl, err := v.selectSignature()
	if err != nil {
		return nil, err
	}
	if v.sig, err = parseSignature(sigEl); err != nil {
		return nil, err
	}
	return v.verify()
}

func (v *verifier) verify() (*Result, error) {
	var err error
	if v.alg, err = lookupSignatureAlgorithm(v.sig.method, v.opts.AllowSHA1); err != nil {
		return nil, err
	}
	if err := checkC14N(v.sig.c14n, "ds:SignedInfo"); err != nil {
		return nil, err
	}
	if v.sig.qualifying != nil {
		if v.props, err = parseXAdES(v.sig); err != nil {
			return nil, err
		}
	}
	plans, err := v.planReferences()
	if err != nil {
		return nil, err
	}
	signer, intermediates, err := v.signerCertificate()
	if err != nil {
		return nil, err
	}
	if err := v.checkSignatureValue(signer); err != nil {
		return nil, err
	}
	refs := make([]Reference, 0, len(plans))
	for _, p := range plans {
		ref, err := v.checkDigest(p)
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return v.result(signer, intermediates, refs)
}

// selectSignature finds the ds:Signature to verify.
func (v *verifier) selectSignature() (*helium.Element, error) {
	all := elementsNamed(v.root, NamespaceDSig, "Signature")
	if v.opts.SignatureID != "" {
		for _, s := range all {
			if id, _ := attr(s, "Id"); id == v.opts.SignatureID {
				return s, nil
			}
		}
		return nil, fmt.Errorf("%w: no ds:Signature has Id %q", ErrNoSignature, v.opts.SignatureID)
	}
	switch len(all) {
	case 0:
		return nil, fmt.Errorf("%w in <%s>", ErrNoSignature, v.root.Name())
	case 1:
		return all[0], nil
	}
	var ids []string
	for _, s := range all {
		id, _ := attr(s, "Id")
		ids = append(ids, fmt.Sprintf("%s Id=%q", describe(s), id))
	}
	return nil, fmt.Errorf("%w: %d signatures (%v); say which one to verify by its Id", ErrAmbiguousSignature, len(all), ids)
}

// signerCertificate finds the signer among the KeyInfo certificates: the
// only one that issued none of the others, and with XAdES the one
// SigningCertificateV2 names. The other certificates may help the chain.
func (v *verifier) signerCertificate() (*x509.Certificate, []*x509.Certificate, error) {
	certs := v.sig.certs
	if len(certs) == 0 {
		return nil, nil, fmt.Errorf("%w: ds:KeyInfo carries no ds:X509Certificate, so the signer cannot be identified", ErrNoCertificate)
	}
	candidates := leafCertificates(certs)
	if v.props != nil {
		var named []*x509.Certificate
		for _, c := range certs {
			if v.props.matchSigningCertificate(c, v.opts.AllowSHA1) == nil {
				named = append(named, c)
			}
		}
		if len(named) == 0 {
			return nil, nil, v.props.matchSigningCertificate(candidates[0], v.opts.AllowSHA1)
		}
		candidates = named
	}
	if len(candidates) != 1 {
		return nil, nil, fmt.Errorf("%w: ds:KeyInfo holds %d unrelated certificates; the signer cannot be told apart", ErrMalformed, len(candidates))
	}
	signer := candidates[0]
	if !keyMatches(v.alg, signer.PublicKey) {
		return nil, nil, fmt.Errorf("%w: the signature method is %s but the signer's certificate %q holds a %T key",
			ErrSignatureInvalid, v.alg.name, signer.Subject.String(), signer.PublicKey)
	}
	var others []*x509.Certificate
	for _, c := range certs {
		if c != signer {
			others = append(others, c)
		}
	}
	return signer, others, nil
}

// leafCertificates are the certificates that issued none of the others.
func leafCertificates(certs []*x509.Certificate) []*x509.Certificate {
	var leaves []*x509.Certificate
	for _, c := range certs {
		issuer := false
		for _, o := range certs {
			if o != c && bytes.Equal(o.RawIssuer, c.RawSubject) && !bytes.Equal(o.RawSubject, c.RawSubject) {
				issuer = true
			}
		}
		if !issuer {
			leaves = append(leaves, c)
		}
	}
	return leaves
}

func (v *verifier) checkSignatureValue(signer *x509.Certificate) error {
	canonical, err := canonicalizeSubtree(v.sig.signedInfo, c14nMethods[v.sig.c14n.alg], v.sig.c14n.prefixes)
	if err != nil {
		return fmt.Errorf("%w: canonicalising ds:SignedInfo: %w", ErrMalformed, err)
	}
	return verifySignatureValue(v.alg, signer.PublicKey, canonical, v.sig.value)
}

func (v *verifier) result(signer *x509.Certificate, intermediates []*x509.Certificate, refs []Reference) (*Result, error) {
	res := &Result{
		Signer: signer, Algorithm: v.alg.name, AlgorithmURI: v.alg.uri, SignatureID: v.sig.id,
		Detached: v.sig.el == v.root, XAdES: v.props != nil, References: refs,
	}
	if v.props != nil {
		res.SigningTime = v.props.signingTime
	}
	res.CheckedAt = v.opts.At
	if res.CheckedAt.IsZero() {
		res.CheckedAt = res.SigningTime
	}
	if res.CheckedAt.IsZero() {
		res.CheckedAt = time.Now()
	}
	chain, err := pki.VerifyChain(signer, pki.ChainOptions{
		Roots:         v.opts.Roots,
		Intermediates: append(intermediates, v.opts.Intermediates...),
		At:            res.CheckedAt,
	})
	if err != nil {
		return nil, fmt.Errorf("signer certificate: %w", err)
	}
	res.Chain = chain
	return res, nil
}
