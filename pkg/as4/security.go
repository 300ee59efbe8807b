package as4

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
)

// WS-Security and SwA profile identifiers of the eDelivery AS4 profile.
const (
	TokenX509v3     = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
	EncodingBase64  = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
	AttachmentCST   = "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Signature-Transform"
	TransformExcC14 = dsig.AlgExcC14N
)

// Security is what a node signs with and trusts. A nil *Security means
// unsigned messages (allowed only when both sides agree; the simulator
// always signs).
//
// Signing follows the eDelivery AS4 profile: a wsse:Security header
// (soap:mustUnderstand) with the signer's certificate as a
// wsse:BinarySecurityToken and a ds:Signature whose SignedInfo (exclusive
// C14N) references soap:Body and eb:Messaging by wsu:Id and every payload
// part by cid: with the Attachment-Content-Signature-Transform, all with
// SHA-256 digests; the signature method follows the key (RSA-SHA256,
// ECDSA-SHA256 on P-256, Ed25519). Verification is described at Verify.
//
// Do not change a Security once it is in use: verified certificate chains
// are cached per Security.
type Security struct {
	Identity *pki.Identity       // signs outgoing user messages and receipts
	Roots    []*x509.Certificate // trust anchors for incoming signatures
	At       func() time.Time    // validity time; nil = now
	// Intermediates help chain a signer's certificate to Roots.
	Intermediates []*x509.Certificate

	signing   sync.Once
	signer    *signingKey
	signerErr error
	trusted   certCache
}

// signingKey is what every signature of one identity repeats.
type signingKey struct {
	method string
	token  string // base64 DER of the certificate
}

func (s *Security) signingKey() (*signingKey, error) {
	s.signing.Do(func() {
		if s.Identity == nil || s.Identity.Signer == nil || s.Identity.Certificate == nil {
			s.signerErr = fmt.Errorf("as4: no signing identity (key and certificate)")
			return
		}
		method, err := dsig.SignatureMethodFor(s.Identity.Signer.Public())
		if err != nil {
			s.signerErr = fmt.Errorf("as4: %w", err)
			return
		}
		s.signer = &signingKey{method: method, token: base64.StdEncoding.EncodeToString(s.Identity.Certificate.Raw)}
	})
	return s.signer, s.signerErr
}

func (s *Security) signs() bool { return s != nil && s.Identity != nil }

func (s *Security) now() time.Time {
	if s.At != nil {
		return s.At()
	}
	return time.Now()
}

// Encode writes the user message with its payloads as Encode does, signed
// with s.Identity (unsigned when s is nil or has no Identity).
func (s *Security) Encode(w io.Writer, m *UserMessage, payloads []Payload) (string, error) {
	ct, _, err := s.encodeUser(w, m, payloads)
	return ct, err
}

// encodeUser also returns the References of the signature, which the
// receipt's non-repudiation information must repeat.
func (s *Security) encodeUser(w io.Writer, m *UserMessage, payloads []Payload) (string, []PartDigest, error) {
	withParts, err := WithPayloads(m, payloads)
	if err != nil {
		return "", nil, err
	}
	if err := withParts.Check(); err != nil {
		return "", nil, err
	}
	parts, err := wireParts(payloads)
	if err != nil {
		return "", nil, err
	}
	envelope, refs, err := s.envelope(withParts, nil, parts)
	if err != nil {
		return "", nil, err
	}
	ct, err := encodeParts(w, envelope, parts)
	return ct, refs, err
}

// SignalEnvelope is the SOAP envelope of signal messages, signed when s
// signs. Servers send it as a bare application/soap+xml entity.
func (s *Security) SignalEnvelope(signals ...SignalMessage) ([]byte, error) {
	envelope, _, err := s.envelope(nil, signals, nil)
	return envelope, err
}

// envelope writes the SOAP envelope; when s signs, the wsse:Security
// header signs the body, eb:Messaging and the parts.
func (s *Security) envelope(user *UserMessage, signals []SignalMessage, parts []wirePart) ([]byte, []PartDigest, error) {
	if !s.signs() {
		return assembleEnvelope(nil, canonical(messagingNode(user, signals, true, ""), 1), canonical(el("soap:Body"), 0)), nil, nil
	}
	key, err := s.signingKey()
	if err != nil {
		return nil, nil, err
	}
	suffix := uuid.NewString()
	messagingID, bodyID, tokenID := "_messaging-"+suffix, "_body-"+suffix, "_token-"+suffix
	messaging := canonical(messagingNode(user, signals, true, messagingID), 1)
	body := canonical(el("soap:Body").attr("wsu:Id", bodyID), 0)
	refs := make([]PartDigest, 0, 2+len(parts))
	refs = append(refs, sha256Reference("#"+bodyID, TransformExcC14, body), sha256Reference("#"+messagingID, TransformExcC14, messaging))
	for _, p := range parts {
		refs = append(refs, sha256Reference("cid:"+p.id, AttachmentCST, p.data))
	}
	security, err := s.securityHeader(key, tokenID, refs)
	if err != nil {
		return nil, nil, err
	}
	return assembleEnvelope(security, messaging, body), refs, nil
}

func sha256Reference(uri, transform string, data []byte) PartDigest {
	sum := sha256.Sum256(data)
	return PartDigest{URI: uri, DigestMethod: DigestSHA256, Transforms: []string{transform}, Digest: base64.StdEncoding.EncodeToString(sum[:])}
}

// securityHeader signs the References and writes the wsse:Security block.
func (s *Security) securityHeader(key *signingKey, tokenID string, refs []PartDigest) ([]byte, error) {
	signedInfo := el("ds:SignedInfo",
		el("ds:CanonicalizationMethod").attr("Algorithm", dsig.AlgExcC14N),
		el("ds:SignatureMethod").attr("Algorithm", key.method))
	for _, r := range refs {
		signedInfo.add(el("ds:Reference",
			transformsNode(r.Transforms),
			el("ds:DigestMethod").attr("Algorithm", r.DigestMethod),
			textEl("ds:DigestValue", r.Digest)).attr("URI", r.URI))
	}
	canonicalSignedInfo := canonical(signedInfo, 3)
	value, err := dsig.SignWith(key.method, s.Identity.Signer, canonicalSignedInfo)
	if err != nil {
		return nil, fmt.Errorf("as4: signing: %w", err)
	}
	header := el("wsse:Security",
		textEl("wsse:BinarySecurityToken", key.token).
			attr("EncodingType", EncodingBase64).attr("ValueType", TokenX509v3).attr("wsu:Id", tokenID),
		el("ds:Signature",
			&node{raw: canonicalSignedInfo},
			textEl("ds:SignatureValue", base64.StdEncoding.EncodeToString(value)),
			el("ds:KeyInfo",
				el("wsse:SecurityTokenReference",
					el("wsse:Reference").attr("URI", "#"+tokenID).attr("ValueType", TokenX509v3)))),
	).attr("soap:mustUnderstand", "true")
	var b bytes.Buffer
	header.write(&b, nil, 1)
	return b.Bytes(), nil
}
