// Package xmlwrite builds XML documents as small element trees and
// serialises them in one place, so escaping and indentation cannot differ
// between the message kinds oots writes and no caller string ever reaches
// the output raw.
package xmlwrite

import (
	"bytes"
	"unicode/utf8"
)

// Node is an element with attributes and either text or child elements.
type Node struct {
	name     string
	attrs    []Attr
	text     string
	children []*Node
}

// Attr is one attribute (or namespace declaration), written as given.
type Attr struct{ Name, Value string }

// El returns an element with the given children; nil children are skipped,
// so optional parts can be passed as nil.
func El(name string, children ...*Node) *Node {
	return (&Node{name: name}).Add(children...)
}

// TextEl returns an element holding text, or nil for an empty value: an
// empty optional element is never written, because the OOTS rules treat an
// empty element as a wrong value.
func TextEl(name, text string, attrs ...Attr) *Node {
	if text == "" {
		return nil
	}
	return &Node{name: name, text: text, attrs: attrs}
}

// Attr adds an attribute unless value is empty.
func (n *Node) Attr(name, value string) *Node {
	if value != "" {
		n.attrs = append(n.attrs, Attr{name, value})
	}
	return n
}

// Add appends the non-nil children.
func (n *Node) Add(children ...*Node) *Node {
	for _, c := range children {
		if c != nil {
			n.children = append(n.children, c)
		}
	}
	return n
}

// Document serialises root with an XML declaration and a four-space indent;
// decls (namespace declarations) come first on the root element.
func Document(root *Node, decls ...Attr) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	WriteIndented(&b, root, decls...)
	return b.Bytes()
}

// WriteIndented serialises root without an XML declaration.
func WriteIndented(b *bytes.Buffer, root *Node, decls ...Attr) {
	r := *root
	r.attrs = append(append([]Attr{}, decls...), root.attrs...)
	r.write(b, 0)
}

func (n *Node) write(b *bytes.Buffer, depth int) {
	indent(b, depth)
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteString(`="`)
		escape(b, a.Value, true)
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
func escape(b *bytes.Buffer, s string, inAttr bool) { writeEscaped(b, s, inAttr, true) }

// WriteCanonical writes s as Canonical XML (C14N 1.0 and exclusive C14N)
// writes text (inAttr false) or an attribute value (inAttr true): escaped
// as in this package's documents, except that '>' stays as it is in
// attribute values. Writers that produce the canonical form directly use
// it, so that what they sign is exactly what they send.
func WriteCanonical(b *bytes.Buffer, s string, inAttr bool) { writeEscaped(b, s, inAttr, false) }

func writeEscaped(b *bytes.Buffer, s string, inAttr, gtInAttr bool) {
	// Runs of characters that need no escape are copied whole: messages are
	// mostly such runs, and writing them rune by rune is most of the cost.
	last := 0
	for i := 0; i < len(s); {
		var esc string
		width := 1
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case c == '&':
				esc = "&amp;"
			case c == '<':
				esc = "&lt;"
			case c == '>' && (!inAttr || gtInAttr):
				esc = "&gt;"
			case c == '"' && inAttr:
				esc = "&quot;"
			case c == '\r':
				esc = "&#xD;"
			case c == '\n' && inAttr:
				esc = "&#xA;"
			case c == '\t' && inAttr:
				esc = "&#x9;"
			case !xmlChar(rune(c)):
				esc = string(utf8.RuneError)
			default:
				i++
				continue
			}
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			// An invalid byte decodes as RuneError of width 1 and is replaced,
			// as is a character XML does not allow.
			if (r != utf8.RuneError || n > 1) && xmlChar(r) {
				i += n
				continue
			}
			esc, width = string(utf8.RuneError), n
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		i += width
		last = i
	}
	b.WriteString(s[last:])
}

// xmlChar is the XML 1.0 Char production.
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
