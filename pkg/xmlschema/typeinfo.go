package xmlschema

import (
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xsd"
)

// typeResolver works out which type governs an element, the way a
// validator assigns it: the root's global declaration, then for each child
// the declaration its parent's content model gives it (or a wildcard's
// global lookup), with xsi:type applied on top. helium does not expose the
// types it assigned, and two features need them: the attribute check of
// attrparity.go and the "expected" lists of messages.
type typeResolver struct {
	schema *xsd.Schema
}

// governing returns the type of el and whether el was assessed at all
// (false inside content a skip wildcard hides). td is nil when el has no
// declaration and was assessed laxly.
func (pc *typeResolver) governing(el *helium.Element) (td *xsd.TypeDef, assessed bool) {
	parent, ok := helium.AsNode[*helium.Element](el.Parent())
	if !ok {
		return pc.laxType(el), true
	}
	ptd, passessed := pc.governing(parent)
	return pc.childType(ptd, passessed, el)
}

// childType finds the governing type of child inside a parent of type td.
// The second result is false for content a skip wildcard hides.
func (pc *typeResolver) childType(td *xsd.TypeDef, assessed bool, child *helium.Element) (*xsd.TypeDef, bool) {
	if !assessed {
		return nil, false
	}
	if td == nil || isAnyType(td) {
		return pc.laxType(child), true
	}
	if td.ContentModel == nil {
		return nil, true
	}
	if decl := pc.findDecl(td.ContentModel, child); decl != nil {
		return pc.withXsiType(child, pc.declType(decl)), true
	}
	if wc := findWildcard(td.ContentModel, child.URI()); wc != nil {
		if wc.ProcessContents == xsd.ProcessSkip {
			return nil, false
		}
		return pc.laxType(child), true
	}
	return nil, true // not allowed here: helium has reported it
}

// laxType is the type a lax assessment gives child: its global declaration,
// or the type its xsi:type names, or none.
func (pc *typeResolver) laxType(child *helium.Element) *xsd.TypeDef {
	var td *xsd.TypeDef
	if decl, ok := pc.schema.LookupElement(child.LocalName(), child.URI()); ok {
		td = pc.declType(decl)
	}
	return pc.withXsiType(child, td)
}

func (pc *typeResolver) declType(decl *xsd.ElementDecl) *xsd.TypeDef {
	if decl.Type == nil && decl.IsRef {
		if global, ok := pc.schema.LookupElement(decl.Name.Local, decl.Name.NS); ok {
			return global.Type
		}
	}
	return decl.Type
}

// withXsiType applies an xsi:type on el; an unresolvable one leaves td
// (helium reports that error itself).
func (pc *typeResolver) withXsiType(el *helium.Element, td *xsd.TypeDef) *xsd.TypeDef {
	val, ok := el.GetAttributeNS("type", xsiNS)
	if !ok {
		return td
	}
	prefix, local, found := strings.Cut(strings.TrimSpace(val), ":")
	if !found {
		prefix, local = "", prefix
	}
	uri := ""
	if ns := helium.LookupNSByPrefix(el, prefix); ns != nil {
		uri = ns.URI()
	} else if prefix != "" {
		return td
	}
	if named, ok := pc.schema.LookupType(local, uri); ok {
		return named
	}
	return td
}

// findDecl searches a content model for the element declaration that
// matches child. XSD's "element declarations consistent" rule guarantees
// that all same-named declarations in one content model share a type, so
// the first match is the one.
func (pc *typeResolver) findDecl(mg *xsd.ModelGroup, child *helium.Element) *xsd.ElementDecl {
	for _, p := range mg.Particles {
		switch term := p.Term.(type) {
		case *xsd.ElementDecl:
			if term.Name.Local == child.LocalName() && term.Name.NS == child.URI() {
				return term
			}
			for _, m := range pc.schema.SubstGroupMembers(term.Name) {
				if m.Name.Local == child.LocalName() && m.Name.NS == child.URI() {
					return m
				}
			}
		case *xsd.ModelGroup:
			if d := pc.findDecl(term, child); d != nil {
				return d
			}
		}
	}
	return nil
}

func findWildcard(mg *xsd.ModelGroup, ns string) *xsd.Wildcard {
	for _, p := range mg.Particles {
		switch term := p.Term.(type) {
		case *xsd.Wildcard:
			if wildcardAdmits(term, ns) {
				return term
			}
		case *xsd.ModelGroup:
			if wc := findWildcard(term, ns); wc != nil {
				return wc
			}
		}
	}
	return nil
}

// wildcardAdmits is the XSD 1.0 namespace constraint test.
func wildcardAdmits(wc *xsd.Wildcard, ns string) bool {
	switch wc.Namespace {
	case "", "##any":
		return true
	case "##other":
		return ns != "" && ns != wc.TargetNS
	}
	for _, tok := range strings.Fields(wc.Namespace) {
		switch tok {
		case "##local":
			if ns == "" {
				return true
			}
		case "##targetNamespace":
			if ns == wc.TargetNS {
				return true
			}
		default:
			if ns == tok {
				return true
			}
		}
	}
	return false
}

func isAnyType(td *xsd.TypeDef) bool {
	return td.Name.NS == xsdNS && td.Name.Local == "anyType"
}
