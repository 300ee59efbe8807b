package runner

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
)

// testPKI is the run's certificate authority and the nodes' identities.
// Keys are kept for the life of the Runner: RSA-3072 keys take a while to
// make, and every scenario of a run can use the same ones.
type testPKI struct {
	alg pki.Algorithm
	ca  *pki.CA

	mu         sync.Mutex
	identities map[string]*pki.Identity // by node name, "!" suffix for expired ones
}

func newTestPKI(alg pki.Algorithm, ca *pki.CA) (*testPKI, error) {
	if ca == nil {
		key, err := pki.GenerateKey(alg)
		if err != nil {
			return nil, err
		}
		if ca, err = pki.NewCA(key, pki.Period{}); err != nil {
			return nil, err
		}
	}
	return &testPKI{alg: alg, ca: ca, identities: map[string]*pki.Identity{}}, nil
}

// identity returns node name's identity, made on first use. An expired
// identity has a certificate that ended a day ago.
func (p *testPKI) identity(name string, expired bool) (*pki.Identity, error) {
	key := name
	if expired {
		key += "!"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if id, ok := p.identities[key]; ok {
		return id, nil
	}
	signer, err := pki.GenerateKey(p.alg)
	if err != nil {
		return nil, err
	}
	period := pki.Period{}
	if expired {
		now := time.Now()
		period = pki.Period{NotBefore: now.Add(-30 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}
	}
	id, err := p.ca.Issue(name, signer, period)
	if err != nil {
		return nil, err
	}
	p.identities[key] = id
	return id, nil
}

// identityFiles are where a node's key and certificate were written.
type identityFiles struct{ Key, Cert string }

// writeCA writes the CA certificate into dir and returns its path.
func (p *testPKI) writeCA(dir string) (string, error) {
	path := filepath.Join(dir, pki.CACertFile)
	return path, os.WriteFile(path, pki.EncodeCertificatesPEM(p.ca.Certificate), 0o600)
}

// writeIdentity writes a node's key and certificate (with the CA after it)
// into dir.
func (p *testPKI) writeIdentity(dir, name string, expired bool) (identityFiles, error) {
	id, err := p.identity(name, expired)
	if err != nil {
		return identityFiles{}, fmt.Errorf("node %s: making its certificate: %w", name, err)
	}
	names := pki.NodeFileNames(name, p.alg)
	files := identityFiles{Key: filepath.Join(dir, names.Key), Cert: filepath.Join(dir, names.Cert)}
	keyPEM, err := pki.EncodePrivateKeyPEM(id.Signer)
	if err != nil {
		return identityFiles{}, err
	}
	if err := os.WriteFile(files.Key, keyPEM, 0o600); err != nil {
		return identityFiles{}, err
	}
	chain := append([]*x509.Certificate{id.Certificate}, id.Chain...)
	return files, os.WriteFile(files.Cert, pki.EncodeCertificatesPEM(chain...), 0o600)
}
