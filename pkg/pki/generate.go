package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RFC 5280 key identifiers are SHA-1 by convention, not a security function.
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"
)

// Algorithm names a key algorithm of the test PKI.
type Algorithm string

// The key algorithms of the test PKI; the values are the names used on the
// command line and in file names.
const (
	RSA3072 Algorithm = "rsa"
	P256    Algorithm = "p256"
	Ed25519 Algorithm = "ed25519"
)

// Algorithms lists every supported key algorithm, in a stable order.
func Algorithms() []Algorithm {
	return []Algorithm{RSA3072, P256, Ed25519}
}

// ParseAlgorithm reads an algorithm name (case-insensitive).
func ParseAlgorithm(s string) (Algorithm, error) {
	want := Algorithm(strings.ToLower(strings.TrimSpace(s)))
	for _, a := range Algorithms() {
		if a == want {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown key algorithm %q; use %s", s, algorithmList())
}

func algorithmList() string {
	names := make([]string, 0, len(Algorithms()))
	for _, a := range Algorithms() {
		names = append(names, string(a))
	}
	return strings.Join(names, ", ")
}

// GenerateKey makes a new private key of the algorithm.
func GenerateKey(alg Algorithm) (crypto.Signer, error) {
	switch alg {
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case P256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case Ed25519:
		_, key, err := ed25519.GenerateKey(rand.Reader)
		return key, err
	}
	return nil, fmt.Errorf("unknown key algorithm %q; use %s", alg, algorithmList())
}

// Names and lifetimes of the test PKI. The organisation is on every subject
// so that nobody mistakes the certificates for production material.
const (
	TestOrganization = "oots TEST PKI - not for production"
	RootCommonName   = "oots test root CA"

	DefaultCAValidity   = 10 * 365 * 24 * time.Hour
	DefaultNodeValidity = 2 * 365 * 24 * time.Hour
	// Backdate moves NotBefore into the past so that a certificate is usable
	// at once on machines whose clocks lag a little.
	Backdate = 5 * time.Minute
)

// NodeCommonName is the subject common name of node name's certificate.
func NodeCommonName(name string) string {
	return name + " (TEST)"
}

// Period is the validity of a new certificate. Zero fields take defaults:
// NotBefore is now minus Backdate, NotAfter is NotBefore plus the default
// lifetime (or Lifetime when it is set).
type Period struct {
	NotBefore, NotAfter time.Time
	Lifetime            time.Duration
}

func (p Period) resolve(now time.Time, defaultLifetime time.Duration) (notBefore, notAfter time.Time, err error) {
	notBefore, notAfter = p.NotBefore, p.NotAfter
	if notBefore.IsZero() {
		notBefore = now.Add(-Backdate)
	}
	if notAfter.IsZero() {
		life := p.Lifetime
		if life == 0 {
			life = defaultLifetime
		}
		notAfter = notBefore.Add(life)
	}
	if !notAfter.After(notBefore) {
		return time.Time{}, time.Time{}, fmt.Errorf("the certificate would end (%s) before it starts (%s)",
			notAfter.UTC().Format(time.RFC3339), notBefore.UTC().Format(time.RFC3339))
	}
	return notBefore.UTC().Truncate(time.Second), notAfter.UTC().Truncate(time.Second), nil
}

// RootTemplate is the template of a self-signed test root CA for the key pub.
func RootTemplate(pub crypto.PublicKey, period Period) (*x509.Certificate, error) {
	notBefore, notAfter, err := period.resolve(time.Now(), DefaultCAValidity)
	if err != nil {
		return nil, err
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	ski, err := subjectKeyID(pub)
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               testSubject(RootCommonName),
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		// The root signs node certificates only, never other CAs.
		MaxPathLen:     0,
		MaxPathLenZero: true,
		SubjectKeyId:   ski,
	}, nil
}

// NodeTemplate is the template of node name's certificate for the key pub:
// usable for signing messages and, on loopback, for TLS client and server.
func NodeTemplate(name string, pub crypto.PublicKey, period Period) (*x509.Certificate, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("a node needs a name")
	}
	notBefore, notAfter, err := period.resolve(time.Now(), DefaultNodeValidity)
	if err != nil {
		return nil, err
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	ski, err := subjectKeyID(pub)
	if err != nil {
		return nil, err
	}
	usage := x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	if _, isRSA := pub.(*rsa.PublicKey); isRSA {
		// RSA key exchange in TLS encrypts the premaster secret to this key.
		usage |= x509.KeyUsageKeyEncipherment
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               testSubject(NodeCommonName(name)),
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
		SubjectKeyId:          ski,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}, nil
}

// CreateCertificate signs template with parentKey as parent (template itself
// for a self-signed certificate) and returns the parsed certificate. The
// authority key identifier comes from the parent's subject key identifier.
func CreateCertificate(template, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, parentKey)
	if err != nil {
		return nil, fmt.Errorf("creating certificate %q: %w", template.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// CA is a certificate authority that issues node certificates.
type CA struct {
	Certificate *x509.Certificate
	Key         crypto.Signer
}

// NewCA creates a self-signed test root CA for key.
func NewCA(key crypto.Signer, period Period) (*CA, error) {
	template, err := RootTemplate(key.Public(), period)
	if err != nil {
		return nil, err
	}
	cert, err := CreateCertificate(template, template, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &CA{Certificate: cert, Key: key}, nil
}

// Issue certifies key as node name's key. The identity's chain is the CA
// certificate.
func (ca *CA) Issue(name string, key crypto.Signer, period Period) (*Identity, error) {
	template, err := NodeTemplate(name, key.Public(), period)
	if err != nil {
		return nil, err
	}
	cert, err := CreateCertificate(template, ca.Certificate, key.Public(), ca.Key)
	if err != nil {
		return nil, err
	}
	return &Identity{Signer: key, Certificate: cert, Chain: []*x509.Certificate{ca.Certificate}}, nil
}

func testSubject(commonName string) pkix.Name {
	return pkix.Name{CommonName: commonName, Organization: []string{TestOrganization}}
}

// randomSerial returns a positive 128-bit serial number (RFC 5280 allows up
// to 20 octets; 128 random bits make collisions practically impossible).
func randomSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, fmt.Errorf("making a serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// subjectKeyID is the SHA-1 of the subject public key bits (RFC 5280,
// 4.2.1.2, method 1), the form other tools also compute.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encoding the public key: %w", err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, fmt.Errorf("encoding the public key: %w", err)
	}
	sum := sha1.Sum(spki.PublicKey.Bytes) //nolint:gosec // identifier, not a security function
	return sum[:], nil
}
