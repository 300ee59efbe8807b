package pkitest_test

import (
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

func TestIdentityChainsToItsRoot(t *testing.T) {
	p := pkitest.New(t)
	for _, alg := range pki.Algorithms() {
		t.Run(string(alg), func(t *testing.T) {
			id := p.Identity(t, alg)
			if len(id.Chain) != 1 || !id.Chain[0].Equal(p.Root) {
				t.Fatalf("chain = %v, want [root]", id.Chain)
			}
			chain, err := pki.VerifyChain(id.Certificate, pki.ChainOptions{Roots: []*x509.Certificate{p.Root}})
			if err != nil {
				t.Fatal(err)
			}
			if len(chain) != 2 {
				t.Fatalf("chain length %d, want 2", len(chain))
			}
		})
	}
}

func TestIdentityOfAnotherPKIIsUntrusted(t *testing.T) {
	a, b := pkitest.New(t), pkitest.New(t)
	id := a.Identity(t, pki.P256)
	_, err := pki.VerifyChain(id.Certificate, pki.ChainOptions{Roots: []*x509.Certificate{b.Root}})
	if !errors.Is(err, pki.ErrUntrusted) {
		t.Fatalf("err = %v, want ErrUntrusted", err)
	}
}

func TestOptions(t *testing.T) {
	p := pkitest.New(t)
	roots := pki.ChainOptions{Roots: []*x509.Certificate{p.Root}}
	past := time.Now().Add(-48 * time.Hour)
	tests := []struct {
		name string
		opt  pkitest.Option
		want error
	}{
		{"expired", pkitest.Validity(past, past.Add(time.Hour)), pki.ErrExpired},
		{"not yet valid", pkitest.Validity(time.Now().Add(time.Hour), time.Now().Add(48*time.Hour)), pki.ErrNotYetValid},
		{"no signing usage", pkitest.KeyUsage(x509.KeyUsageKeyEncipherment), pki.ErrKeyUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := p.Identity(t, pki.Ed25519, tt.opt)
			if _, err := pki.VerifyChain(id.Certificate, roots); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestIdentitiesHaveDistinctSubjectsAndKeys(t *testing.T) {
	p := pkitest.New(t)
	a, b := p.Identity(t, pki.P256), p.Identity(t, pki.P256)
	if a.Certificate.Subject.String() == b.Certificate.Subject.String() {
		t.Errorf("two identities share the subject %s", a.Certificate.Subject)
	}
	if a.Certificate.PublicKey.(*ecdsa.PublicKey).Equal(b.Certificate.PublicKey) {
		t.Error("two P-256 identities share a key")
	}
}

func TestWriteFilesLoadsBack(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.RSA3072)
	dir := t.TempDir()
	certPath, keyPath := p.WriteFiles(t, dir, "signer", id)
	loaded, err := pki.LoadIdentity(keyPath, certPath, "")
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.Certificate.Equal(id.Certificate) || len(loaded.Chain) != 1 || !loaded.Chain[0].Equal(p.Root) {
		t.Fatal("the written identity reads back differently")
	}
	roots, err := pki.LoadCertificates(dir + "/signer-ca.pem")
	if err != nil || len(roots) != 1 || !roots[0].Equal(p.Root) {
		t.Fatalf("signer-ca.pem: %v", err)
	}
	if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", st.Mode(), err)
	}
}
