package dsig

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
)

const namespaceExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"

// signature is a parsed ds:Signature. Algorithms are kept as URIs here and
// judged by the verifier, so that a refusal can name them.
type signature struct {
	el         *helium.Element
	id         string
	signedInfo *helium.Element
	c14n       transform
	method     string
	refs       []*reference
	value      []byte
	certs      []*x509.Certificate
	// qualifying is xades:QualifyingProperties of a ds:Object, or nil.
	qualifying *helium.Element
}

// reference is a parsed ds:Reference.
type reference struct {
	el         *helium.Element
	uri        string
	hasURI     bool
	typ        string
	transforms []transform
	digest     string
	value      []byte
}

// transform is a ds:Transform or ds:CanonicalizationMethod.
type transform struct {
	alg string
	// prefixes is the InclusiveNamespaces PrefixList of exclusive C14N.
	prefixes []string
}

func malformed(e *helium.Element, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformed, describe(e), fmt.Sprintf(format, args...))
}

// parseSignature reads the structure XML-DSig prescribes for ds:Signature,
// strictly: SignedInfo, SignatureValue, an optional KeyInfo, then Objects.
func parseSignature(el *helium.Element) (*signature, error) {
	sig := &signature{el: el}
	sig.id, _ = attr(el, "Id")
	children := childElements(el)
	if len(children) < 2 || !isElement(children[0], NamespaceDSig, "SignedInfo") || !isElement(children[1], NamespaceDSig, "SignatureValue") {
		return nil, malformed(el, "must start with ds:SignedInfo and ds:SignatureValue")
	}
	sig.signedInfo = children[0]
	if err := sig.parseSignedInfo(); err != nil {
		return nil, err
	}
	value, err := decodeBase64(text(children[1]))
	if err != nil || len(value) == 0 {
		return nil, malformed(children[1], "SignatureValue is not base64")
	}
	sig.value = value
	rest := children[2:]
	if len(rest) > 0 && isElement(rest[0], NamespaceDSig, "KeyInfo") {
		if sig.certs, err = parseKeyInfo(rest[0]); err != nil {
			return nil, err
		}
		rest = rest[1:]
	}
	for _, obj := range rest {
		if !isElement(obj, NamespaceDSig, "Object") {
			return nil, malformed(obj, "unexpected element in ds:Signature (want ds:Object)")
		}
		if err := sig.parseObject(obj); err != nil {
			return nil, err
		}
	}
	return sig, nil
}

func (sig *signature) parseSignedInfo() error {
	children := childElements(sig.signedInfo)
	if len(children) < 3 || !isElement(children[0], NamespaceDSig, "CanonicalizationMethod") || !isElement(children[1], NamespaceDSig, "SignatureMethod") {
		return malformed(sig.signedInfo, "must hold ds:CanonicalizationMethod, ds:SignatureMethod and at least one ds:Reference")
	}
	var err error
	if sig.c14n, err = parseTransform(children[0]); err != nil {
		return err
	}
	if sig.method, err = algorithmAttr(children[1]); err != nil {
		return err
	}
	if len(childElements(children[1])) > 0 {
		return malformed(children[1], "parameters of the signature method (such as HMACOutputLength) are not supported")
	}
	for _, r := range children[2:] {
		if !isElement(r, NamespaceDSig, "Reference") {
			return malformed(r, "unexpected element in ds:SignedInfo (want ds:Reference)")
		}
		ref, err := parseReference(r)
		if err != nil {
			return err
		}
		sig.refs = append(sig.refs, ref)
	}
	return nil
}

func parseReference(el *helium.Element) (*reference, error) {
	ref := &reference{el: el}
	ref.uri, ref.hasURI = attr(el, "URI")
	ref.typ, _ = attr(el, "Type")
	children := childElements(el)
	if len(children) > 0 && isElement(children[0], NamespaceDSig, "Transforms") {
		for _, t := range childElements(children[0]) {
			if !isElement(t, NamespaceDSig, "Transform") {
				return nil, malformed(t, "unexpected element in ds:Transforms")
			}
			tr, err := parseTransform(t)
			if err != nil {
				return nil, err
			}
			ref.transforms = append(ref.transforms, tr)
		}
		children = children[1:]
	}
	if len(children) != 2 || !isElement(children[0], NamespaceDSig, "DigestMethod") || !isElement(children[1], NamespaceDSig, "DigestValue") {
		return nil, malformed(el, "must hold ds:DigestMethod and ds:DigestValue")
	}
	var err error
	if ref.digest, err = algorithmAttr(children[0]); err != nil {
		return nil, err
	}
	if ref.value, err = decodeBase64(text(children[1])); err != nil || len(ref.value) == 0 {
		return nil, malformed(children[1], "DigestValue is not base64")
	}
	return ref, nil
}

// parseTransform reads the Algorithm and, for exclusive C14N, the
// InclusiveNamespaces PrefixList. Any other parameter (an XPath
// expression, an XSLT stylesheet) is refused here, before anything runs.
func parseTransform(el *helium.Element) (transform, error) {
	alg, err := algorithmAttr(el)
	if err != nil {
		return transform{}, err
	}
	t := transform{alg: alg}
	for _, p := range childElements(el) {
		if !isElement(p, namespaceExcC14N, "InclusiveNamespaces") {
			return t, fmt.Errorf("%w: %s with parameter %s: only enveloped-signature and canonicalisation transforms without parameters are accepted",
				ErrTransform, alg, describe(p))
		}
		list, _ := attr(p, "PrefixList")
		t.prefixes = strings.Fields(list)
	}
	return t, nil
}

func algorithmAttr(el *helium.Element) (string, error) {
	alg, ok := attr(el, "Algorithm")
	if !ok || alg == "" {
		return "", malformed(el, "has no Algorithm attribute")
	}
	return alg, nil
}

// parseKeyInfo returns the X.509 certificates of KeyInfo/X509Data, in order.
func parseKeyInfo(el *helium.Element) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for _, data := range childrenNamed(el, NamespaceDSig, "X509Data") {
		for _, c := range childrenNamed(data, NamespaceDSig, "X509Certificate") {
			der, err := decodeBase64(text(c))
			if err != nil {
				return nil, malformed(c, "X509Certificate is not base64")
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, malformed(c, "X509Certificate: %v", err)
			}
			certs = append(certs, cert)
		}
	}
	return certs, nil
}

// parseObject notes the XAdES QualifyingProperties of a ds:Object; other
// Object content is not signed by anything oots accepts, so it is ignored.
func (sig *signature) parseObject(obj *helium.Element) error {
	for _, qp := range childrenNamed(obj, NamespaceXAdES, "QualifyingProperties") {
		if sig.qualifying != nil {
			return malformed(qp, "a second xades:QualifyingProperties")
		}
		sig.qualifying = qp
	}
	return nil
}
