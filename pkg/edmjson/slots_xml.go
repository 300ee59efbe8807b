package edmjson

import (
	"fmt"
	"strings"
)

// slots writes the "slots" object as rim:Slot elements.
func (w *xmlWriter) slots(v any, path string, depth int) error {
	obj, ok := v.(object)
	if !ok {
		return &PathError{path, "want an object of slots by name, not " + describe(v)}
	}
	for _, m := range obj {
		w.indent(depth)
		w.b.WriteString("<rim:Slot")
		w.attr("name", m.Key)
		w.b.WriteByte('>')
		if err := w.slotValue("rim:SlotValue", m.Key, m.Val, path+pathKey(m.Key), depth+1); err != nil {
			return err
		}
		w.indent(depth)
		w.b.WriteString("</rim:Slot>")
	}
	return nil
}

// slotValue writes a rim:SlotValue (or a collection's rim:Element, tag)
// from its compact form; see compactValue for the reverse.
func (w *xmlWriter) slotValue(tag, slot string, v any, path string, depth int) error {
	w.indent(depth)
	switch t := v.(type) {
	case string:
		w.simpleValue(tag, stringType(slot), t, depth)
	case bool:
		w.simpleValue(tag, typeBoolean, fmt.Sprint(t), depth)
	case []any:
		return w.collection(tag, slot, "", t, path, depth)
	case object:
		return w.objectValue(tag, slot, t, path, depth)
	default:
		return &PathError{path, "want a string, boolean, array or object slot value, not " + describe(v)}
	}
	return nil
}

func (w *xmlWriter) objectValue(tag, slot string, obj object, path string, depth int) error {
	if x, ok := obj.get("#xml"); ok {
		return w.element(tag, x, path+`."#xml"`, depth)
	}
	if items, ok := obj.get("#items"); ok {
		arr, isArr := items.([]any)
		ct, isStr := firstString(obj, "@collectionType")
		if !isArr || !isStr {
			return &PathError{path, `want "@collectionType" (a string) and "#items" (an array)`}
		}
		return w.collection(tag, slot, ct, arr, path+`."#items"`, depth)
	}
	if len(obj) > 0 && strings.Contains(obj[0].Key, ":") {
		return w.anyValue(tag, obj, path, depth)
	}
	return w.intlValue(tag, obj, path, depth)
}

func firstString(obj object, key string) (string, bool) {
	v, _ := obj.get(key)
	s, ok := v.(string)
	return s, ok
}

func (w *xmlWriter) typedStart(tag, typ string) {
	w.b.WriteByte('<')
	w.b.WriteString(tag)
	w.attr("xsi:type", typ)
	w.b.WriteByte('>')
}

func (w *xmlWriter) simpleValue(tag, typ, text string, depth int) {
	w.typedStart(tag, typ)
	w.indent(depth + 1)
	w.b.WriteString("<rim:Value>")
	escapeText(&w.b, text)
	w.b.WriteString("</rim:Value>")
	w.indent(depth)
	w.end(tag)
}

func (w *xmlWriter) collection(tag, slot, collType string, items []any, path string, depth int) error {
	w.b.WriteByte('<')
	w.b.WriteString(tag)
	w.attr("xsi:type", typeCollection)
	if collType != "" {
		w.attr("collectionType", collType)
	}
	w.b.WriteByte('>')
	for i, it := range items {
		if err := w.slotValue("rim:Element", slot, it, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
			return err
		}
	}
	w.indent(depth)
	w.end(tag)
	return nil
}

// anyValue writes rim:AnyValueType; every key is a qualified element name.
func (w *xmlWriter) anyValue(tag string, obj object, path string, depth int) error {
	w.typedStart(tag, typeAny)
	for _, m := range obj {
		if !strings.Contains(m.Key, ":") {
			return &PathError{path + pathKey(m.Key), "an AnyValueType slot value holds elements with qualified names (sdg:Agent, or :Name for no prefix)"}
		}
		if err := w.children(qualify(m.Key, ""), m.Val, path+pathKey(m.Key), depth+1); err != nil {
			return err
		}
	}
	w.indent(depth)
	w.end(tag)
	return nil
}

// intlValue writes rim:InternationalStringValueType from {"lang": "text"}.
func (w *xmlWriter) intlValue(tag string, obj object, path string, depth int) error {
	w.typedStart(tag, typeIntlString)
	w.indent(depth + 1)
	w.b.WriteString("<rim:Value>")
	for _, m := range obj {
		s, ok := m.Val.(string)
		if !ok {
			return &PathError{path + pathKey(m.Key), "want the text in this language, a string, not " + describe(m.Val)}
		}
		w.indent(depth + 2)
		w.b.WriteString("<rim:LocalizedString")
		w.attr("xml:lang", m.Key)
		w.attr("value", s)
		w.b.WriteString("/>")
	}
	w.indent(depth + 1)
	w.b.WriteString("</rim:Value>")
	w.indent(depth)
	w.end(tag)
	return nil
}
