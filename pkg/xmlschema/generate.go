package xmlschema

import (
	"fmt"
	"sort"
	"strings"
)

// This file turns a checked structure model into XSD 1.0 schema documents,
// one per namespace, plus a root document per entry point that imports the
// entry's namespaces. The documents reference each other by absolute
// in-memory names (memScheme), so they compile without any file system.

// generated is the output of the generator for one entry point.
type generated struct {
	files map[string][]byte // "rim.xsd" -> schema document
	root  []byte            // the entry's root document
}

// generate writes the XSD documents of every namespace and the root of entry.
func (m *modelSet) generate(entry string) (*generated, error) {
	est := m.entries[entry]
	if est == nil {
		return nil, fmt.Errorf("the structure model has no entry %q", entry)
	}
	out := &generated{files: map[string][]byte{}}
	for _, ns := range m.namespaces {
		doc, err := m.namespaceDoc(ns)
		if err != nil {
			return nil, err
		}
		out.files[ns.prefix+".xsd"] = doc
	}
	out.root = m.rootDoc(est.args[1:])
	return out, nil
}

func schemaFile(prefix string) string { return memScheme + prefix + ".xsd" }

// rootDoc is a schema without target namespace that only imports.
func (m *modelSet) rootDoc(prefixes []string) []byte {
	w := newXSDWriter(m, "")
	w.open("xs:schema", m.schemaAttrs(nil)...)
	for _, p := range prefixes {
		w.empty("xs:import", kv{"namespace", m.byPrefix[p].uri}, kv{"schemaLocation", schemaFile(p)})
	}
	w.close("xs:schema")
	return w.bytes()
}

// namespaceDoc writes the schema document of one namespace.
func (m *modelSet) namespaceDoc(ns *modelNS) ([]byte, error) {
	body := newXSDWriter(m, ns.prefix)
	body.depth = 1
	for _, st := range m.decls {
		if nsOf(st.args[0]) != ns.prefix {
			continue
		}
		if err := body.decl(st); err != nil {
			return nil, err
		}
	}
	w := newXSDWriter(m, ns.prefix)
	w.open("xs:schema", m.schemaAttrs(ns)...)
	for _, p := range sortedKeys(body.refs) {
		if p != ns.prefix {
			w.empty("xs:import", kv{"namespace", m.byPrefix[p].uri}, kv{"schemaLocation", schemaFile(p)})
		}
	}
	w.b.WriteString(body.b.String())
	w.close("xs:schema")
	return w.bytes(), nil
}

// schemaAttrs binds every model prefix (so QName values such as enumerated
// fault codes resolve) and sets the namespace's defaults.
func (m *modelSet) schemaAttrs(ns *modelNS) []kv {
	attrs := []kv{{"xmlns:xs", xsdNS}}
	for _, n := range m.namespaces {
		if n.prefix != "xml" { // bound by XML itself
			attrs = append(attrs, kv{"xmlns:" + n.prefix, n.uri})
		}
	}
	if ns == nil {
		return attrs
	}
	form := "unqualified"
	if ns.qualified {
		form = "qualified"
	}
	attrs = append(attrs, kv{"targetNamespace", ns.uri}, kv{"elementFormDefault", form}, kv{"attributeFormDefault", "unqualified"})
	if ns.blockAll {
		attrs = append(attrs, kv{"blockDefault", "#all"})
	}
	return attrs
}

func nsOf(name string) string {
	p, _, _ := strings.Cut(name, ":")
	return p
}

func localOf(name string) string {
	_, l, _ := strings.Cut(name, ":")
	return l
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// decl writes one top-level declaration.
func (w *xsdWriter) decl(st *stmt) error {
	switch st.keyword {
	case "simple":
		if hasFlag(st.args[1:], "inline") {
			return w.m.checkSimple(st) // written where it is used
		}
		return w.simpleType(st, localOf(st.args[0]))
	case "type":
		return w.namedComplexType(st)
	case "element":
		return w.globalElement(st)
	case "attribute":
		return w.globalAttribute(st)
	case "attrgroup":
		return w.attrGroup(st)
	}
	return st.errorf("unknown statement %q", st.keyword)
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag {
			return true
		}
	}
	return false
}

// ----- simple types ----------------------------------------------------------

// checkSimple validates an inline simple type without writing it.
func (m *modelSet) checkSimple(st *stmt) error {
	scratch := newXSDWriter(m, nsOf(st.args[0]))
	return scratch.simpleType(st, "")
}

// simpleType writes "simple <name> [inline] <derivation>"; name "" writes
// an anonymous type.
func (w *xsdWriter) simpleType(st *stmt, name string) error {
	if err := noBody(st); err != nil {
		return err
	}
	var deriv []string
	for _, a := range st.args[1:] {
		if a != "inline" {
			deriv = append(deriv, a)
		}
	}
	if len(deriv) == 0 {
		return st.errorf("simple type %s needs a base type, union or list", st.args[0])
	}
	w.open("xs:simpleType", kv{"name", name})
	var err error
	switch deriv[0] {
	case "union":
		err = w.union(st, deriv[1:])
	case "list":
		err = w.list(st, deriv[1:])
	default:
		if len(deriv) > 1 {
			return st.errorf("unexpected words after base type: %s", strings.Join(deriv[1:], " "))
		}
		err = w.restriction(st, deriv[0], st.opts)
	}
	if err != nil {
		return err
	}
	w.close("xs:simpleType")
	return nil
}

func (w *xsdWriter) union(st *stmt, members []string) error {
	if len(members) == 0 || len(st.opts) > 0 {
		return st.errorf("union takes member types and no facets")
	}
	var named []string
	var inline []*stmt
	for _, mem := range members {
		ref, in, err := w.simpleTypeRef(st, mem)
		if err != nil {
			return err
		}
		if in != nil {
			inline = append(inline, in)
		} else {
			named = append(named, ref)
		}
	}
	w.open("xs:union", kv{"memberTypes", strings.Join(named, " ")})
	for _, in := range inline {
		if err := w.simpleType(in, ""); err != nil {
			return err
		}
	}
	w.close("xs:union")
	return nil
}

func (w *xsdWriter) list(st *stmt, item []string) error {
	if len(item) != 1 || len(st.opts) > 0 {
		return st.errorf("list takes one item type and no facets")
	}
	ref, in, err := w.simpleTypeRef(st, item[0])
	if err != nil {
		return err
	}
	if in == nil {
		w.empty("xs:list", kv{"itemType", ref})
		return nil
	}
	w.open("xs:list")
	if err := w.simpleType(in, ""); err != nil {
		return err
	}
	w.close("xs:list")
	return nil
}

// restriction writes a restriction of base with the facets among opts;
// options that are not facets are refused.
func (w *xsdWriter) restriction(st *stmt, base string, opts map[string]string) error {
	ref, in, err := w.simpleTypeRef(st, base)
	if err != nil {
		return err
	}
	if in != nil {
		return st.errorf("restrict inline type %s: restrict its base instead", base)
	}
	w.open("xs:restriction", kv{"base", ref})
	for _, key := range sortedFacetKeys(opts) {
		if !facetKeys[key] {
			return st.errorf("unknown facet %q", key)
		}
		w.facet(key, opts[key])
	}
	w.close("xs:restriction")
	return nil
}

func (w *xsdWriter) facet(key, val string) {
	switch key {
	case "enum":
		for _, v := range strings.Split(val, "|") {
			w.empty("xs:enumeration", kv{"value", v})
		}
	default:
		w.empty("xs:"+key, kv{"value", val})
	}
}

// sortedFacetKeys orders option keys so output is deterministic.
func sortedFacetKeys(opts map[string]string) []string {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ----- type references ---------------------------------------------------------

// simpleTypeRef resolves a type name that must denote a simple type. It
// returns the QName to write, or the statement of an inline simple type.
func (w *xsdWriter) simpleTypeRef(st *stmt, name string) (string, *stmt, error) {
	ref, decl, err := w.typeRef(st, name)
	if err != nil || decl == nil {
		if err == nil && name == "anyType" {
			return "", nil, st.errorf("anyType is not a simple type")
		}
		return ref, nil, err
	}
	if decl.keyword != "simple" {
		return "", nil, st.errorf("%s is a complex type; a simple type is needed here", name)
	}
	if hasFlag(decl.args[1:], "inline") {
		return "", decl, nil
	}
	return ref, nil, nil
}

// typeRef resolves any type name: an unprefixed XSD built-in or a declared
// model type. decl is nil for built-ins.
func (w *xsdWriter) typeRef(st *stmt, name string) (string, *stmt, error) {
	if !strings.Contains(name, ":") {
		if !builtinTypes[name] {
			return "", nil, st.errorf("unknown built-in type %q (model types need a prefix)", name)
		}
		return "xs:" + name, nil, nil
	}
	decl := w.m.types[name]
	if decl == nil {
		return "", nil, st.errorf("type %s is not declared", name)
	}
	w.refs[nsOf(name)] = true
	return name, decl, nil
}

// isSimpleBase reports whether extending base gives simple content: base is
// a simple type, or a complex type that itself has simple content.
func (m *modelSet) isSimpleBase(st *stmt, base string, seen map[string]bool) (bool, error) {
	if !strings.Contains(base, ":") {
		if !builtinTypes[base] {
			return false, st.errorf("unknown built-in type %q", base)
		}
		return base != "anyType", nil
	}
	decl := m.types[base]
	if decl == nil {
		return false, st.errorf("type %s is not declared", base)
	}
	if decl.keyword == "simple" {
		return true, nil
	}
	if seen[base] {
		return false, st.errorf("type %s derives from itself", base)
	}
	seen[base] = true
	w, err := splitWords(decl, decl.args[1:], nil)
	if err != nil || w.extends == "" {
		return false, err
	}
	return m.isSimpleBase(decl, w.extends, seen)
}
