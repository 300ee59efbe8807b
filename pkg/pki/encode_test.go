package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeNode writes id in the folder layout and returns the file paths.
func writeNode(t *testing.T, dir string, alg Algorithm, id *Identity, password string) NodeFiles {
	t.Helper()
	names := NodeFileNames("node-a", alg)
	keyPEM, err := EncodePrivateKeyPEM(id.Signer)
	if err != nil {
		t.Fatal(err)
	}
	p12, err := EncodePKCS12(id, password)
	if err != nil {
		t.Fatal(err)
	}
	files := NodeFiles{Cert: filepath.Join(dir, names.Cert), Key: filepath.Join(dir, names.Key), PKCS12: filepath.Join(dir, names.PKCS12)}
	for path, data := range map[string][]byte{
		files.Cert:   EncodeCertificatesPEM(append([]*x509.Certificate{id.Certificate}, id.Chain...)...),
		files.Key:    keyPEM,
		files.PKCS12: p12,
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func writeCA(t *testing.T, dir string, ca *CA) {
	t.Helper()
	keyPEM, err := EncodePrivateKeyPEM(ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CACertFile), EncodeCertificatesPEM(ca.Certificate), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CAKeyFile), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFilesLoadBack(t *testing.T) {
	ca := mustCA(t)
	for _, alg := range Algorithms() {
		t.Run(string(alg), func(t *testing.T) {
			id := mustIssue(t, alg, Period{})
			files := writeNode(t, t.TempDir(), alg, id, "s3cret")
			for what, load := range map[string]func() (*Identity, error){
				"pem":    func() (*Identity, error) { return LoadIdentity(files.Key, files.Cert, "") },
				"pkcs12": func() (*Identity, error) { return LoadIdentity(files.PKCS12, "", "s3cret") },
			} {
				got, err := load()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if !got.Certificate.Equal(id.Certificate) || len(got.Chain) != 1 || !got.Chain[0].Equal(ca.Certificate) {
					t.Errorf("%s: the identity reads back differently", what)
				}
				if !publicKeysEqual(got.Signer.Public(), id.Signer.Public()) {
					t.Errorf("%s: another key", what)
				}
			}
		})
	}
}

func TestPKCS12Passwords(t *testing.T) {
	id := mustIssue(t, P256, Period{})
	dir := t.TempDir()
	files := writeNode(t, dir, P256, id, "right")
	_, err := LoadIdentity(files.PKCS12, "", "wrong")
	if !errors.Is(err, ErrPassword) || !strings.Contains(err.Error(), files.PKCS12) || !strings.Contains(err.Error(), "--password") {
		t.Errorf("wrong password: %v", err)
	}
	// An empty password is allowed for test material.
	files = writeNode(t, t.TempDir(), P256, id, "")
	if _, err := LoadIdentity(files.PKCS12, "", ""); err != nil {
		t.Errorf("empty password: %v", err)
	}
}

func TestLoadCA(t *testing.T) {
	ca := mustCA(t)
	dir := t.TempDir()
	writeCA(t, dir, ca)
	got, err := LoadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Certificate.Equal(ca.Certificate) {
		t.Fatal("another CA certificate")
	}

	// A key that is not the CA's.
	other := mustIssue(t, P256, Period{})
	keyPEM, _ := EncodePrivateKeyPEM(other.Signer)
	if err := os.WriteFile(filepath.Join(dir, CAKeyFile), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCA(dir); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Errorf("mismatched key: %v", err)
	}

	// A node certificate in place of the CA.
	notCA := t.TempDir()
	writeCA(t, notCA, &CA{Certificate: other.Certificate, Key: other.Signer})
	if _, err := LoadCA(notCA); err == nil || !strings.Contains(err.Error(), "not a CA") {
		t.Errorf("node certificate as CA: %v", err)
	}

	if _, err := LoadCA(t.TempDir()); err == nil || !strings.Contains(err.Error(), "oots pki init") {
		t.Errorf("empty folder: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	want := map[Algorithm]struct {
		alg   string
		size  int
		curve string
	}{RSA3072: {"RSA", 3072, ""}, P256: {"ECDSA", 256, "P-256"}, Ed25519: {"Ed25519", 256, ""}}
	for _, alg := range Algorithms() {
		c := mustIssue(t, alg, Period{}).Certificate
		info := Describe(c)
		w := want[alg]
		if info.KeyAlgorithm != w.alg || info.KeySize != w.size || info.Curve != w.curve {
			t.Errorf("%s: key %s %d %s", alg, info.KeyAlgorithm, info.KeySize, info.Curve)
		}
		if info.Subject != "CN=node-a (TEST),O="+TestOrganization || info.CA {
			t.Errorf("%s: subject %s, CA %v", alg, info.Subject, info.CA)
		}
		if !strings.Contains(strings.Join(info.KeyUsage, ","), "digitalSignature,contentCommitment") {
			t.Errorf("%s: key usage %v", alg, info.KeyUsage)
		}
		sum := sha256.Sum256(c.Raw)
		if strings.ReplaceAll(info.SHA256, ":", "") != strings.ToUpper(hex.EncodeToString(sum[:])) {
			t.Errorf("%s: fingerprint %s", alg, info.SHA256)
		}
		if strings.Join(info.IPAddresses, " ") != "127.0.0.1 ::1" || strings.Join(info.DNSNames, " ") != "localhost" {
			t.Errorf("%s: names %v %v", alg, info.DNSNames, info.IPAddresses)
		}
	}
	caInfo := Describe(mustCA(t).Certificate)
	if !caInfo.CA || strings.Join(caInfo.KeyUsage, ",") != "keyCertSign,cRLSign" {
		t.Errorf("CA: %+v", caInfo)
	}
}

// TestOpenSSLAgrees checks the files with OpenSSL, when it is installed: the
// chain verifies, the PKCS#12 opens with the password and not without, and
// the fingerprint is OpenSSL's.
func TestOpenSSLAgrees(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not on PATH")
	}
	run := func(args ...string) (string, error) {
		out, err := exec.Command(openssl, args...).CombinedOutput()
		return string(out), err
	}
	dir := t.TempDir()
	ca := mustCA(t)
	writeCA(t, dir, ca)
	caFile := filepath.Join(dir, CACertFile)
	for _, alg := range Algorithms() {
		t.Run(string(alg), func(t *testing.T) {
			id := mustIssue(t, alg, Period{})
			files := writeNode(t, dir, alg, id, "pw-"+string(alg))
			if out, err := run("verify", "-CAfile", caFile, files.Cert); err != nil || !strings.Contains(out, ": OK") {
				t.Errorf("openssl verify: %v\n%s", err, out)
			}
			out, err := run("pkcs12", "-in", files.PKCS12, "-passin", "pass:pw-"+string(alg), "-nokeys")
			if err != nil || strings.Count(out, "BEGIN CERTIFICATE") != 2 || !strings.Contains(out, "node-a (TEST)") {
				t.Errorf("openssl pkcs12: %v\n%s", err, out)
			}
			if out, err := run("pkcs12", "-in", files.PKCS12, "-passin", "pass:wrong", "-nokeys"); err == nil {
				t.Errorf("openssl opened the PKCS#12 with a wrong password:\n%s", out)
			}
			out, err = run("x509", "-in", files.Cert, "-noout", "-fingerprint", "-sha256")
			if err != nil || !strings.Contains(out, Describe(id.Certificate).SHA256) {
				t.Errorf("openssl fingerprint %s, ours %s (%v)", out, Describe(id.Certificate).SHA256, err)
			}
		})
	}
	expired := mustIssue(t, P256, Period{NotBefore: mustTime(t, "2020-01-01T00:00:00Z"), NotAfter: mustTime(t, "2021-01-01T00:00:00Z")})
	files := writeNode(t, t.TempDir(), P256, expired, "")
	if out, err := run("verify", "-CAfile", caFile, files.Cert); err == nil || !strings.Contains(out, "expired") {
		t.Errorf("openssl verify accepted an expired certificate: %v\n%s", err, out)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
