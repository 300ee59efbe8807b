package xmlschema

import (
	"sort"
	"strconv"
	"strings"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Turning the native engine's raw diagnostics into violations, the same way
// describe (messages.go) turns helium's; the document-wide ID check; and
// libxml2's rule for xsi:* and xml:* attributes (attrparity.go).

// violations rephrases the raw errors, in the order they were found.
func (r *nativeRun) violations() []Violation {
	if len(r.errs) == 0 {
		return nil
	}
	out := make([]Violation, 0, len(r.errs))
	for _, e := range r.errs {
		// A message may quote a borrowed value (borrowString); make sure
		// no part of it shares the document's memory.
		e.msg = strings.Clone(e.msg)
		out = append(out, r.s.describe(e))
	}
	return out
}

func (s *nativeSchema) describe(e rawError) Violation {
	v := Violation{Line: e.el.Line(), Path: elementPath(e.el, s.names)}
	msg := s.names.shorten(e.msg)
	switch msg {
	case msgNotExpected:
		if parent, ok := e.el.Parent().(*helium.Element); ok {
			msg = withExpected(msg, s.expectedNames(e.expect, parent, e.el))
		}
	case msgMissingChild:
		msg = withExpected(msg, s.expectedNames(e.expect, e.el, nil))
	}
	v.Message = rephrase(s.names.qualify(e.el.URI(), e.el.LocalName()), s.names.shorten(e.attr), msg)
	if e.attr != "" && reBadAttrValue.MatchString(e.msg) {
		if text := s.typeText(e.attrType); text != "" {
			v.Message += "; expected " + text
		}
	}
	return v
}

// withExpected adds a list of expected names to a content model message.
func withExpected(msg string, names []string) string {
	switch len(names) {
	case 0:
		return msg
	case 1:
		return msg + " Expected is ( " + names[0] + " )."
	}
	return msg + " Expected is one of ( " + strings.Join(names, ", ") + " )."
}

// typeText describes a simple type for a user (Schema.typeText's rules).
func (s *nativeSchema) typeText(t *xtype) string {
	for cur := t; cur != nil; cur = cur.base {
		if cur.facets != nil && len(cur.facets.enum) > 0 {
			return enumerationText(cur.facets.enum)
		}
		if cur.name.local != "" && cur.name.local != "anySimpleType" {
			return "a value of type " + s.names.qualify(cur.name.ns, cur.name.local)
		}
		if cur.variety == vUnion && len(cur.members) > 0 {
			var alts []string
			for _, m := range cur.members {
				if text := s.typeText(m); text != "" {
					alts = append(alts, text)
				}
			}
			return strings.Join(alts, " or ")
		}
	}
	return ""
}

// expectedNames lists what t's content model allows after the element
// children of parent before stop (all of them when stop is nil); nil when
// those children already broke the model.
func (s *nativeSchema) expectedNames(t *xtype, parent, stop *helium.Element) []string {
	if t == nil || t.model == nil || isAnyTypeX(t) {
		return nil
	}
	r := fromNativeGroup(s.contentModel(t))
	match := func(sym cmSym, el *helium.Element) bool {
		if sym.nwc != nil {
			return sym.nwc.admits(el.URI())
		}
		return sym.ndecl.name.local == el.LocalName() && sym.ndecl.name.ns == el.URI()
	}
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		el, ok := c.(*helium.Element)
		if !ok {
			continue
		}
		if el == stop {
			break
		}
		if r = derive(r, el, match); isFail(r) {
			return nil
		}
	}
	var syms []cmSym
	first(r, &syms)
	seen := map[string]bool{}
	var names []string
	for _, sym := range syms {
		name := ""
		if sym.ndecl != nil {
			name = s.names.qualify(sym.ndecl.name.ns, sym.ndecl.name.local)
		} else {
			name = wildcardNameFor(sym.nwc.text)
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

// ----- IDs -------------------------------------------------------------------------

// noteAttrID records the ID/IDREF values of an assessed attribute.
func (r *nativeRun) noteAttrID(el *helium.Element, a *helium.Attribute, t *xtype, v string) {
	if t != nil && t.idKind != idNone {
		r.ids = append(r.ids, idUse{el: el, attr: clarkOfAttr(a), value: v, typ: t})
	}
}

// noteContentID records the ID/IDREF value of an element of simple type;
// a nilled element has none.
func (r *nativeRun) noteContentID(el *helium.Element, decl *elemDecl, td *xtype) {
	if td.idKind == idNone || (td.complex && td.content != contentSimple) {
		return
	}
	value, hasChild := textContent(el)
	if hasChild {
		return
	}
	if decl != nil && decl.nillable {
		if a := xsiAttr(el, "nil"); a != nil && boolValue(normalizeWS(attrValue(a), wsCollapse)) == "true" {
			return
		}
	}
	if value == "" && decl != nil {
		if decl.fixed != nil {
			value = *decl.fixed
		} else if decl.def != nil {
			value = *decl.def
		}
	}
	r.ids = append(r.ids, idUse{el: el, value: value, typ: td})
}

// checkIDs applies the document-wide rules: IDs are unique, an element
// has at most one ID attribute (XSD 1.0), IDREFs point at IDs.
func (r *nativeRun) checkIDs() {
	if len(r.ids) == 0 {
		return
	}
	ids := map[string]bool{}
	var refs []idUse
	for i := 0; i < len(r.ids); {
		el := r.ids[i].el
		idAttrs := 0
		for ; i < len(r.ids) && r.ids[i].el == el; i++ {
			u := r.ids[i]
			if r.collectID(u, u.typ, u.value, ids, &refs) && u.attr != "" {
				idAttrs++
			}
		}
		if idAttrs > 1 {
			r.report(el, "An element may have at most one attribute of type ID.")
		}
	}
	for _, u := range refs {
		// libxml2 checks IDREF values lexically only: it never reports an
		// IDREF that matches no ID. helium does.
		if ids[u.value] || !r.s.heliumQuirks {
			continue
		}
		if u.attr != "" {
			r.report(u.el, "There is no ID/IDREF binding for the IDREF '"+u.value+"' (attribute '"+u.attr+"').")
		} else {
			r.report(u.el, "There is no ID/IDREF binding for the IDREF '"+u.value+"'.")
		}
	}
}

// collectID walks a value down to its ID and IDREF atoms; it reports
// whether one was an ID.
func (r *nativeRun) collectID(u idUse, t *xtype, raw string, ids map[string]bool, refs *[]idUse) bool {
	switch t.variety {
	case vList:
		hasID := false
		for _, f := range xsdFields(raw) {
			hasID = r.collectID(u, t.item, f, ids, refs) || hasID
		}
		return hasID
	case vUnion:
		if m := r.s.activeMember(u.el, raw, t); m != nil {
			return r.collectID(u, m, raw, ids, refs)
		}
		return false
	}
	v := normalizeWS(raw, wsCollapse)
	switch idKindOf(t) {
	case idID:
		r.recordID(u, v, ids)
		return true
	case idIDREF:
		if v != "" {
			*refs = append(*refs, idUse{el: u.el, attr: u.attr, value: v})
		}
	case idIDREFS:
		for _, f := range xsdFields(raw) {
			*refs = append(*refs, idUse{el: u.el, attr: u.attr, value: f})
		}
	}
	return false
}

func (r *nativeRun) recordID(u idUse, v string, ids map[string]bool) {
	if v == "" {
		return
	}
	if u.attr == "" {
		if _, hasParent := u.el.Parent().(*helium.Element); !hasParent {
			return // an element-content ID on the root identifies no element
		}
	}
	if !ids[v] {
		ids[v] = true
		return
	}
	if u.attr != "" {
		r.report(u.el, "Duplicate key-sequence; the ID value '"+v+"' (attribute '"+u.attr+"') is already defined elsewhere in the document.")
	} else {
		r.report(u.el, "Duplicate key-sequence; the ID value '"+v+"' is already defined elsewhere in the document.")
	}
}

// ----- xsi:* and xml:* attributes as libxml2 checks them ---------------------------

// withParity adds the violations libxml2 reports for xsi:* and undeclared
// xml:* attributes when the root is declared, exactly as Schema.Validate
// does on the helium route: a document with such attributes gets its
// violations sorted by line, one without keeps the order they were found.
func (r *nativeRun) withParity(doc *helium.Document, out []Violation, rootDeclared bool) []Violation {
	s := r.s
	r.flagged = appendParityElements(r.flagged[:0], doc)
	flagged := r.flagged
	if len(flagged) == 0 {
		return out
	}
	if rootDeclared {
		if r.memo == nil {
			r.memo = map[*helium.Element]nresolved{}
		}
		pr := &nativeResolver{s: s, memo: r.memo}
		for _, el := range flagged {
			if td, assessed := pr.governing(el); assessed && td != nil {
				out = append(out, s.parityViolations(el, td)...)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	if len(out) == 0 {
		return nil
	}
	return out
}

// parityViolations is parityChecker.checkAttrs for the native schema.
func (s *nativeSchema) parityViolations(el *helium.Element, td *xtype) []Violation {
	var out []Violation
	elName := s.names.qualify(el.URI(), el.LocalName())
	add := func(msg string) {
		out = append(out, Violation{Line: el.Line(), Message: msg, Path: elementPath(el, s.names)})
	}
	for a := xmldoc.FirstAttr(el); a != nil; a = xmldoc.NextAttr(a) {
		if !needsParity(a) {
			continue
		}
		if td.complex {
			if au, _ := findUse(td, a); au != nil {
				continue
			}
		}
		name := s.names.qualify(a.URI(), a.LocalName())
		wc := td.anyAttr
		if !td.complex || wc == nil || !wc.admits(a.URI()) {
			add("attribute " + name + " is not allowed on element " + elName)
			continue
		}
		if wc.process == processSkip {
			continue
		}
		global := s.attributes[qname{a.URI(), a.LocalName()}]
		switch {
		case global == nil && wc.process == processStrict:
			add("attribute " + name + " of element " + elName + " is not declared, but the strict attribute wildcard demands a declaration")
		case global != nil && global.typ != nil && !s.checkValue(el, attrValue(a), global.typ, nil):
			add("attribute " + name + " of element " + elName + ": the value " + strconv.Quote(attrValue(a)) + " is not allowed")
		}
	}
	return out
}

// nativeResolver is typeResolver (typeinfo.go) for the native schema: the
// type a validator gives an element, worked out from its ancestors.
type nativeResolver struct {
	s    *nativeSchema
	memo map[*helium.Element]nresolved
}

type nresolved struct {
	td       *xtype
	assessed bool
}

func (pr *nativeResolver) governing(el *helium.Element) (*xtype, bool) {
	if r, ok := pr.memo[el]; ok {
		return r.td, r.assessed
	}
	var r nresolved
	if parent, ok := el.Parent().(*helium.Element); ok {
		ptd, passessed := pr.governing(parent)
		r.td, r.assessed = pr.childType(ptd, passessed, el)
	} else {
		r.td, r.assessed = pr.laxType(el), true
	}
	pr.memo[el] = r
	return r.td, r.assessed
}

func (pr *nativeResolver) childType(td *xtype, assessed bool, child *helium.Element) (*xtype, bool) {
	switch {
	case !assessed:
		return nil, false
	case td == nil || isAnyTypeX(td):
		return pr.laxType(child), true
	case !td.complex || td.model == nil:
		return nil, true
	}
	if decl := td.childIdx[qname{child.URI(), child.LocalName()}]; decl != nil {
		return pr.withXsiType(child, decl.typ), true
	}
	for _, wc := range td.childWild {
		if !wc.admits(child.URI()) {
			continue
		}
		if wc.process == processSkip {
			return nil, false
		}
		return pr.laxType(child), true
	}
	return nil, true
}

// laxType is the type lax assessment gives el. Without declaration or
// xsi:type, libxml2 assesses it as xs:anyType (so its xml:* attributes are
// checked against the global declarations); helium leaves it untyped.
func (pr *nativeResolver) laxType(el *helium.Element) *xtype {
	var td *xtype
	if decl := pr.s.elements[qname{el.URI(), el.LocalName()}]; decl != nil {
		td = decl.typ
	} else if !pr.s.heliumQuirks {
		td = pr.s.anyType
	}
	return pr.withXsiType(el, td)
}

// withXsiType applies a resolvable xsi:type, like typeResolver.withXsiType.
func (pr *nativeResolver) withXsiType(el *helium.Element, td *xtype) *xtype {
	uri, local, ok := xsiTypeName(el)
	if !ok {
		return td
	}
	if named := pr.s.types[qname{uri, local}]; named != nil {
		return named
	}
	return td
}
