package xmlschema

import (
	"strings"
	"sync"

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
	index  *sync.Map // *xsd.ModelGroup -> *childIndex, shared by the Schema
	memo   map[*helium.Element]resolved
}

type resolved struct {
	td       *xsd.TypeDef
	assessed bool
}

// resolver returns a type resolver for one validation call.
func (s *Schema) resolver() typeResolver {
	return typeResolver{schema: s.compiled, index: &s.childIndexes, memo: map[*helium.Element]resolved{}}
}

// governing returns the type of el and whether el was assessed at all
// (false inside content a skip wildcard hides). td is nil when el has no
// declaration and was assessed laxly. Ancestors are memoized, so resolving
// many elements of one document costs little more than one.
func (pc *typeResolver) governing(el *helium.Element) (*xsd.TypeDef, bool) {
	if r, ok := pc.memo[el]; ok {
		return r.td, r.assessed
	}
	var r resolved
	if parent, ok := el.Parent().(*helium.Element); ok {
		ptd, passessed := pc.governing(parent)
		r.td, r.assessed = pc.childType(ptd, passessed, el)
	} else {
		r.td, r.assessed = pc.laxType(el), true
	}
	if pc.memo != nil {
		pc.memo[el] = r
	}
	return r.td, r.assessed
}

// childIndex is the element declarations and wildcards of one content
// model, flattened; built once per model and cached on the Schema.
type childIndex struct {
	decls     map[xsd.QName]*xsd.ElementDecl
	wildcards []*xsd.Wildcard
}

func (pc *typeResolver) indexOf(mg *xsd.ModelGroup) *childIndex {
	if pc.index != nil {
		if ci, ok := pc.index.Load(mg); ok {
			return ci.(*childIndex)
		}
	}
	ci := &childIndex{decls: map[xsd.QName]*xsd.ElementDecl{}}
	pc.collect(mg, ci)
	if pc.index != nil {
		pc.index.Store(mg, ci)
	}
	return ci
}

// collect fills ci. XSD's "element declarations consistent" rule
// guarantees that same-named declarations in one content model share a
// type, so keeping the first is enough.
func (pc *typeResolver) collect(mg *xsd.ModelGroup, ci *childIndex) {
	for _, p := range mg.Particles {
		switch term := p.Term.(type) {
		case *xsd.ElementDecl:
			addDecl(ci, term.Name, term)
			for _, m := range pc.schema.SubstGroupMembers(term.Name) {
				addDecl(ci, m.Name, m)
			}
		case *xsd.Wildcard:
			ci.wildcards = append(ci.wildcards, term)
		case *xsd.ModelGroup:
			pc.collect(term, ci)
		}
	}
}

func addDecl(ci *childIndex, qn xsd.QName, d *xsd.ElementDecl) {
	if _, seen := ci.decls[qn]; !seen {
		ci.decls[qn] = d
	}
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
	ci := pc.indexOf(td.ContentModel)
	if decl := ci.decls[xsd.QName{Local: child.LocalName(), NS: child.URI()}]; decl != nil {
		return pc.withXsiType(child, pc.declType(decl)), true
	}
	for _, wc := range ci.wildcards {
		if !wildcardAdmits(wc, child.URI()) {
			continue
		}
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
	uri, local, ok := xsiTypeName(el)
	if !ok {
		return td
	}
	if named, ok := pc.schema.LookupType(local, uri); ok {
		return named
	}
	return td
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

// xsiTypeName resolves the QName of el's xsi:type attribute; ok is false when
// there is none or its prefix is not declared.
// local is borrowed from the document (attrValue): callers look it up and
// do not keep it.
func xsiTypeName(el *helium.Element) (uri, local string, ok bool) {
	a := xsiAttr(el, "type")
	if a == nil {
		return "", "", false
	}
	prefix, local, found := strings.Cut(strings.TrimSpace(attrValue(a)), ":")
	if !found {
		prefix, local = "", prefix
	}
	if uri, bound := lookupPrefix(el, prefix); bound {
		return uri, local, true
	}
	return "", local, prefix == ""
}
