// Package pkitest makes in-memory test PKIs for the tests of signing and
// verification code: a root CA and node identities it issued, with options
// that make certificates expired, not yet valid or unfit for signing.
package pkitest

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
)

// PKI is an in-memory test CA. Every New makes a new root key and
// certificate, so identities of one PKI never chain to another PKI's root.
//
// Node keys: P-256 and Ed25519 keys are new for every identity. RSA-3072
// generation is slow, so all RSA identities of a test binary share one key;
// use IdentityForKey with pki.GenerateKey when a test needs two distinct RSA
// keys.
type PKI struct {
	Root    *x509.Certificate
	RootKey crypto.Signer
}

// Option edits a node certificate template before it is signed.
type Option func(*x509.Certificate)

// Validity sets the validity period of the certificate.
func Validity(notBefore, notAfter time.Time) Option {
	return func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = notBefore, notAfter
	}
}

// KeyUsage replaces the key usage of the certificate (0 leaves the
// extension out).
func KeyUsage(ku x509.KeyUsage) Option {
	return func(c *x509.Certificate) { c.KeyUsage = ku }
}

// New makes a test root CA with a fresh P-256 key.
func New(tb testing.TB) *PKI {
	tb.Helper()
	p, err := NewRoot()
	if err != nil {
		tb.Fatalf("pkitest: %v", err)
	}
	return p
}

// NewRoot is New for callers without a testing.TB, such as a CA shared by
// a whole test binary.
func NewRoot() (*PKI, error) {
	key, err := pki.GenerateKey(pki.P256)
	if err != nil {
		return nil, err
	}
	// The root reaches five years into the past, so that tests which check
	// signatures at a fixed date find it valid whatever day they run on.
	ca, err := pki.NewCA(key, pki.Period{NotBefore: time.Now().AddDate(-5, 0, 0)})
	if err != nil {
		return nil, err
	}
	return &PKI{Root: ca.Certificate, RootKey: ca.Key}, nil
}

// Identity issues a node certificate for a key of alg, signed by p.Root;
// the identity's Chain is [p.Root].
func (p *PKI) Identity(tb testing.TB, alg pki.Algorithm, opts ...Option) *pki.Identity {
	tb.Helper()
	return p.IdentityForKey(tb, nodeKey(tb, alg), opts...)
}

// IdentityForKey issues a node certificate for key, signed by p.Root; the
// identity's Chain is [p.Root].
func (p *PKI) IdentityForKey(tb testing.TB, key crypto.Signer, opts ...Option) *pki.Identity {
	tb.Helper()
	template, err := pki.NodeTemplate(nextNodeName(), key.Public(), pki.Period{})
	if err != nil {
		tb.Fatalf("pkitest: %v", err)
	}
	for _, opt := range opts {
		opt(template)
	}
	cert, err := pki.CreateCertificate(template, p.Root, key.Public(), p.RootKey)
	if err != nil {
		tb.Fatalf("pkitest: %v", err)
	}
	return &pki.Identity{Signer: key, Certificate: cert, Chain: []*x509.Certificate{p.Root}}
}

// WriteFiles writes id as PEM files for command-line tests and returns their
// paths: dir/<name>.pem (the certificate, then its chain) and
// dir/<name>-key.pem (PKCS#8). It also writes dir/<name>-ca.pem, the root
// certificate to trust.
func (p *PKI) WriteFiles(tb testing.TB, dir, name string, id *pki.Identity) (certPEM, keyPEM string) {
	tb.Helper()
	keyData, err := pki.EncodePrivateKeyPEM(id.Signer)
	if err != nil {
		tb.Fatalf("pkitest: %v", err)
	}
	certPEM = filepath.Join(dir, name+".pem")
	keyPEM = filepath.Join(dir, name+"-key.pem")
	chain := append([]*x509.Certificate{id.Certificate}, id.Chain...)
	writeFile(tb, certPEM, pki.EncodeCertificatesPEM(chain...), 0o644)
	writeFile(tb, keyPEM, keyData, 0o600)
	writeFile(tb, filepath.Join(dir, name+"-ca.pem"), pki.EncodeCertificatesPEM(p.Root), 0o644)
	return certPEM, keyPEM
}

func writeFile(tb testing.TB, path string, data []byte, perm os.FileMode) {
	tb.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		tb.Fatalf("pkitest: %v", err)
	}
}

var nodeCount atomic.Int64

// nextNodeName gives every identity of the process its own subject.
func nextNodeName() string {
	return fmt.Sprintf("node-%d", nodeCount.Add(1))
}

var sharedRSA = sync.OnceValues(func() (crypto.Signer, error) {
	return pki.GenerateKey(pki.RSA3072)
})

func nodeKey(tb testing.TB, alg pki.Algorithm) crypto.Signer {
	tb.Helper()
	var key crypto.Signer
	var err error
	if alg == pki.RSA3072 {
		key, err = sharedRSA()
	} else {
		key, err = pki.GenerateKey(alg)
	}
	if err != nil {
		tb.Fatalf("pkitest: %v", err)
	}
	return key
}
