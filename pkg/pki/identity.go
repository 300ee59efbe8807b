// Package pki loads signing identities and trust anchors, verifies
// certificate chains, and creates test PKIs for test nodes.
package pki

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrPassword means a PKCS#12 file could not be opened with the password given.
var ErrPassword = errors.New("wrong PKCS#12 password")

// Identity is a signing key with its certificate and the certificates that
// chain it to a trust anchor.
type Identity struct {
	Signer      crypto.Signer
	Certificate *x509.Certificate
	// Chain holds the intermediate certificates (and possibly the root),
	// leaf excluded, in order from the issuer of the leaf upwards.
	Chain []*x509.Certificate
}

// LoadIdentity reads a signing identity. keyPath is a PKCS#12 file (.p12,
// .pfx; certPath is then optional) or a PEM private key (PKCS#8, PKCS#1 or
// SEC 1); certPath is a PEM file whose first certificate is the signer's and
// whose further certificates form the chain.
func LoadIdentity(keyPath, certPath, password string) (*Identity, error) {
	data, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, err
	}
	var id *Identity
	if isPKCS12(keyPath, data) {
		id, err = decodePKCS12(data, password)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyPath, err)
		}
	} else {
		signer, err := ParsePrivateKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyPath, err)
		}
		id = &Identity{Signer: signer}
	}
	if certPath != "" {
		certs, err := LoadCertificates(certPath)
		if err != nil {
			return nil, err
		}
		id.Certificate, id.Chain = certs[0], certs[1:]
	}
	if id.Certificate == nil {
		return nil, fmt.Errorf("%s: no certificate for the key (give one with --cert)", keyPath)
	}
	if !publicKeysEqual(id.Signer.Public(), id.Certificate.PublicKey) {
		return nil, fmt.Errorf("%s: the certificate %q does not belong to the key", keyPath, id.Certificate.Subject.String())
	}
	return id, nil
}

func isPKCS12(path string, data []byte) bool {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".p12" || ext == ".pfx" {
		return true
	}
	return len(data) > 0 && data[0] == 0x30 // DER SEQUENCE, not PEM text
}

func decodePKCS12(data []byte, password string) (*Identity, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, fmt.Errorf("%w (give the right one with --password or OOTS_PASSWORD)", ErrPassword)
	}
	if err != nil {
		return nil, fmt.Errorf("reading PKCS#12: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("PKCS#12 key of type %T cannot sign", key)
	}
	return &Identity{Signer: signer, Certificate: cert, Chain: chain}, nil
}

// ParsePrivateKeyPEM reads the first private key block of a PEM file.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("no PEM private key found")
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			return nil, errors.New("encrypted PEM keys are not supported; use PKCS#12 with --password")
		}
		return parsePrivateKeyDER(block.Bytes)
	}
}

func parsePrivateKeyDER(der []byte) (crypto.Signer, error) {
	var key any
	var err error
	if key, err = x509.ParsePKCS8PrivateKey(der); err != nil {
		if key, err = x509.ParsePKCS1PrivateKey(der); err != nil {
			if key, err = x509.ParseECPrivateKey(der); err != nil {
				return nil, errors.New("unsupported private key (want PKCS#8, PKCS#1 or SEC 1)")
			}
		}
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key of type %T cannot sign", key)
	}
	return signer, nil
}

// LoadCertificates reads every certificate of the given PEM or DER files, in order.
func LoadCertificates(paths ...string) ([]*x509.Certificate, error) {
	var all []*x509.Certificate
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		certs, err := ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		all = append(all, certs...)
	}
	return all, nil
}

// ParseCertificates reads the certificates of PEM text or of one DER certificate.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		c, err := x509.ParseCertificate(data)
		if err != nil {
			return nil, errors.New("no certificate found (want PEM or DER)")
		}
		certs = append(certs, c)
	}
	return certs, nil
}

type equaler interface{ Equal(crypto.PublicKey) bool }

func publicKeysEqual(a, b crypto.PublicKey) bool {
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}
