// Package jadestest makes the negative corpus of JWS and Common Services
// response signatures: each case is a signature that must be refused, with
// the error it must wrap and words its message must contain. The library
// tests and the command tests run the same corpus.
package jadestest

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Case is one signature that must be refused. A JWS case sets Token (and
// Payload when detached); a Common Services case sets Header and Body.
type Case struct {
	Name    string
	Token   string
	Payload []byte
	Header  http.Header
	Body    []byte
	Roots   []*x509.Certificate
	// Err is the sentinel the refusal wraps (a jades or pki error).
	Err error
	// Text is what the message must say.
	Text string
}

// IsCSResponse says whether the case is a Common Services response.
func (c Case) IsCSResponse() bool { return c.Header != nil }

// corpus carries the identities the cases are made from.
type corpus struct {
	tb    testing.TB
	good  *pki.Identity
	other *pki.Identity
	roots []*x509.Certificate
	body  []byte
}

// Corpus makes the negative corpus with fresh test identities; body is the
// payload and response body the cases sign.
func Corpus(tb testing.TB, body []byte) []Case {
	tb.Helper()
	p := pkitest.New(tb)
	c := &corpus{tb: tb, good: p.Identity(tb, pki.P256), other: p.Identity(tb, pki.P256), roots: []*x509.Certificate{p.Root}, body: body}
	cases := append(c.certificateCases(p), c.headerCases()...)
	cases = append(cases, c.withBody(c.csCases(p))...)
	for i := range cases {
		if cases[i].Roots == nil {
			cases[i].Roots = c.roots
		}
	}
	return cases
}

// certificateCases: the signature or the signer's certificate is wrong.
func (c *corpus) certificateCases(p *pkitest.PKI) []Case {
	tb := c.tb
	now := time.Now()
	expired := p.Identity(tb, pki.P256, pkitest.Validity(now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0)))
	future := p.Identity(tb, pki.P256, pkitest.Validity(now.AddDate(1, 0, 0), now.AddDate(2, 0, 0)))
	noSigning := p.Identity(tb, pki.P256, pkitest.KeyUsage(x509.KeyUsageKeyEncipherment))
	stranger := pkitest.New(tb)
	detached := c.sign(c.good, true)
	tampered := append([]byte{}, c.body...)
	tampered[len(tampered)/2] ^= 1
	return []Case{
		{Name: "tampered-payload", Token: replacePayload(c.sign(c.good, false), tampered), Err: jades.ErrSignature, Text: "does not match"},
		{Name: "tampered-detached-payload", Token: detached, Payload: tampered, Err: jades.ErrSignature, Text: "does not match"},
		{Name: "wrong-key", Token: Forge(tb, c.other.Signer, c.header(c.good, nil), c.body), Err: jades.ErrSignature, Text: "another key"},
		{Name: "expired", Token: c.sign(expired, false), Err: pki.ErrExpired, Text: "valid until"},
		{Name: "not-yet-valid", Token: c.sign(future, false), Err: pki.ErrNotYetValid, Text: "valid from"},
		{Name: "untrusted-chain", Token: c.sign(c.good, false), Roots: []*x509.Certificate{stranger.Root}, Err: pki.ErrUntrusted, Text: "trust anchor"},
		{Name: "key-usage", Token: c.sign(noSigning, false), Err: pki.ErrKeyUsage, Text: "key usage"},
	}
}

// headerCases: the protected header breaks a rule.
func (c *corpus) headerCases() []Case {
	tb, g := c.tb, c.good
	forge := func(edit map[string]any) string { return Forge(tb, g.Signer, c.header(g, edit), c.body) }
	otherThumb := sha256.Sum256(c.other.Certificate.Raw)
	otherThumb512 := sha512.Sum512(c.other.Certificate.Raw)
	dupJSON := `{"alg":"ES256","alg":"none","x5c":["` + base64.StdEncoding.EncodeToString(g.Certificate.Raw) + `"]}`
	return []Case{
		{Name: "alg-none", Token: noneToken(tb, c.header(g, map[string]any{"alg": "none"}), c.body), Err: jades.ErrAlgorithm, Text: `"none"`},
		{Name: "alg-hs256", Token: forge(map[string]any{"alg": "HS256"}), Err: jades.ErrAlgorithm, Text: "shared-secret"},
		{Name: "alg-sha1", Token: forge(map[string]any{"alg": "RS1"}), Err: jades.ErrAlgorithm, Text: "SHA-1"},
		{Name: "x5t-sha1", Token: forge(map[string]any{"x5t": "AAAA"}), Err: jades.ErrAlgorithm, Text: "SHA-1"},
		{Name: "x5t-o-sha1", Token: forge(map[string]any{"x5t#o": map[string]string{"digAlg": "S1", "digVal": "AAAA"}}), Err: jades.ErrAlgorithm, Text: "SHA-1"},
		{Name: "alg-key-mismatch", Token: forge(map[string]any{"alg": "RS256"}), Err: jades.ErrAlgorithm, Text: "does not fit"},
		{Name: "unknown-crit", Token: forge(map[string]any{"exp": 1, "crit": []string{"sigT", "exp"}}), Err: jades.ErrCritical, Text: `"exp"`},
		{Name: "crit-absent-header", Token: forge(map[string]any{"crit": []string{"sigT", "sigD"}}), Err: jades.ErrCritical, Text: "has no"},
		{Name: "crit-standard-name", Token: forge(map[string]any{"crit": []string{"alg"}}), Err: jades.ErrCritical, Text: "standard"},
		{Name: "crit-empty", Token: forge(map[string]any{"crit": []string{}}), Err: jades.ErrCritical, Text: "empty"},
		{Name: "b64-not-critical", Token: forge(map[string]any{"b64": true}), Err: jades.ErrCritical, Text: `"b64" is present but not listed in crit`},
		{Name: "duplicate-header-name", Token: ForgeJSON(tb, g.Signer, dupJSON, c.body, true), Err: jades.ErrMalformed, Text: `duplicate name "alg"`},
		{Name: "x5t-s256-mismatch", Token: forge(map[string]any{"x5t#S256": b64(otherThumb[:])}), Err: jades.ErrCertificate, Text: "x5t#S256"},
		{Name: "x5t-o-mismatch", Token: forge(map[string]any{"x5t#o": map[string]string{"digAlg": "S512", "digVal": b64(otherThumb512[:])}}), Err: jades.ErrCertificate, Text: "x5t#o"},
		{Name: "no-x5c", Token: forge(map[string]any{"x5c": nil}), Err: jades.ErrCertificate, Text: "no x5c"},
	}
}

// csCases: Common Services responses with a wrong body, digest or signature header.
func (c *corpus) csCases(p *pkitest.PKI) []Case {
	tb, g := c.tb, c.good
	good := c.signCS(g)
	now := time.Now()
	expired := p.Identity(tb, pki.P256, pkitest.Validity(now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0)))
	tampered := append([]byte{}, c.body...)
	tampered[len(tampered)/3] ^= 1
	edit := func(f func(h http.Header)) http.Header { h := good.Clone(); f(h); return h }
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	digest := good.Get(jades.DigestHeader)
	sig := good.Get(jades.SignatureHeader)
	sha1Digest := http.Header{jades.DigestHeader: {"SHA=qvTGHdzF6KLavt4PO0gs2a6pQ00="}}
	withOther := good.Clone()
	withOther.Set("Content-Type", "application/x-ebrs+xml")
	return []Case{
		{Name: "cs-tampered-body", Header: good, Body: tampered, Err: jades.ErrDigest, Text: "expected SHA-256="},
		{Name: "cs-tampered-digest-header", Header: edit(func(h http.Header) { h.Set(jades.DigestHeader, flip(digest, 12)) }), Err: jades.ErrSignature, Text: "does not match"},
		{Name: "cs-tampered-signature", Header: edit(func(h http.Header) { h.Set(jades.SignatureHeader, flip(sig, len(sig)-5)) }), Err: jades.ErrSignature, Text: "does not match"},
		{Name: "cs-digest-absent", Header: edit(func(h http.Header) { h.Del(jades.DigestHeader) }), Err: jades.ErrDigest, Text: "digest header is missing"},
		{Name: "cs-digest-twice", Header: edit(func(h http.Header) { h.Add(jades.DigestHeader, digest) }), Err: jades.ErrDigest, Text: "appears 2 times"},
		{Name: "cs-signature-absent", Header: edit(func(h http.Header) { h.Del(jades.SignatureHeader) }), Err: jades.ErrSignedData, Text: "oots-response-sig header is missing"},
		{Name: "cs-digest-sha1", Header: c.forgeCS(g, nil, sha1Digest), Err: jades.ErrDigest, Text: "SHA-1"},
		{Name: "cs-sigd-mechanism", Header: c.forgeCS(g, map[string]any{"sigD": map[string]any{"mId": "http://uri.etsi.org/19182/ObjectIdByURI", "pars": []string{"digest"}}}, nil), Err: jades.ErrSignedData, Text: "mechanism"},
		{Name: "cs-sigd-header-absent", Header: c.forgeCS(g, map[string]any{"sigD": httpHeaders("digest", "x-request-id")}, nil), Err: jades.ErrSignedData, Text: `"x-request-id"`},
		{Name: "cs-sigd-without-digest", Header: c.forgeCS(g, map[string]any{"sigD": httpHeaders("content-type")}, withOther), Err: jades.ErrSignedData, Text: "not the digest"},
		{Name: "cs-alg-none", Header: c.forgeCS(g, map[string]any{"alg": "none"}, nil), Err: jades.ErrAlgorithm, Text: `"none"`},
		{Name: "cs-unknown-crit", Header: c.forgeCS(g, map[string]any{"srCms": []string{}, "crit": []string{"b64", "sigD", "srCms"}}, nil), Err: jades.ErrCritical, Text: `"srCms"`},
		{Name: "cs-expired", Header: c.signCS(expired), Err: pki.ErrExpired, Text: "valid until"},
		{Name: "cs-untrusted-chain", Header: good, Roots: []*x509.Certificate{pkitest.New(tb).Root}, Err: pki.ErrUntrusted, Text: "trust anchor"},
	}
}

func (c *corpus) withBody(cases []Case) []Case {
	for i := range cases {
		if cases[i].Body == nil {
			cases[i].Body = c.body
		}
	}
	return cases
}

func (c *corpus) sign(id *pki.Identity, detached bool) string {
	c.tb.Helper()
	opts := jades.SignOptions{Identity: id}
	var token string
	var err error
	if detached {
		token, err = jades.SignDetached(c.body, opts)
	} else {
		token, err = jades.SignCompact(c.body, opts)
	}
	if err != nil {
		c.tb.Fatal(err)
	}
	return token
}

func (c *corpus) signCS(id *pki.Identity) http.Header {
	c.tb.Helper()
	h, err := jades.SignCSResponse(c.body, id, time.Time{})
	if err != nil {
		c.tb.Fatal(err)
	}
	return h
}

// header is a valid JAdES header for id with the edits applied; a nil
// value removes a parameter.
func (c *corpus) header(id *pki.Identity, edit map[string]any) map[string]any {
	h := map[string]any{
		"alg": "ES256", "x5c": []string{base64.StdEncoding.EncodeToString(id.Certificate.Raw)},
		"sigT": time.Now().UTC().Format(time.RFC3339), "crit": []string{"sigT"},
	}
	return applyEdit(h, edit)
}

// forgeCS signs a Common Services response for id with a header edited
// from the genuine form; extra headers replace those of the response.
func (c *corpus) forgeCS(id *pki.Identity, edit map[string]any, extra http.Header) http.Header {
	tb := c.tb
	tb.Helper()
	sum := sha256.Sum256(c.body)
	resp := http.Header{}
	resp.Set(jades.DigestHeader, "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	for k, v := range extra {
		resp[k] = v
	}
	h := map[string]any{
		"alg": "ES256", "x5c": []string{base64.StdEncoding.EncodeToString(id.Certificate.Raw)},
		"typ": "jose", "b64": false, "iat": time.Now().Unix(), "sigD": httpHeaders("digest"), "crit": []string{"b64", "sigD"},
	}
	h = applyEdit(h, edit)
	js, err := json.Marshal(h)
	if err != nil {
		tb.Fatal(err)
	}
	pars := h["sigD"].(map[string]any)["pars"].([]string)
	signed, err := jades.HTTPHeadersSignedData(pars, resp)
	if err != nil { // a header the case leaves out on purpose: sign what is there
		signed = []byte("digest: " + resp.Get(jades.DigestHeader))
	}
	protected := b64(js)
	resp.Set(jades.SignatureHeader, protected+".."+b64(signES256(tb, id.Signer, []byte(protected+"."+string(signed)))))
	return resp
}

func httpHeaders(pars ...string) map[string]any {
	return map[string]any{"mId": jades.HTTPHeadersMechanism, "pars": pars}
}

func applyEdit(h, edit map[string]any) map[string]any {
	for k, v := range edit {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	return h
}

// Forge signs header (any parameters, valid or not) and payload with an
// ES256 key as a compact JWS carrying the payload.
func Forge(tb testing.TB, signer crypto.Signer, header map[string]any, payload []byte) string {
	tb.Helper()
	js, err := json.Marshal(header)
	if err != nil {
		tb.Fatal(err)
	}
	return ForgeJSON(tb, signer, string(js), payload, true)
}

// ForgeJSON signs the protected header JSON exactly as given (so it may
// repeat names) with an ES256 key.
func ForgeJSON(tb testing.TB, signer crypto.Signer, headerJSON string, payload []byte, encoded bool) string {
	tb.Helper()
	protected := b64([]byte(headerJSON))
	part := string(payload)
	if encoded {
		part = b64(payload)
	}
	return protected + "." + part + "." + b64(signES256(tb, signer, []byte(protected+"."+part)))
}

// noneToken is an unsigned JWS (alg none, empty signature part).
func noneToken(tb testing.TB, header map[string]any, payload []byte) string {
	js, err := json.Marshal(header)
	if err != nil {
		tb.Fatal(err)
	}
	return b64(js) + "." + b64(payload) + "."
}

// signES256 is written apart from the jades signer, so a forged case does
// not depend on the code it tests.
func signES256(tb testing.TB, signer crypto.Signer, input []byte) []byte {
	tb.Helper()
	digest := sha256.Sum256(input)
	der, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		tb.Fatal(err)
	}
	var r, s big.Int
	in, seq := cryptobyte.String(der), cryptobyte.String(nil)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&s) {
		tb.Fatal("malformed ECDSA signature")
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	s.FillBytes(out[32:])
	return out
}

// replacePayload swaps the payload of a compact JWS, keeping its signature.
func replacePayload(token string, payload []byte) string {
	parts := strings.Split(token, ".")
	return parts[0] + "." + b64(payload) + "." + parts[2]
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
