package edmjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// PathError is JSON that is well-formed but not in the EDM JSON form; Path
// locates the value ($."query:QueryRequest".slots.Procedure).
type PathError struct {
	Path string
	Msg  string
}

func (e *PathError) Error() string { return e.Path + ": " + e.Msg }

// FromJSON converts the JSON form back to an XML document (UTF-8, with an
// XML declaration, indented by two spaces). Malformed JSON gives a
// *SyntaxError with line and column, a value of the wrong shape a *PathError.
func FromJSON(data []byte) ([]byte, error) {
	v, err := decodeOrdered(data)
	if err != nil {
		return nil, err
	}
	top, ok := v.(object)
	if !ok {
		return nil, &PathError{"$", "want an object holding the document element"}
	}
	w := &xmlWriter{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	roots := 0
	for i, m := range top {
		if err := w.topMember(m, i == 0, &roots); err != nil {
			return nil, err
		}
	}
	if roots != 1 {
		return nil, &PathError{"$", fmt.Sprintf("want exactly one document element member, found %d", roots)}
	}
	w.b.WriteByte('\n')
	return w.b.Bytes(), nil
}

// topMember writes a member of the top-level object: a first "kind" string
// is informational, "?target" a processing instruction, anything else the
// document element (which may itself be called kind, after the first).
func (w *xmlWriter) topMember(m member, first bool, roots *int) error {
	p := "$" + pathKey(m.Key)
	_, isString := m.Val.(string)
	switch {
	case m.Key == "kind" && isString && first:
		return nil
	case strings.HasPrefix(m.Key, "?"):
		w.b.WriteByte('\n')
		return w.pi(m.Key[1:], m.Val, p)
	}
	*roots++
	w.b.WriteByte('\n')
	return w.element(m.Key, m.Val, p, 0)
}

func (w *xmlWriter) pi(target string, v any, path string) error {
	data, ok := v.(string)
	if !ok || target == "" || strings.Contains(data, "?>") {
		return &PathError{path, "want a processing instruction target and its data as a string without ?>"}
	}
	w.b.WriteString("<?" + target)
	if data != "" {
		w.b.WriteString(" " + data)
	}
	w.b.WriteString("?>")
	return nil
}

type xmlWriter struct{ b bytes.Buffer }

func pathKey(k string) string {
	if strings.ContainsAny(k, ":.@#\" ") || k == "" {
		return `."` + k + `"`
	}
	return "." + k
}

func prefixOf(qname string) string {
	p, _, ok := strings.Cut(qname, ":")
	if !ok {
		return ""
	}
	return p
}

// qualify resolves a child key against its parent's prefix (see childKey).
func qualify(key, parentPrefix string) string {
	switch {
	case strings.HasPrefix(key, ":"):
		return key[1:]
	case strings.Contains(key, ":") || parentPrefix == "":
		return key
	}
	return parentPrefix + ":" + key
}

// element writes one element from its JSON value.
func (w *xmlWriter) element(qname string, v any, path string, depth int) error {
	if qname == "" {
		return &PathError{path, "empty element name"}
	}
	switch t := v.(type) {
	case string:
		w.start(qname, nil)
		escapeText(&w.b, t)
		w.end(qname)
		return nil
	case object:
		return w.objectElement(qname, t, path, depth)
	}
	return &PathError{path, fmt.Sprintf("want a string or an object for element %s, not %s", qname, describe(v))}
}

func (w *xmlWriter) objectElement(qname string, obj object, path string, depth int) error {
	var attrs, body object
	for _, m := range obj {
		if strings.HasPrefix(m.Key, "@") || m.Key == "xmlns" || strings.HasPrefix(m.Key, "xmlns:") {
			if _, ok := m.Val.(string); !ok {
				return &PathError{path + pathKey(m.Key), "want a string attribute value, not " + describe(m.Val)}
			}
			attrs = append(attrs, m)
		} else {
			body = append(body, m)
		}
	}
	w.start(qname, attrs)
	indented := false
	for _, m := range body {
		p := path + pathKey(m.Key)
		var err error
		switch m.Key {
		case "#text":
			s, ok := m.Val.(string)
			if !ok {
				return &PathError{p, "want a string, not " + describe(m.Val)}
			}
			escapeText(&w.b, s)
		case "#content":
			err = w.mixed(m.Val, prefixOf(qname), p, depth)
		case "slots":
			indented = true
			err = w.slots(m.Val, p, depth+1)
		default:
			indented = true
			err = w.children(qualify(m.Key, prefixOf(qname)), m.Val, p, depth+1)
		}
		if err != nil {
			return err
		}
	}
	if indented {
		w.indent(depth)
	}
	w.end(qname)
	return nil
}

// children writes the element(s) of one member: an array is a run of
// siblings of the same name.
func (w *xmlWriter) children(qname string, v any, path string, depth int) error {
	arr, ok := v.([]any)
	if !ok {
		arr = []any{v}
	}
	for i, item := range arr {
		p := path
		if ok {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		w.indent(depth)
		if err := w.element(qname, item, p, depth); err != nil {
			return err
		}
	}
	return nil
}

// mixed writes "#content" without adding whitespace, which would change it.
func (w *xmlWriter) mixed(v any, prefix, path string, depth int) error {
	arr, ok := v.([]any)
	if !ok {
		return &PathError{path, "want an array, not " + describe(v)}
	}
	for i, item := range arr {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch t := item.(type) {
		case string:
			escapeText(&w.b, t)
		case object:
			if len(t) != 1 {
				return &PathError{p, "want an object with one member, the element"}
			}
			if strings.HasPrefix(t[0].Key, "?") {
				if err := w.pi(t[0].Key[1:], t[0].Val, p+pathKey(t[0].Key)); err != nil {
					return err
				}
				continue
			}
			if err := w.element(qualify(t[0].Key, prefix), t[0].Val, p+pathKey(t[0].Key), depth); err != nil {
				return err
			}
		default:
			return &PathError{p, "want a string or an element object, not " + describe(item)}
		}
	}
	return nil
}

func (w *xmlWriter) indent(depth int) {
	w.b.WriteByte('\n')
	for range depth {
		w.b.WriteString("  ")
	}
}

func (w *xmlWriter) start(qname string, attrs object) {
	w.b.WriteByte('<')
	w.b.WriteString(qname)
	for _, a := range attrs {
		w.attr(strings.TrimPrefix(a.Key, "@"), a.Val.(string))
	}
	w.b.WriteByte('>')
}

func (w *xmlWriter) attr(name, value string) {
	w.b.WriteByte(' ')
	w.b.WriteString(name)
	w.b.WriteString(`="`)
	escapeAttr(&w.b, value)
	w.b.WriteByte('"')
}

func (w *xmlWriter) end(qname string) {
	w.b.WriteString("</")
	w.b.WriteString(qname)
	w.b.WriteByte('>')
}

func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + t.String()
	case []any:
		return "an array"
	case object:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func escapeText(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
}

// escapeAttr also escapes quotes and the whitespace characters a parser
// would normalise to spaces in an attribute value.
func escapeAttr(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
}
