package xmlschema

import "regexp"

// The native engine validates documents directly against the structure model:
// no XSD text is generated and nothing is compiled by helium. This file holds
// the compiled components; native_build*.go builds them from the model,
// native_validate.go and native_content.go walk documents against them.
//
// The engine reproduces the verdicts of xmllint (libxml2), and, so that both
// embedded routes report alike, the diagnostics helium gives for the
// generated XSD: the raw messages are libxml2-style texts that messages.go
// rephrases, exactly as for helium.

// qname is an expanded name.
type qname struct {
	ns, local string
}

// unbounded is the max of a particle without an upper limit.
const unbounded = -1

// variety of a simple type.
type variety uint8

const (
	vAtomic variety = iota
	vList
	vUnion
)

// contentKind of a complex type.
type contentKind uint8

const (
	contentEmpty contentKind = iota
	contentSimple
	contentElements
	contentMixed
)

// wsMode is the whiteSpace facet.
type wsMode uint8

const (
	wsPreserve wsMode = iota
	wsReplace
	wsCollapse
)

// xtype is a type definition, simple or complex. Built-in types are xtypes
// too, chained by restriction as XSD Part 2 derives them, so derivation
// checks (xsi:type) and facet collection are plain walks up base.
type xtype struct {
	name  qname // zero for an anonymous type
	base  *xtype
	ext   bool // derived from base by extension (else restriction)
	block bool // the namespace says block=#all: no xsi:type substitution

	complex  bool
	abstract bool

	// Simple types, and the value side of simple content.
	variety variety
	facets  *facets
	item    *xtype   // list
	members []*xtype // union, in helium's order (anonymous first)
	// Derived once at build time from the chain, so validation never walks it.
	builtin   string // local name of the nearest built-in in the chain
	ws        wsMode
	needCheck bool // the value can be invalid (see simpleContentNeedsValidation)
	normFirst bool // libxml2 normalizes whitespace before parsing (pattern or enumeration in the chain)
	idKind    idKind

	// Complex types.
	content   contentKind
	model     *group
	lenient   *group // model as libxml2 matches it (native_libxml2.go)
	attrs     []*attrUse
	anyAttr   *wildcard
	childIdx  map[qname]*elemDecl // first declaration per child name (typeinfo)
	childWild []*wildcard
}

// idKind says whether values of a type take part in ID/IDREF checking.
type idKind uint8

const (
	idNone idKind = iota
	idID
	idIDREF
	idIDREFS
	idMixed // a list or union that may contain ID/IDREF values
)

// facets of one restriction step.
type facets struct {
	enum           []string
	enumQ          []qname // enumerated QNames, resolved with the model's prefixes
	patterns       []string
	regexps        []*regexp.Regexp
	length         *int
	minLength      *int
	maxLength      *int
	totalDigits    *int
	fractionDigits *int
	minInclusive   *string
	maxInclusive   *string
	minExclusive   *string
	maxExclusive   *string
	whiteSpace     *wsMode
}

// elemDecl is an element declaration, global or local.
type elemDecl struct {
	name     qname
	typ      *xtype
	abstract bool
	nillable bool
	block    bool // block=#all from the declaring namespace
	def      *string
	fixed    *string
}

// attrUse is an attribute use (or a global attribute declaration).
type attrUse struct {
	name       qname
	typ        *xtype // nil: xs:anySimpleType, anything goes
	required   bool
	prohibited bool
	def        *string
	fixed      *string
}

// processMode is processContents.
type processMode uint8

const (
	processStrict processMode = iota
	processLax
	processSkip
)

// wildcard is an element or attribute wildcard.
type wildcard struct {
	any     bool     // ##any
	other   bool     // ##other: any namespace but tns and no namespace
	list    []string // the admitted namespaces ("" for ##local)
	tns     string
	process processMode
	text    string // the namespace constraint as the generated XSD spells it
}

// admits is the XSD 1.0 namespace constraint test.
func (w *wildcard) admits(ns string) bool {
	switch {
	case w.any:
		return true
	case w.other:
		return ns != "" && ns != w.tns
	}
	for _, u := range w.list {
		if u == ns {
			return true
		}
	}
	return false
}

// group is a model group: a sequence or a choice.
type group struct {
	choice      bool
	min, max    int
	parts       []*particle
	hasWildcard bool // a direct wildcard particle (changes a helium message)
}

// particle is one term of a group with its occurrence range.
type particle struct {
	min, max int
	elem     *elemDecl
	wc       *wildcard
	group    *group
}

// nativeSchema is the compiled structure model of one entry point.
type nativeSchema struct {
	entry      string
	elements   map[qname]*elemDecl
	attributes map[qname]*attrUse
	types      map[qname]*xtype
	anyType    *xtype
	names      prefixTable
	// heliumQuirks makes the engine follow helium where helium departs
	// from libxml2 (xsi:type values, IDREFs, see native_validate.go and
	// native_report.go). Only the tests set it, to compare the engines
	// exactly; the default is libxml2's behaviour.
	heliumQuirks bool
}

// contentModel is the model the engine matches: libxml2's reading of it,
// or the schema's own with heliumQuirks.
func (s *nativeSchema) contentModel(t *xtype) *group {
	if s.heliumQuirks {
		return t.model
	}
	return t.lenient
}

// finishSimple derives, once, what validating a value of t needs from its
// whole base chain: the variety (a restriction of a union is a union), the
// nearest built-in, the whiteSpace facet, the facet steps and the ID role.
// It also serves complex types with simple content, whose chain reaches a
// simple type.
func finishSimple(t *xtype) {
	for cur := t; cur != nil; cur = cur.base {
		if t.variety == vAtomic && cur.variety != vAtomic {
			t.variety, t.item, t.members = cur.variety, cur.item, cur.members
		}
		if t.builtin == "" && cur.name.ns == xsdNS && !cur.complex {
			t.builtin = cur.name.local
		}
	}
	t.ws = chainWhiteSpace(t)
	t.needCheck = t.variety != vAtomic || (t.builtin != "string" && t.builtin != "anySimpleType" && t.builtin != "")
	for cur := t; cur != nil; cur = cur.base {
		if f := cur.facets; f != nil {
			t.needCheck = true
			t.normFirst = t.normFirst || len(f.enum) > 0 || len(f.patterns) > 0
		}
	}
	t.idKind = idKindOf(t)
}

// chainWhiteSpace is helium's resolveWhiteSpace: the first explicit facet up
// the chain, else the default of the nearest built-in; a list collapses.
func chainWhiteSpace(t *xtype) wsMode {
	if t.variety == vList {
		return wsCollapse
	}
	for cur := t; cur != nil; cur = cur.base {
		if cur.facets != nil && cur.facets.whiteSpace != nil {
			return *cur.facets.whiteSpace
		}
		if cur.name.ns == xsdNS && !cur.complex {
			return builtinWhiteSpace(cur.name.local)
		}
	}
	return wsCollapse
}

func idKindOf(t *xtype) idKind {
	switch t.variety {
	case vList:
		if t.item != nil && t.item.idKind != idNone {
			return idMixed
		}
		return idNone
	case vUnion:
		for _, m := range t.members {
			if m.idKind != idNone {
				return idMixed
			}
		}
		return idNone
	}
	switch t.builtin {
	case "ID":
		return idID
	case "IDREF":
		return idIDREF
	case "IDREFS":
		return idIDREFS
	}
	return idNone
}
