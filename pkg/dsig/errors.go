package dsig

import "errors"

// Reasons a signature is refused. Verify wraps exactly one of them (or one
// of the chain errors of pkg/pki) with the details: which Reference, which
// element, which algorithm.
var (
	// ErrDocument: the document is not well-formed, has a DTD or is beyond the size and depth limits.
	ErrDocument = errors.New("the document cannot be read safely")
	// ErrNoSignature: the document holds no ds:Signature.
	ErrNoSignature = errors.New("no ds:Signature found")
	// ErrAmbiguousSignature: several ds:Signature elements and the caller did not say which one.
	ErrAmbiguousSignature = errors.New("more than one ds:Signature")
	// ErrMalformed: the signature does not have the structure XML-DSig prescribes.
	ErrMalformed = errors.New("malformed signature")
	// ErrAlgorithm: an algorithm that is unknown, not supported, or refused (SHA-1).
	ErrAlgorithm = errors.New("unsupported algorithm")
	// ErrTransform: a Reference transform other than enveloped-signature and canonicalisation.
	ErrTransform = errors.New("unsupported transform")
	// ErrWrapped: a Reference covers something other than the whole document,
	// the XAdES SignedProperties or a detached file — the shape of a
	// signature-wrapping attack.
	ErrWrapped = errors.New("signature does not cover the document")
	// ErrDuplicateID: two elements carry the same ID value, so a Reference
	// could be made to point at either.
	ErrDuplicateID = errors.New("duplicate ID")
	// ErrReference: a Reference that cannot be resolved (unknown ID, absolute
	// URL, missing file).
	ErrReference = errors.New("unresolvable reference")
	// ErrSignatureInvalid: the SignatureValue does not verify over SignedInfo
	// with the key of the signer's certificate.
	ErrSignatureInvalid = errors.New("signature value does not verify")
	// ErrDigestMismatch: the content a Reference covers changed since signing.
	ErrDigestMismatch = errors.New("digest mismatch")
	// ErrNoCertificate: KeyInfo carries no X.509 certificate to identify the signer.
	ErrNoCertificate = errors.New("no signer certificate")
	// ErrCertMismatch: the certificate in KeyInfo is not the one XAdES
	// SigningCertificateV2 names.
	ErrCertMismatch = errors.New("signer certificate does not match the XAdES signing certificate")
)
