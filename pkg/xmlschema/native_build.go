package xmlschema

import (
	"fmt"
	"io/fs"
	"strings"
)

// This file builds the native schema of one entry point from the checked
// statements of the structure model. It gives the statements the meaning
// generate.go gives them: the two must agree, and the tests compare the
// engines on every corpus document and on mutated ones.

// nativeBuilder resolves model names to components. Named types and global
// elements are registered before their content is built, so content models
// may refer to them recursively; only derivation chains must be acyclic.
type nativeBuilder struct {
	m        *modelSet
	types    map[string]*xtype
	state    map[string]buildState
	elements map[string]*elemDecl
	attrs    map[string]*attrUse
	groups   map[string]*attrSet
	// complexTypes lists every complex type built, named or anonymous,
	// with its statement, for the content model checks.
	complexTypes []builtComplex
}

type builtComplex struct {
	t  *xtype
	st *stmt
}

type buildState uint8

const (
	unbuilt buildState = iota
	building
	built
)

// attrSet is an expanded attribute group.
type attrSet struct {
	uses []*attrUse
	wc   *wildcard
}

// compileNative reads the model in fsys and builds entry's native schema.
func compileNative(fsys fs.FS, entry string) (*nativeSchema, error) {
	stmts, err := readModelFS(fsys)
	if err != nil {
		return nil, fmt.Errorf("structure model: %w", err)
	}
	m, err := buildModel(stmts)
	if err != nil {
		return nil, fmt.Errorf("structure model: %w", err)
	}
	s, err := buildNative(m, entry)
	if err != nil {
		return nil, fmt.Errorf("structure model: %w", err)
	}
	return s, nil
}

// buildNative builds every declaration (so every model error is reported,
// as the generator reports them) and publishes the globals of the
// namespaces entry reaches, as the generated root's imports would.
func buildNative(m *modelSet, entry string) (*nativeSchema, error) {
	est := m.entries[entry]
	if est == nil {
		return nil, fmt.Errorf("the structure model has no entry %q", entry)
	}
	b := &nativeBuilder{
		m:        m,
		types:    map[string]*xtype{},
		state:    map[string]buildState{},
		elements: map[string]*elemDecl{},
		attrs:    map[string]*attrUse{},
		groups:   map[string]*attrSet{},
	}
	for _, st := range m.decls {
		if err := b.decl(st); err != nil {
			return nil, err
		}
	}
	if err := b.checkContentModels(); err != nil {
		return nil, err
	}
	return b.publish(entry, m.reachable(est.args[1:])), nil
}

// decl builds one top-level declaration.
func (b *nativeBuilder) decl(st *stmt) error {
	name := st.args[0]
	var err error
	switch st.keyword {
	case "simple", "type":
		_, err = b.typeNamed(st, name)
	case "element":
		_, err = b.globalElement(name)
	case "attribute":
		_, err = b.globalAttribute(name)
	case "attrgroup":
		_, err = b.attrGroup(name, map[string]bool{})
	}
	return err
}

// publish indexes the globals of the reachable namespaces.
func (b *nativeBuilder) publish(entry string, reach map[string]bool) *nativeSchema {
	s := &nativeSchema{
		entry:      entry,
		elements:   map[qname]*elemDecl{},
		attributes: map[qname]*attrUse{},
		types:      map[qname]*xtype{},
		anyType:    builtins()["anyType"],
		names:      b.m.prefixes(),
	}
	for _, t := range builtins() {
		s.types[t.name] = t
	}
	for _, st := range b.m.decls {
		name := st.args[0]
		if !reach[nsOf(name)] {
			continue
		}
		switch st.keyword {
		case "simple", "type":
			if st.keyword == "type" || !hasFlag(st.args[1:], "inline") {
				s.types[b.types[name].name] = b.types[name]
			}
		case "element":
			s.elements[b.elements[name].name] = b.elements[name]
		case "attribute":
			s.attributes[b.attrs[name].name] = b.attrs[name]
		}
	}
	return s
}

// reachable returns the prefixes whose declarations a compilation rooted at
// the given prefixes sees: those, and transitively every namespace one of
// their declarations refers to (the generator imports exactly these).
func (m *modelSet) reachable(roots []string) map[string]bool {
	edges := map[string]map[string]bool{}
	for _, st := range m.decls {
		p := nsOf(st.args[0])
		if edges[p] == nil {
			edges[p] = map[string]bool{}
		}
		m.collectRefs(st, edges[p])
	}
	reach := map[string]bool{}
	todo := append([]string(nil), roots...)
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if reach[p] {
			continue
		}
		reach[p] = true
		for q := range edges[p] {
			todo = append(todo, q)
		}
	}
	return reach
}

// collectRefs adds the prefixes of the components st and its body name.
func (m *modelSet) collectRefs(st *stmt, into map[string]bool) {
	for i, a := range st.args {
		if i == 0 && st.keyword != "elem" && st.keyword != "attr" && st.keyword != "attrs" {
			continue // the declared name itself
		}
		if !strings.Contains(a, ":") {
			continue
		}
		if m.types[a] != nil || m.elements[a] != nil || m.attributes[a] != nil || m.groups[a] != nil {
			into[nsOf(a)] = true
		}
	}
	for _, c := range st.body {
		m.collectRefs(c, into)
	}
}

// ----- names and types ----------------------------------------------------------

func (b *nativeBuilder) nsOfName(st *stmt, name string) (*modelNS, error) {
	return b.m.split(st, name)
}

// qnameOf expands a prefixed model name.
func (b *nativeBuilder) qnameOf(name string) qname {
	return qname{b.m.byPrefix[nsOf(name)].uri, localOf(name)}
}

// typeRef resolves a type name used by st: a built-in or a declared type.
// A complex type is only built when needBuilt (it is a base being derived
// from); a content model just points at it, so types may refer to each
// other through their elements.
func (b *nativeBuilder) typeRef(st *stmt, name string, needBuilt bool) (*xtype, *stmt, error) {
	if !strings.Contains(name, ":") {
		t := builtins()[name]
		if t == nil || !builtinTypes[name] {
			return nil, nil, st.errorf("unknown built-in type %q (model types need a prefix)", name)
		}
		return t, nil, nil
	}
	decl := b.m.types[name]
	if decl == nil {
		return nil, nil, st.errorf("type %s is not declared", name)
	}
	if decl.keyword == "simple" || needBuilt {
		t, err := b.typeNamed(decl, name)
		return t, decl, err
	}
	t, err := b.shell(decl, name)
	return t, decl, err
}

// simpleRef resolves a name that must denote a simple type.
func (b *nativeBuilder) simpleRef(st *stmt, name string) (*xtype, *stmt, error) {
	if name == "anyType" {
		return nil, nil, st.errorf("anyType is not a simple type")
	}
	if decl := b.m.types[name]; decl != nil && decl.keyword != "simple" {
		return nil, nil, st.errorf("%s is a complex type; a simple type is needed here", name)
	}
	return b.typeRef(st, name, true)
}

// shell returns the (possibly unbuilt) type object of a declared type.
func (b *nativeBuilder) shell(decl *stmt, name string) (*xtype, error) {
	if t := b.types[name]; t != nil {
		return t, nil
	}
	ns, err := b.nsOfName(decl, name)
	if err != nil {
		return nil, err
	}
	t := &xtype{name: b.qnameOf(name), block: ns.blockAll}
	if decl.keyword == "simple" && hasFlag(decl.args[1:], "inline") {
		t.name = qname{} // written out anonymously wherever it is used
	}
	b.types[name] = t
	return t, nil
}

// typeNamed builds (once) the type declared by decl under name. Meeting it
// again while it is being built means it derives from itself.
func (b *nativeBuilder) typeNamed(decl *stmt, name string) (*xtype, error) {
	switch b.state[name] {
	case built:
		return b.types[name], nil
	case building:
		return nil, decl.errorf("type %s derives from itself", name)
	}
	t, err := b.shell(decl, name)
	if err != nil {
		return nil, err
	}
	b.state[name] = building
	if decl.keyword == "simple" {
		err = b.simpleType(decl, t)
	} else {
		err = b.namedComplexType(decl, t, b.m.byPrefix[nsOf(name)])
	}
	if err != nil {
		return nil, err
	}
	b.state[name] = built
	return t, nil
}

// ----- simple types ----------------------------------------------------------

// simpleType fills t from "simple <name> [inline] <derivation>".
func (b *nativeBuilder) simpleType(st *stmt, t *xtype) error {
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
	var err error
	switch deriv[0] {
	case "union":
		err = b.union(st, t, deriv[1:])
	case "list":
		err = b.list(st, t, deriv[1:])
	default:
		if len(deriv) > 1 {
			return st.errorf("unexpected words after base type: %s", strings.Join(deriv[1:], " "))
		}
		err = b.restriction(st, t, deriv[0], st.opts)
	}
	if err != nil {
		return err
	}
	finishSimple(t)
	return nil
}

// union fills a union type. helium lists anonymous (inline) members before
// the named ones; the order shows in messages, so it is kept.
func (b *nativeBuilder) union(st *stmt, t *xtype, members []string) error {
	if len(members) == 0 || len(st.opts) > 0 {
		return st.errorf("union takes member types and no facets")
	}
	var named, inline []*xtype
	for _, mem := range members {
		mt, decl, err := b.simpleRef(st, mem)
		if err != nil {
			return err
		}
		if decl != nil && hasFlag(decl.args[1:], "inline") {
			inline = append(inline, mt)
		} else {
			named = append(named, mt)
		}
	}
	t.variety, t.base = vUnion, builtins()["anySimpleType"]
	t.members = append(inline, named...)
	return nil
}

func (b *nativeBuilder) list(st *stmt, t *xtype, item []string) error {
	if len(item) != 1 || len(st.opts) > 0 {
		return st.errorf("list takes one item type and no facets")
	}
	it, _, err := b.simpleRef(st, item[0])
	if err != nil {
		return err
	}
	t.variety, t.base, t.item = vList, builtins()["anySimpleType"], it
	return nil
}

// restriction makes t a restriction of base by the facets among opts.
func (b *nativeBuilder) restriction(st *stmt, t *xtype, base string, opts map[string]string) error {
	bt, decl, err := b.simpleRef(st, base)
	if err != nil {
		return err
	}
	if decl != nil && hasFlag(decl.args[1:], "inline") {
		return st.errorf("restrict inline type %s: restrict its base instead", base)
	}
	t.base = bt
	t.facets, err = b.parseFacets(st, bt, opts)
	return err
}

// anonymousRestriction is the type of an element or attribute narrowed by
// facets in place ("elem Code string maxLength=3").
func (b *nativeBuilder) anonymousRestriction(st *stmt, base string, opts map[string]string) (*xtype, error) {
	t := &xtype{}
	if err := b.restriction(st, t, base, opts); err != nil {
		return nil, err
	}
	finishSimple(t)
	return t, nil
}

// declType resolves the type of an element or attribute declaration: a
// named type, an inline simple type, or an anonymous restriction by facets.
func (b *nativeBuilder) declType(st *stmt, typeName string, facetOpts map[string]string) (*xtype, error) {
	t, decl, err := b.typeRef(st, typeName, false)
	if err != nil {
		return nil, err
	}
	inline := decl != nil && decl.keyword == "simple" && hasFlag(decl.args[1:], "inline")
	if len(facetOpts) == 0 {
		return t, nil
	}
	if inline {
		return nil, st.errorf("facets cannot narrow the inline type %s", typeName)
	}
	return b.anonymousRestriction(st, typeName, facetOpts)
}
