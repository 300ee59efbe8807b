package xmlschema

import (
	"strings"
)

// kv is one XML attribute to write. Empty values are left out, except for
// the value-carrying attributes: an enumeration, a default or a fixed value
// may legitimately be the empty string.
type kv struct {
	k, v string
}

var keepEmpty = setOf("value default fixed")

// xsdWriter accumulates one schema document and remembers which model
// prefixes it referred to, so the imports can be written.
type xsdWriter struct {
	m     *modelSet
	self  string
	b     strings.Builder
	depth int
	refs  map[string]bool
}

func newXSDWriter(m *modelSet, self string) *xsdWriter {
	return &xsdWriter{m: m, self: self, refs: map[string]bool{}}
}

func (w *xsdWriter) bytes() []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + w.b.String())
}

func (w *xsdWriter) start(tag string, attrs []kv) {
	w.b.WriteString(strings.Repeat("  ", w.depth))
	w.b.WriteByte('<')
	w.b.WriteString(tag)
	for _, a := range attrs {
		if a.v == "" && !keepEmpty[a.k] {
			continue
		}
		w.b.WriteByte(' ')
		w.b.WriteString(a.k)
		w.b.WriteString(`="`)
		w.b.WriteString(escapeAttr(a.v))
		w.b.WriteByte('"')
	}
}

func (w *xsdWriter) open(tag string, attrs ...kv) {
	w.start(tag, attrs)
	w.b.WriteString(">\n")
	w.depth++
}

func (w *xsdWriter) empty(tag string, attrs ...kv) {
	w.start(tag, attrs)
	w.b.WriteString("/>\n")
}

func (w *xsdWriter) close(tag string) {
	w.depth--
	w.b.WriteString(strings.Repeat("  ", w.depth))
	w.b.WriteString("</" + tag + ">\n")
}

var attrEscaper = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;", "\t", "&#9;", "\n", "&#10;", "\r", "&#13;")

func escapeAttr(s string) string { return attrEscaper.Replace(s) }
