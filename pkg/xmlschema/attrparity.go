package xmlschema

import (
	"context"
	"strconv"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xsd"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// This file closes the one gap we found between helium's XSD 1.0 mode and
// libxml2 (xmllint), whose verdicts we must reproduce.
//
// helium 1.0 admits every attribute in the xsi: namespace and every
// undeclared attribute in the xml: namespace on any element. libxml2 admits
// only the four processor attributes (xsi:type, xsi:nil, xsi:schemaLocation,
// xsi:noNamespaceSchemaLocation) unconditionally; any other xsi:* or xml:*
// attribute must be declared by the element's type or matched by its
// attribute wildcard, like any other attribute. The official EDM v1.2
// examples carry xsi:lang where xml:lang is meant, which xmllint rejects.
//
// So, after helium, a cheap scan finds the elements that carry such an
// attribute; for each we work out its governing type from the compiled
// schema (typeinfo.go) and check the attribute as libxml2 would.

const (
	xsiNS = "http://www.w3.org/2001/XMLSchema-instance"
	xmlNS = "http://www.w3.org/XML/1998/namespace"
)

// isProcessorAttr reports xsi:type, xsi:nil, xsi:schemaLocation and
// xsi:noNamespaceSchemaLocation.
func isProcessorAttr(a *helium.Attribute) bool {
	if a.URI() != xsiNS {
		return false
	}
	switch a.LocalName() {
	case "type", "nil", "schemaLocation", "noNamespaceSchemaLocation":
		return true
	}
	return false
}

// needsParity reports an attribute helium admits without looking at it.
func needsParity(a *helium.Attribute) bool {
	uri := a.URI()
	return (uri == xsiNS && !isProcessorAttr(a)) || uri == xmlNS
}

// parityElements is the cheap pre-scan: the elements carrying such an
// attribute, in document order. Most documents have none or a few (OOTS
// messages use xml:lang on localized strings).
func parityElements(doc *helium.Document) []*helium.Element {
	return appendParityElements(nil, doc)
}

// appendParityElements appends the pre-scan's elements to out. It walks
// the tree in a loop rather than by recursion: it visits every element of
// every document validated.
func appendParityElements(out []*helium.Element, doc *helium.Document) []*helium.Element {
	top := helium.Node(doc)
	n := doc.FirstChild()
	for n != nil {
		if el, ok := n.(*helium.Element); ok {
			if hasParityAttr(el) {
				out = append(out, el)
			}
			if c := el.FirstChild(); c != nil {
				n = c
				continue
			}
		}
		n = nextInDocument(n, top)
	}
	return out
}

// nextInDocument is the node after n's subtree in document order, within
// top; nil at the end.
func nextInDocument(n, top helium.Node) helium.Node {
	for n != nil && n != top {
		if next := n.NextSibling(); next != nil {
			return next
		}
		n = n.Parent()
	}
	return nil
}

func hasParityAttr(el *helium.Element) bool {
	for a := xmldoc.FirstAttr(el); a != nil; a = xmldoc.NextAttr(a) {
		if needsParity(a) {
			return true
		}
	}
	return false
}

// parityChecker checks the flagged elements of one document.
type parityChecker struct {
	*typeResolver
	ctx   context.Context
	names prefixTable
	out   []Violation
}

// attributeParity returns the violations libxml2 reports and helium does
// not, for the flagged elements.
func (s *Schema) attributeParity(ctx context.Context, doc *helium.Document, flagged []*helium.Element, rs *typeResolver) []Violation {
	root := doc.DocumentElement()
	if _, ok := s.compiled.LookupElement(root.LocalName(), root.URI()); !ok {
		return nil // helium already reported the undeclared root
	}
	pc := &parityChecker{typeResolver: rs, ctx: ctx, names: s.names}
	for _, el := range flagged {
		if td, assessed := pc.governing(el); assessed && td != nil {
			pc.checkAttrs(el, td)
		}
	}
	return pc.out
}

// checkAttrs applies libxml2's rule to the xsi:/xml: attributes of el.
func (pc *parityChecker) checkAttrs(el *helium.Element, td *xsd.TypeDef) {
	for _, a := range el.Attributes() {
		if !needsParity(a) || declaresAttr(td, a) {
			continue
		}
		wc := td.AnyAttribute
		if !td.IsComplex || wc == nil || !wildcardAdmits(wc, a.URI()) {
			pc.report(el, "attribute "+pc.names.qualify(a.URI(), a.LocalName())+" is not allowed on element "+pc.names.qualify(el.URI(), el.LocalName()))
			continue
		}
		if wc.ProcessContents != xsd.ProcessSkip {
			pc.checkWildcardAttr(el, a, wc)
		}
	}
}

// declaresAttr reports a non-prohibited attribute use for a. helium has
// already validated the value of such an attribute.
func declaresAttr(td *xsd.TypeDef, a *helium.Attribute) bool {
	if !td.IsComplex {
		return false
	}
	for _, au := range td.Attributes {
		if !au.Prohibited && au.Name.Local == a.LocalName() && au.Name.NS == a.URI() {
			return true
		}
	}
	return false
}

// checkWildcardAttr validates an attribute a lax or strict attribute
// wildcard admitted, against its global declaration when there is one.
func (pc *parityChecker) checkWildcardAttr(el *helium.Element, a *helium.Attribute, wc *xsd.Wildcard) {
	name := pc.names.qualify(a.URI(), a.LocalName())
	elName := pc.names.qualify(el.URI(), el.LocalName())
	global, ok := pc.schema.LookupAttribute(a.LocalName(), a.URI())
	if !ok {
		if wc.ProcessContents == xsd.ProcessStrict {
			pc.report(el, "attribute "+name+" of element "+elName+" is not declared, but the strict attribute wildcard demands a declaration")
		}
		return
	}
	td := global.Type
	if td == nil && global.TypeName.Local != "" {
		td, _ = pc.schema.LookupType(global.TypeName.Local, global.TypeName.NS)
	}
	if td == nil {
		return
	}
	if err := td.Validate(pc.ctx, a.Value(), inScopeNamespaces(el)); err != nil {
		pc.report(el, "attribute "+name+" of element "+elName+": the value "+strconv.Quote(a.Value())+" is not allowed")
	}
}

func (pc *parityChecker) report(el *helium.Element, msg string) {
	pc.out = append(pc.out, Violation{Line: el.Line(), Message: msg, Path: elementPath(el, pc.names)})
}

// inScopeNamespaces maps prefixes to URIs as seen from el.
func inScopeNamespaces(el *helium.Element) map[string]string {
	m := map[string]string{}
	for cur := el; cur != nil; {
		for _, ns := range cur.Namespaces() {
			if _, seen := m[ns.Prefix()]; !seen {
				m[ns.Prefix()] = ns.URI()
			}
		}
		parent, ok := helium.AsNode[*helium.Element](cur.Parent())
		if !ok {
			break
		}
		cur = parent
	}
	return m
}
