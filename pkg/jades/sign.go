package jades

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// SignOptions are the signer and the optional headers of a JWS.
type SignOptions struct {
	Identity *pki.Identity
	// Alg is the algorithm; empty picks DefaultAlgorithm of the key.
	Alg string
	// Type and ContentType become typ and cty when set.
	Type        string
	ContentType string
	// SigningTime becomes sigT; zero means now.
	SigningTime time.Time
}

// wireHeader fixes the order of the parameters the signer writes.
type wireHeader struct {
	Alg     string     `json:"alg"`
	Kid     string     `json:"kid,omitempty"`
	X5tO    *DigestRef `json:"x5t#o,omitempty"`
	X5tS256 string     `json:"x5t#S256,omitempty"`
	X5c     []string   `json:"x5c,omitempty"`
	Typ     string     `json:"typ,omitempty"`
	Cty     string     `json:"cty,omitempty"`
	B64     *bool      `json:"b64,omitempty"`
	SigT    string     `json:"sigT,omitempty"`
	Iat     int64      `json:"iat,omitempty"`
	SigD    *SigD      `json:"sigD,omitempty"`
	Crit    []string   `json:"crit,omitempty"`
}

// SignCompact signs payload as a compact JWS that carries it (base64url),
// with the JAdES baseline B headers x5c, x5t#S256 and sigT.
func SignCompact(payload []byte, opts SignOptions) (string, error) {
	if len(payload) > MaxPayload {
		return "", fmt.Errorf("payload of %d bytes is larger than %d", len(payload), MaxPayload)
	}
	h, err := baselineHeader(opts)
	if err != nil {
		return "", err
	}
	protected, sig, err := signWith(h, opts.Identity, payload)
	if err != nil {
		return "", err
	}
	return protected + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + sig, nil
}

// SignDetached signs payload as a detached JWS with the unencoded payload
// option (RFC 7797, b64:false in crit): the output "protected..signature"
// leaves the payload out, and the signature covers its bytes as they are.
func SignDetached(payload []byte, opts SignOptions) (string, error) {
	h, err := baselineHeader(opts)
	if err != nil {
		return "", err
	}
	f := false
	h.B64 = &f
	h.Crit = append([]string{"b64"}, h.Crit...)
	protected, sig, err := signWith(h, opts.Identity, payload)
	if err != nil {
		return "", err
	}
	return protected + ".." + sig, nil
}

// baselineHeader is the JAdES baseline B header: alg, the signer's
// certificate chain (x5c) and its SHA-256 thumbprint, and sigT, which
// JAdES makes critical.
func baselineHeader(opts SignOptions) (*wireHeader, error) {
	alg, err := chooseAlgorithm(opts)
	if err != nil {
		return nil, err
	}
	at := opts.SigningTime
	if at.IsZero() {
		at = time.Now()
	}
	leaf := opts.Identity.Certificate
	thumb := sha256.Sum256(leaf.Raw)
	return &wireHeader{
		Alg:     alg,
		X5tS256: base64.RawURLEncoding.EncodeToString(thumb[:]),
		X5c:     encodeX5c(opts.Identity),
		Typ:     opts.Type,
		Cty:     opts.ContentType,
		SigT:    at.UTC().Format(time.RFC3339),
		Crit:    []string{"sigT"},
	}, nil
}

func chooseAlgorithm(opts SignOptions) (string, error) {
	if opts.Identity == nil || opts.Identity.Signer == nil || opts.Identity.Certificate == nil {
		return "", errors.New("signing needs a key and its certificate")
	}
	if opts.Alg == "" {
		return DefaultAlgorithm(opts.Identity.Signer.Public())
	}
	if err := checkAlgorithm(opts.Alg); err != nil {
		return "", err
	}
	return opts.Alg, checkKey(opts.Alg, opts.Identity.Signer.Public())
}

// encodeX5c lists the leaf and its chain in standard base64 (RFC 7515 §4.1.6).
func encodeX5c(id *pki.Identity) []string {
	certs := append([]*x509.Certificate{id.Certificate}, id.Chain...)
	out := make([]string, len(certs))
	for i, c := range certs {
		out[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	return out
}

// signWith encodes h and signs it with payload; it returns the protected
// part and the signature, both base64url.
func signWith(h *wireHeader, id *pki.Identity, payload []byte) (protected, sig string, err error) {
	js, err := marshalHeader(h)
	if err != nil {
		return "", "", err
	}
	protected = base64.RawURLEncoding.EncodeToString(js)
	encoded := h.B64 == nil || *h.B64
	raw, err := signInput(h.Alg, id.Signer, signingInput(protected, encoded, payload))
	if err != nil {
		return "", "", err
	}
	return protected, base64.RawURLEncoding.EncodeToString(raw), nil
}

// marshalHeader writes compact JSON without HTML escaping, so the header
// reads as written.
func marshalHeader(h *wireHeader) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// SignCSResponse signs an EB or DSD answer the way the Common Services do:
// a digest header "SHA-256=<base64>" over body, and an oots-response-sig
// header holding a detached JAdES JWS (b64:false, sigD HttpHeaders over
// "digest") with kid (issuer and serial), x5t#o (SHA-512), x5c, typ
// "jose" and iat. at is the signing time; zero means now.
func SignCSResponse(body []byte, id *pki.Identity, at time.Time) (http.Header, error) {
	alg, err := chooseAlgorithm(SignOptions{Identity: id})
	if err != nil {
		return nil, err
	}
	if at.IsZero() {
		at = time.Now()
	}
	sum := sha256.Sum256(body)
	digest := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
	kid, err := issuerSerialKid(id.Certificate)
	if err != nil {
		return nil, err
	}
	thumb := sha512.Sum512(id.Certificate.Raw)
	f := false
	h := &wireHeader{
		Alg: alg, Kid: kid,
		X5tO: &DigestRef{DigAlg: "S512", DigVal: base64.RawURLEncoding.EncodeToString(thumb[:])},
		X5c:  encodeX5c(id), Typ: "jose", B64: &f, Iat: at.Unix(),
		SigD: &SigD{MID: HTTPHeadersMechanism, Pars: []string{"digest"}},
		Crit: []string{"b64", "sigD"},
	}
	signed := []byte("digest: " + digest)
	protected, sig, err := signWith(h, id, signed)
	if err != nil {
		return nil, err
	}
	out := http.Header{}
	out.Set(DigestHeader, digest)
	out.Set(SignatureHeader, protected+".."+sig)
	return out, nil
}

// issuerSerialKid is the kid of the Common Services signatures: base64 of
// the DER IssuerSerial (RFC 5035) of the signer's certificate.
func issuerSerialKid(c *x509.Certificate) (string, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
			b.AddASN1(cbasn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { // directoryName
				b.AddBytes(c.RawIssuer)
			})
		})
		b.AddASN1BigInt(c.SerialNumber)
	})
	der, err := b.Bytes()
	if err != nil {
		return "", fmt.Errorf("encoding kid: %w", err)
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// WriteHeaders writes h in the .headers format ReadHeaders reads: one
// "name: value" line per value, lower-case names in sorted order.
func WriteHeaders(w io.Writer, h http.Header) error {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	var b strings.Builder
	for _, name := range names {
		for _, v := range h[name] {
			if strings.ContainsAny(v, "\r\n") {
				return fmt.Errorf("header %s: a value cannot contain a line break", name)
			}
			fmt.Fprintf(&b, "%s: %s\n", strings.ToLower(name), v)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
