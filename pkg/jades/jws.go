package jades

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
)

// MaxCompact bounds a compact JWS; it matches the 64 MiB document limit.
const MaxCompact = 64 << 20

// MaxPayload bounds what is signed: base64url makes it a third larger, and
// a signed payload must still fit in MaxCompact.
const MaxPayload = 48 << 20

// b64url is the strict unpadded base64url of JWS: non-canonical trailing
// bits are refused, so every change to a part changes its bytes.
var b64url = base64.RawURLEncoding.Strict()

// JWS is a parsed compact JWS.
type JWS struct {
	// Protected is the first part as received: the signing input uses it
	// verbatim, never a re-encoding.
	Protected string
	Header    *Header
	// Payload is the payload carried in the JWS, decoded; nil when detached.
	Payload   []byte
	Detached  bool
	Signature []byte
}

// Parse reads a compact JWS (RFC 7515 §7.1). The payload part may be empty
// (a detached payload, RFC 7515 Appendix F) and, under b64:false (RFC 7797),
// is taken as it is.
func Parse(compact string) (*JWS, error) {
	compact = strings.TrimSpace(compact)
	if len(compact) > MaxCompact {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrMalformed, len(compact), MaxCompact)
	}
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: a compact JWS has three parts separated by '.', this one has %d", ErrMalformed, len(parts))
	}
	headerJSON, err := b64url.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: protected header is not base64url: %v", ErrMalformed, err)
	}
	h, err := ParseHeader(headerJSON)
	if err != nil {
		return nil, err
	}
	sig, err := b64url.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature is not base64url: %v", ErrMalformed, err)
	}
	j := &JWS{Protected: parts[0], Header: h, Signature: sig, Detached: parts[1] == ""}
	if !j.Detached {
		if j.Payload, err = decodePayload(h, parts[1]); err != nil {
			return nil, err
		}
	}
	return j, nil
}

func decodePayload(h *Header, part string) ([]byte, error) {
	if !h.Encoded() {
		return []byte(part), nil
	}
	p, err := b64url.DecodeString(part)
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url: %v", ErrMalformed, err)
	}
	return p, nil
}

// signingInput is ASCII(BASE64URL(protected)) "." payload, the payload
// base64url-encoded unless b64 is false (RFC 7797 §3).
func signingInput(protected string, encoded bool, payload []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(protected) + 1 + base64.RawURLEncoding.EncodedLen(len(payload)))
	b.WriteString(protected)
	b.WriteByte('.')
	if encoded {
		b.WriteString(base64.RawURLEncoding.EncodeToString(payload))
	} else {
		b.Write(payload)
	}
	return b.Bytes()
}

// VerifyOptions say which trust anchors a signer must chain to, and when.
type VerifyOptions struct {
	Roots []*x509.Certificate
	// At is the time the signer's certificate must be valid at; zero means now.
	At time.Time
}

// Result describes a verified JWS.
type Result struct {
	Header *Header
	Signer *x509.Certificate
	// Chain runs from the signer to the trust anchor.
	Chain     []*x509.Certificate
	Algorithm string
	// SignedAt is sigT, else iat, else zero.
	SignedAt time.Time
	Detached bool
	// Payload is the payload the signature covers.
	Payload []byte
	// Covers says in words what the signature covers.
	Covers string
}

// Verify verifies a compact JWS. payload is the detached payload and must
// be nil when the JWS carries its own. JWS whose sigD points at HTTP
// headers are verified with VerifyCSResponse.
func Verify(compact string, payload []byte, opts VerifyOptions) (*Result, error) {
	j, err := Parse(compact)
	if err != nil {
		return nil, err
	}
	return j.Verify(payload, opts)
}

// Verify verifies j; see the package function Verify.
func (j *JWS) Verify(payload []byte, opts VerifyOptions) (*Result, error) {
	if j.Header.SigD != nil {
		return nil, fmt.Errorf("%w: the JWS covers HTTP headers (sigD); verify it with its HTTP response (oots verify cs-response)", ErrSignedData)
	}
	covers := "the payload carried in the JWS"
	switch {
	case j.Detached && payload == nil:
		return nil, fmt.Errorf("%w: the payload is detached; give it (--payload)", ErrSignedData)
	case !j.Detached && payload != nil:
		return nil, fmt.Errorf("%w: the JWS carries its own payload; a detached payload was given too", ErrSignedData)
	case j.Detached:
		covers = "the detached payload"
	default:
		payload = j.Payload
	}
	res, err := j.verifyOver(payload, opts)
	if err != nil {
		return nil, err
	}
	res.Covers = fmt.Sprintf("%s (%d bytes)", covers, len(payload))
	return res, nil
}

// verifyOver runs every check of a JWS whose payload (or sigD data) is
// known: header rules, certificate reference, signature, then trust.
func (j *JWS) verifyOver(payload []byte, opts VerifyOptions) (*Result, error) {
	h := j.Header
	if err := checkHeader(h); err != nil {
		return nil, err
	}
	leaf, err := signerCertificate(h)
	if err != nil {
		return nil, err
	}
	if err := checkKey(h.Alg, leaf.PublicKey); err != nil {
		return nil, err
	}
	input := signingInput(j.Protected, h.Encoded(), payload)
	if !verifyInput(h.Alg, leaf.PublicKey, input, j.Signature) {
		return nil, fmt.Errorf("%w: %s signature by %q does not match what it covers (or was made with another key)", ErrSignature, h.Alg, leaf.Subject.String())
	}
	chain, err := pki.VerifyChain(leaf, pki.ChainOptions{Roots: opts.Roots, Intermediates: h.X5c[1:], At: opts.At})
	if err != nil {
		return nil, err
	}
	return &Result{
		Header: h, Signer: leaf, Chain: chain, Algorithm: h.Alg,
		SignedAt: h.SigningTime(), Detached: j.Detached, Payload: payload,
	}, nil
}
