package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testCA is the CA of this package's tests, made once: key generation is
// the slow part.
var testCA = sync.OnceValues(func() (*CA, error) {
	key, err := GenerateKey(P256)
	if err != nil {
		return nil, err
	}
	return NewCA(key, Period{})
})

// testKeys holds one node key per algorithm, made once.
var testKeys = sync.OnceValues(func() (map[Algorithm]crypto.Signer, error) {
	keys := map[Algorithm]crypto.Signer{}
	for _, alg := range Algorithms() {
		k, err := GenerateKey(alg)
		if err != nil {
			return nil, err
		}
		keys[alg] = k
	}
	return keys, nil
})

func mustCA(t testing.TB) *CA {
	t.Helper()
	ca, err := testCA()
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func mustIssue(t testing.TB, alg Algorithm, period Period) *Identity {
	t.Helper()
	keys, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	id, err := mustCA(t).Issue("node-a", keys[alg], period)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func roots(ca *CA) ChainOptions { return ChainOptions{Roots: []*x509.Certificate{ca.Certificate}} }

func TestRootCA(t *testing.T) {
	before := time.Now()
	key, err := GenerateKey(P256)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := NewCA(key, Period{})
	if err != nil {
		t.Fatal(err)
	}
	c := ca.Certificate
	if !c.IsCA || !c.BasicConstraintsValid || c.MaxPathLen != 0 || !c.MaxPathLenZero {
		t.Errorf("basic constraints: CA %v, valid %v, pathlen %d (zero %v)", c.IsCA, c.BasicConstraintsValid, c.MaxPathLen, c.MaxPathLenZero)
	}
	if c.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("key usage %v", Describe(c).KeyUsage)
	}
	if len(c.SubjectKeyId) != 20 {
		t.Errorf("subject key id %x", c.SubjectKeyId)
	}
	if err := c.CheckSignatureFrom(c); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if c.Subject.CommonName != RootCommonName || !slices.Equal(c.Subject.Organization, []string{TestOrganization}) {
		t.Errorf("subject %s", c.Subject)
	}
	checkPeriod(t, c, before, DefaultCAValidity)
}

// checkPeriod checks the default validity: from Backdate before the
// certificate was made (after since), for lifetime.
func checkPeriod(t *testing.T, c *x509.Certificate, since time.Time, lifetime time.Duration) {
	t.Helper()
	// NotBefore is truncated to the second.
	earliest, latest := since.Add(-Backdate-time.Second), time.Now().Add(-Backdate)
	if c.NotBefore.Before(earliest) || c.NotBefore.After(latest) {
		t.Errorf("NotBefore %s, want between %s and %s", c.NotBefore, earliest, latest)
	}
	if got := c.NotAfter.Sub(c.NotBefore); got != lifetime {
		t.Errorf("lifetime %s, want %s", got, lifetime)
	}
}

func TestNodeCertificates(t *testing.T) {
	ca := mustCA(t)
	for _, alg := range Algorithms() {
		t.Run(string(alg), func(t *testing.T) {
			if _, err := testKeys(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			id := mustIssue(t, alg, Period{})
			c := id.Certificate
			wantUsage := x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
			if alg == RSA3072 {
				wantUsage |= x509.KeyUsageKeyEncipherment
			}
			if c.KeyUsage != wantUsage {
				t.Errorf("key usage %v", Describe(c).KeyUsage)
			}
			if !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}) {
				t.Errorf("ext key usage %v", c.ExtKeyUsage)
			}
			if c.IsCA || !c.BasicConstraintsValid {
				t.Error("a node certificate must say it is not a CA")
			}
			if !bytes.Equal(c.AuthorityKeyId, ca.Certificate.SubjectKeyId) || len(c.SubjectKeyId) == 0 {
				t.Errorf("key ids: authority %x, CA subject %x, subject %x", c.AuthorityKeyId, ca.Certificate.SubjectKeyId, c.SubjectKeyId)
			}
			if c.Subject.CommonName != "node-a (TEST)" || !slices.Equal(c.Subject.Organization, []string{TestOrganization}) {
				t.Errorf("subject %s", c.Subject)
			}
			if err := c.VerifyHostname("localhost"); err != nil {
				t.Error(err)
			}
			if !c.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) || !c.IPAddresses[1].Equal(net.IPv6loopback) {
				t.Errorf("IP addresses %v", c.IPAddresses)
			}
			if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > 128 {
				t.Errorf("serial %x", c.SerialNumber)
			}
			checkPeriod(t, c, start, DefaultNodeValidity)
			chain, err := VerifyChain(c, roots(ca))
			if err != nil || len(chain) != 2 {
				t.Fatalf("chain %d, %v", len(chain), err)
			}
			// The same certificate is fit for TLS on loopback.
			if _, err := c.Verify(x509.VerifyOptions{Roots: certPool(ca.Certificate), DNSName: "localhost",
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
				t.Error(err)
			}
		})
	}
}

func certPool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

func TestSerialsDiffer(t *testing.T) {
	a, b := mustIssue(t, P256, Period{}), mustIssue(t, P256, Period{})
	if a.Certificate.SerialNumber.Cmp(b.Certificate.SerialNumber) == 0 {
		t.Fatal("two certificates share a serial number")
	}
}

func TestPeriods(t *testing.T) {
	ca := mustCA(t)
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name             string
		period           Period
		wantFrom, wantTo time.Time
		chainErr         error
	}{
		{"expired", Period{NotBefore: start, NotAfter: end}, start, end, ErrExpired},
		{"from a start for a lifetime", Period{NotBefore: start, Lifetime: 48 * time.Hour}, start, start.Add(48 * time.Hour), ErrExpired},
		{"not yet valid", Period{NotBefore: time.Now().Add(24 * time.Hour)}, time.Time{}, time.Time{}, ErrNotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustIssue(t, Ed25519, tt.period).Certificate
			if !tt.wantFrom.IsZero() && (!c.NotBefore.Equal(tt.wantFrom) || !c.NotAfter.Equal(tt.wantTo)) {
				t.Errorf("validity %s to %s, want %s to %s", c.NotBefore, c.NotAfter, tt.wantFrom, tt.wantTo)
			}
			if _, err := VerifyChain(c, roots(ca)); !errors.Is(err, tt.chainErr) {
				t.Errorf("VerifyChain: %v, want %v", err, tt.chainErr)
			}
		})
	}
	_, err := ca.Issue("backwards", ca.Key, Period{NotBefore: end, NotAfter: start})
	if err == nil || !strings.Contains(err.Error(), "before it starts") {
		t.Errorf("a period that ends before it starts: %v", err)
	}
}

func TestAlgorithms(t *testing.T) {
	for _, in := range []string{"rsa", "P256", " ed25519 "} {
		if _, err := ParseAlgorithm(in); err != nil {
			t.Errorf("ParseAlgorithm(%q): %v", in, err)
		}
	}
	if _, err := ParseAlgorithm("dsa"); err == nil || !strings.Contains(err.Error(), "rsa, p256, ed25519") {
		t.Errorf("ParseAlgorithm(dsa): %v", err)
	}
	if _, err := GenerateKey("dsa"); err == nil {
		t.Error("GenerateKey(dsa) made a key")
	}
}

func TestCheckNodeName(t *testing.T) {
	for _, name := range []string{"node", "member-state-a", "AT.bmi_01", strings.Repeat("n", 64)} {
		if err := CheckNodeName(name); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	for _, name := range []string{"", "../ca", "a/b", ".hidden", "-flag", "with space", strings.Repeat("n", 65)} {
		if err := CheckNodeName(name); err == nil {
			t.Errorf("%q accepted", name)
		}
	}
}

func TestNodeFileNames(t *testing.T) {
	got := NodeFileNames("member", P256)
	want := NodeFiles{Cert: "member-p256.pem", Key: "member-p256-key.pem", PKCS12: "member-p256.p12"}
	if got != want {
		t.Fatalf("%+v", got)
	}
}
