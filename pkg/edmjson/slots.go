package edmjson

import (
	"strings"

	"github.com/lestrrat-go/helium"
)

// Slot value types, as written in xsi:type with the "rim" prefix.
const (
	typeString     = "rim:StringValueType"
	typeDateTime   = "rim:DateTimeValueType"
	typeBoolean    = "rim:BooleanValueType"
	typeIntlString = "rim:InternationalStringValueType"
	typeAny        = "rim:AnyValueType"
	typeCollection = "rim:CollectionValueType"
)

// dateTimeSlots are the OOTS slots whose value is a date and time: for them
// a plain JSON string means rim:DateTimeValueType, for every other slot
// rim:StringValueType. Keeping the common case a bare string is what makes
// the form pleasant; any other combination uses the "#xml" form.
var dateTimeSlots = map[string]bool{
	"IssueDateTime":             true,
	"Timestamp":                 true,
	"ResponseAvailableDateTime": true,
}

func stringType(slot string) string {
	if dateTimeSlots[slot] {
		return typeDateTime
	}
	return typeString
}

// encodeSlots gives the "slots" object of a run of rim:Slot elements, or
// false when a slot cannot be named by its name alone (duplicate names,
// extra attributes or content).
func encodeSlots(run []*helium.Element) (object, bool) {
	obj := make(object, 0, len(run))
	seen := map[string]bool{}
	for _, s := range run {
		name, ok := s.GetAttribute("name")
		if !ok || seen[name] || len(s.Attributes()) != 1 || len(s.Namespaces()) != 0 {
			return nil, false
		}
		seen[name] = true
		c := contentOf(s)
		if c.text || len(c.elems) != 1 || !isRIM(c.elems[0], "SlotValue") {
			return nil, false
		}
		obj = append(obj, member{name, slotValue(c.elems[0], name)})
	}
	return obj, true
}

// slotValue encodes a rim:SlotValue or a collection's rim:Element in the
// most compact form that writes it back unchanged, else as {"#xml": …}.
func slotValue(v *helium.Element, slot string) any {
	if val, ok := compactValue(v, slot); ok {
		return val
	}
	return object{{"#xml", encodeElement(v, false)}}
}

func compactValue(v *helium.Element, slot string) (any, bool) {
	if len(v.Namespaces()) != 0 {
		return nil, false
	}
	typ, collType, ok := valueAttributes(v)
	if !ok {
		return nil, false
	}
	c := contentOf(v)
	if c.text {
		return nil, false
	}
	if collType != "" && typ != typeCollection {
		return nil, false
	}
	switch typ {
	case typeString, typeDateTime:
		s, ok := simpleValue(c.elems)
		return s, ok && typ == stringType(slot)
	case typeBoolean:
		s, ok := simpleValue(c.elems)
		return s == "true", ok && (s == "true" || s == "false")
	case typeIntlString:
		return intlValue(c.elems)
	case typeAny:
		if len(c.elems) == 0 {
			return nil, false
		}
		return childMembers(c.elems, "\x00", false)
	case typeCollection:
		return collectionValue(c.elems, slot, collType)
	}
	return nil, false
}

// valueAttributes reads xsi:type (required, with the "xsi" prefix) and
// collectionType (optional); any other attribute rules the compact form out.
func valueAttributes(v *helium.Element) (typ, collType string, ok bool) {
	for _, a := range v.Attributes() {
		switch {
		case a.Name() == "xsi:type" && a.URI() == nsXSI:
			typ = a.Value()
		case a.Name() == "collectionType":
			collType = a.Value()
		default:
			return "", "", false
		}
	}
	return typ, collType, typ != ""
}

// simpleValue reads the text of a single attribute-free rim:Value.
func simpleValue(elems []*helium.Element) (string, bool) {
	if len(elems) != 1 || !isRIM(elems[0], "Value") || len(elems[0].Attributes()) != 0 || len(elems[0].Namespaces()) != 0 {
		return "", false
	}
	c := contentOf(elems[0])
	if len(c.elems) != 0 {
		return "", false
	}
	return joinText(c.items), true
}

// intlValue reads rim:Value/rim:LocalizedString as {"lang": "text"}.
func intlValue(elems []*helium.Element) (any, bool) {
	if len(elems) != 1 || !isRIM(elems[0], "Value") || len(elems[0].Attributes()) != 0 || len(elems[0].Namespaces()) != 0 {
		return nil, false
	}
	c := contentOf(elems[0])
	if c.text || len(c.elems) == 0 {
		return nil, false
	}
	obj := object{}
	seen := map[string]bool{}
	for _, ls := range c.elems {
		lang, text, ok := localizedString(ls)
		if !ok || seen[lang] {
			return nil, false
		}
		seen[lang] = true
		obj = append(obj, member{lang, text})
	}
	return obj, true
}

func localizedString(ls *helium.Element) (lang, text string, ok bool) {
	if !isRIM(ls, "LocalizedString") || len(ls.Namespaces()) != 0 || ls.FirstChild() != nil && len(contentOf(ls).items) != 0 {
		return "", "", false
	}
	attrs := ls.Attributes()
	if len(attrs) != 2 {
		return "", "", false
	}
	lang, okLang := ls.GetAttributeNS("lang", "http://www.w3.org/XML/1998/namespace")
	text, okText := ls.GetAttribute("value")
	// A language key must not look like an element key (with ':') or a
	// reserved key ('@', '#'), or the value would read back as another type.
	ok = okLang && okText && lang != "" && !strings.ContainsAny(lang, ":@#")
	return lang, text, ok
}

// collectionValue gives an array of item values, inside
// {"@collectionType": …, "#items": […]} when the attribute is present.
func collectionValue(elems []*helium.Element, slot, collType string) (any, bool) {
	items := make([]any, 0, len(elems))
	for _, el := range elems {
		if !isRIM(el, "Element") {
			return nil, false
		}
		items = append(items, slotValue(el, slot))
	}
	if collType == "" {
		return items, true
	}
	return object{{"@collectionType", collType}, {"#items", items}}, true
}
