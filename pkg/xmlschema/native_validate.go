package xmlschema

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// The document walk of the native engine. Its order of checks and its
// raw messages follow helium's XSD 1.0 validator (xsd/validate.go and
// validate_elem.go), so that both embedded routes report the same
// violations; its verdicts are xmllint's. Every check returns false when it
// reported an error: as in helium, an element whose attributes are invalid
// is not looked into, and a content model whose children had errors is not
// checked for leftover children.

const msgAbstractType = "The type definition is abstract."

// nativeRun is the state of one validation call. Runs are recycled
// (runPool): their slices and map keep their storage from one call to the
// next.
type nativeRun struct {
	s    *nativeSchema
	errs []rawError
	kids []*helium.Element // child lists of the elements being matched, as a stack
	ids  []idUse

	flagged []*helium.Element // elements the parity pass checks (withParity)
	memo    map[*helium.Element]nresolved
}

// runPool recycles validation runs, so that a run does not grow its child
// stack and ID list from nothing each time.
var runPool = sync.Pool{New: func() any { return new(nativeRun) }}

// release empties r, dropping every reference into the document (and the
// borrowed values noted for the ID check), and returns it to the pool.
func (r *nativeRun) release() {
	clear(r.kids[:cap(r.kids)])
	clear(r.ids[:cap(r.ids)])
	clear(r.flagged[:cap(r.flagged)])
	clear(r.memo)
	*r = nativeRun{kids: r.kids[:0], ids: r.ids[:0], flagged: r.flagged[:0], memo: r.memo}
	runPool.Put(r)
}

// rawError is one diagnostic before it is rephrased (messages.go).
type rawError struct {
	el       *helium.Element
	attr     string // Clark name of the attribute it is about, or ""
	msg      string // helium's wording, names in Clark notation
	expect   *xtype // type whose content model completes "not expected"/"missing"
	attrType *xtype // type of a rejected attribute value, for "expected ..."
}

// idUse is an ID or IDREF value met on an assessed attribute or element.
type idUse struct {
	el    *helium.Element
	attr  string // Clark name, "" for element content
	value string
	typ   *xtype
}

// validate checks a document that has a root element. It runs in a few
// microseconds per element and does not look at ctx.
func (s *nativeSchema) validate(_ context.Context, doc *helium.Document) []Violation {
	r := runPool.Get().(*nativeRun)
	defer r.release()
	r.s = s
	root := doc.DocumentElement()
	declared := r.root(root)
	r.checkIDs()
	return r.withParity(doc, r.violations(), declared)
}

// The report methods are kept out of line: errors are rare, and inlined
// they would enlarge the frames of the recursive walk, whose stack then
// grows sooner.

//go:noinline
func (r *nativeRun) report(el *helium.Element, msg string) {
	r.errs = append(r.errs, rawError{el: el, msg: msg})
}

//go:noinline
func (r *nativeRun) reportAttr(el *helium.Element, a *helium.Attribute, msg string, t *xtype) {
	r.errs = append(r.errs, rawError{el: el, attr: clarkOfAttr(a), msg: msg, attrType: t})
}

// reportExpect reports a content model error that messages complete with
// what t's content model expects.
//
//go:noinline
func (r *nativeRun) reportExpect(el *helium.Element, msg string, t *xtype) {
	r.errs = append(r.errs, rawError{el: el, msg: msg, expect: t})
}

func clarkOf(el *helium.Element) string { return displayName(el) }

func clarkOfAttr(a *helium.Attribute) string {
	if a.URI() != "" {
		return "{" + a.URI() + "}" + a.LocalName()
	}
	return a.LocalName()
}

func clarkOfName(q qname) string {
	if q.ns != "" {
		return "{" + q.ns + "}" + q.local
	}
	return q.local
}

// root validates the document element. It reports whether a global
// declaration governs it: only then does the attribute parity pass run, as
// on the helium route.
func (r *nativeRun) root(el *helium.Element) bool {
	decl := r.s.elements[qname{el.URI(), el.LocalName()}]
	if decl == nil {
		td, ok := r.xsiType(el, nil)
		switch {
		case !ok:
		case td != nil:
			r.undeclaredWithType(el, td)
		default:
			r.report(el, msgUndeclaredRoot)
		}
		return false
	}
	if decl.abstract {
		r.report(el, "The element declaration is abstract.")
		return true
	}
	r.declared(el, decl)
	return true
}

// declared validates el against its declaration: xsi:type, nil, content.
func (r *nativeRun) declared(el *helium.Element, decl *elemDecl) bool {
	td, ok := r.xsiType(el, decl.typ)
	if !ok {
		return false
	}
	if td != decl.typ && (decl.block || decl.typ.block) {
		r.report(el, "The xsi:type definition is blocked by the element declaration.")
		return false
	}
	if td.abstract {
		r.report(el, msgAbstractType)
		return false
	}
	r.noteContentID(el, decl, td)
	nilled, ok := r.checkNil(el, decl)
	switch {
	case !ok:
		return false
	case nilled:
		return r.nilled(el, decl, td)
	}
	return r.elementContent(el, decl, td)
}

// undeclaredWithType validates an element without declaration that names
// its type with xsi:type.
func (r *nativeRun) undeclaredWithType(el *helium.Element, td *xtype) bool {
	if td.abstract {
		r.report(el, msgAbstractType)
		return false
	}
	r.noteContentID(el, nil, td)
	if _, ok := r.checkNil(el, nil); !ok {
		return false
	}
	return r.elementContent(el, nil, td)
}

func (r *nativeRun) elementContent(el *helium.Element, decl *elemDecl, td *xtype) bool {
	if !r.attributes(el, td) {
		return false
	}
	if !td.complex || td.content == contentSimple {
		return r.simpleContent(el, decl, td)
	}
	switch td.content {
	case contentEmpty:
		return r.emptyContent(el, td, false)
	case contentElements:
		if td.model == nil && !r.noText(el) {
			return false
		}
	}
	if td.model == nil {
		return r.emptyContent(el, td, td.content == contentMixed)
	}
	return r.contentModel(el, td, td.content == contentElements)
}

// ----- xsi:type and xsi:nil -------------------------------------------------------

func xsiAttr(el *helium.Element, local string) *helium.Attribute {
	for a := xmldoc.FirstAttr(el); a != nil; a = xmldoc.NextAttr(a) {
		if a.LocalName() == local && a.URI() == xsiNS {
			return a
		}
	}
	return nil
}

// xsiType returns the type governing el: declared, or the one xsi:type
// names, which must derive from declared. ok is false after an error.
func (r *nativeRun) xsiType(el *helium.Element, declared *xtype) (*xtype, bool) {
	a := xsiAttr(el, "type")
	if a == nil {
		return declared, true
	}
	v, skip := r.s.xsiTypeValue(attrValue(a))
	if skip {
		return declared, true
	}
	td := r.s.lookupTypeQName(el, v)
	if td == nil {
		r.report(el, "The value '"+v+"' of the xsi:type attribute does not resolve to a type definition.")
		return nil, false
	}
	if declared != nil && !derivedFrom(td, declared) {
		r.report(el, fmt.Sprintf("The type definition '%s' is not validly derived from the type definition '%s'.", typeDisplay(td), typeDisplay(declared)))
		return nil, false
	}
	return td, true
}

// xsiTypeValue prepares an xsi:type value. libxml2 takes it as written: an
// empty value, or one with surrounding spaces, names no type. helium
// collapses whitespace and ignores an empty value (skip).
func (s *nativeSchema) xsiTypeValue(raw string) (v string, skip bool) {
	if !s.heliumQuirks {
		return raw, false
	}
	return normalizeWS(raw, wsCollapse), raw == ""
}

// undeclaredType resolves the xsi:type of an element no declaration
// governs (under a lax or strict wildcard). libxml2 assesses such an
// element against its xsi:type and rejects one that names no type; helium
// then ignores the attribute. ok is false after an error. Kept out of
// line, like the reports: its callers recurse.
//
//go:noinline
func (r *nativeRun) undeclaredType(el *helium.Element) (td *xtype, ok bool) {
	a := xsiAttr(el, "type")
	if a == nil {
		return nil, true
	}
	v, skip := r.s.xsiTypeValue(attrValue(a))
	if skip {
		return nil, true
	}
	if td = r.s.lookupTypeQName(el, v); td != nil || r.s.heliumQuirks {
		return td, true
	}
	r.report(el, "The value '"+v+"' of the xsi:type attribute does not resolve to a type definition.")
	return nil, false
}

// lookupTypeQName resolves a QName written on el to a named type. An
// unprefixed name takes the default namespace, as helium resolves it.
func (s *nativeSchema) lookupTypeQName(el *helium.Element, v string) *xtype {
	if !isQName(v) {
		return nil
	}
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		prefix, local = "", v
	}
	uri, bound := lookupPrefix(el, prefix)
	if ok && (!bound || uri == "") {
		return nil
	}
	return s.types[qname{uri, local}]
}

// lookupPrefix finds the namespace bound to prefix on el. The element's
// own prefix is the usual case (rim:SlotValue xsi:type="rim:...") and
// costs no walk.
func lookupPrefix(el *helium.Element, prefix string) (string, bool) {
	if el.Prefix() == prefix && (prefix != "" || el.URI() != "") {
		return el.URI(), true
	}
	if ns := helium.LookupNSByPrefix(el, prefix); ns != nil {
		return ns.URI(), true
	}
	return "", false
}

// derivedFrom is helium's isXsiTypeDerivedFromDeclared: the same type, a
// type down the derivation chain, anything for xs:anyType, or a member of
// a declared union that restricts nothing.
func derivedFrom(td, declared *xtype) bool {
	if isAnyTypeX(declared) {
		return true
	}
	for cur := td; cur != nil; cur = cur.base {
		if cur == declared {
			return true
		}
	}
	if declared.variety != vUnion {
		return false
	}
	for cur := declared; cur != nil && cur.variety == vUnion; cur = cur.base {
		if cur.facets != nil {
			return false
		}
	}
	for _, m := range declared.members {
		if derivedFrom(td, m) {
			return true
		}
	}
	return false
}

// checkNil reads xsi:nil; ok is false after an error.
func (r *nativeRun) checkNil(el *helium.Element, decl *elemDecl) (nilled, ok bool) {
	a := xsiAttr(el, "nil")
	if a == nil {
		return false, true
	}
	switch v := normalizeWS(attrValue(a), wsCollapse); v {
	case "true", "1":
		return true, true
	case "false", "0":
		if decl != nil && !decl.nillable {
			r.report(el, "Element is not nillable.")
			return false, false
		}
		return false, true
	default:
		r.reportAttr(el, a, "'"+v+"' is not a valid value of the atomic type 'xs:boolean'.", nil)
		return false, false
	}
}

// isBlankText reports a text or CDATA node of whitespace only; other
// nodes are not text and report false.
func isBlankText(n helium.Node) (text, blank bool) {
	b, ok := xmldoc.RawText(n)
	if !ok {
		return false, false
	}
	return true, allSpace(b)
}

// nilled checks an element with xsi:nil="true": no content at all.
func (r *nativeRun) nilled(el *helium.Element, decl *elemDecl, td *xtype) bool {
	if !decl.nillable {
		r.report(el, "Element is not nillable.")
		return false
	}
	if decl.fixed != nil {
		r.report(el, "The element cannot be nilled because there is a fixed value constraint defined for it.")
		return false
	}
	if !r.attributes(el, td) {
		return false
	}
	for c := el.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.Type() {
		case helium.ElementNode:
			ce := c.(*helium.Element)
			r.report(ce, "This element is not expected, because the element '"+clarkOf(el)+"' is nilled.")
			return false
		default:
			if text, blank := isBlankText(c); text && !blank {
				r.report(el, "Character content is not allowed, because the element is nilled.")
				return false
			}
		}
	}
	return true
}

func allSpace(b []byte) bool {
	for _, c := range b {
		if !isXMLSpace(c) {
			return false
		}
	}
	return true
}

// ----- content other than a content model -----------------------------------------

// emptyContent admits no child element; text only if allowed (whitespace
// always, as XSD 1.0 processors do).
func (r *nativeRun) emptyContent(el *helium.Element, td *xtype, textOK bool) bool {
	for c := el.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.Type() {
		case helium.ElementNode:
			r.reportExpect(c.(*helium.Element), msgNotExpected, td)
			return false
		default:
			if text, blank := isBlankText(c); text && !textOK && !blank {
				r.report(el, "Character content is not allowed, because the type definition is simple.")
				return false
			}
		}
	}
	return true
}

// noText rejects text other than whitespace in element-only content
// (contentModel checks it for a type with a content model).
func (r *nativeRun) noText(el *helium.Element) bool {
	for c := el.FirstChild(); c != nil; c = c.NextSibling() {
		if text, blank := isBlankText(c); text && !blank {
			r.reportText(el)
			return false
		}
	}
	return true
}

func (r *nativeRun) reportText(el *helium.Element) {
	r.report(el, "Character content other than whitespace is not allowed because the content type is 'element-only'.")
}

// simpleContent checks text content (of a simple type, or of a complex
// type with simple content), with the declaration's default or fixed value.
func (r *nativeRun) simpleContent(el *helium.Element, decl *elemDecl, td *xtype) bool {
	value, hasChild := textContent(el)
	if hasChild {
		r.report(el, "Element content is not allowed, because the content type is a simple type definition.")
		return false
	}
	effective := value
	if value == "" && decl != nil {
		if decl.fixed != nil {
			effective = *decl.fixed
		} else if decl.def != nil {
			effective = *decl.def
		}
	}
	if value != "" && decl != nil && decl.fixed != nil && !r.s.fixedMatches(el, value, *decl.fixed, decl.typ) {
		r.report(el, fmt.Sprintf("The element content '%s' does not match the fixed value constraint '%s'.", value, *decl.fixed))
		return false
	}
	if !td.needCheck {
		return true
	}
	return r.s.checkValue(el, effective, td, func(msg string) { r.report(el, msg) })
}

// textContent concatenates the text children; hasChild reports a child
// element. One text node, the usual case, is read in place: the value is
// borrowed (see borrowString).
func textContent(el *helium.Element) (string, bool) {
	var first []byte
	var buf []byte
	n := 0
	for c := el.FirstChild(); c != nil; c = c.NextSibling() {
		if _, isElem := c.(*helium.Element); isElem {
			return "", true
		}
		b, isText := xmldoc.RawText(c)
		if !isText {
			continue
		}
		if n == 0 {
			first = b
		} else {
			if n == 1 {
				buf = append(buf, first...)
			}
			buf = append(buf, b...)
		}
		n++
	}
	if n > 1 {
		return borrowString(buf), false
	}
	return borrowString(first), false
}

// attrValue returns an attribute's value, borrowed (see borrowString).
// Attribute.Value copies the whole node to the heap and gathers its
// children through two maps; a value is nearly always a single text node,
// read here in place.
func attrValue(a *helium.Attribute) string {
	return borrowString(xmldoc.RawValue(a))
}

// borrowString views b as a string without copying it. b may be the
// document's own storage (xmldoc.RawText), so such a string is only used during
// the validation call: it is checked, compared, and copied into messages
// (by concatenation or fmt), never kept. The values noted for the ID check
// are dropped when the call ends, and violations copies every raw message,
// so no string leaving the call can share the document's memory.
func borrowString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// ----- attributes ----------------------------------------------------------------

// isSpecial is helium's XSD 1.0 rule: namespace declarations, xsi:* and
// xml:* attributes are skipped here (an xml:* attribute the type declares
// is validated like any other). libxml2's stricter rule for the rest is
// applied afterwards, by the parity pass (attrparity.go), as on the
// helium route.
func isSpecial(a *helium.Attribute) bool {
	p := a.Prefix()
	return p == "xmlns" || (p == "" && a.LocalName() == "xmlns") || a.URI() == xsiNS || a.URI() == xmlNS
}

// findUse returns the attribute use of td named like a, and whether a
// use (possibly prohibited) declares the name at all.
func findUse(td *xtype, a *helium.Attribute) (*attrUse, bool) {
	local, ns := a.LocalName(), a.URI()
	var prohibited bool
	for _, au := range td.attrs {
		if au.name.local == local && au.name.ns == ns {
			if !au.prohibited {
				return au, true
			}
			prohibited = true
		}
	}
	return nil, prohibited
}

// attributes validates el's attributes against td, in document order, then
// the required ones.
func (r *nativeRun) attributes(el *helium.Element, td *xtype) bool {
	ok := true
	for a := xmldoc.FirstAttr(el); a != nil; a = xmldoc.NextAttr(a) {
		if !r.attribute(el, td, a) {
			ok = false
		}
	}
	for _, au := range td.attrs {
		if au.required && !hasAttr(el, au.name) {
			r.report(el, "The attribute '"+au.name.local+"' is required but missing.")
			ok = false
		}
	}
	return ok
}

func hasAttr(el *helium.Element, q qname) bool {
	for a := xmldoc.FirstAttr(el); a != nil; a = xmldoc.NextAttr(a) {
		if a.LocalName() == q.local && a.URI() == q.ns && q.ns != xsiNS {
			return true
		}
	}
	return false
}

// attribute checks one attribute; false after an error.
func (r *nativeRun) attribute(el *helium.Element, td *xtype, a *helium.Attribute) bool {
	au, declared := findUse(td, a)
	if isSpecial(a) && (a.URI() != xmlNS || !declared) {
		return true
	}
	if au != nil {
		return r.declaredAttr(el, a, au)
	}
	if td.anyAttr != nil && td.anyAttr.admits(a.URI()) {
		return r.wildcardAttr(el, a, td.anyAttr)
	}
	r.reportAttr(el, a, "The attribute '"+clarkOfAttr(a)+"' is not allowed.", nil)
	return false
}

func (r *nativeRun) declaredAttr(el *helium.Element, a *helium.Attribute, au *attrUse) bool {
	ok := true
	v := attrValue(a)
	if au.fixed != nil && !r.s.fixedMatches(el, v, *au.fixed, au.typ) {
		r.reportAttr(el, a, fmt.Sprintf("The value '%s' does not match the fixed value constraint '%s'.", v, *au.fixed), nil)
		ok = false
	}
	if au.typ != nil && au.typ.needCheck && !r.s.checkValue(el, v, au.typ, nil) {
		r.reportAttr(el, a, fmt.Sprintf("The value '%s' is not valid for the type of attribute '%s'.", v, clarkOfAttr(a)), au.typ)
		ok = false
	}
	r.noteAttrID(el, a, au.typ, v)
	return ok
}

// wildcardAttr assesses an attribute admitted by an attribute wildcard.
func (r *nativeRun) wildcardAttr(el *helium.Element, a *helium.Attribute, wc *wildcard) bool {
	if wc.process == processSkip {
		return true
	}
	global := r.s.attributes[qname{a.URI(), a.LocalName()}]
	if global == nil {
		if wc.process == processStrict {
			r.reportAttr(el, a, "No matching global attribute declaration available, but demanded by the strict wildcard.", nil)
			return false
		}
		return true
	}
	v := attrValue(a)
	if global.fixed != nil && !r.s.fixedMatches(el, v, *global.fixed, global.typ) {
		r.reportAttr(el, a, fmt.Sprintf("The value '%s' does not match the fixed value constraint '%s'.", v, *global.fixed), nil)
		return false
	}
	if global.typ != nil && global.typ.needCheck && !r.s.checkValue(el, v, global.typ, nil) {
		r.reportAttr(el, a, fmt.Sprintf("'%s' is not a valid value of the atomic type '%s'.", strings.TrimSpace(v), typeDisplay(global.typ)), nil)
		return false
	}
	r.noteAttrID(el, a, global.typ, v)
	return true
}

// ----- lax and strict wildcards --------------------------------------------------

// globalElement is the global declaration of el's name. Out of line: the
// map look-up's temporaries would enlarge the frames of the recursive walk.
//
//go:noinline
func (s *nativeSchema) globalElement(el *helium.Element) *elemDecl {
	return s.elements[qname{el.URI(), el.LocalName()}]
}

// wildcardChild assesses an element a lax or strict wildcard admitted.
func (r *nativeRun) wildcardChild(wc *wildcard, el *helium.Element) bool {
	decl := r.s.globalElement(el)
	if decl != nil {
		return r.declared(el, decl)
	}
	if wc.process == processStrict {
		td, ok := r.undeclaredType(el)
		switch {
		case !ok:
			return false
		case td != nil:
			return r.undeclaredWithType(el, td)
		}
		r.report(el, "No matching global declaration available, but demanded by the strict wildcard.")
		return false
	}
	return r.assessLax(el)
}

// assessLax assesses an undeclared element laxly: against the type its
// xsi:type names, else as xs:anyType, whose attribute wildcard and content
// are lax too. helium does not look at such an element's attributes;
// libxml2 does (a declared global attribute must then be valid).
func (r *nativeRun) assessLax(el *helium.Element) bool {
	td, ok := r.undeclaredType(el)
	switch {
	case !ok:
		return false
	case td != nil:
		return r.undeclaredWithType(el, td)
	case !r.s.heliumQuirks && !r.attributes(el, r.s.anyType):
		return false
	}
	for c := el.FirstChild(); c != nil; c = c.NextSibling() {
		ce, isElem := c.(*helium.Element)
		if !isElem {
			continue
		}
		decl := r.s.globalElement(ce)
		var good bool
		if decl == nil {
			good = r.assessLax(ce)
		} else {
			good = r.declared(ce, decl)
		}
		ok = ok && good
	}
	return ok
}
