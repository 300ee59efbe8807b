package jades

import "errors"

// Reasons a signature is refused. Every verification error wraps one of
// them, or one of the pki errors (pki.ErrExpired, pki.ErrNotYetValid,
// pki.ErrUntrusted, pki.ErrKeyUsage) when the signer's certificate fails.
var (
	// ErrMalformed: the JWS or its protected header cannot be read.
	ErrMalformed = errors.New("malformed JWS")
	// ErrAlgorithm: the alg (or a digest algorithm) is refused.
	ErrAlgorithm = errors.New("algorithm refused")
	// ErrCritical: crit names a header this package does not process, or is inconsistent.
	ErrCritical = errors.New("critical header refused")
	// ErrCertificate: no usable signer certificate, or it does not match its thumbprint.
	ErrCertificate = errors.New("signer certificate refused")
	// ErrSignature: the signature value does not verify with the signer's key.
	ErrSignature = errors.New("signature does not verify")
	// ErrSignedData: what the signature covers (sigD) is missing or refused.
	ErrSignedData = errors.New("signed data refused")
	// ErrDigest: the digest header is missing, refused, or does not match the body.
	ErrDigest = errors.New("digest refused")
)
