package xmlschema

import (
	"sort"
	"strconv"
	"strings"
)

// Facets of the model's restrictions, checked when the model is built: a
// facet the native engine cannot apply exactly is a model error, never a
// silently ignored constraint.

var (
	decimalFamily = setOf(`decimal integer nonPositiveInteger negativeInteger long int short byte
		nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger`)
	lengthFamily = setOf(`string normalizedString token language Name NCName ID IDREF IDREFS
		ENTITY ENTITIES NMTOKEN NMTOKENS anyURI QName NOTATION hexBinary base64Binary anySimpleType`)
)

// parseFacets reads the facet options of a restriction of base.
func (b *nativeBuilder) parseFacets(st *stmt, base *xtype, opts map[string]string) (*facets, error) {
	if len(opts) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	f := &facets{}
	for _, key := range keys {
		if !facetKeys[key] {
			return nil, st.errorf("unknown facet %q", key)
		}
		if err := b.setFacet(st, f, base, key, opts[key]); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (b *nativeBuilder) setFacet(st *stmt, f *facets, base *xtype, key, val string) error {
	builtin := base.builtin
	if base.variety == vList {
		builtin = "IDREFS" // list facets count items; only the length ones apply
	}
	switch key {
	case "length", "minLength", "maxLength":
		if !lengthFamily[builtin] {
			return st.errorf("facet %s does not apply to %s", key, builtin)
		}
		return setInt(st, key, val, map[string]**int{"length": &f.length, "minLength": &f.minLength, "maxLength": &f.maxLength}[key])
	case "totalDigits", "fractionDigits":
		if !decimalFamily[builtin] {
			return st.errorf("facet %s does not apply to %s", key, builtin)
		}
		return setInt(st, key, val, map[string]**int{"totalDigits": &f.totalDigits, "fractionDigits": &f.fractionDigits}[key])
	case "minInclusive", "maxInclusive", "minExclusive", "maxExclusive":
		return setBound(st, f, builtin, key, val)
	case "pattern":
		re, err := compileXSDPattern(val)
		if err != nil {
			return st.errorf("pattern %q: %v", val, err)
		}
		f.patterns, f.regexps = append(f.patterns, val), append(f.regexps, re)
	case "enum":
		if builtin == "boolean" {
			return st.errorf("facet enum does not apply to boolean")
		}
		return b.setEnum(st, f, builtin, val)
	case "whiteSpace":
		return setWhiteSpace(st, f, base, val)
	}
	return nil
}

// setWhiteSpace accepts a whiteSpace facet that normalizes at least as
// much as the base does (XSD Part 2, 4.3.6): only string types can be
// anything but collapse.
func setWhiteSpace(st *stmt, f *facets, base *xtype, val string) error {
	mode, ok := map[string]wsMode{"preserve": wsPreserve, "replace": wsReplace, "collapse": wsCollapse}[val]
	if !ok {
		return st.errorf("whiteSpace must be preserve, replace or collapse, not %q", val)
	}
	if mode < base.ws {
		return st.errorf("whiteSpace=%s would normalize less than the base type does", val)
	}
	f.whiteSpace = &mode
	return nil
}

func setInt(st *stmt, key, val string, dst **int) error {
	n, err := strconv.Atoi(val)
	if err != nil || n < 0 {
		return st.errorf("facet %s needs a non-negative integer, not %q", key, val)
	}
	*dst = &n
	return nil
}

// setBound accepts range facets on numbers only: the native engine orders
// numbers, not dates or durations.
func setBound(st *stmt, f *facets, builtin, key, val string) error {
	numeric := decimalFamily[builtin] || builtin == "float" || builtin == "double"
	if !numeric || !validLexical(val, builtin) {
		return st.errorf("facet %s=%s: the native engine supports range facets on numeric types only", key, val)
	}
	v := val
	switch key {
	case "minInclusive":
		f.minInclusive = &v
	case "maxInclusive":
		f.maxInclusive = &v
	case "minExclusive":
		f.minExclusive = &v
	default:
		f.maxExclusive = &v
	}
	return nil
}

// setEnum stores the enumeration; QName values are resolved now with the
// model's prefixes, which the generated schema documents bind.
func (b *nativeBuilder) setEnum(st *stmt, f *facets, builtin, val string) error {
	f.enum = strings.Split(val, "|")
	if builtin != "QName" && builtin != "NOTATION" {
		return nil
	}
	for _, v := range f.enum {
		prefix, local, ok := strings.Cut(v, ":")
		if !ok {
			f.enumQ = append(f.enumQ, qname{local: v})
			continue
		}
		ns := b.m.byPrefix[prefix]
		if ns == nil {
			return st.errorf("enumerated QName %s: prefix %q is not declared", v, prefix)
		}
		f.enumQ = append(f.enumQ, qname{ns.uri, local})
	}
	return nil
}
