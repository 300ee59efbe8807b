package as4

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// verifiedSignature is what a verified message keeps of its signature.
type verifiedSignature struct {
	signer *x509.Certificate
	// references copy the signature's References, for the receipt.
	references []PartDigest
}

// errNotSigned is the detail of a message without a wsse:Security header.
var errNotSigned = errors.New("the message is not signed: it has no wsse:Security header")

// Verify checks the WS-Security signature of a decoded message, strictly:
//   - one wsse:Security header holding one ds:Signature with exclusive C14N;
//   - its References cover soap:Body and eb:Messaging (by wsu:Id, through
//     exclusive C14N) and every payload part (by cid:, through the
//     Attachment-Content-Signature-Transform) — each exactly once, and
//     nothing else, so no element or part can be swapped in unsigned
//     (signature wrapping); IDs must be unique in the envelope;
//   - SHA-256/384/512 digests and RSA, ECDSA or Ed25519 signature methods
//     (SHA-1 refused);
//   - the signer's certificate, a wsse:BinarySecurityToken the KeyInfo
//     refers to, chains to s.Roots and is valid at s.At();
//   - the SignatureValue verifies and every digest matches.
//
// A refusal is an EBMS:0101 FailedAuthentication Error whose Detail names
// the reason. On success msg.Signer() returns the signer's certificate.
func (s *Security) Verify(msg *Message) error {
	ref := messageIDOf(msg)
	if msg == nil || msg.parsed == nil || msg.parsed.envelope == nil {
		return ErrFailedAuth.With(ref, "no decoded SOAP envelope to verify")
	}
	v := &wsVerifier{sec: s, msg: msg, env: msg.parsed}
	sig, err := v.verify()
	if err != nil {
		return ErrFailedAuth.With(ref, err.Error())
	}
	msg.signed = sig
	return nil
}

func messageIDOf(msg *Message) string {
	switch {
	case msg == nil || msg.Header == nil:
		return ""
	case msg.Header.User != nil:
		return msg.Header.User.MessageID
	case len(msg.Header.Signals) > 0:
		return msg.Header.Signals[0].MessageID
	}
	return ""
}

type wsVerifier struct {
	sec *Security
	msg *Message
	env *parsedEnvelope
	ids map[string]*helium.Element
}

// wsReference is a parsed ds:Reference with what it covers.
type wsReference struct {
	PartDigest
	value    []byte
	prefixes []string        // InclusiveNamespaces of exclusive C14N
	target   *helium.Element // Body or Messaging; nil for a part
	part     string          // Content-ID of a payload part
}

func (v *wsVerifier) verify() (*verifiedSignature, error) {
	security, err := v.securityHeader()
	if err != nil {
		return nil, err
	}
	sigEl, err := only(security, NSDSig, "Signature", "ds:Signature in wsse:Security")
	if err != nil {
		return nil, err
	}
	var first [3]*helium.Element
	kids := firstChildElements(sigEl, first[:0])
	if len(kids) < 3 || !xmldoc.Is(kids[0], NSDSig, "SignedInfo") || !xmldoc.Is(kids[1], NSDSig, "SignatureValue") || !xmldoc.Is(kids[2], NSDSig, "KeyInfo") {
		return nil, errors.New("ds:Signature must hold ds:SignedInfo, ds:SignatureValue and ds:KeyInfo, in that order")
	}
	if v.ids, err = indexIDs(v.env.envelope); err != nil {
		return nil, err
	}
	method, refs, err := v.signedInfo(kids[0])
	if err != nil {
		return nil, err
	}
	signer, err := v.signerCertificate(security, kids[2])
	if err != nil {
		return nil, err
	}
	if err := v.signatureValue(kids[0], kids[1], method, signer); err != nil {
		return nil, err
	}
	out := &verifiedSignature{signer: signer}
	for _, r := range refs {
		if err := v.digest(r); err != nil {
			return nil, err
		}
		out.references = append(out.references, r.PartDigest)
	}
	return out, nil
}

func (v *wsVerifier) securityHeader() (*helium.Element, error) {
	all := xmldoc.Children(v.env.header, NSWSSE, "Security")
	switch len(all) {
	case 0:
		return nil, errNotSigned
	case 1:
		return all[0], nil
	}
	return nil, fmt.Errorf("%d wsse:Security headers; an AS4 message has one", len(all))
}

func only(parent *helium.Element, ns, local, what string) (*helium.Element, error) {
	all := xmldoc.Children(parent, ns, local)
	if len(all) != 1 {
		return nil, fmt.Errorf("%d %s elements, want exactly one", len(all), what)
	}
	return all[0], nil
}

// firstChildElements appends to out the first cap(out) child elements of e.
func firstChildElements(e *helium.Element, out []*helium.Element) []*helium.Element {
	for c := firstChildElement(e); c != nil && len(out) < cap(out); c = nextSiblingElement(e, c) {
		out = append(out, c)
	}
	return out
}

// firstChildElement and nextSiblingElement walk the child elements of e
// as xmldoc.ChildElements does, without its iterator closures, which
// escape to the heap on every walk here.
func firstChildElement(e *helium.Element) *helium.Element {
	return elementFrom(e, e.FirstChild())
}

func nextSiblingElement(e, c *helium.Element) *helium.Element {
	return elementFrom(e, c.NextSibling())
}

// elementFrom is the first element from n on among the children e owns.
func elementFrom(e *helium.Element, n helium.Node) *helium.Element {
	for ; n != nil && n.Parent() == helium.Node(e); n = n.NextSibling() {
		if el, ok := n.(*helium.Element); ok {
			return el
		}
	}
	return nil
}

// signedInfo reads SignedInfo and checks the policy: algorithms, and that
// the References cover the body, eb:Messaging and every part exactly once.
func (v *wsVerifier) signedInfo(si *helium.Element) (string, []wsReference, error) {
	c14nMethod := attr(xmldoc.Child(si, NSDSig, "CanonicalizationMethod"), "Algorithm")
	if !dsig.IsExclusiveC14N(c14nMethod) {
		return "", nil, fmt.Errorf("ds:SignedInfo canonicalisation %q is not supported (use exclusive C14N %s)", c14nMethod, dsig.AlgExcC14N)
	}
	method := attr(xmldoc.Child(si, NSDSig, "SignatureMethod"), "Algorithm")
	if isSHA1(method) {
		return "", nil, fmt.Errorf("signature method %s uses SHA-1, which is refused because collisions are practical", method)
	}
	// A Reference covers the body, eb:Messaging or one of the payloads
	// (at most MaxParts), and a second one for the same thing is refused
	// at once, so a linear search of refs stays short.
	refs := make([]wsReference, 0, 2+len(v.msg.Payloads))
	for r := firstChildElement(si); r != nil; r = nextSiblingElement(si, r) {
		if !xmldoc.Is(r, NSDSig, "Reference") {
			continue
		}
		ref, err := v.reference(r)
		if err != nil {
			return "", nil, err
		}
		if first := covering(refs, ref.target, ref.part); first != nil {
			return "", nil, fmt.Errorf("two References cover the same part: URI=%q and URI=%q", first.URI, ref.URI)
		}
		refs = append(refs, ref)
	}
	if covering(refs, v.env.body, "") == nil {
		return "", nil, errors.New("the signature does not cover soap:Body")
	}
	if covering(refs, v.env.messaging, "") == nil {
		return "", nil, errors.New("the signature does not cover the eb:Messaging header")
	}
	for _, p := range v.msg.Payloads {
		if covering(refs, nil, p.ContentID) == nil {
			return "", nil, fmt.Errorf("payload cid:%s is not covered by the signature (an unsigned part is refused)", p.ContentID)
		}
	}
	return method, refs, nil
}

// covering is the Reference of refs that covers target (the body or
// eb:Messaging) or, when target is nil, the payload part; nil when none does.
func covering(refs []wsReference, target *helium.Element, part string) *wsReference {
	for i := range refs {
		if refs[i].target == target && (target != nil || refs[i].part == part) {
			return &refs[i]
		}
	}
	return nil
}

func isSHA1(uri string) bool {
	return uri == dsig.AlgSHA1 || uri == dsig.AlgRSASHA1 || uri == dsig.AlgECDSASHA1
}

// reference parses one ds:Reference and resolves what it covers.
func (v *wsVerifier) reference(r *helium.Element) (wsReference, error) {
	ref := wsReference{PartDigest: readReference(r)}
	if isSHA1(ref.DigestMethod) {
		return ref, fmt.Errorf("%s: digest method SHA-1 is refused because collisions are practical", refName(ref.URI))
	}
	// The name is only formatted for an error, which DigestHash reports
	// from the method alone.
	if _, err := dsig.DigestHash(ref.DigestMethod, ""); err != nil {
		_, err = dsig.DigestHash(ref.DigestMethod, refName(ref.URI))
		return ref, err
	}
	var err error
	if ref.value, err = base64.StdEncoding.DecodeString(ref.Digest); err != nil || len(ref.value) == 0 {
		return ref, fmt.Errorf("%s: DigestValue is not base64", refName(ref.URI))
	}
	switch {
	case strings.HasPrefix(ref.URI, "#"):
		return ref, v.sameDocument(&ref, r)
	case strings.HasPrefix(ref.URI, "cid:"):
		return ref, v.attachment(&ref)
	}
	return ref, fmt.Errorf("%s: only #wsu:Id and cid: references are accepted", refName(ref.URI))
}

// refName names a Reference in an error.
func refName(uri string) string { return fmt.Sprintf("Reference URI=%q", uri) }

func (v *wsVerifier) sameDocument(ref *wsReference, r *helium.Element) error {
	target := v.ids[ref.URI[1:]]
	switch {
	case target == nil:
		return fmt.Errorf("%s: no element of the envelope has this ID", refName(ref.URI))
	case target != v.env.body && target != v.env.messaging:
		return fmt.Errorf("%s covers <%s>, which is neither soap:Body nor eb:Messaging (signature wrapping)", refName(ref.URI), target.Name())
	case len(ref.Transforms) != 1 || !dsig.IsExclusiveC14N(ref.Transforms[0]):
		return fmt.Errorf("%s: transforms %v; exactly one exclusive C14N transform is accepted", refName(ref.URI), ref.Transforms)
	}
	ref.target = target
	t := xmldoc.Child(xmldoc.Child(r, NSDSig, "Transforms"), NSDSig, "Transform")
	if incl := xmldoc.Child(t, dsig.AlgExcC14N, "InclusiveNamespaces"); incl != nil {
		ref.prefixes = strings.Fields(attr(incl, "PrefixList"))
	}
	return nil
}

func (v *wsVerifier) attachment(ref *wsReference) error {
	id := strings.TrimPrefix(ref.URI, "cid:")
	if _, ok := v.msg.Payload(id); !ok {
		return fmt.Errorf("%s: the message has no such payload", refName(ref.URI))
	}
	if len(ref.Transforms) != 1 || ref.Transforms[0] != AttachmentCST {
		return fmt.Errorf("%s: transforms %v; exactly the Attachment-Content-Signature-Transform is accepted", refName(ref.URI), ref.Transforms)
	}
	ref.part = id
	return nil
}

// signerCertificate resolves KeyInfo to the wsse:BinarySecurityToken of
// this header and checks its chain.
func (v *wsVerifier) signerCertificate(security, keyInfo *helium.Element) (*x509.Certificate, error) {
	str := xmldoc.Child(xmldoc.Child(keyInfo, NSWSSE, "SecurityTokenReference"), NSWSSE, "Reference")
	uri := attr(str, "URI")
	if !strings.HasPrefix(uri, "#") {
		return nil, errors.New("ds:KeyInfo must refer to a wsse:BinarySecurityToken by wsse:SecurityTokenReference/wsse:Reference URI=\"#id\"")
	}
	token := v.ids[uri[1:]]
	if token == nil || !xmldoc.Is(token, NSWSSE, "BinarySecurityToken") || token.Parent() != helium.Node(security) {
		return nil, fmt.Errorf("the security token %s is not a wsse:BinarySecurityToken of the wsse:Security header", uri)
	}
	if vt := attr(token, "ValueType"); vt != TokenX509v3 {
		return nil, fmt.Errorf("security token value type %q is not supported (use %s)", vt, TokenX509v3)
	}
	if raw := compactText(token); raw != nil {
		return v.sec.trusted.verify(v.sec, raw)
	}
	return v.sec.trusted.verify(v.sec, []byte(withoutSpace(xmldoc.Text(token))))
}

// compactText is the text of e read in place, trimmed, when e holds one
// text node without white space inside, as senders write base64 values;
// nil otherwise (then xmldoc.Text and withoutSpace read it). The slice is
// the tree's: it is only read while the message is verified.
func compactText(e *helium.Element) []byte {
	c := e.FirstChild()
	if c == nil || c.NextSibling() != nil || c.Parent() != helium.Node(e) {
		return nil
	}
	raw, ok := xmldoc.RawText(c)
	if !ok {
		return nil
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.IndexFunc(raw, unicode.IsSpace) >= 0 {
		return nil
	}
	return raw
}

func (v *wsVerifier) signatureValue(si, sv *helium.Element, method string, signer *x509.Certificate) error {
	encoded := compactText(sv)
	if encoded == nil {
		encoded = []byte(withoutSpace(xmldoc.Text(sv)))
	}
	// Decoded on the stack: every signature of the supported methods fits.
	var buf [512]byte
	out := buf[:]
	if n := base64.StdEncoding.DecodedLen(len(encoded)); n > len(out) {
		out = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(out, encoded)
	if err != nil {
		return errors.New("ds:SignatureValue is not base64")
	}
	value := out[:n]
	canonicalSI, err := canonicalize(si, nil)
	if err != nil {
		return fmt.Errorf("canonicalising ds:SignedInfo: %w", err)
	}
	defer canonicalSI.release()
	if err := dsig.VerifyWith(method, signer.PublicKey, canonicalSI.b.Bytes(), value); err != nil {
		return fmt.Errorf("signature of %q: %w", signer.Subject.String(), err)
	}
	return nil
}

// withoutSpace removes the white space (as strings.Fields knows it) that
// may break a base64 value into lines; most senders write none, and then
// s is returned as it is.
func withoutSpace(s string) string {
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	return strings.Join(strings.Fields(s), "")
}

func (v *wsVerifier) digest(r wsReference) error {
	h, err := dsig.DigestHash(r.DigestMethod, r.URI)
	if err != nil {
		return err
	}
	var sum [64]byte
	var n int
	if r.target != nil {
		c, err := canonicalize(r.target, r.prefixes)
		if err != nil {
			return fmt.Errorf("canonicalising %s: %w", r.target.Name(), err)
		}
		sum, n = sumOf(h, c.b.Bytes())
		c.release()
	} else {
		sum, n = sumOf(h, v.msg.wire[r.part])
	}
	if !bytes.Equal(sum[:n], r.value) {
		what := "payload " + r.URI
		if r.target != nil {
			what = r.target.Name()
		}
		return fmt.Errorf("digest mismatch on Reference URI=%q: %s changed after signing", r.URI, what)
	}
	return nil
}

// sumOf is the digest of data, in the first n bytes of sum. SHA-256,
// which every AS4 sender uses, is summed on the stack instead of through a
// hash.Hash.
func sumOf(h crypto.Hash, data []byte) (sum [64]byte, n int) {
	if h == crypto.SHA256 {
		s := sha256.Sum256(data)
		return sum, copy(sum[:], s[:])
	}
	hash := h.New()
	hash.Write(data)
	return sum, copy(sum[:], hash.Sum(nil))
}

// indexIDs maps the IDs of the envelope (wsu:Id, Id, ID, id, xml:id) to
// their elements and refuses an ID used twice: a Reference to it could be
// made to cover either element.
func indexIDs(root *helium.Element) (map[string]*helium.Element, error) {
	index := make(map[string]*helium.Element, 8)
	return index, addIDs(index, root)
}

// addIDs walks the attributes with xmldoc.FirstAttr and NextAttr:
// Element.ForEachAttribute copies the element and takes a closure.
func addIDs(index map[string]*helium.Element, e *helium.Element) error {
	for a := xmldoc.FirstAttr(e); a != nil; a = xmldoc.NextAttr(a) {
		if !isIDAttribute(a) {
			continue
		}
		value := xmldoc.AttrValue(a)
		if _, dup := index[value]; dup {
			return fmt.Errorf("the ID %q is used twice in the envelope", value)
		}
		index[value] = e
	}
	for c := firstChildElement(e); c != nil; c = nextSiblingElement(e, c) {
		if err := addIDs(index, c); err != nil {
			return err
		}
	}
	return nil
}

// isIDAttribute tells the attributes a Reference may point at: wsu:Id,
// xml:id and the unqualified Id, ID and id.
func isIDAttribute(a *helium.Attribute) bool {
	switch a.LocalName() {
	case "Id":
		uri := a.URI()
		return uri == NSWSU || uri == ""
	case "id":
		uri := a.URI()
		return uri == nsXML || uri == ""
	case "ID":
		return a.URI() == ""
	}
	return false
}

// certCache remembers the signer certificates whose chain verified, with
// the period in which the whole chain is valid: nodes sign thousands of
// messages with one certificate, and parsing and chaining it each time
// would cost more than checking the signature.
type certCache struct {
	mu      sync.Mutex
	entries map[string]*trustedCert
}

type trustedCert struct {
	cert                *x509.Certificate
	notBefore, notAfter time.Time
}

const certCacheSize = 1024

// verify parses the base64 token and checks its chain at s.now(). token
// is only read: a hit looks it up without a copy, a miss keeps a copy.
func (c *certCache) verify(s *Security, token []byte) (*x509.Certificate, error) {
	at := s.now()
	c.mu.Lock()
	e := c.entries[string(token)]
	c.mu.Unlock()
	if e != nil && !at.Before(e.notBefore) && !at.After(e.notAfter) {
		return e.cert, nil
	}
	der := make([]byte, base64.StdEncoding.DecodedLen(len(token)))
	n, err := base64.StdEncoding.Decode(der, token)
	der = der[:n]
	if err != nil {
		return nil, errors.New("the wsse:BinarySecurityToken is not base64")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("the wsse:BinarySecurityToken is not an X.509 certificate: %v", err)
	}
	chain, err := pki.VerifyChain(cert, pki.ChainOptions{Roots: s.Roots, Intermediates: s.Intermediates, At: at})
	if err != nil {
		return nil, fmt.Errorf("signer certificate: %w", err)
	}
	e = &trustedCert{cert: cert, notBefore: cert.NotBefore, notAfter: cert.NotAfter}
	for _, link := range chain {
		if link.NotBefore.After(e.notBefore) {
			e.notBefore = link.NotBefore
		}
		if link.NotAfter.Before(e.notAfter) {
			e.notAfter = link.NotAfter
		}
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= certCacheSize {
		c.entries = map[string]*trustedCert{}
	}
	c.entries[string(token)] = e
	c.mu.Unlock()
	return cert, nil
}
