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
	const decl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	var b bytes.Buffer
	// One allocation of about the right size instead of a dozen doublings
	// (and copies) of a growing buffer.
	size := len(decl) + root.size(0)
	for _, a := range decls {
		size += len(a.Name) + len(a.Value) + 4
	}
	b.Grow(size)
	b.WriteString(decl)
	WriteIndented(&b, root, decls...)
	return b.Bytes()
}

// size estimates the serialised length of n at depth: exact but for the
// escapes, which only lengthen the text a little.
func (n *Node) size(depth int) int {
	size := 2*(4*depth+len(n.name)) + len(n.text) + 7
	for _, a := range n.attrs {
		size += len(a.Name) + len(a.Value) + 4
	}
	for _, c := range n.children {
		size += c.size(depth + 1)
	}
	return size
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

// WriteCanonicalBytes is WriteCanonical for text held as bytes (a parsed
// node's content), without converting it to a string first.
func WriteCanonicalBytes(b *bytes.Buffer, s []byte, inAttr bool) {
	e := escaperFor(inAttr, false)
	for i := 0; ; {
		j, esc, width := nextEscape(s, i, e)
		b.Write(s[i:j])
		if j == len(s) {
			return
		}
		b.WriteString(esc)
		i = j + width
	}
}

func writeEscaped(b *bytes.Buffer, s string, inAttr, gtInAttr bool) {
	// Runs of characters that need no escape are copied whole: messages are
	// mostly such runs, and writing them rune by rune is most of the cost.
	e := escaperFor(inAttr, gtInAttr)
	for i := 0; ; {
		j, esc, width := nextEscape(s, i, e)
		b.WriteString(s[i:j])
		if j == len(s) {
			return
		}
		b.WriteString(esc)
		i = j + width
	}
}

// escaper is one escaping mode as tables: special marks the bytes the
// scan must stop at (those with a replacement, and every byte of a
// multi-byte sequence, which may be invalid or a character XML excludes);
// repl holds the replacement of the ASCII ones. One table look-up per byte
// is what keeps the scan of long plain runs cheap.
type escaper struct {
	special [256]bool
	repl    [utf8.RuneSelf]string
}

var (
	textEscaper      = newEscaper(false, true)
	attrEscaper      = newEscaper(true, true)
	canonAttrEscaper = newEscaper(true, false)
)

func escaperFor(inAttr, gtInAttr bool) *escaper {
	switch {
	case !inAttr:
		return textEscaper
	case gtInAttr:
		return attrEscaper
	}
	return canonAttrEscaper
}

func newEscaper(inAttr, gtInAttr bool) *escaper {
	e := &escaper{}
	for c := range utf8.RuneSelf {
		var esc string
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
			continue
		}
		e.special[c], e.repl[c] = true, esc
	}
	for c := utf8.RuneSelf; c < len(e.special); c++ {
		e.special[c] = true
	}
	return e
}

// nextEscape finds the first character at or after i that must be
// replaced: it returns its index j (len(s) when there is none), its
// replacement and its width in bytes.
func nextEscape[T string | []byte](s T, i int, e *escaper) (j int, esc string, width int) {
	for ; i < len(s); i++ {
		c := s[i]
		if !e.special[c] {
			continue
		}
		if c < utf8.RuneSelf {
			return i, e.repl[c], 1
		}
		// An invalid byte decodes as RuneError of width 1 and is replaced,
		// as is a character XML does not allow.
		var buf [utf8.UTFMax]byte
		r, n := utf8.DecodeRune(buf[:copy(buf[:], s[i:])])
		if (r != utf8.RuneError || n > 1) && xmlChar(r) {
			i += n - 1
			continue
		}
		return i, string(utf8.RuneError), n
	}
	return len(s), "", 0
}

// xmlChar is the XML 1.0 Char production.
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
