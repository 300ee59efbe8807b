package jades

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// FuzzParse feeds the compact and protected-header parser arbitrary text.
// It must never panic, and what it accepts must keep its protected part
// verbatim (the signing input depends on it) and re-parse to the same header.
func FuzzParse(f *testing.F) {
	p := pkitest.New(f)
	id := p.Identity(f, pki.P256)
	opts := SignOptions{Identity: id, SigningTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, sign := range []func([]byte, SignOptions) (string, error){SignCompact, SignDetached} {
		token, err := sign([]byte("<x/>"), opts)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(token)
	}
	h, err := SignCSResponse([]byte("<x/>"), id, time.Time{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(h.Get(SignatureHeader))
	if spec, ok := conformance.SpecDir(); ok {
		if data, err := os.ReadFile(filepath.Join(spec, "samples", "eb", "fr-acc-eb_requirements_fr.headers")); err == nil {
			if h, err := ReadHeaders(bytes.NewReader(data)); err == nil {
				f.Add(h.Get(SignatureHeader))
			}
		}
	}
	for _, s := range []string{"", ".", "..", "a.b.c", "e30..", "eyJhbGciOiJub25lIn0.e30.", "eyJhIjoxLCJhIjoyfQ..AA", "W10..", "bnVsbA.."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j, err := Parse(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(strings.TrimSpace(s), j.Protected+".") {
			t.Fatalf("protected part %q is not the input's", j.Protected)
		}
		js, err := b64url.DecodeString(j.Protected)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseHeader(js)
		if err != nil || again.Alg != j.Header.Alg || len(again.X5c) != len(j.Header.X5c) || len(again.Crit) != len(j.Header.Crit) {
			t.Fatalf("header does not re-parse the same: %v", err)
		}
		// Verification must refuse without panicking (no trust anchors).
		var payload []byte
		if j.Detached {
			payload = []byte("x")
		}
		if _, err := j.Verify(payload, VerifyOptions{}); err == nil {
			t.Fatal("verified without trust anchors")
		}
	})
}

// FuzzReadHeaders checks that any .headers text either fails or gives
// headers that survive WriteHeaders and ReadHeaders unchanged.
func FuzzReadHeaders(f *testing.F) {
	for _, s := range []string{"digest: SHA-256=abc=\n", "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n", " folded\n", "a:\n", "x-y:  v  \nX-Y: w\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ReadHeaders(strings.NewReader(s))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteHeaders(&b, h); err != nil {
			return // values with a stray carriage return cannot be written back
		}
		again, err := ReadHeaders(&b)
		if err != nil {
			t.Fatalf("written headers do not read back: %v\n%q", err, b.String())
		}
		for name, vals := range h {
			if strings.Join(again[name], "\x00") != strings.Join(vals, "\x00") {
				t.Fatalf("%s: %q became %q", name, vals, again[name])
			}
		}
	})
}
