package jades

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The differential tests run the signatures through OpenSSL, an
// independent implementation of the four algorithms: it must accept what
// this package signs, and this package must accept what it signs.

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not found; the differential test needs it")
	}
}

// opensslArgs are the options that select each algorithm's padding; EdDSA
// goes through pkeyutl because it signs the message itself, not a digest.
func opensslArgs(alg string) []string {
	switch alg {
	case PS256:
		return []string{"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"}
	case RS256:
		return []string{"-sigopt", "rsa_padding_mode:pkcs1"}
	}
	return nil
}

func TestOpenSSLVerifiesOurSignatures(t *testing.T) {
	needOpenSSL(t)
	p := pkitest.New(t)
	payload := edmMessage(t)
	for _, tc := range algCases {
		id := p.Identity(t, tc.key)
		dir := t.TempDir()
		pub := writePublicKey(t, dir, id)
		for _, detached := range []bool{false, true} {
			sign := SignCompact
			if detached {
				sign = SignDetached
			}
			token, err := sign(payload, SignOptions{Identity: id, Alg: tc.alg})
			if err != nil {
				t.Fatal(err)
			}
			parts := strings.Split(token, ".")
			input := parts[0] + "." + parts[1]
			if detached {
				input = parts[0] + "." + string(payload)
			}
			sig, _ := b64url.DecodeString(parts[2])
			if tc.alg == ES256 {
				sig = rawToDER(t, sig)
			}
			write(t, filepath.Join(dir, "input"), []byte(input))
			write(t, filepath.Join(dir, "sig"), sig)
			var args []string
			if tc.alg == EdDSA {
				args = []string{"pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", "input", "-sigfile", "sig"}
			} else {
				args = append([]string{"dgst", "-sha256", "-verify", pub, "-signature", "sig"}, opensslArgs(tc.alg)...)
				args = append(args, "input")
			}
			if out, err := openssl(dir, args...); err != nil {
				t.Errorf("%s detached=%v: openssl refuses our signature: %v\n%s", tc.alg, detached, err, out)
			}
		}
	}
}

func TestWeVerifyOpenSSLSignatures(t *testing.T) {
	needOpenSSL(t)
	p := pkitest.New(t)
	payload := edmMessage(t)
	opts := VerifyOptions{Roots: []*x509.Certificate{p.Root}}
	for _, tc := range algCases {
		id := p.Identity(t, tc.key)
		dir := t.TempDir()
		keyPEM, err := pki.EncodePrivateKeyPEM(id.Signer)
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "key.pem"), keyPEM)
		h, err := baselineHeader(SignOptions{Identity: id, Alg: tc.alg, SigningTime: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		js, err := marshalHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		protected := base64.RawURLEncoding.EncodeToString(js)
		encodedPayload := base64.RawURLEncoding.EncodeToString(payload)
		write(t, filepath.Join(dir, "input"), []byte(protected+"."+encodedPayload))
		var args []string
		if tc.alg == EdDSA {
			args = []string{"pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-in", "input", "-out", "sig"}
		} else {
			args = append([]string{"dgst", "-sha256", "-sign", "key.pem", "-out", "sig"}, opensslArgs(tc.alg)...)
			args = append(args, "input")
		}
		if out, err := openssl(dir, args...); err != nil {
			t.Fatalf("%s: openssl sign: %v\n%s", tc.alg, err, out)
		}
		sig, err := os.ReadFile(filepath.Join(dir, "sig"))
		if err != nil {
			t.Fatal(err)
		}
		if tc.alg == ES256 {
			if sig, err = ecdsaDERToRaw(sig, 32); err != nil {
				t.Fatal(err)
			}
		}
		token := protected + "." + encodedPayload + "." + base64.RawURLEncoding.EncodeToString(sig)
		if _, err := Verify(token, nil, opts); err != nil {
			t.Errorf("%s: we refuse openssl's signature: %v", tc.alg, err)
		}
	}
}

func openssl(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

func writePublicKey(t *testing.T, dir string, id *pki.Identity) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(id.Certificate.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "pub.pem")
	write(t, path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return path
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rawToDER turns an r||s ECDSA signature into the ASN.1 form OpenSSL reads.
func rawToDER(t *testing.T, sig []byte) []byte {
	t.Helper()
	half := len(sig) / 2
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(new(big.Int).SetBytes(sig[:half]))
		b.AddASN1BigInt(new(big.Int).SetBytes(sig[half:]))
	})
	der, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return der
}
