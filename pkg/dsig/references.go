package dsig

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"strings"

	"github.com/lestrrat-go/helium"
)

// refPlan is a Reference whose target and processing passed the policy,
// ready to be digested.
type refPlan struct {
	ref    *reference
	kind   CoverageKind
	covers string
	digest digestAlgorithm
	// target is the covered element; for URI="" the document is covered.
	target       *helium.Element
	wholeDoc     bool
	c14n         c14nMethod
	c14nPrefixes []string
	// path is the file of a detached Reference, relative to VerifyOptions.Files.
	path string
}

// planReferences decides what every Reference covers and refuses what oots
// does not sign: an enveloped signature must cover the whole document (and
// may cover its XAdES SignedProperties); a detached one covers files (and
// may cover its SignedProperties). Nothing else — any other target is the
// shape of a signature-wrapping attack.
func (v *verifier) planReferences() ([]refPlan, error) {
	detached := v.sig.el == v.root
	plans := make([]refPlan, 0, len(v.sig.refs))
	seen := map[CoverageKind]bool{}
	for _, ref := range v.sig.refs {
		p, err := v.planReference(ref, detached)
		if err != nil {
			return nil, err
		}
		if p.digest, err = lookupDigestAlgorithm(ref.digest, v.opts.AllowSHA1, refName(ref)); err != nil {
			return nil, err
		}
		seen[p.kind] = true
		plans = append(plans, p)
	}
	switch {
	case !detached && !seen[CoversDocument]:
		return nil, fmt.Errorf("%w: no Reference covers the whole document <%s> (URI=\"\" or the ID of the document element)", ErrWrapped, v.root.Name())
	case detached && !seen[CoversFile]:
		return nil, fmt.Errorf("%w: the detached signature covers no file", ErrWrapped)
	case v.props != nil && !seen[CoversSignedProperties]:
		return nil, fmt.Errorf("%w: no Reference covers the XAdES SignedProperties %s, so its signing time and certificate are not signed", ErrWrapped, describe(v.props.el))
	}
	return plans, nil
}

func (v *verifier) planReference(ref *reference, detached bool) (refPlan, error) {
	switch {
	case !ref.hasURI:
		return refPlan{}, fmt.Errorf("%w: %s has no URI attribute; oots does not guess what it covers", ErrReference, describe(ref.el))
	case ref.uri == "" && detached:
		return refPlan{}, fmt.Errorf("%w: %s covers the signature document itself, not a file", ErrWrapped, refName(ref))
	case ref.uri == "":
		return v.planDocument(ref, v.root, true)
	case strings.HasPrefix(ref.uri, "#"):
		return v.planSameDocument(ref, detached)
	case !detached:
		return refPlan{}, fmt.Errorf("%w: %s points outside the document; an enveloped signature must cover the document itself", ErrWrapped, refName(ref))
	}
	return v.planFile(ref)
}

func (v *verifier) planSameDocument(ref *reference, detached bool) (refPlan, error) {
	id := ref.uri[1:]
	if strings.HasPrefix(id, "xpointer(") {
		return refPlan{}, fmt.Errorf("%w: %s: XPointer references are not supported (use URI=\"\" or a plain #ID)", ErrReference, refName(ref))
	}
	target, ok := v.ids[id]
	if !ok {
		return refPlan{}, fmt.Errorf("%w: %s: no element has the ID %q", ErrReference, refName(ref), id)
	}
	switch {
	case target == v.root && !detached:
		return v.planDocument(ref, target, false)
	case v.props != nil && target == v.props.el:
		return v.planSignedProperties(ref)
	}
	return refPlan{}, fmt.Errorf("%w: %s covers %s, which is neither the document element %s nor the XAdES SignedProperties of this signature; what it signs is not what a reader of the document sees (signature wrapping)",
		ErrWrapped, refName(ref), describe(target), describe(v.root))
}

// planDocument accepts the whole-document Reference: the enveloped-signature
// transform, then at most one canonicalisation.
func (v *verifier) planDocument(ref *reference, target *helium.Element, wholeDoc bool) (refPlan, error) {
	if ref.typ == TypeSignedProperties {
		return refPlan{}, fmt.Errorf("%w: %s has Type SignedProperties but covers the whole document", ErrWrapped, refName(ref))
	}
	ts := ref.transforms
	if len(ts) == 0 || ts[0].alg != AlgEnvelopedSignature {
		return refPlan{}, fmt.Errorf("%w: %s covers the document that holds the signature, so its first transform must be enveloped-signature (it is %s)",
			ErrTransform, refName(ref), transformList(ts))
	}
	p := refPlan{ref: ref, kind: CoversDocument, covers: "the whole document: " + target.Name(), target: target, wholeDoc: wholeDoc}
	return p, p.setC14N(ts[1:])
}

func (v *verifier) planSignedProperties(ref *reference) (refPlan, error) {
	if ref.typ != TypeSignedProperties {
		return refPlan{}, fmt.Errorf("%w: %s covers xades:SignedProperties, so its Type must be %s", ErrMalformed, refName(ref), TypeSignedProperties)
	}
	p := refPlan{ref: ref, kind: CoversSignedProperties, covers: v.props.el.Name(), target: v.props.el}
	return p, p.setC14N(ref.transforms)
}

func (v *verifier) planFile(ref *reference) (refPlan, error) {
	path, err := filePath(ref.uri)
	if err != nil {
		return refPlan{}, err
	}
	if len(ref.transforms) > 0 {
		return refPlan{}, fmt.Errorf("%w: %s names a file, which is signed as it is; transforms (%s) are not accepted", ErrTransform, refName(ref), transformList(ref.transforms))
	}
	if v.opts.Files == nil {
		return refPlan{}, fmt.Errorf("%w: %s names a file, but the folder of the signature is not known", ErrReference, refName(ref))
	}
	return refPlan{ref: ref, kind: CoversFile, covers: "file " + path, path: path}, nil
}

// setC14N takes the transforms after enveloped-signature: none (then
// Canonical XML 1.0 applies, as XML-DSig says) or one canonicalisation.
func (p *refPlan) setC14N(ts []transform) error {
	switch len(ts) {
	case 0:
		p.c14n = c14nMethods[AlgC14N10]
		return nil
	case 1:
		if m, ok := c14nMethods[ts[0].alg]; ok {
			p.c14n, p.c14nPrefixes = m, ts[0].prefixes
			return nil
		}
	}
	return fmt.Errorf("%w: %s has transforms %s; only enveloped-signature and one canonicalisation (exclusive or inclusive C14N) are accepted",
		ErrTransform, refName(p.ref), transformList(ts))
}

// checkDigest digests what p covers and compares it with the signed DigestValue.
func (v *verifier) checkDigest(p refPlan) (Reference, error) {
	got, err := v.digestOf(p)
	if err != nil {
		return Reference{}, err
	}
	if !bytes.Equal(got, p.ref.value) {
		return Reference{}, fmt.Errorf("%w: %s covers %s, and its %s digest differs from the signed DigestValue: the content changed after signing",
			ErrDigestMismatch, refName(p.ref), p.covers, p.digest.name)
	}
	return Reference{URI: p.ref.uri, Covers: p.covers, Kind: p.kind, Digest: p.digest.name}, nil
}

func (v *verifier) digestOf(p refPlan) ([]byte, error) {
	h := p.digest.hash.New()
	if p.kind == CoversFile {
		f, err := v.opts.Files.Open(p.path)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrReference, refName(p.ref), err)
		}
		defer func() { _ = f.Close() }() // read-only: a close error changes nothing
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrReference, refName(p.ref), err)
		}
		return h.Sum(nil), nil
	}
	var nodes []helium.Node
	switch {
	case p.wholeDoc:
		nodes = documentNodes(v.doc, v.sig.el, p.c14n, p.c14nPrefixes)
	case p.kind == CoversDocument:
		nodes = subtreeNodes(p.target, v.sig.el, false, p.c14n, p.c14nPrefixes)
	default:
		nodes = subtreeNodes(p.target, nil, false, p.c14n, p.c14nPrefixes)
	}
	canonical, err := canonicalizeNodes(v.doc, nodes, p.c14n, p.c14nPrefixes)
	if err != nil {
		return nil, fmt.Errorf("%w: canonicalising %s: %w", ErrMalformed, p.covers, err)
	}
	h.Write(canonical)
	return h.Sum(nil), nil
}

// checkC14N accepts a canonicalisation method of SignedInfo.
func checkC14N(t transform, where string) error {
	if _, ok := c14nMethods[t.alg]; !ok {
		return fmt.Errorf("%w: canonicalisation method %q of %s is not supported (use exclusive C14N %s)", ErrAlgorithm, t.alg, where, AlgExcC14N)
	}
	return nil
}

// filePath turns the URI of a detached Reference into a path below the
// signature's folder. Absolute URLs are refused: oots never fetches what a
// signature points to.
func filePath(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not a URI", ErrReference, uri)
	}
	if u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", fmt.Errorf("%w: absolute URL %q is refused: oots never fetches what a signature points to; name files relative to the signature", ErrReference, uri)
	}
	if u.RawQuery != "" || u.Fragment != "" || !fs.ValidPath(u.Path) || u.Path == "." {
		return "", fmt.Errorf("%w: %q is not the relative path of a file in or below the signature's folder", ErrReference, uri)
	}
	return u.Path, nil
}

// FileURI is the Reference URI of a file at relPath (slash-separated,
// relative to the signature's folder), with each segment escaped.
func FileURI(relPath string) (string, error) {
	segments := strings.Split(relPath, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	uri := strings.Join(segments, "/")
	if _, err := filePath(uri); err != nil {
		return "", err
	}
	return uri, nil
}

func refName(ref *reference) string {
	return fmt.Sprintf("Reference URI=%q", ref.uri)
}

func transformList(ts []transform) string {
	if len(ts) == 0 {
		return "none"
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.alg
	}
	return strings.Join(names, ", ")
}
