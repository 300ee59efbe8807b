package jades

import (
	"bytes"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

func TestSignCSResponseRoundTrip(t *testing.T) {
	p := pkitest.New(t)
	body := edmMessage(t)
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, key := range pki.Algorithms() {
		id := p.Identity(t, key)
		h, err := SignCSResponse(body, id, at)
		if err != nil {
			t.Fatal(err)
		}
		res, err := VerifyCSResponse(h, body, VerifyOptions{Roots: []*x509.Certificate{p.Root}})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if !res.SignedAt.Equal(at) || !res.Signer.Equal(id.Certificate) || strings.Join(res.Covered, ",") != "digest" {
			t.Errorf("%s: result %+v", key, res)
		}
	}
}

// TestSignCSResponseForm checks that the signer writes what the Common
// Services write: the same parameters in the same order, and the same kid
// encoding (checked on the vector's own certificate).
func TestSignCSResponseForm(t *testing.T) {
	p := pkitest.New(t)
	h, err := SignCSResponse([]byte("<x/>"), p.Identity(t, pki.P256), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := Parse(h.Get(SignatureHeader))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := b64url.DecodeString(j.Protected)
	want := []string{`{"alg":"ES256","kid":"`, `","x5t#o":{"digAlg":"S512","digVal":"`, `"],"typ":"jose","b64":false,"iat":`,
		`,"sigD":{"mId":"http://uri.etsi.org/19182/HttpHeaders","pars":["digest"]},"crit":["b64","sigD"]}`}
	rest := string(js)
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("header %s lacks %s in order", js, w)
		}
		rest = rest[i+len(w):]
	}
	if !strings.HasPrefix(h.Get(DigestHeader), "SHA-256=") {
		t.Errorf("digest %q", h.Get(DigestHeader))
	}
	for _, v := range loadVectors(t) {
		vj, _ := Parse(v.header.Get(SignatureHeader))
		kid, err := issuerSerialKid(vj.Header.X5c[0])
		if err != nil || kid != vj.Header.Kid {
			t.Errorf("%s: kid %q, vector has %q (%v)", v.name, kid, vj.Header.Kid, err)
		}
	}
}

func TestReadWriteHeaders(t *testing.T) {
	in := "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nDIGEST:   SHA-256=abc=  \r\n\r\nX-Two: 1\nx-two: 2\n"
	h, err := ReadHeaders(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("digest") != "SHA-256=abc=" || h.Get("content-type") != "application/xml" || len(h.Values("X-Two")) != 2 {
		t.Fatalf("headers %v", h)
	}
	var out bytes.Buffer
	if err := WriteHeaders(&out, h); err != nil {
		t.Fatal(err)
	}
	const want = "content-type: application/xml\ndigest: SHA-256=abc=\nx-two: 1\nx-two: 2\n"
	if out.String() != want {
		t.Errorf("wrote %q, want %q", out.String(), want)
	}
	for _, bad := range []string{"no colon here\n", " folded: value\n", "bad name: v\n", ": empty name\n"} {
		if _, err := ReadHeaders(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: error %v, want one naming line 1", bad, err)
		}
	}
	if err := WriteHeaders(&out, http.Header{"X": {"a\nb"}}); err == nil {
		t.Error("a value with a line break was written")
	}
}

func TestReadHeadersSizeLimit(t *testing.T) {
	big := "x-big: " + strings.Repeat("a", maxHeadersFile) + "\n"
	if _, err := ReadHeaders(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("error %v", err)
	}
}

func TestCheckDigest(t *testing.T) {
	body := []byte("hello")
	const sha256Hello = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
	const sha512Hello = "m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=="
	ok := []string{"SHA-256=" + sha256Hello, "sha-512=" + sha512Hello, "SHA-256=" + sha256Hello + ", SHA-512=" + sha512Hello}
	for _, v := range ok {
		if err := CheckDigest(v, body); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	bad := map[string]string{
		"SHA=qvTGHdzF6KLavt4PO0gs2a6pQ00=":              "SHA-1",
		"MD5=XUFAKrxLKna5cZ2REBfFkg==":                  "not accepted",
		"SHA-256=" + sha512Hello:                        "expected SHA-256=",
		"SHA-256":                                       "not ALGORITHM=BASE64",
		"SHA-256=" + sha256Hello + ",SHA-512=" + "AAAA": "expected SHA-512=",
		"SHA-256=!!!":                                   "not base64",
	}
	for v, text := range bad {
		wantErr(t, CheckDigest(v, body), ErrDigest, text)
	}
}
