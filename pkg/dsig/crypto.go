package dsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// signBytes signs canonical SignedInfo. ECDSA values are r||s, each padded
// to the size of the curve (XML-DSig 1.1, section 6.4.3), not DER.
func signBytes(alg signatureAlgorithm, signer crypto.Signer, data []byte) ([]byte, error) {
	digest, opts := data, crypto.SignerOpts(crypto.Hash(0))
	if alg.hash != 0 {
		h := alg.hash.New()
		h.Write(data)
		digest, opts = h.Sum(nil), alg.hash
	}
	sig, err := signer.Sign(rand.Reader, digest, opts)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	if pub, ok := signer.Public().(*ecdsa.PublicKey); ok {
		return ecdsaDERToRaw(sig, curveBytes(pub))
	}
	return sig, nil
}

// verifySignatureValue checks value over data with pub under alg.
func verifySignatureValue(alg signatureAlgorithm, pub crypto.PublicKey, data, value []byte) error {
	var digest []byte
	if alg.hash != 0 {
		h := alg.hash.New()
		h.Write(data)
		digest = h.Sum(nil)
	}
	ok := false
	switch k := pub.(type) {
	case *rsa.PublicKey:
		ok = alg.key == keyRSA && rsa.VerifyPKCS1v15(k, alg.hash, digest, value) == nil
	case *ecdsa.PublicKey:
		ok = alg.key == keyECDSA && verifyECDSARaw(k, digest, value)
	case ed25519.PublicKey:
		ok = alg.key == keyEd25519 && ed25519.Verify(k, data, value)
	default:
		return fmt.Errorf("%w: the signer's key is of type %T", ErrAlgorithm, pub)
	}
	if !ok {
		return fmt.Errorf("%w: %s over ds:SignedInfo with the key of the signer's certificate (SignedInfo was changed, or another key signed)", ErrSignatureInvalid, alg.name)
	}
	return nil
}

// keyMatches reports whether pub is the kind of key alg needs.
func keyMatches(alg signatureAlgorithm, pub crypto.PublicKey) bool {
	switch pub.(type) {
	case *rsa.PublicKey:
		return alg.key == keyRSA
	case *ecdsa.PublicKey:
		return alg.key == keyECDSA
	case ed25519.PublicKey:
		return alg.key == keyEd25519
	}
	return false
}

func curveBytes(pub *ecdsa.PublicKey) int {
	return (pub.Curve.Params().BitSize + 7) / 8
}

func verifyECDSARaw(pub *ecdsa.PublicKey, digest, value []byte) bool {
	n := curveBytes(pub)
	if len(value) != 2*n {
		return false
	}
	r := new(big.Int).SetBytes(value[:n])
	s := new(big.Int).SetBytes(value[n:])
	return ecdsa.Verify(pub, digest, r, s)
}

func ecdsaDERToRaw(der []byte, n int) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 {
		return nil, errors.New("signing: the ECDSA signer returned no DER signature")
	}
	raw := make([]byte, 2*n)
	rs.R.FillBytes(raw[:n])
	rs.S.FillBytes(raw[n:])
	return raw, nil
}
