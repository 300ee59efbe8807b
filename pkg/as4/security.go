package as4

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
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
	// The envelope is only copied into w: its buffer is reused.
	env := getBuffer(&envelopePool)
	defer putBuffer(&envelopePool, env)
	refs, err := s.writeEnvelope(env, withParts, nil, parts)
	if err != nil {
		return "", nil, err
	}
	ct, err := encodeParts(w, env.Bytes(), parts)
	return ct, refs, err
}

// SignalEnvelope is the SOAP envelope of signal messages, signed when s
// signs. Servers send it as a bare application/soap+xml entity.
func (s *Security) SignalEnvelope(signals ...SignalMessage) ([]byte, error) {
	envelope, _, err := s.envelope(nil, signals, nil)
	return envelope, err
}

// envelope is the SOAP envelope in a buffer of its own (see writeEnvelope).
func (s *Security) envelope(user *UserMessage, signals []SignalMessage, parts []wirePart) ([]byte, []PartDigest, error) {
	var env bytes.Buffer
	refs, err := s.writeEnvelope(&env, user, signals, parts)
	if err != nil {
		return nil, nil, err
	}
	return env.Bytes(), refs, nil
}

// writeEnvelope appends the SOAP envelope to env; when s signs, the
// wsse:Security header signs the body, eb:Messaging and the parts.
//
// eb:Messaging, soap:Body and ds:SignedInfo are first written to a pooled
// scratch buffer, where they are digested and signed, then copied once
// into env, grown first to about the envelope's final size.
func (s *Security) writeEnvelope(env *bytes.Buffer, user *UserMessage, signals []SignalMessage, parts []wirePart) ([]PartDigest, error) {
	var key *signingKey
	if s.signs() {
		var err error
		if key, err = s.signingKey(); err != nil {
			return nil, err
		}
	}
	sc := getScratch()
	defer putScratch(sc)
	scratch, w := &sc.buf, &sc.w
	var messagingID, bodyID, tokenID string
	if key != nil {
		suffix := uuid.NewString()
		messagingID, bodyID, tokenID = "_messaging-"+suffix, "_body-"+suffix, "_token-"+suffix
	}
	w.reset(scratch, 1)
	writeMessaging(w, user, signals, true, messagingID)
	messagingEnd := scratch.Len()
	w.reset(scratch, 0)
	w.start("soap:Body", attribute{"wsu:Id", bodyID})
	w.end()
	bodyEnd := scratch.Len()
	if key == nil {
		b := scratch.Bytes()
		env.Grow(bodyEnd + unsignedOverhead)
		startEnvelope(env)
		finishEnvelope(env, b[:messagingEnd], b[messagingEnd:bodyEnd])
		return nil, nil
	}
	refs := make([]PartDigest, 0, 2+len(parts))
	b := scratch.Bytes()
	refs = append(refs,
		sha256Reference("#"+bodyID, excC14NTransforms, b[messagingEnd:bodyEnd]),
		sha256Reference("#"+messagingID, excC14NTransforms, b[:messagingEnd]))
	for _, p := range parts {
		refs = append(refs, sha256Reference("cid:"+p.id, attachmentTransforms, p.data))
	}
	writeSignedInfo(w, scratch, key, refs)
	b = scratch.Bytes()
	signedInfo := b[bodyEnd:]
	value, err := dsig.SignWith(key.method, s.Identity.Signer, signedInfo)
	if err != nil {
		return nil, fmt.Errorf("as4: signing: %w", err)
	}
	env.Grow(len(b) + len(key.token) + 2*len(value) + envelopeOverhead)
	startEnvelope(env)
	writeSecurityHeader(w, env, key, tokenID, signedInfo, value)
	env.WriteString("\n  ")
	finishEnvelope(env, b[:messagingEnd], b[messagingEnd:bodyEnd])
	return refs, nil
}

// envelopeOverhead is about what a signed envelope holds besides
// eb:Messaging, soap:Body, ds:SignedInfo, the token and the signature
// value; unsignedOverhead what an unsigned one holds besides eb:Messaging
// and soap:Body.
const (
	envelopeOverhead = 1536
	unsignedOverhead = 256
)

// The transforms of the References a signer makes, shared by all of them
// (capacity clipped, so an append copies): they are only read.
var (
	excC14NTransforms    = slices.Clip([]string{TransformExcC14})
	attachmentTransforms = slices.Clip([]string{AttachmentCST})
)

func sha256Reference(uri string, transforms []string, data []byte) PartDigest {
	sum := sha256.Sum256(data)
	return PartDigest{URI: uri, DigestMethod: DigestSHA256, Transforms: transforms, Digest: base64.StdEncoding.EncodeToString(sum[:])}
}

// writeSignedInfo appends the canonical ds:SignedInfo of the References
// to b; it is indented for its place in the envelope.
func writeSignedInfo(w *canonWriter, b *bytes.Buffer, key *signingKey, refs []PartDigest) {
	w.reset(b, 3)
	w.start("ds:SignedInfo")
	w.start("ds:CanonicalizationMethod", attribute{"Algorithm", dsig.AlgExcC14N})
	w.end()
	w.start("ds:SignatureMethod", attribute{"Algorithm", key.method})
	w.end()
	for _, r := range refs {
		writeReference(w, r.URI, r.Transforms, r.DigestMethod, r.Digest)
	}
	w.end()
}

// writeSecurityHeader writes the wsse:Security block with the signed
// SignedInfo and its signature value.
func writeSecurityHeader(w *canonWriter, b *bytes.Buffer, key *signingKey, tokenID string, signedInfo, value []byte) {
	w.reset(b, 1)
	w.start("wsse:Security", attribute{"soap:mustUnderstand", "true"})
	w.text("wsse:BinarySecurityToken", key.token,
		attribute{"EncodingType", EncodingBase64}, attribute{"ValueType", TokenX509v3}, attribute{"wsu:Id", tokenID})
	w.start("ds:Signature")
	w.raw(signedInfo)
	w.text("ds:SignatureValue", base64.StdEncoding.EncodeToString(value))
	w.start("ds:KeyInfo")
	w.start("wsse:SecurityTokenReference")
	w.start("wsse:Reference", attribute{"URI", "#" + tokenID}, attribute{"ValueType", TokenX509v3})
	w.end()
	w.end()
	w.end()
	w.end()
	w.end()
}
