package xmlschema

import (
	"strings"
)

// Complex types, elements, attributes and attribute groups of the model.

var (
	typeFlags    = setOf("abstract mixed")
	elementFlags = setOf("abstract nillable mixed")
	elemFlags    = setOf("nillable mixed")
	attrUses     = setOf("required optional prohibited")
	processModes = setOf("lax skip strict")
)

// namedComplexType writes "type <p:Name> [abstract] [mixed] [extends <base>]".
func (w *xsdWriter) namedComplexType(st *stmt) error {
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
	return w.complexType(st, localOf(st.args[0]), ws)
}

// complexType writes a complex type whose content is st's body. name ""
// writes an anonymous type.
func (w *xsdWriter) complexType(st *stmt, name string, ws words) error {
	attrs := []kv{{"name", name}}
	if ws.flags["abstract"] {
		attrs = append(attrs, kv{"abstract", "true"})
	}
	if ws.flags["mixed"] {
		attrs = append(attrs, kv{"mixed", "true"})
	}
	w.open("xs:complexType", attrs...)
	if err := w.complexContent(st, ws.extends); err != nil {
		return err
	}
	w.close("xs:complexType")
	return nil
}

// complexContent writes the content of a complex type: directly, as a
// complexContent extension, or as a simpleContent extension, depending on
// the base.
func (w *xsdWriter) complexContent(st *stmt, base string) error {
	particles, attrs, err := splitBody(st)
	if err != nil {
		return err
	}
	if base == "" {
		return w.contentAndAttrs(particles, attrs)
	}
	ref, _, err := w.typeRef(st, base)
	if err != nil {
		return err
	}
	simple, err := w.m.isSimpleBase(st, base, map[string]bool{})
	if err != nil {
		return err
	}
	wrapper := "xs:complexContent"
	if simple {
		if len(particles) > 0 {
			return st.errorf("a type extending %s has text content and cannot have child elements", base)
		}
		wrapper = "xs:simpleContent"
	}
	w.open(wrapper)
	w.open("xs:extension", kv{"base", ref})
	if err := w.contentAndAttrs(particles, attrs); err != nil {
		return err
	}
	w.close("xs:extension")
	w.close(wrapper)
	return nil
}

// splitBody separates particle statements from attribute statements.
func splitBody(st *stmt) (particles, attrs []*stmt, err error) {
	for _, b := range st.body {
		switch b.keyword {
		case "elem", "any", "seq", "choice":
			particles = append(particles, b)
		case "attr", "anyattr", "attrs":
			attrs = append(attrs, b)
		default:
			return nil, nil, b.errorf("unknown statement %q in a type body (want elem, any, seq, choice, attr, anyattr or attrs)", b.keyword)
		}
	}
	return particles, attrs, nil
}

// contentAndAttrs writes the particle group, then attributes, then the
// attribute wildcard, which is the order XSD requires.
func (w *xsdWriter) contentAndAttrs(particles, attrs []*stmt) error {
	if err := w.particleGroup(particles); err != nil {
		return err
	}
	return w.attributes(attrs)
}

// particleGroup writes top-level particles as one sequence; a lone
// seq/choice is written as itself.
func (w *xsdWriter) particleGroup(particles []*stmt) error {
	switch {
	case len(particles) == 0:
		return nil
	case len(particles) == 1 && (particles[0].keyword == "seq" || particles[0].keyword == "choice"):
		return w.particle(particles[0])
	}
	w.open("xs:sequence")
	for _, p := range particles {
		if err := w.particle(p); err != nil {
			return err
		}
	}
	w.close("xs:sequence")
	return nil
}

func (w *xsdWriter) particle(st *stmt) error {
	switch st.keyword {
	case "elem":
		return w.localElement(st)
	case "any":
		return w.anyElement(st)
	case "seq", "choice":
		return w.group(st)
	}
	return st.errorf("unknown particle %q", st.keyword)
}

// group writes "seq [occurs]" or "choice [occurs]" with nested particles.
func (w *xsdWriter) group(st *stmt) error {
	if len(st.args) > 1 || (len(st.args) == 1 && !isOccurs(st.args[0])) {
		return st.errorf("%s takes only a cardinality", st.keyword)
	}
	if len(st.body) == 0 {
		return st.errorf("%s needs indented particles", st.keyword)
	}
	occ := ""
	if len(st.args) == 1 {
		occ = st.args[0]
	}
	tag := map[string]string{"seq": "xs:sequence", "choice": "xs:choice"}[st.keyword]
	w.open(tag, occursAttrs(occ)...)
	for _, b := range st.body {
		if err := w.particle(b); err != nil {
			return err
		}
	}
	w.close(tag)
	return nil
}

func occursAttrs(word string) []kv {
	o := parseOccurs(word)
	var attrs []kv
	if o.min != "1" {
		attrs = append(attrs, kv{"minOccurs", o.min})
	}
	if o.max != "1" {
		attrs = append(attrs, kv{"maxOccurs", o.max})
	}
	return attrs
}

// localElement writes "elem <Name> [type] [occurs] [flags]" (a local
// declaration, with an optional body for an anonymous complex type) or
// "elem <p:Name> [occurs]" (a reference to a global element).
func (w *xsdWriter) localElement(st *stmt) error {
	if len(st.args) == 0 {
		return st.errorf("elem needs a name")
	}
	name := st.args[0]
	ws, err := splitWords(st, st.args[1:], elemFlags)
	if err != nil {
		return err
	}
	occ := occursAttrs(ws.occurs)
	if strings.Contains(name, ":") {
		return w.elementRef(st, name, ws, occ)
	}
	attrs := append([]kv{{"name", name}}, occ...)
	return w.elementDecl(st, attrs, ws)
}

func (w *xsdWriter) elementRef(st *stmt, name string, ws words, occ []kv) error {
	if len(ws.rest) > 0 || len(ws.flags) > 0 || ws.extends != "" || len(st.body) > 0 || len(st.opts) > 0 {
		return st.errorf("a reference to %s takes only a cardinality", name)
	}
	if w.m.elements[name] == nil {
		return st.errorf("element %s is not declared", name)
	}
	w.refs[nsOf(name)] = true
	w.empty("xs:element", append([]kv{{"ref", name}}, occ...)...)
	return nil
}

// elementDecl writes an element declaration (global or local) whose type
// is named, given by facets, or given by an indented body.
func (w *xsdWriter) elementDecl(st *stmt, attrs []kv, ws words) error {
	if len(ws.rest) > 1 {
		return st.errorf("unexpected words: %s", strings.Join(ws.rest[1:], " "))
	}
	for _, f := range []string{"abstract", "nillable"} {
		if ws.flags[f] {
			attrs = append(attrs, kv{f, "true"})
		}
	}
	valueOpts, facets := splitOptions(st.opts, "default", "fixed")
	attrs = append(attrs, valueOpts...)
	anonymous := len(st.body) > 0 || ws.extends != "" || ws.flags["mixed"]
	if anonymous {
		if len(ws.rest) > 0 || len(facets) > 0 {
			return st.errorf("give either a type or an indented body, not both")
		}
		w.open("xs:element", attrs...)
		if err := w.complexType(st, "", words{flags: map[string]bool{"mixed": ws.flags["mixed"]}, extends: ws.extends}); err != nil {
			return err
		}
		w.close("xs:element")
		return nil
	}
	if len(ws.rest) == 0 {
		return st.errorf("element needs a type or an indented body")
	}
	return w.typedDecl(st, "xs:element", attrs, ws.rest[0], facets)
}

// typedDecl writes an element or attribute declaration of a named type, an
// inline simple type, or an anonymous restriction carrying facets.
func (w *xsdWriter) typedDecl(st *stmt, tag string, attrs []kv, typeName string, facets map[string]string) error {
	ref, decl, err := w.typeRef(st, typeName)
	if err != nil {
		return err
	}
	inline := decl != nil && decl.keyword == "simple" && hasFlag(decl.args[1:], "inline")
	if len(facets) == 0 && !inline {
		w.empty(tag, append(attrs, kv{"type", ref})...)
		return nil
	}
	w.open(tag, attrs...)
	if inline {
		if len(facets) > 0 {
			return st.errorf("facets cannot narrow the inline type %s", typeName)
		}
		err = w.simpleType(decl, "")
	} else {
		w.open("xs:simpleType")
		err = w.restriction(st, typeName, facets)
		w.close("xs:simpleType")
	}
	if err != nil {
		return err
	}
	w.close(tag)
	return nil
}

// splitOptions separates the named value options (default=, fixed=) from
// the rest, which are facets.
func splitOptions(opts map[string]string, names ...string) ([]kv, map[string]string) {
	var vals []kv
	facets := map[string]string{}
	for k, v := range opts {
		facets[k] = v
	}
	for _, n := range names {
		if v, ok := opts[n]; ok {
			vals = append(vals, kv{n, v})
			delete(facets, n)
		}
	}
	return vals, facets
}

// anyElement writes "any [namespaces] [lax|skip|strict] [occurs]".
func (w *xsdWriter) anyElement(st *stmt) error {
	ns, process, occ, err := w.m.wildcardWords(st, true)
	if err != nil {
		return err
	}
	w.empty("xs:any", append([]kv{{"namespace", ns}, {"processContents", process}}, occursAttrs(occ)...)...)
	return nil
}

// wildcardWords reads the namespace constraint (##any, ##other, ##local,
// ##targetNamespace or model prefixes), the processing mode and, for
// element wildcards, a cardinality.
func (m *modelSet) wildcardWords(st *stmt, withOccurs bool) (ns, process, occ string, err error) {
	var spaces []string
	process = "strict"
	for _, a := range st.args {
		switch {
		case processModes[a]:
			process = a
		case withOccurs && isOccurs(a):
			occ = a
		case strings.HasPrefix(a, "##"):
			spaces = append(spaces, a)
		case m.byPrefix[a] != nil:
			spaces = append(spaces, m.byPrefix[a].uri)
		default:
			return "", "", "", st.errorf("unexpected word %q in wildcard", a)
		}
	}
	if len(st.body) > 0 || len(st.opts) > 0 {
		return "", "", "", st.errorf("a wildcard has no options and no body")
	}
	if len(spaces) == 0 {
		spaces = []string{"##any"}
	}
	return strings.Join(spaces, " "), process, occ, nil
}

// attributes writes attr and attrs statements, then the one anyattr.
func (w *xsdWriter) attributes(stmts []*stmt) error {
	var wildcard *stmt
	for _, st := range stmts {
		var err error
		switch st.keyword {
		case "attr":
			err = w.localAttribute(st)
		case "attrs":
			err = w.attrGroupRef(st)
		case "anyattr":
			if wildcard != nil {
				return st.errorf("only one anyattr per type")
			}
			wildcard = st
		}
		if err != nil {
			return err
		}
	}
	if wildcard == nil {
		return nil
	}
	ns, process, _, err := w.m.wildcardWords(wildcard, false)
	if err != nil {
		return err
	}
	w.empty("xs:anyAttribute", kv{"namespace", ns}, kv{"processContents", process})
	return nil
}

// localAttribute writes "attr <name> [type] [use] [default=|fixed=|facets]"
// or "attr <p:name> [use] [default=|fixed=]" (a reference).
func (w *xsdWriter) localAttribute(st *stmt) error {
	if len(st.args) == 0 {
		return st.errorf("attr needs a name")
	}
	ws, err := splitWords(st, st.args[1:], attrUses)
	if err != nil {
		return err
	}
	if ws.occurs != "" || ws.extends != "" || len(st.body) > 0 {
		return st.errorf("an attribute takes a type, a use and values only")
	}
	attrs := useAttrs(ws.flags)
	vals, facets := splitOptions(st.opts, "default", "fixed")
	name := st.args[0]
	if strings.Contains(name, ":") {
		if len(ws.rest) > 0 || len(facets) > 0 {
			return st.errorf("a reference to %s cannot set a type", name)
		}
		if w.m.attributes[name] == nil {
			return st.errorf("attribute %s is not declared", name)
		}
		w.refs[nsOf(name)] = true
		w.empty("xs:attribute", append(append([]kv{{"ref", name}}, attrs...), vals...)...)
		return nil
	}
	all := append(append([]kv{{"name", name}}, attrs...), vals...)
	if len(ws.rest) == 0 {
		w.empty("xs:attribute", all...)
		return nil
	}
	if len(ws.rest) > 1 {
		return st.errorf("unexpected words: %s", strings.Join(ws.rest[1:], " "))
	}
	return w.typedDecl(st, "xs:attribute", all, ws.rest[0], facets)
}

func useAttrs(flags map[string]bool) []kv {
	for _, u := range []string{"required", "prohibited"} {
		if flags[u] {
			return []kv{{"use", u}}
		}
	}
	return nil
}

func (w *xsdWriter) attrGroupRef(st *stmt) error {
	if len(st.args) != 1 || len(st.opts) > 0 || len(st.body) > 0 {
		return st.errorf("attrs takes exactly one attribute group name")
	}
	if w.m.groups[st.args[0]] == nil {
		return st.errorf("attribute group %s is not declared", st.args[0])
	}
	w.refs[nsOf(st.args[0])] = true
	w.empty("xs:attributeGroup", kv{"ref", st.args[0]})
	return nil
}

// globalElement writes "element <p:Name> [type] [abstract] [nillable]
// [extends <base>]" with an optional body.
func (w *xsdWriter) globalElement(st *stmt) error {
	ws, err := splitWords(st, st.args[1:], elementFlags)
	if err != nil {
		return err
	}
	if ws.occurs != "" {
		return st.errorf("a global element has no cardinality")
	}
	return w.elementDecl(st, []kv{{"name", localOf(st.args[0])}}, ws)
}

// globalAttribute writes "attribute <p:name> <type> [default=|fixed=|facets]".
func (w *xsdWriter) globalAttribute(st *stmt) error {
	if err := noBody(st); err != nil {
		return err
	}
	if len(st.args) != 2 {
		return st.errorf("attribute needs a name and a type")
	}
	vals, facets := splitOptions(st.opts, "default", "fixed")
	attrs := append([]kv{{"name", localOf(st.args[0])}}, vals...)
	return w.typedDecl(st, "xs:attribute", attrs, st.args[1], facets)
}

// attrGroup writes "attrgroup <p:Name>" and its attr/attrs/anyattr body.
func (w *xsdWriter) attrGroup(st *stmt) error {
	if len(st.args) != 1 || len(st.opts) > 0 {
		return st.errorf("attrgroup takes only a name")
	}
	particles, attrs, err := splitBody(st)
	if err != nil {
		return err
	}
	if len(particles) > 0 {
		return particles[0].errorf("an attribute group holds attributes only")
	}
	w.open("xs:attributeGroup", kv{"name", localOf(st.args[0])})
	if err := w.attributes(attrs); err != nil {
		return err
	}
	w.close("xs:attributeGroup")
	return nil
}

func noOptions(st *stmt) error {
	for k := range st.opts {
		return st.errorf("unknown option %s=", k)
	}
	return nil
}
