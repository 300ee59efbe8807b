package xmlschema

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lestrrat-go/helium"
)

// Simple values: lexical space, facets, lists and unions, with helium's
// messages (xsd/simplevalue_core.go). rep receives each message; nil means
// the caller reports on its own (attribute values).

// checkValue validates v against t (a simple type, or a complex type with
// simple content). el gives the namespaces a QName value resolves with.
func (s *nativeSchema) checkValue(el *helium.Element, v string, t *xtype, rep func(string)) bool {
	switch t.variety {
	case vList:
		return s.checkList(el, v, t, rep)
	case vUnion:
		return s.checkUnion(el, v, t, rep)
	}
	trimmed := normalizeWS(v, t.ws)
	raw := v
	if t.normFirst {
		// libxml2 normalizes the value first when a pattern or an
		// enumeration will be compared with it (NORMVALUENEEDED).
		raw = trimmed
	}
	if !s.lexicalOK(raw, trimmed, t.builtin) || (isQNameType(t.builtin) && !qnameResolves(el, trimmed)) {
		say(rep, "'%s' is not a valid value of the atomic type '%s'.", trimmed, typeDisplay(t))
		return false
	}
	return s.checkFacetChain(el, trimmed, t, rep)
}

// lexicalOK reads a value as libxml2 does, or as helium does with
// heliumQuirks.
func (s *nativeSchema) lexicalOK(raw, trimmed, builtin string) bool {
	if s.heliumQuirks {
		return validLexical(trimmed, builtin)
	}
	return validLexicalLibxml2(raw, trimmed, builtin)
}

func say(rep func(string), format string, a ...any) {
	if rep != nil {
		rep(fmt.Sprintf(format, a...))
	}
}

func isQNameType(builtin string) bool { return builtin == "QName" || builtin == "NOTATION" }

// qnameResolves: a prefixed QName value needs its prefix in scope.
func qnameResolves(el *helium.Element, v string) bool {
	prefix, _, ok := strings.Cut(v, ":")
	if !ok || prefix == "xml" {
		return true
	}
	_, bound := lookupPrefix(el, prefix)
	return bound
}

// checkFacetChain applies the facets of every restriction step, most
// derived first, reporting each violated facet.
func (s *nativeSchema) checkFacetChain(el *helium.Element, v string, t *xtype, rep func(string)) bool {
	ok := true
	for cur := t; cur != nil; cur = cur.base {
		if cur.facets != nil && !s.checkFacets(el, v, cur.facets, t.builtin, t.ws, rep) {
			ok = false
		}
	}
	return ok
}

// checkFacets checks one step's facets in helium's order.
func (s *nativeSchema) checkFacets(el *helium.Element, v string, f *facets, builtin string, ws wsMode, rep func(string)) bool {
	ok := true
	fail := func(format string, a ...any) {
		say(rep, format, a...)
		ok = false
	}
	if len(f.enum) > 0 && !enumerated(el, v, f, builtin, ws) {
		fail("[facet 'enumeration'] The value '%s' is not an element of the set {%s}.", v, "'"+strings.Join(f.enum, "', '")+"'")
	}
	s.checkBounds(v, f, builtin, fail)
	if f.totalDigits != nil && totalDigits(v) > *f.totalDigits {
		fail("[facet 'totalDigits'] The value '%s' has more digits than are allowed ('%d').", v, *f.totalDigits)
	}
	if f.fractionDigits != nil && fractionDigits(v) > *f.fractionDigits {
		fail("[facet 'fractionDigits'] The value '%s' has more fractional digits than are allowed ('%d').", v, *f.fractionDigits)
	}
	if !isQNameType(builtin) {
		n := facetLength(v, builtin)
		if builtin == "base64Binary" && !s.heliumQuirks {
			n = libxml2Base64Length(v)
		}
		checkLength(n, f, fail)
	}
	if len(f.regexps) > 0 && !anyMatch(f, v) {
		if len(f.patterns) == 1 {
			fail("[facet 'pattern'] The value '%s' is not accepted by the pattern '%s'.", v, f.patterns[0])
		} else {
			fail("[facet 'pattern'] The value '%s' is not accepted by the patterns '%s'.", v, strings.Join(f.patterns, "', '"))
		}
	}
	return ok
}

func anyMatch(f *facets, v string) bool {
	for _, re := range f.regexps {
		if re.MatchString(v) {
			return true
		}
	}
	return false
}

func (s *nativeSchema) checkBounds(v string, f *facets, builtin string, fail func(string, ...any)) {
	if f.minInclusive != nil && !s.within(v, *f.minInclusive, builtin, func(c int) bool { return c >= 0 }) {
		fail("[facet 'minInclusive'] The value '%s' is less than the minimum value allowed ('%s').", v, *f.minInclusive)
	}
	if f.maxInclusive != nil && !s.within(v, *f.maxInclusive, builtin, func(c int) bool { return c <= 0 }) {
		fail("[facet 'maxInclusive'] The value '%s' is greater than the maximum value allowed ('%s').", v, *f.maxInclusive)
	}
	if f.minExclusive != nil && !s.within(v, *f.minExclusive, builtin, func(c int) bool { return c > 0 }) {
		fail("[facet 'minExclusive'] The value '%s' must be greater than '%s'.", v, *f.minExclusive)
	}
	if f.maxExclusive != nil && !s.within(v, *f.maxExclusive, builtin, func(c int) bool { return c < 0 }) {
		fail("[facet 'maxExclusive'] The value '%s' must be less than '%s'.", v, *f.maxExclusive)
	}
}

// within applies a range facet. NaN is in no range for libxml2 (it
// compares unordered); helium lets values it cannot compare pass.
func (s *nativeSchema) within(v, bound, builtin string, ok func(int) bool) bool {
	if c, comparable := compareNumbers(v, bound, builtin); comparable {
		return ok(c)
	}
	return s.heliumQuirks || !isFloatType(builtin)
}

func checkLength(n int, f *facets, fail func(string, ...any)) {
	if f.length != nil && n != *f.length {
		fail("[facet 'length'] The value has a length of '%d'; this differs from the allowed length of '%d'.", n, *f.length)
	}
	if f.minLength != nil && n < *f.minLength {
		fail("[facet 'minLength'] The value has a length of '%d'; this underruns the allowed minimum length of '%d'.", n, *f.minLength)
	}
	if f.maxLength != nil && n > *f.maxLength {
		fail("[facet 'maxLength'] The value has a length of '%d'; this exceeds the allowed maximum length of '%d'.", n, *f.maxLength)
	}
}

// enumerated compares in the value space: QNames by expanded name, numbers
// and booleans by value, everything else by the normalized string.
func enumerated(el *helium.Element, v string, f *facets, builtin string, ws wsMode) bool {
	if isQNameType(builtin) {
		q, ok := resolveValueQName(el, v)
		if !ok {
			return false
		}
		for _, e := range f.enumQ {
			if e == q {
				return true
			}
		}
		return false
	}
	for _, e := range f.enum {
		ne := normalizeWS(e, ws)
		if ne == v || valueEqual(v, ne, builtin) {
			return true
		}
	}
	return false
}

// resolveValueQName expands a QName value; an unprefixed one has no
// namespace (QName values do not take the default namespace).
func resolveValueQName(el *helium.Element, v string) (qname, bool) {
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		return qname{local: v}, true
	}
	if prefix == "xml" {
		return qname{xmlNS, local}, true
	}
	uri, bound := lookupPrefix(el, prefix)
	return qname{uri, local}, bound
}

// ----- numbers and value equality -------------------------------------------------

func isFloatType(builtin string) bool { return builtin == "float" || builtin == "double" }

// compareNumbers orders two numbers of a numeric built-in.
func compareNumbers(a, b, builtin string) (int, bool) {
	switch {
	case decimalFamily[builtin]:
		x, ok1 := new(big.Rat).SetString(a)
		y, ok2 := new(big.Rat).SetString(b)
		if !ok1 || !ok2 {
			return 0, false
		}
		return x.Cmp(y), true
	case isFloatType(builtin):
		x, ok1 := parseXSDFloat(a)
		y, ok2 := parseXSDFloat(b)
		if !ok1 || !ok2 || math.IsNaN(x) || math.IsNaN(y) {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func parseXSDFloat(s string) (float64, bool) {
	switch s {
	case "INF":
		return math.Inf(1), true
	case "-INF":
		return math.Inf(-1), true
	case "NaN":
		return math.NaN(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Out of range still orders: it parsed as ±Inf or 0.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// valueEqual is equality in the value space of numbers and booleans.
func valueEqual(a, b, builtin string) bool {
	if builtin == "boolean" {
		return boolValue(a) != "" && boolValue(a) == boolValue(b)
	}
	if isFloatType(builtin) {
		x, ok1 := parseXSDFloat(a)
		y, ok2 := parseXSDFloat(b)
		return ok1 && ok2 && (x == y || (math.IsNaN(x) && math.IsNaN(y)))
	}
	c, ok := compareNumbers(a, b, builtin)
	return ok && c == 0
}

func boolValue(s string) string {
	switch s {
	case "true", "1":
		return "true"
	case "false", "0":
		return "false"
	}
	return ""
}

// fixedMatches compares a value with a fixed value constraint of type t.
func (s *nativeSchema) fixedMatches(el *helium.Element, v, fixed string, t *xtype) bool {
	if t == nil {
		return v == fixed
	}
	a, b := normalizeWS(v, t.ws), normalizeWS(fixed, t.ws)
	if a == b {
		return true
	}
	if isQNameType(t.builtin) {
		qa, ok := resolveValueQName(el, a)
		_, local, _ := strings.Cut(b, ":")
		return ok && qa.local == local
	}
	return t.variety == vAtomic && validLexical(a, t.builtin) && valueEqual(a, b, t.builtin)
}

// totalDigits and fractionDigits count significant digits.
func totalDigits(v string) int {
	v = strings.TrimLeft(v, "+-")
	intPart, frac, _ := strings.Cut(v, ".")
	n := len(strings.TrimLeft(intPart, "0")) + len(strings.TrimRight(frac, "0"))
	return max(n, 1)
}

func fractionDigits(v string) int {
	_, frac, _ := strings.Cut(strings.TrimLeft(v, "+-"), ".")
	return len(strings.TrimRight(frac, "0"))
}

// facetLength measures a value for the length facets: items of the list
// built-ins, octets of binary values, characters otherwise.
func facetLength(v, builtin string) int {
	switch builtin {
	case "IDREFS", "ENTITIES", "NMTOKENS":
		return len(xsdFields(v))
	case "hexBinary":
		return len(v) / 2
	case "base64Binary":
		compact := strings.Map(func(r rune) rune {
			if r < utf8.RuneSelf && isXMLSpace(byte(r)) {
				return -1
			}
			return r
		}, v)
		return len(strings.TrimRight(compact, "=")) * 3 / 4
	}
	return utf8.RuneCountInString(v)
}

// ----- lists and unions ---------------------------------------------------------

// checkList counts items for the length facets, applies enumeration and
// pattern to the whole value, then validates each item.
func (s *nativeSchema) checkList(el *helium.Element, v string, t *xtype, rep func(string)) bool {
	v = normalizeWS(v, wsCollapse)
	items := xsdFields(v)
	ok := true
	fail := func(format string, a ...any) {
		say(rep, format, a...)
		ok = false
	}
	for cur := t; cur != nil; cur = cur.base {
		if f := cur.facets; f != nil {
			checkLength(len(items), f, fail)
			if len(f.enum) > 0 && !listEnumerated(v, f) {
				fail("[facet 'enumeration'] The value '%s' is not an element of the set {%s}.", v, "'"+strings.Join(f.enum, "', '")+"'")
			}
			if len(f.regexps) > 0 && !anyMatch(f, v) {
				fail("[facet 'pattern'] The value '%s' is not accepted by the pattern '%s'.", v, strings.Join(f.patterns, "', '"))
			}
		}
	}
	if !ok {
		say(rep, "'%s' is not a valid value of the list type '%s'.", v, typeQualified(t))
		return false
	}
	for _, item := range items {
		if !s.checkValue(el, item, t.item, rep) {
			return false
		}
	}
	return true
}

func listEnumerated(v string, f *facets) bool {
	for _, e := range f.enum {
		if strings.Join(xsdFields(e), " ") == v {
			return true
		}
	}
	return false
}

// checkUnion accepts a value one member accepts, after the union's own
// facets; on failure only the union is named, with the raw value.
func (s *nativeSchema) checkUnion(el *helium.Element, v string, t *xtype, rep func(string)) bool {
	trimmed := normalizeWS(v, t.ws)
	for cur := t; cur != nil; cur = cur.base {
		if cur.facets == nil {
			continue
		}
		if !s.unionFacets(el, trimmed, cur.facets, t) {
			say(rep, "'%s' is not a valid value of the %s.", trimmed, unionDisplay(t))
			return false
		}
	}
	for _, m := range t.members {
		if s.checkValue(el, v, m, nil) {
			return true
		}
	}
	say(rep, "'%s' is not a valid value of the %s.", v, unionDisplay(t))
	return false
}

// unionFacets checks a union restriction's facets against the member the
// value belongs to.
func (s *nativeSchema) unionFacets(el *helium.Element, v string, f *facets, t *xtype) bool {
	active := s.activeMember(el, v, t)
	builtin, ws := "", t.ws
	if active != nil {
		builtin, ws = active.builtin, active.ws
	}
	if len(f.enum) > 0 {
		found := false
		for _, e := range f.enum {
			found = found || normalizeWS(e, ws) == v || (active != nil && valueEqual(v, normalizeWS(e, ws), builtin))
		}
		if !found {
			return false
		}
	}
	rest := *f
	rest.enum, rest.enumQ = nil, nil
	return s.checkFacets(el, v, &rest, builtin, ws, nil)
}

// activeMember is the first member that accepts v.
func (s *nativeSchema) activeMember(el *helium.Element, v string, t *xtype) *xtype {
	for _, m := range t.members {
		if s.checkValue(el, v, m, nil) {
			if m.variety == vUnion {
				if inner := s.activeMember(el, v, m); inner != nil {
					return inner
				}
			}
			return m
		}
	}
	return nil
}

// ----- type names in messages ----------------------------------------------------

// typeDisplay is helium's typeDisplayName: xs:local for built-ins, the local
// name for others, the base's name for an anonymous type (none for an
// anonymous complex type that derives from nothing explicitly).
func typeDisplay(t *xtype) string {
	for cur := t; cur != nil; cur = cur.base {
		switch {
		case cur.name.local == "" && implicitBase(cur):
			return ""
		case cur.name.local == "":
			continue
		case cur.name.ns == xsdNS:
			return "xs:" + cur.name.local
		default:
			return cur.name.local
		}
	}
	return ""
}

// typeQualified is helium's typeQualifiedName, in Clark notation.
func typeQualified(t *xtype) string {
	for cur := t; cur != nil; cur = cur.base {
		switch {
		case cur.name.local != "":
			return clarkOfName(cur.name)
		case implicitBase(cur):
			return ""
		}
	}
	return ""
}

// implicitBase reports a type whose base the model does not name: a
// complex type that extends nothing, a list or a union. helium gives such
// types no base, so messages name none.
func implicitBase(t *xtype) bool {
	if t.complex {
		return !t.ext
	}
	return t.base != nil && t.base.name == qname{xsdNS, "anySimpleType"} && t.variety != vAtomic
}

func unionDisplay(t *xtype) string {
	if t.name.local == "" {
		return "local union type"
	}
	return "union type '" + clarkOfName(t.name) + "'"
}
