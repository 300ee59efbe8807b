package xmlschema

import "sync"

// The XSD 1.0 built-in types as xtypes, chained by restriction. They are
// immutable and shared by every native schema.

// builtinBases lists each built-in with the built-in it restricts (XSD Part
// 2, section 3). IDREFS, ENTITIES and NMTOKENS are atomic placeholders
// validated token by token, as helium registers them.
var builtinBases = [][2]string{
	{"anySimpleType", "anyType"},
	{"string", "anySimpleType"},
	{"normalizedString", "string"},
	{"token", "normalizedString"},
	{"language", "token"},
	{"Name", "token"},
	{"NCName", "Name"},
	{"ID", "NCName"},
	{"IDREF", "NCName"},
	{"ENTITY", "NCName"},
	{"NMTOKEN", "token"},
	{"IDREFS", "anySimpleType"},
	{"ENTITIES", "anySimpleType"},
	{"NMTOKENS", "anySimpleType"},
	{"decimal", "anySimpleType"},
	{"integer", "decimal"},
	{"nonPositiveInteger", "integer"},
	{"negativeInteger", "nonPositiveInteger"},
	{"long", "integer"},
	{"int", "long"},
	{"short", "int"},
	{"byte", "short"},
	{"nonNegativeInteger", "integer"},
	{"unsignedLong", "nonNegativeInteger"},
	{"unsignedInt", "unsignedLong"},
	{"unsignedShort", "unsignedInt"},
	{"unsignedByte", "unsignedShort"},
	{"positiveInteger", "nonNegativeInteger"},
	{"float", "anySimpleType"},
	{"double", "anySimpleType"},
	{"boolean", "anySimpleType"},
	{"duration", "anySimpleType"},
	{"dateTime", "anySimpleType"},
	{"time", "anySimpleType"},
	{"date", "anySimpleType"},
	{"gYearMonth", "anySimpleType"},
	{"gYear", "anySimpleType"},
	{"gMonthDay", "anySimpleType"},
	{"gDay", "anySimpleType"},
	{"gMonth", "anySimpleType"},
	{"hexBinary", "anySimpleType"},
	{"base64Binary", "anySimpleType"},
	{"anyURI", "anySimpleType"},
	{"QName", "anySimpleType"},
	{"NOTATION", "anySimpleType"},
}

var (
	builtinOnce sync.Once
	builtinMap  map[string]*xtype
)

// builtins returns the built-in types by local name.
func builtins() map[string]*xtype {
	builtinOnce.Do(func() {
		builtinMap = map[string]*xtype{"anyType": newAnyType()}
		for _, bb := range builtinBases {
			t := &xtype{name: qname{xsdNS, bb[0]}, base: builtinMap[bb[1]], builtin: bb[0]}
			t.ws = builtinWhiteSpace(bb[0])
			builtinMap[bb[0]] = t
			finishSimple(t)
		}
	})
	return builtinMap
}

// newAnyType is the ur-type: mixed content of any elements, assessed laxly,
// and any attributes.
func newAnyType() *xtype {
	any := &wildcard{any: true, process: processLax, text: "##any"}
	t := &xtype{name: qname{xsdNS, "anyType"}, complex: true, content: contentMixed, anyAttr: any}
	t.model = &group{min: 1, max: 1, hasWildcard: true, parts: []*particle{{min: 0, max: unbounded, wc: any}}}
	t.lenient = t.model
	t.childWild = []*wildcard{any}
	return t
}

func builtinWhiteSpace(local string) wsMode {
	switch local {
	case "string", "anySimpleType":
		return wsPreserve
	case "normalizedString":
		return wsReplace
	}
	return wsCollapse
}

func isAnyTypeX(t *xtype) bool { return t.name == qname{xsdNS, "anyType"} }
