package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// The file layout of a test PKI folder (see docs/pki.md). Certificate files
// are PEM with the node certificate first and the CA after it; key files are
// unencrypted PKCS#8 PEM, readable by their owner only.
const (
	CACertFile = "ca.pem"
	CAKeyFile  = "ca-key.pem"
)

// NodeFiles are the file names of one node identity, relative to the PKI folder.
type NodeFiles struct {
	Cert   string // <name>-<alg>.pem: node certificate, then the CA certificate
	Key    string // <name>-<alg>-key.pem: PKCS#8 private key
	PKCS12 string // <name>-<alg>.p12: key, certificate and CA certificate
}

// NodeFileNames names the files of node name's identity for alg.
func NodeFileNames(name string, alg Algorithm) NodeFiles {
	base := name + "-" + string(alg)
	return NodeFiles{Cert: base + ".pem", Key: base + "-key.pem", PKCS12: base + ".p12"}
}

var nodeNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckNodeName accepts node names that are safe as file name parts:
// letters, digits, '.', '_' and '-', starting with a letter or digit, at most
// 64 characters.
func CheckNodeName(name string) error {
	if !nodeNamePattern.MatchString(name) {
		return fmt.Errorf("node name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// LoadCA reads the CA of a test PKI folder (ca.pem and ca-key.pem) and checks
// that the key belongs to the certificate and that it is a CA.
func LoadCA(dir string) (*CA, error) {
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	certs, err := LoadCertificates(certPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no CA certificate here; create the PKI with 'oots pki init %s'", certPath, dir)
		}
		return nil, err
	}
	keyData, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, err
	}
	key, err := ParsePrivateKeyPEM(keyData)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	cert := certs[0]
	if !publicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, fmt.Errorf("%s does not belong to the certificate of %s", keyPath, certPath)
	}
	if !cert.IsCA || (cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0) {
		return nil, fmt.Errorf("%s: %q is not a CA certificate", certPath, cert.Subject.String())
	}
	return &CA{Certificate: cert, Key: key}, nil
}
