package xmlschema

import (
	"strings"
)

// modelSet is a checked structure model: namespaces, entry points and the
// declared components, indexed by their prefixed names.
type modelSet struct {
	namespaces []*modelNS
	byPrefix   map[string]*modelNS
	entries    map[string]*stmt
	types      map[string]*stmt // simple and complex types share one symbol space
	elements   map[string]*stmt
	attributes map[string]*stmt
	groups     map[string]*stmt
	decls      []*stmt // component declarations in model order
}

type modelNS struct {
	prefix, uri string
	qualified   bool
	blockAll    bool
}

// The XSD 1.0 built-in types a model may name without a prefix.
var builtinTypes = setOf(`anyType anySimpleType string normalizedString token language Name NCName
	ID IDREF IDREFS ENTITY ENTITIES NMTOKEN NMTOKENS QName NOTATION anyURI base64Binary hexBinary
	boolean decimal integer nonPositiveInteger negativeInteger long int short byte
	nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger
	float double duration dateTime time date gYearMonth gYear gMonthDay gDay gMonth`)

// The facets a simple type restriction may carry, as model option keys.
var facetKeys = setOf(`length minLength maxLength pattern enum whiteSpace
	minInclusive maxInclusive minExclusive maxExclusive totalDigits fractionDigits`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// buildModel checks the statements and indexes the declarations.
func buildModel(stmts []*stmt) (*modelSet, error) {
	m := &modelSet{
		byPrefix:   map[string]*modelNS{},
		entries:    map[string]*stmt{},
		types:      map[string]*stmt{},
		elements:   map[string]*stmt{},
		attributes: map[string]*stmt{},
		groups:     map[string]*stmt{},
	}
	// Namespaces first: a declaration may use a prefix declared in a file
	// read later.
	for _, st := range stmts {
		if st.keyword == "namespace" {
			if err := m.addNamespace(st); err != nil {
				return nil, err
			}
		}
	}
	for _, st := range stmts {
		if err := m.addStatement(st); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// noBody rejects indented lines under a statement that takes none.
func noBody(st *stmt) error {
	if len(st.body) > 0 {
		return st.body[0].errorf("unexpected indentation: %s takes no indented lines", st.keyword)
	}
	return nil
}

func (m *modelSet) addNamespace(st *stmt) error {
	if err := noBody(st); err != nil {
		return err
	}
	if len(st.args) < 2 {
		return st.errorf("namespace needs a prefix and a URI")
	}
	ns := &modelNS{prefix: st.args[0], uri: st.args[1]}
	if _, dup := m.byPrefix[ns.prefix]; dup || ns.prefix == "xs" {
		return st.errorf("prefix %q is already bound", ns.prefix)
	}
	for _, flag := range st.args[2:] {
		if flag != "qualified" {
			return st.errorf("unknown namespace flag %q (want qualified)", flag)
		}
		ns.qualified = true
	}
	for k, v := range st.opts {
		if k != "block" || v != "#all" {
			return st.errorf("unknown namespace option %s=%s (want block=#all)", k, v)
		}
		ns.blockAll = true
	}
	m.byPrefix[ns.prefix] = ns
	m.namespaces = append(m.namespaces, ns)
	return nil
}

func (m *modelSet) addStatement(st *stmt) error {
	var table map[string]*stmt
	switch st.keyword {
	case "namespace":
		return nil
	case "entry":
		return m.addEntry(st)
	case "simple", "type":
		table = m.types
	case "element":
		table = m.elements
	case "attribute":
		table = m.attributes
	case "attrgroup":
		table = m.groups
	default:
		return st.errorf("unknown statement %q", st.keyword)
	}
	if len(st.args) == 0 {
		return st.errorf("%s needs a name", st.keyword)
	}
	name := st.args[0]
	if _, err := m.split(st, name); err != nil {
		return err
	}
	if prev, dup := table[name]; dup {
		return st.errorf("%s is already declared at %s", name, prev.pos())
	}
	table[name] = st
	m.decls = append(m.decls, st)
	return nil
}

func (m *modelSet) addEntry(st *stmt) error {
	if err := noBody(st); err != nil {
		return err
	}
	if len(st.args) < 2 {
		return st.errorf("entry needs a name and at least one namespace prefix")
	}
	if prev, dup := m.entries[st.args[0]]; dup {
		return st.errorf("entry %s is already declared at %s", st.args[0], prev.pos())
	}
	for _, p := range st.args[1:] {
		if m.byPrefix[p] == nil {
			return st.errorf("entry %s names undeclared prefix %q", st.args[0], p)
		}
	}
	m.entries[st.args[0]] = st
	return nil
}

// split checks a prefixed name and returns its namespace.
func (m *modelSet) split(st *stmt, name string) (*modelNS, error) {
	prefix, local, ok := strings.Cut(name, ":")
	if !ok || local == "" {
		return nil, st.errorf("%q must be a prefixed name such as rim:Slot", name)
	}
	ns := m.byPrefix[prefix]
	if ns == nil {
		return nil, st.errorf("prefix %q of %s is not declared", prefix, name)
	}
	return ns, nil
}

// prefixes gives the URI -> prefix table used in messages.
func (m *modelSet) prefixes() prefixTable {
	t := defaultPrefixes()
	for _, ns := range m.namespaces {
		t[ns.uri] = ns.prefix
	}
	return t
}

// occurs is a parsed cardinality.
type occurs struct {
	min, max string // max "unbounded" for no limit
}

// isOccurs recognises ?, *, +, N, N..M and N..*.
func isOccurs(word string) bool {
	switch word {
	case "?", "*", "+":
		return true
	}
	lo, hi, ranged := strings.Cut(word, "..")
	return allDigits(lo) && (!ranged || hi == "*" || allDigits(hi))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseOccurs reads ?, *, +, N, N..M or N..*; the empty word means exactly one.
func parseOccurs(word string) occurs {
	switch word {
	case "":
		return occurs{"1", "1"}
	case "?":
		return occurs{"0", "1"}
	case "*":
		return occurs{"0", "unbounded"}
	case "+":
		return occurs{"1", "unbounded"}
	}
	lo, hi, ranged := strings.Cut(word, "..")
	if !ranged {
		return occurs{word, word}
	}
	if hi == "*" {
		hi = "unbounded"
	}
	return occurs{lo, hi}
}

// words sorts the arguments after a statement's name into flags (from the
// allowed set), an "extends <base>" pair, a cardinality and the remaining
// positional words.
type words struct {
	flags   map[string]bool
	extends string
	occurs  string
	rest    []string
}

func splitWords(st *stmt, args []string, allowed map[string]bool) (words, error) {
	w := words{flags: map[string]bool{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "extends":
			if i+1 >= len(args) {
				return w, st.errorf("extends needs a base type")
			}
			w.extends = args[i+1]
			i++
		case allowed[a]:
			w.flags[a] = true
		case isOccurs(a):
			if w.occurs != "" {
				return w, st.errorf("cardinality given twice (%s and %s)", w.occurs, a)
			}
			w.occurs = a
		default:
			w.rest = append(w.rest, a)
		}
	}
	return w, nil
}
