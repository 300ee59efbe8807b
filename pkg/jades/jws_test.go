package jades

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// algCases pairs each JWS algorithm with a test key of the right kind.
var algCases = []struct {
	alg string
	key pki.Algorithm
}{
	{ES256, pki.P256}, {PS256, pki.RSA3072}, {RS256, pki.RSA3072}, {EdDSA, pki.Ed25519},
}

// edmMessage is an EDM evidence response, the kind of payload OOTS signs.
func edmMessage(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile("../../examples/messages/evidence-response.xml")
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestSignVerifyRoundTrip(t *testing.T) {
	p := pkitest.New(t)
	opts := VerifyOptions{Roots: []*x509.Certificate{p.Root}}
	payload := edmMessage(t)
	signedAt := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, tc := range algCases {
		id := p.Identity(t, tc.key)
		sopts := SignOptions{Identity: id, Alg: tc.alg, ContentType: "application/xml", Type: "jose", SigningTime: signedAt}
		t.Run(tc.alg+"/compact", func(t *testing.T) {
			token, err := SignCompact(payload, sopts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Verify(token, nil, opts)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res, tc.alg, id, payload, signedAt)
			if res.Detached || res.Header.Cty != "application/xml" || res.Header.Typ != "jose" {
				t.Errorf("header %+v, detached %v", res.Header, res.Detached)
			}
		})
		t.Run(tc.alg+"/detached", func(t *testing.T) {
			token, err := SignDetached(payload, sopts)
			if err != nil {
				t.Fatal(err)
			}
			if parts := strings.Split(token, "."); len(parts) != 3 || parts[1] != "" {
				t.Fatalf("not a detached compact JWS: %d parts", len(parts))
			}
			res, err := Verify(token, payload, opts)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res, tc.alg, id, payload, signedAt)
			if res.Header.Encoded() || !res.Detached || !strings.Contains(res.Covers, "detached") {
				t.Errorf("b64 %v detached %v covers %q", res.Header.B64, res.Detached, res.Covers)
			}
			tampered := bytes.Clone(payload)
			tampered[100] ^= 1
			_, err = Verify(token, tampered, opts)
			wantErr(t, err, ErrSignature, "does not match")
			_, err = Verify(token, nil, opts)
			wantErr(t, err, ErrSignedData, "detached")
		})
	}
}

func checkResult(t *testing.T, res *Result, alg string, id *pki.Identity, payload []byte, signedAt time.Time) {
	t.Helper()
	if res.Algorithm != alg || !res.Signer.Equal(id.Certificate) || !bytes.Equal(res.Payload, payload) ||
		!res.SignedAt.Equal(signedAt) || len(res.Chain) != 2 {
		t.Errorf("result alg %s signer %s signed %s chain %d", res.Algorithm, res.Signer.Subject, res.SignedAt, len(res.Chain))
	}
}

func TestSignDefaultAlgorithm(t *testing.T) {
	p := pkitest.New(t)
	for key, want := range map[pki.Algorithm]string{pki.P256: ES256, pki.RSA3072: PS256, pki.Ed25519: EdDSA} {
		token, err := SignCompact([]byte("x"), SignOptions{Identity: p.Identity(t, key)})
		if err != nil {
			t.Fatal(err)
		}
		j, err := Parse(token)
		if err != nil {
			t.Fatal(err)
		}
		if j.Header.Alg != want {
			t.Errorf("%s key: alg %s, want %s", key, j.Header.Alg, want)
		}
	}
}

func TestSignRefusesMismatchedAlgorithm(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	for alg, text := range map[string]string{RS256: "does not fit", "none": "unsigned", "RS1": "SHA-1", "ES512": "not supported"} {
		_, err := SignCompact([]byte("x"), SignOptions{Identity: id, Alg: alg})
		wantErr(t, err, ErrAlgorithm, text)
	}
}

// TestSignedHeaderShape pins the JAdES baseline B parameters the signer writes.
func TestSignedHeaderShape(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	token, err := SignDetached([]byte("payload"), SignOptions{Identity: id, SigningTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	var h map[string]any
	if err := json.Unmarshal(js, &h); err != nil {
		t.Fatal(err)
	}
	if h["sigT"] != "2026-01-02T03:04:05Z" || h["b64"] != false || len(h["x5c"].([]any)) != 2 || h["x5t#S256"] == nil {
		t.Errorf("header %s", js)
	}
	if crit, _ := json.Marshal(h["crit"]); string(crit) != `["b64","sigT"]` {
		t.Errorf("crit %s", crit)
	}
}
