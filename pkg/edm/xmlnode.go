package edm

import (
	"bytes"
	"unicode/utf8"
)

// node is a minimal element tree. The builders assemble messages as trees and
// serialise them in one place, so escaping and indentation cannot differ
// between message kinds and no caller string ever reaches the output raw.
type node struct {
	name     string
	attrs    []attr
	text     string
	children []*node
}

type attr struct{ name, value string }

func el(name string, children ...*node) *node {
	n := &node{name: name}
	for _, c := range children {
		if c != nil { // optional parts are passed as nil and skipped
			n.children = append(n.children, c)
		}
	}
	return n
}

// textEl returns nil for an empty value: an empty optional element is never
// written, because the rules treat an empty element as a wrong value.
func textEl(name, text string, attrs ...attr) *node {
	if text == "" {
		return nil
	}
	return &node{name: name, text: text, attrs: attrs}
}

func (n *node) attr(name, value string) *node {
	if value != "" {
		n.attrs = append(n.attrs, attr{name, value})
	}
	return n
}

func (n *node) add(children ...*node) *node {
	for _, c := range children {
		if c != nil {
			n.children = append(n.children, c)
		}
	}
	return n
}

// Namespaces declared on every message root, as in the OOTS examples.
var rootNamespaces = []attr{
	{"xmlns:query", "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"},
	{"xmlns:rim", "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"},
	{"xmlns:rs", "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"},
	{"xmlns:sdg", "http://data.europa.eu/p4s"},
	{"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"},
	{"xmlns:xlink", "http://www.w3.org/1999/xlink"},
}

// document serialises the root with an XML declaration, four-space indent.
func document(root *node) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	root.attrs = append(append([]attr{}, rootNamespaces...), root.attrs...)
	root.write(&b, 0)
	return b.Bytes()
}

func (n *node) write(b *bytes.Buffer, depth int) {
	indent(b, depth)
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		escape(b, a.value, true)
		b.WriteByte('"')
	}
	switch {
	case len(n.children) > 0:
		b.WriteString(">\n")
		for _, c := range n.children {
			c.write(b, depth+1)
		}
		indent(b, depth)
	case n.text != "":
		b.WriteByte('>')
		escape(b, n.text, false)
	default:
		b.WriteString("/>\n")
		return
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteString(">\n")
}

func indent(b *bytes.Buffer, depth int) {
	for range depth {
		b.WriteString("    ")
	}
}

// escape writes s as character data, or as an attribute value in double
// quotes. Only what must be escaped is, so the output stays readable (an
// apostrophe in a name stays an apostrophe). Attribute values also escape
// tab, newline and carriage return, which a parser would otherwise normalise
// to spaces; characters XML 1.0 cannot carry become U+FFFD, so the document
// always stays well-formed.
func escape(b *bytes.Buffer, s string, inAttr bool) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && inAttr:
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;")
		case (r == '\n' || r == '\t') && inAttr:
			if r == '\n' {
				b.WriteString("&#xA;")
			} else {
				b.WriteString("&#x9;")
			}
		case !xmlChar(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
}

// xmlChar is the XML 1.0 Char production.
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
