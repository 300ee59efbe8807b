package xmlschema

import (
	"strconv"
	"strings"
)

// Complex types, elements, attributes and attribute groups of the native
// schema, with the meaning generate_complex.go writes into XSD.

// namedComplexType fills t from "type <p:Name> [abstract] [mixed] [extends <base>]".
func (b *nativeBuilder) namedComplexType(st *stmt, t *xtype, ns *modelNS) error {
	ws, err := splitWords(st, st.args[1:], typeFlags)
	if err != nil {
		return err
	}
	if len(ws.rest) > 0 || ws.occurs != "" {
		return st.errorf("unexpected words: %s", strings.Join(append(ws.rest, ws.occurs), " "))
	}
	if err := noOptions(st); err != nil {
		return err
	}
	t.abstract = ws.flags["abstract"]
	return b.complexType(st, t, ns, ws.flags["mixed"], ws.extends)
}

// complexType fills t with the content st's body describes, on its own or
// added to base.
func (b *nativeBuilder) complexType(st *stmt, t *xtype, ns *modelNS, mixed bool, base string) error {
	t.complex = true
	b.complexTypes = append(b.complexTypes, builtComplex{t, st})
	particles, attrStmts, err := splitBody(st)
	if err != nil {
		return err
	}
	own, err := b.particleGroup(particles, ns)
	if err != nil {
		return err
	}
	uses, wc, err := b.attributes(attrStmts, ns)
	if err != nil {
		return err
	}
	if base == "" {
		t.base, t.model, t.attrs, t.anyAttr = builtins()["anyType"], own, uses, wc
		t.content = contentOf(own, mixed, contentEmpty)
		b.indexChildren(t)
		return nil
	}
	if err := b.extend(st, t, base, own, len(particles) > 0, mixed); err != nil {
		return err
	}
	if t.attrs, err = mergeUses(st, t.base, uses); err != nil {
		return err
	}
	if t.anyAttr, err = extensionWildcard(st, t.base.anyAttr, wc); err != nil {
		return err
	}
	b.indexChildren(t)
	return nil
}

// extend derives t from base by extension: text content plus attributes
// when base is simple (or has simple content), else base's particles
// followed by own, as helium merges them.
func (b *nativeBuilder) extend(st *stmt, t *xtype, base string, own *group, hasParticles, mixed bool) error {
	bt, _, err := b.typeRef(st, base, true)
	if err != nil {
		return err
	}
	simple, err := b.m.isSimpleBase(st, base, map[string]bool{})
	if err != nil {
		return err
	}
	t.base, t.ext = bt, true
	if simple {
		if hasParticles {
			return st.errorf("a type extending %s has text content and cannot have child elements", base)
		}
		t.content = contentSimple
		finishSimple(t)
		return nil
	}
	switch {
	case bt.model != nil && own != nil:
		t.model = &group{min: 1, max: 1, parts: []*particle{
			{min: bt.model.min, max: bt.model.max, group: bt.model},
			{min: own.min, max: own.max, group: own},
		}}
	case bt.model != nil:
		t.model = bt.model
	default:
		t.model = own
	}
	t.content = contentOf(own, mixed, bt.content)
	return nil
}

// contentOf is the content type of a complex type: mixed if so flagged,
// element-only with particles of its own, else inherited.
func contentOf(own *group, mixed bool, inherited contentKind) contentKind {
	switch {
	case mixed:
		return contentMixed
	case own != nil:
		return contentElements
	}
	return inherited
}

// mergeUses puts the base type's attribute uses before the derived ones.
func mergeUses(st *stmt, base *xtype, own []*attrUse) ([]*attrUse, error) {
	if len(base.attrs) == 0 {
		return own, nil
	}
	out := make([]*attrUse, 0, len(base.attrs)+len(own))
	out = append(out, base.attrs...)
	for _, au := range own {
		for _, bu := range base.attrs {
			if bu.name == au.name {
				return nil, st.errorf("attribute %s is already declared by the base type", au.name.local)
			}
		}
		out = append(out, au)
	}
	return out, nil
}

// indexChildren records, per child name, the first declaration the content
// model gives it, and its wildcards (typeinfo's childIndex).
func (b *nativeBuilder) indexChildren(t *xtype) {
	t.childIdx = map[qname]*elemDecl{}
	var walk func(g *group)
	walk = func(g *group) {
		for _, p := range g.parts {
			switch {
			case p.elem != nil:
				if _, seen := t.childIdx[p.elem.name]; !seen {
					t.childIdx[p.elem.name] = p.elem
				}
			case p.wc != nil:
				t.childWild = append(t.childWild, p.wc)
			default:
				walk(p.group)
			}
		}
	}
	if t.model != nil {
		walk(t.model)
	}
}

// ----- particles ----------------------------------------------------------------

// particleGroup is the content of a body: nothing, its lone seq/choice, or
// a sequence of its particles.
func (b *nativeBuilder) particleGroup(particles []*stmt, ns *modelNS) (*group, error) {
	switch {
	case len(particles) == 0:
		return nil, nil
	case len(particles) == 1 && (particles[0].keyword == "seq" || particles[0].keyword == "choice"):
		return b.group(particles[0], ns)
	}
	g := &group{min: 1, max: 1}
	for _, st := range particles {
		p, err := b.particle(st, ns)
		if err != nil {
			return nil, err
		}
		g.add(p)
	}
	return g, nil
}

func (g *group) add(p *particle) {
	g.parts = append(g.parts, p)
	if p.wc != nil {
		g.hasWildcard = true
	}
}

func (b *nativeBuilder) particle(st *stmt, ns *modelNS) (*particle, error) {
	switch st.keyword {
	case "elem":
		return b.localElement(st, ns)
	case "any":
		return b.anyParticle(st, ns)
	case "seq", "choice":
		g, err := b.group(st, ns)
		if err != nil {
			return nil, err
		}
		return &particle{min: g.min, max: g.max, group: g}, nil
	}
	return nil, st.errorf("unknown particle %q", st.keyword)
}

// group builds "seq [occurs]" or "choice [occurs]".
func (b *nativeBuilder) group(st *stmt, ns *modelNS) (*group, error) {
	if len(st.args) > 1 || (len(st.args) == 1 && !isOccurs(st.args[0])) {
		return nil, st.errorf("%s takes only a cardinality", st.keyword)
	}
	if len(st.body) == 0 {
		return nil, st.errorf("%s needs indented particles", st.keyword)
	}
	occ := ""
	if len(st.args) == 1 {
		occ = st.args[0]
	}
	g := &group{choice: st.keyword == "choice"}
	var err error
	if g.min, g.max, err = occursRange(st, occ); err != nil {
		return nil, err
	}
	for _, c := range st.body {
		p, err := b.particle(c, ns)
		if err != nil {
			return nil, err
		}
		g.add(p)
	}
	return g, nil
}

// occursRange turns a cardinality word into numbers.
func occursRange(st *stmt, word string) (int, int, error) {
	o := parseOccurs(word)
	lo, err := strconv.Atoi(o.min)
	if err != nil {
		return 0, 0, st.errorf("bad cardinality %q", word)
	}
	if o.max == "unbounded" {
		return lo, unbounded, nil
	}
	hi, err := strconv.Atoi(o.max)
	if err != nil || hi < lo {
		return 0, 0, st.errorf("bad cardinality %q", word)
	}
	return lo, hi, nil
}

// localElement builds "elem <Name> ..." (a local declaration) or
// "elem <p:Name> [occurs]" (a reference to a global element).
func (b *nativeBuilder) localElement(st *stmt, ns *modelNS) (*particle, error) {
	if len(st.args) == 0 {
		return nil, st.errorf("elem needs a name")
	}
	name := st.args[0]
	ws, err := splitWords(st, st.args[1:], elemFlags)
	if err != nil {
		return nil, err
	}
	p := &particle{}
	if p.min, p.max, err = occursRange(st, ws.occurs); err != nil {
		return nil, err
	}
	if strings.Contains(name, ":") {
		if len(ws.rest) > 0 || len(ws.flags) > 0 || ws.extends != "" || len(st.body) > 0 || len(st.opts) > 0 {
			return nil, st.errorf("a reference to %s takes only a cardinality", name)
		}
		if b.m.elements[name] == nil {
			return nil, st.errorf("element %s is not declared", name)
		}
		p.elem, err = b.globalElement(name)
		return p, err
	}
	decl := &elemDecl{name: qname{local: name}, block: ns.blockAll}
	if ns.qualified {
		decl.name.ns = ns.uri
	}
	p.elem = decl
	return p, b.elementBody(st, decl, ws, ns)
}

// elementBody gives decl its flags, value constraint and type: named, given
// by facets, or the anonymous complex type of an indented body.
func (b *nativeBuilder) elementBody(st *stmt, decl *elemDecl, ws words, ns *modelNS) error {
	if len(ws.rest) > 1 {
		return st.errorf("unexpected words: %s", strings.Join(ws.rest[1:], " "))
	}
	decl.abstract, decl.nillable = ws.flags["abstract"], ws.flags["nillable"]
	vals, facetOpts := splitOptions(st.opts, "default", "fixed")
	decl.def, decl.fixed = valueOf(vals, "default"), valueOf(vals, "fixed")
	if len(st.body) > 0 || ws.extends != "" || ws.flags["mixed"] {
		if len(ws.rest) > 0 || len(facetOpts) > 0 {
			return st.errorf("give either a type or an indented body, not both")
		}
		t := &xtype{block: ns.blockAll}
		decl.typ = t
		return b.complexType(st, t, ns, ws.flags["mixed"], ws.extends)
	}
	if len(ws.rest) == 0 {
		return st.errorf("element needs a type or an indented body")
	}
	var err error
	decl.typ, err = b.declType(st, ws.rest[0], facetOpts)
	return err
}

func valueOf(vals []kv, key string) *string {
	for _, v := range vals {
		if v.k == key {
			s := v.v
			return &s
		}
	}
	return nil
}

// globalElement builds "element <p:Name> ...". The declaration is
// registered before its type is built, so the type may contain it.
func (b *nativeBuilder) globalElement(name string) (*elemDecl, error) {
	if d := b.elements[name]; d != nil {
		return d, nil
	}
	st := b.m.elements[name]
	ns, err := b.nsOfName(st, name)
	if err != nil {
		return nil, err
	}
	decl := &elemDecl{name: b.qnameOf(name), block: ns.blockAll}
	b.elements[name] = decl
	ws, err := splitWords(st, st.args[1:], elementFlags)
	if err != nil {
		return nil, err
	}
	if ws.occurs != "" {
		return nil, st.errorf("a global element has no cardinality")
	}
	return decl, b.elementBody(st, decl, ws, ns)
}

// anyParticle builds "any [namespaces] [lax|skip|strict] [occurs]".
func (b *nativeBuilder) anyParticle(st *stmt, ns *modelNS) (*particle, error) {
	text, process, occ, err := b.m.wildcardWords(st, true)
	if err != nil {
		return nil, err
	}
	p := &particle{wc: newWildcard(text, process, ns.uri)}
	p.min, p.max, err = occursRange(st, occ)
	return p, err
}

// newWildcard reads a namespace constraint as helium does: "##any" and
// "##other" alone, else a list of ##local, ##targetNamespace and URIs.
func newWildcard(text, process, tns string) *wildcard {
	w := &wildcard{text: text, tns: tns, process: map[string]processMode{"strict": processStrict, "lax": processLax, "skip": processSkip}[process]}
	switch text {
	case "##any":
		w.any = true
	case "##other":
		w.other = true
	default:
		for _, tok := range strings.Fields(text) {
			switch tok {
			case "##local":
				w.list = append(w.list, "")
			case "##targetNamespace":
				w.list = append(w.list, tns)
			default:
				w.list = append(w.list, tok)
			}
		}
	}
	return w
}

// ----- attributes ---------------------------------------------------------------

// attributes builds a body's attr, attrs and anyattr lines: the direct uses
// first, then those of the groups (helium's order), and the complete
// attribute wildcard.
func (b *nativeBuilder) attributes(stmts []*stmt, ns *modelNS) ([]*attrUse, *wildcard, error) {
	var direct, grouped []*attrUse
	var own, fromGroups *wildcard
	ownSeen := false
	for _, st := range stmts {
		switch st.keyword {
		case "attr":
			au, err := b.localAttribute(st)
			if err != nil {
				return nil, nil, err
			}
			direct = append(direct, au)
		case "attrs":
			set, err := b.attrGroupRef(st)
			if err != nil {
				return nil, nil, err
			}
			grouped = append(grouped, set.uses...)
			if fromGroups, err = intersectWildcards(st, fromGroups, set.wc); err != nil {
				return nil, nil, err
			}
		case "anyattr":
			if ownSeen {
				return nil, nil, st.errorf("only one anyattr per type")
			}
			ownSeen = true
			text, process, _, err := b.m.wildcardWords(st, false)
			if err != nil {
				return nil, nil, err
			}
			own = newWildcard(text, process, ns.uri)
		}
	}
	uses, err := appendUses(stmts, direct, grouped)
	if err != nil {
		return nil, nil, err
	}
	if own == nil || fromGroups == nil {
		return uses, intersectOrEither(own, fromGroups), nil
	}
	wc, err := intersectWildcards(stmts[0], own, fromGroups)
	return uses, wc, err
}

// appendUses adds the group uses not already present by name.
func appendUses(stmts []*stmt, direct, grouped []*attrUse) ([]*attrUse, error) {
	out := direct
	for _, au := range grouped {
		dup := false
		for _, d := range out {
			dup = dup || d.name == au.name
		}
		if !dup {
			out = append(out, au)
		}
	}
	seen := map[qname]bool{}
	for _, au := range direct {
		if seen[au.name] {
			return nil, stmts[0].errorf("attribute %s is declared twice", au.name.local)
		}
		seen[au.name] = true
	}
	return out, nil
}

// localAttribute builds "attr <name> [type] [use] [values|facets]" or a
// reference "attr <p:name> [use] [default=|fixed=]".
func (b *nativeBuilder) localAttribute(st *stmt) (*attrUse, error) {
	if len(st.args) == 0 {
		return nil, st.errorf("attr needs a name")
	}
	ws, err := splitWords(st, st.args[1:], attrUses)
	if err != nil {
		return nil, err
	}
	if ws.occurs != "" || ws.extends != "" || len(st.body) > 0 {
		return nil, st.errorf("an attribute takes a type, a use and values only")
	}
	vals, facetOpts := splitOptions(st.opts, "default", "fixed")
	name := st.args[0]
	au := &attrUse{required: ws.flags["required"], prohibited: ws.flags["prohibited"] && !ws.flags["required"]}
	au.def, au.fixed = valueOf(vals, "default"), valueOf(vals, "fixed")
	if strings.Contains(name, ":") {
		return b.attributeRef(st, name, au, ws, facetOpts)
	}
	au.name = qname{local: name}
	if len(ws.rest) == 0 {
		return au, nil
	}
	if len(ws.rest) > 1 {
		return nil, st.errorf("unexpected words: %s", strings.Join(ws.rest[1:], " "))
	}
	au.typ, err = b.attrType(st, ws.rest[0], facetOpts)
	return au, err
}

// attributeRef completes a use of a global attribute: its name and type,
// and its value constraint unless the use gives one.
func (b *nativeBuilder) attributeRef(st *stmt, name string, au *attrUse, ws words, facetOpts map[string]string) (*attrUse, error) {
	if len(ws.rest) > 0 || len(facetOpts) > 0 {
		return nil, st.errorf("a reference to %s cannot set a type", name)
	}
	if b.m.attributes[name] == nil {
		return nil, st.errorf("attribute %s is not declared", name)
	}
	global, err := b.globalAttribute(name)
	if err != nil {
		return nil, err
	}
	au.name, au.typ = global.name, global.typ
	if au.def == nil && au.fixed == nil {
		au.def, au.fixed = global.def, global.fixed
	}
	return au, nil
}

// attrType resolves an attribute's type, which must be simple.
func (b *nativeBuilder) attrType(st *stmt, typeName string, facetOpts map[string]string) (*xtype, error) {
	if decl := b.m.types[typeName]; (decl != nil && decl.keyword != "simple") || typeName == "anyType" {
		return nil, st.errorf("%s is a complex type; a simple type is needed here", typeName)
	}
	return b.declType(st, typeName, facetOpts)
}

// globalAttribute builds "attribute <p:name> <type> [default=|fixed=|facets]".
func (b *nativeBuilder) globalAttribute(name string) (*attrUse, error) {
	if au := b.attrs[name]; au != nil {
		return au, nil
	}
	st := b.m.attributes[name]
	if err := noBody(st); err != nil {
		return nil, err
	}
	if len(st.args) != 2 {
		return nil, st.errorf("attribute needs a name and a type")
	}
	vals, facetOpts := splitOptions(st.opts, "default", "fixed")
	t, err := b.attrType(st, st.args[1], facetOpts)
	if err != nil {
		return nil, err
	}
	au := &attrUse{name: b.qnameOf(name), typ: t, def: valueOf(vals, "default"), fixed: valueOf(vals, "fixed")}
	b.attrs[name] = au
	return au, nil
}

func (b *nativeBuilder) attrGroupRef(st *stmt) (*attrSet, error) {
	if len(st.args) != 1 || len(st.opts) > 0 || len(st.body) > 0 {
		return nil, st.errorf("attrs takes exactly one attribute group name")
	}
	if b.m.groups[st.args[0]] == nil {
		return nil, st.errorf("attribute group %s is not declared", st.args[0])
	}
	return b.attrGroup(st.args[0], map[string]bool{})
}

// attrGroup expands "attrgroup <p:Name>" (once).
func (b *nativeBuilder) attrGroup(name string, seen map[string]bool) (*attrSet, error) {
	if set := b.groups[name]; set != nil {
		return set, nil
	}
	st := b.m.groups[name]
	if seen[name] {
		return nil, st.errorf("attribute group %s contains itself", name)
	}
	seen[name] = true
	if len(st.args) != 1 || len(st.opts) > 0 {
		return nil, st.errorf("attrgroup takes only a name")
	}
	particles, attrStmts, err := splitBody(st)
	if err != nil {
		return nil, err
	}
	if len(particles) > 0 {
		return nil, particles[0].errorf("an attribute group holds attributes only")
	}
	uses, wc, err := b.attributes(attrStmts, b.m.byPrefix[nsOf(name)])
	if err != nil {
		return nil, err
	}
	set := &attrSet{uses: uses, wc: wc}
	b.groups[name] = set
	return set, nil
}

// ----- wildcard algebra (the cases the model can produce) ------------------------

func sameWildcard(a, b *wildcard) bool {
	return a.text == b.text && a.tns == b.tns && a.process == b.process
}

// intersectWildcards is the complete wildcard of a type that combines its
// own wildcard with those of its attribute groups (XSD 1.0 3.4.2).
func intersectWildcards(st *stmt, a, b *wildcard) (*wildcard, error) {
	switch {
	case a == nil:
		return b, nil
	case b == nil || sameWildcard(a, b):
		return a, nil
	case b.any:
		return a, nil
	case a.any:
		w := *b
		w.process = a.process
		return &w, nil
	}
	return nil, wildcardError(st, "intersect", a, b)
}

// extensionWildcard is an extension's attribute wildcard: the union of the
// base's and its own, with its own processContents.
func extensionWildcard(st *stmt, base, own *wildcard) (*wildcard, error) {
	switch {
	case base == nil:
		return own, nil
	case own == nil:
		return base, nil
	case sameWildcard(base, own):
		return own, nil
	case own.any:
		return own, nil
	case base.any:
		w := *base
		w.process = own.process
		return &w, nil
	}
	return nil, wildcardError(st, "extend", base, own)
}

func intersectOrEither(a, b *wildcard) *wildcard {
	if a != nil {
		return a
	}
	return b
}

func wildcardError(st *stmt, op string, a, b *wildcard) error {
	return st.errorf("cannot %s the attribute wildcards %q and %q (not supported by the native engine)", op, a.text, b.text)
}
