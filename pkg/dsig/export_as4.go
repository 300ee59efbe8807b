package dsig

import (
	"crypto"
	"fmt"

	"github.com/lestrrat-go/helium"
)

// The helpers below give other signature formats (the WS-Security headers of
// AS4 messages) the algorithms and canonicalisation of this package, so that
// every signature oots makes or checks uses one implementation and one policy.

// SignatureMethodFor is the SignatureMethod URI oots uses for a signing key:
// RSA-SHA256 for RSA, ECDSA-SHA256/384/512 by curve, Ed25519.
func SignatureMethodFor(pub crypto.PublicKey) (string, error) {
	alg, err := signatureAlgorithmFor(pub)
	return alg.uri, err
}

// SignWith signs data (canonical ds:SignedInfo) with the SignatureMethod uri;
// ECDSA values come out as r||s, as XML-DSig wants them.
func SignWith(uri string, signer crypto.Signer, data []byte) ([]byte, error) {
	alg, err := lookupSignatureAlgorithm(uri, false)
	if err != nil {
		return nil, err
	}
	if !keyMatches(alg, signer.Public()) {
		return nil, fmt.Errorf("%w: %s needs a %s key, not %T", ErrAlgorithm, alg.name, alg.key, signer.Public())
	}
	return signBytes(alg, signer, data)
}

// VerifyWith checks a SignatureValue over data with pub under the
// SignatureMethod uri. SHA-1 methods and unknown methods are refused
// (ErrAlgorithm); a value that does not verify is ErrSignatureInvalid.
func VerifyWith(uri string, pub crypto.PublicKey, data, value []byte) error {
	alg, err := lookupSignatureAlgorithm(uri, false)
	if err != nil {
		return err
	}
	if !keyMatches(alg, pub) {
		return fmt.Errorf("%w: the signature method is %s but the signer's certificate holds a %T key", ErrSignatureInvalid, alg.name, pub)
	}
	return verifySignatureValue(alg, pub, data, value)
}

// DigestHash resolves a DigestMethod URI; SHA-1 and unknown methods are
// refused (ErrAlgorithm). where names the Reference for the message.
func DigestHash(uri, where string) (crypto.Hash, error) {
	alg, err := lookupDigestAlgorithm(uri, false, where)
	return alg.hash, err
}

// IsExclusiveC14N reports whether uri is exclusive canonicalisation without comments.
func IsExclusiveC14N(uri string) bool { return uri == AlgExcC14N }

// CanonicalizeExclusive is the exclusive canonical form (comments left
// out) of one element and its descendants, with the namespaces it
// inherits; prefixes is the InclusiveNamespaces PrefixList. It works on
// the element's own node-set, so the xml namespace is never declared.
func CanonicalizeExclusive(e *helium.Element, prefixes []string) ([]byte, error) {
	return canonicalizeSubtree(e, c14nMethods[AlgExcC14N], prefixes)
}
