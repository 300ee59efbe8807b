package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// EncodeCertificatesPEM writes certificates as PEM blocks, in order.
func EncodeCertificatesPEM(certs ...*x509.Certificate) []byte {
	var buf bytes.Buffer
	for _, c := range certs {
		// Writing PEM to a bytes.Buffer cannot fail.
		_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return buf.Bytes()
}

// EncodePrivateKeyPEM writes key as an unencrypted PKCS#8 PEM block.
func EncodePrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding the private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// EncodePKCS12 writes the identity (key, certificate and chain) as PKCS#12
// with modern algorithms (AES-256-CBC, PBKDF2, SHA-256 MAC), which OpenSSL 1.1.1
// and later, Java 12 and later and current Windows read.
func EncodePKCS12(id *Identity, password string) ([]byte, error) {
	data, err := pkcs12.Modern.Encode(id.Signer, id.Certificate, id.Chain, password)
	if err != nil {
		return nil, fmt.Errorf("encoding PKCS#12: %w", err)
	}
	return data, nil
}
