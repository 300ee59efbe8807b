package pki

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// CertificateInfo is what `oots pki show` tells about a certificate. The
// JSON field names are part of the command's output contract.
type CertificateInfo struct {
	Subject      string    `json:"subject"`
	Issuer       string    `json:"issuer"`
	Serial       string    `json:"serial"` // hexadecimal, lower case
	NotBefore    time.Time `json:"notBefore"`
	NotAfter     time.Time `json:"notAfter"`
	KeyAlgorithm string    `json:"keyAlgorithm"` // RSA, ECDSA or Ed25519
	KeySize      int       `json:"keySize"`      // bits
	Curve        string    `json:"curve,omitempty"`
	KeyUsage     []string  `json:"keyUsage"`
	ExtKeyUsage  []string  `json:"extKeyUsage,omitempty"`
	CA           bool      `json:"ca"`
	DNSNames     []string  `json:"dnsNames,omitempty"`
	IPAddresses  []string  `json:"ipAddresses,omitempty"`
	// SHA256 is the fingerprint of the DER certificate as colon-separated
	// upper-case hex, the form `openssl x509 -fingerprint -sha256` prints.
	SHA256 string `json:"sha256"`
}

// Describe summarises a certificate.
func Describe(c *x509.Certificate) CertificateInfo {
	info := CertificateInfo{
		Subject:     c.Subject.String(),
		Issuer:      c.Issuer.String(),
		Serial:      c.SerialNumber.Text(16),
		NotBefore:   c.NotBefore.UTC(),
		NotAfter:    c.NotAfter.UTC(),
		KeyUsage:    keyUsageNames(c.KeyUsage),
		ExtKeyUsage: extKeyUsageNames(c.ExtKeyUsage),
		CA:          c.IsCA,
		DNSNames:    c.DNSNames,
		SHA256:      Fingerprint(c),
	}
	for _, ip := range c.IPAddresses {
		info.IPAddresses = append(info.IPAddresses, ip.String())
	}
	switch pub := c.PublicKey.(type) {
	case *rsa.PublicKey:
		info.KeyAlgorithm, info.KeySize = "RSA", pub.N.BitLen()
	case *ecdsa.PublicKey:
		info.KeyAlgorithm, info.KeySize, info.Curve = "ECDSA", pub.Curve.Params().BitSize, pub.Curve.Params().Name
	case ed25519.PublicKey:
		info.KeyAlgorithm, info.KeySize = "Ed25519", 256
	default:
		info.KeyAlgorithm = c.PublicKeyAlgorithm.String()
	}
	return info
}

// Fingerprint is the SHA-256 of the DER certificate as colon-separated
// upper-case hex.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// keyUsageNames uses the names of RFC 5280, 4.2.1.3, in bit order.
func keyUsageNames(ku x509.KeyUsage) []string {
	names := []string{
		"digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment",
		"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
	}
	out := []string{}
	for i, name := range names {
		if ku&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

func extKeyUsageNames(ekus []x509.ExtKeyUsage) []string {
	known := map[x509.ExtKeyUsage]string{
		x509.ExtKeyUsageAny:             "any",
		x509.ExtKeyUsageServerAuth:      "serverAuth",
		x509.ExtKeyUsageClientAuth:      "clientAuth",
		x509.ExtKeyUsageCodeSigning:     "codeSigning",
		x509.ExtKeyUsageEmailProtection: "emailProtection",
		x509.ExtKeyUsageTimeStamping:    "timeStamping",
		x509.ExtKeyUsageOCSPSigning:     "OCSPSigning",
	}
	var out []string
	for _, e := range ekus {
		name, ok := known[e]
		if !ok {
			name = fmt.Sprintf("extKeyUsage(%d)", e)
		}
		out = append(out, name)
	}
	return out
}
