package jades

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/internal/conformance"
)

// vectorTime is inside the validity of the fr-acc signer certificate
// (2025-10-23 to 2027-10-23), so the tests keep passing after it expires.
var vectorTime = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

type vector struct {
	name   string
	header http.Header
	body   []byte
}

// loadVectors reads the captured Common Services answers of the shared
// corpus: samples/{eb,dsd}/fr-acc-*.xml with their .headers files.
func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	spec, ok := conformance.SpecDir()
	if !ok {
		tb.Skip("shared OOTS corpus not found (set OOTS_SPEC)")
	}
	var paths []string
	for _, dir := range []string{"eb", "dsd"} {
		m, err := filepath.Glob(filepath.Join(spec, "samples", dir, "fr-acc-*.headers"))
		if err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		tb.Fatal("no fr-acc-*.headers vectors in the corpus")
	}
	var vs []vector
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		h, err := ReadHeaders(f)
		_ = f.Close()
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		body, err := os.ReadFile(strings.TrimSuffix(p, ".headers") + ".xml")
		if err != nil {
			tb.Fatal(err)
		}
		vs = append(vs, vector{name: filepath.Base(p), header: h, body: body})
	}
	return vs
}

// vectorRoot takes the last x5c certificate of a vector as the trust
// anchor, as a relying party that installed the Commission's test root would.
func vectorRoot(tb testing.TB, h http.Header) *x509.Certificate {
	tb.Helper()
	j, err := Parse(h.Get(SignatureHeader))
	if err != nil {
		tb.Fatal(err)
	}
	return j.Header.X5c[len(j.Header.X5c)-1]
}

func TestVerifyCSResponseVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			root := vectorRoot(t, v.header)
			res, err := VerifyCSResponse(v.header, v.body, VerifyOptions{Roots: []*x509.Certificate{root}, At: vectorTime})
			if err != nil {
				t.Fatal(err)
			}
			if res.Algorithm != ES256 || !strings.Contains(res.Signer.Subject.CommonName, "OOTS") ||
				len(res.Chain) != 3 || res.SignedAt.IsZero() || res.BodySize != len(v.body) {
				t.Errorf("result %+v", res)
			}
			if got := res.Chain[1].Subject.CommonName; got != "CommisSign - 2 test" {
				t.Errorf("issuer %q", got)
			}
		})
	}
}

func TestVerifyCSResponseVectorsTampered(t *testing.T) {
	for _, v := range loadVectors(t) {
		roots := []*x509.Certificate{vectorRoot(t, v.header)}
		opts := VerifyOptions{Roots: roots, At: vectorTime}
		t.Run(v.name+"/body", func(t *testing.T) {
			body := bytes.Clone(v.body)
			body[len(body)/2] ^= 0x01
			_, err := VerifyCSResponse(v.header, body, opts)
			wantErr(t, err, ErrDigest, "expected SHA-256=")
		})
		t.Run(v.name+"/digest-header", func(t *testing.T) {
			h := v.header.Clone()
			d := []byte(h.Get(DigestHeader))
			d[10] = flipBase64(d[10])
			h.Set(DigestHeader, string(d))
			_, err := VerifyCSResponse(h, v.body, opts)
			wantErr(t, err, ErrSignature, "does not match")
		})
		t.Run(v.name+"/signature", func(t *testing.T) {
			h := v.header.Clone()
			s := []byte(h.Get(SignatureHeader))
			i := len(s) - 10
			s[i] = flipBase64(s[i])
			h.Set(SignatureHeader, string(s))
			_, err := VerifyCSResponse(h, v.body, opts)
			wantErr(t, err, ErrSignature, "does not match")
		})
		t.Run(v.name+"/header-name-case", func(t *testing.T) {
			// Names match whatever their case; values must be exact.
			var text strings.Builder
			for name, vals := range v.header {
				fmt.Fprintf(&text, "%s: %s\n", strings.ToUpper(name), vals[0])
			}
			h, err := ReadHeaders(strings.NewReader(text.String()))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := VerifyCSResponse(h, v.body, opts); err != nil {
				t.Fatalf("upper-case names: %v", err)
			}
			h.Set(DigestHeader, strings.Replace(h.Get(DigestHeader), "SHA-256=", "sha-256=", 1))
			_, err = VerifyCSResponse(h, v.body, opts)
			wantErr(t, err, ErrSignature, "does not match")
		})
	}
}

// flipBase64 changes one base64 character into another valid one.
func flipBase64(c byte) byte {
	if c == 'A' {
		return 'B'
	}
	return 'A'
}

func wantErr(t *testing.T, err, target error, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", target)
	}
	if !errors.Is(err, target) {
		t.Fatalf("error %q is not %v", err, target)
	}
	if !strings.Contains(err.Error(), text) {
		t.Fatalf("error %q does not say %q", err, text)
	}
}
