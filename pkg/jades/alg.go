package jades

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Supported JWS algorithms (RFC 7518, RFC 8037).
const (
	ES256 = "ES256"
	PS256 = "PS256"
	RS256 = "RS256"
	EdDSA = "EdDSA"
)

// Algorithms lists the supported algorithms.
var Algorithms = []string{ES256, PS256, RS256, EdDSA}

// minRSABits is the smallest RSA key accepted for signing or verifying.
const minRSABits = 2048

// checkAlgorithm refuses anything but the supported algorithms, naming why.
func checkAlgorithm(alg string) error {
	switch alg {
	case ES256, PS256, RS256, EdDSA:
		return nil
	case "":
		return fmt.Errorf("%w: the protected header has no alg", ErrAlgorithm)
	case "none":
		return fmt.Errorf("%w: alg \"none\" (an unsigned JWS) is never accepted", ErrAlgorithm)
	case "RS1", "ES1", "PS1", "HS1":
		return fmt.Errorf("%w: alg %q uses SHA-1, which is broken for signatures", ErrAlgorithm, alg)
	}
	if strings.HasPrefix(alg, "HS") {
		return fmt.Errorf("%w: alg %q is a shared-secret MAC, not a signature", ErrAlgorithm, alg)
	}
	return fmt.Errorf("%w: alg %q is not supported (supported: %s)", ErrAlgorithm, alg, strings.Join(Algorithms, ", "))
}

// DefaultAlgorithm is the algorithm used for a key when none is asked for:
// ES256 for P-256, PS256 for RSA, EdDSA for Ed25519.
func DefaultAlgorithm(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return ES256, nil
		}
		return "", fmt.Errorf("%w: ECDSA curve %s is not supported (ES256 needs P-256)", ErrAlgorithm, k.Curve.Params().Name)
	case *rsa.PublicKey:
		return PS256, nil
	case ed25519.PublicKey:
		return EdDSA, nil
	}
	return "", fmt.Errorf("%w: keys of type %T are not supported", ErrAlgorithm, pub)
}

// checkKey says whether pub can be used with alg.
func checkKey(alg string, pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if alg == ES256 && k.Curve == elliptic.P256() {
			return nil
		}
	case *rsa.PublicKey:
		if alg == PS256 || alg == RS256 {
			if k.N.BitLen() < minRSABits {
				return fmt.Errorf("%w: %s with a %d-bit RSA key (at least %d bits)", ErrAlgorithm, alg, k.N.BitLen(), minRSABits)
			}
			return nil
		}
	case ed25519.PublicKey:
		if alg == EdDSA {
			return nil
		}
	}
	return fmt.Errorf("%w: alg %s does not fit the signer's %s key", ErrAlgorithm, alg, keyName(pub))
}

func keyName(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d-bit", k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// signInput signs the JWS signing input with alg; ES256 signatures come
// out as r||s (64 bytes, RFC 7518 §3.4), not as ASN.1.
func signInput(alg string, signer crypto.Signer, input []byte) ([]byte, error) {
	if err := checkKey(alg, signer.Public()); err != nil {
		return nil, err
	}
	if alg == EdDSA {
		return signer.Sign(rand.Reader, input, crypto.Hash(0))
	}
	digest := sha256.Sum256(input)
	switch alg {
	case ES256:
		der, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		return ecdsaDERToRaw(der, 32)
	case PS256:
		return signer.Sign(rand.Reader, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
	default: // RS256
		return signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	}
}

// verifyInput checks sig over input with pub; the caller has checked the
// key fits alg.
func verifyInput(alg string, pub crypto.PublicKey, input, sig []byte) bool {
	if alg == EdDSA {
		return ed25519.Verify(pub.(ed25519.PublicKey), input, sig)
	}
	digest := sha256.Sum256(input)
	switch alg {
	case ES256:
		if len(sig) != 64 {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return ecdsa.Verify(pub.(*ecdsa.PublicKey), digest[:], r, s)
	case PS256:
		return rsa.VerifyPSS(pub.(*rsa.PublicKey), crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
	default: // RS256
		return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, digest[:], sig) == nil
	}
}

// ecdsaDERToRaw turns an ASN.1 ECDSA signature into fixed-size r||s.
func ecdsaDERToRaw(der []byte, size int) ([]byte, error) {
	var r, s big.Int
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&s) || !seq.Empty() {
		return nil, errors.New("signer returned a malformed ECDSA signature")
	}
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	s.FillBytes(out[size:])
	return out, nil
}
