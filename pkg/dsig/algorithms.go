package dsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"

	// The hash functions are registered by import: crypto.Hash.New needs them.
	_ "crypto/sha1" //nolint:gosec // SHA-1 is only accepted with AllowSHA1, for old signatures.
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// Namespaces and algorithm identifiers.
const (
	NamespaceDSig  = "http://www.w3.org/2000/09/xmldsig#"
	NamespaceXAdES = "http://uri.etsi.org/01903/v1.3.2#"

	// TypeSignedProperties is the Type of the Reference to xades:SignedProperties.
	TypeSignedProperties = "http://uri.etsi.org/01903#SignedProperties"

	AlgExcC14N             = "http://www.w3.org/2001/10/xml-exc-c14n#"
	AlgExcC14NWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
	AlgC14N10              = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
	AlgC14N10WithComments  = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
	AlgC14N11              = "http://www.w3.org/2006/12/xml-c14n11"
	AlgC14N11WithComments  = "http://www.w3.org/2006/12/xml-c14n11#WithComments"
	AlgEnvelopedSignature  = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

	AlgSHA1   = "http://www.w3.org/2000/09/xmldsig#sha1"
	AlgSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
	AlgSHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
	AlgSHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"

	AlgRSASHA1     = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	AlgRSASHA256   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	AlgRSASHA384   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
	AlgRSASHA512   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	AlgECDSASHA1   = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1"
	AlgECDSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	AlgECDSASHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
	AlgECDSASHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"
	AlgEd25519     = "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519"
)

// keyType is the kind of public key a signature algorithm needs.
type keyType int

const (
	keyRSA keyType = iota
	keyECDSA
	keyEd25519
)

func (k keyType) String() string {
	switch k {
	case keyRSA:
		return "RSA"
	case keyECDSA:
		return "ECDSA"
	}
	return "Ed25519"
}

// signatureAlgorithm describes one SignatureMethod.
type signatureAlgorithm struct {
	uri  string
	name string
	key  keyType
	// hash is what SignedInfo is hashed with; 0 for Ed25519, which signs the message itself.
	hash crypto.Hash
	sha1 bool
}

var signatureAlgorithms = map[string]signatureAlgorithm{
	AlgRSASHA1:     {AlgRSASHA1, "RSA-SHA1", keyRSA, crypto.SHA1, true},
	AlgRSASHA256:   {AlgRSASHA256, "RSA-SHA256", keyRSA, crypto.SHA256, false},
	AlgRSASHA384:   {AlgRSASHA384, "RSA-SHA384", keyRSA, crypto.SHA384, false},
	AlgRSASHA512:   {AlgRSASHA512, "RSA-SHA512", keyRSA, crypto.SHA512, false},
	AlgECDSASHA1:   {AlgECDSASHA1, "ECDSA-SHA1", keyECDSA, crypto.SHA1, true},
	AlgECDSASHA256: {AlgECDSASHA256, "ECDSA-SHA256", keyECDSA, crypto.SHA256, false},
	AlgECDSASHA384: {AlgECDSASHA384, "ECDSA-SHA384", keyECDSA, crypto.SHA384, false},
	AlgECDSASHA512: {AlgECDSASHA512, "ECDSA-SHA512", keyECDSA, crypto.SHA512, false},
	AlgEd25519:     {AlgEd25519, "Ed25519", keyEd25519, 0, false},
}

// digestAlgorithm describes one DigestMethod.
type digestAlgorithm struct {
	uri  string
	name string
	hash crypto.Hash
}

var digestAlgorithms = map[string]digestAlgorithm{
	AlgSHA1:   {AlgSHA1, "SHA-1", crypto.SHA1},
	AlgSHA256: {AlgSHA256, "SHA-256", crypto.SHA256},
	AlgSHA384: {AlgSHA384, "SHA-384", crypto.SHA384},
	AlgSHA512: {AlgSHA512, "SHA-512", crypto.SHA512},
}

// digestURI is the DigestMethod of a hash the signer may choose.
func digestURI(h crypto.Hash) (string, error) {
	switch h {
	case 0, crypto.SHA256:
		return AlgSHA256, nil
	case crypto.SHA384:
		return AlgSHA384, nil
	case crypto.SHA512:
		return AlgSHA512, nil
	}
	return "", fmt.Errorf("%w: digest %v (use SHA-256, SHA-384 or SHA-512)", ErrAlgorithm, h)
}

// lookupSignatureAlgorithm resolves a SignatureMethod under the SHA-1 policy.
func lookupSignatureAlgorithm(uri string, allowSHA1 bool) (signatureAlgorithm, error) {
	alg, ok := signatureAlgorithms[uri]
	if !ok {
		return alg, fmt.Errorf("%w: signature method %q is not supported (use RSA-SHA256, ECDSA-SHA256 or Ed25519)", ErrAlgorithm, uri)
	}
	if alg.sha1 && !allowSHA1 {
		return alg, fmt.Errorf("%w: signature method %s (%s) uses SHA-1, which is refused because collisions are practical; accept it with --allow-sha1", ErrAlgorithm, alg.name, uri)
	}
	return alg, nil
}

// lookupDigestAlgorithm resolves a DigestMethod under the SHA-1 policy;
// where names the Reference or property for the message.
func lookupDigestAlgorithm(uri string, allowSHA1 bool, where string) (digestAlgorithm, error) {
	alg, ok := digestAlgorithms[uri]
	if !ok {
		return alg, fmt.Errorf("%w: digest method %q of %s is not supported (use SHA-256, SHA-384 or SHA-512)", ErrAlgorithm, uri, where)
	}
	if alg.hash == crypto.SHA1 && !allowSHA1 {
		return alg, fmt.Errorf("%w: digest method SHA-1 (%s) of %s is refused because collisions are practical; accept it with --allow-sha1", ErrAlgorithm, uri, where)
	}
	return alg, nil
}

// signatureAlgorithmFor picks the SignatureMethod for a signing key: the
// hash grows with the curve so that it never weakens the key.
func signatureAlgorithmFor(pub crypto.PublicKey) (signatureAlgorithm, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return signatureAlgorithms[AlgRSASHA256], nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return signatureAlgorithms[AlgECDSASHA256], nil
		case elliptic.P384():
			return signatureAlgorithms[AlgECDSASHA384], nil
		case elliptic.P521():
			return signatureAlgorithms[AlgECDSASHA512], nil
		}
		return signatureAlgorithm{}, fmt.Errorf("%w: ECDSA curve %s (use P-256, P-384 or P-521)", ErrAlgorithm, k.Curve.Params().Name)
	case ed25519.PublicKey:
		return signatureAlgorithms[AlgEd25519], nil
	}
	return signatureAlgorithm{}, fmt.Errorf("%w: keys of type %T cannot sign XML", ErrAlgorithm, pub)
}

// c14nMethod is a canonicalisation algorithm. Comments are never part of
// what oots signs: the Reference forms it accepts ("" and "#id") exclude
// them whatever the method says, and in SignedInfo a #WithComments method
// keeps the comments.
type c14nMethod struct {
	uri       string
	exclusive bool
	v11       bool
	comments  bool
}

var c14nMethods = map[string]c14nMethod{
	AlgExcC14N:             {uri: AlgExcC14N, exclusive: true},
	AlgExcC14NWithComments: {uri: AlgExcC14NWithComments, exclusive: true, comments: true},
	AlgC14N10:              {uri: AlgC14N10},
	AlgC14N10WithComments:  {uri: AlgC14N10WithComments, comments: true},
	AlgC14N11:              {uri: AlgC14N11, v11: true},
	AlgC14N11WithComments:  {uri: AlgC14N11WithComments, v11: true, comments: true},
}
