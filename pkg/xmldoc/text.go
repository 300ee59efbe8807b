package xmldoc

import (
	"bytes"
	"strings"

	"github.com/lestrrat-go/helium"
)

// Text is the whitespace-trimmed character data below e ("" for nil). Unlike
// Content() it leaves out comments and processing instructions: the official
// OOTS examples put explanatory comments inside value elements.
func Text(e *helium.Element) string {
	if e == nil {
		return ""
	}
	// Nearly every value element holds one text node: read it without
	// gathering.
	if c := e.FirstChild(); c != nil && c.NextSibling() == nil && c.Parent() == helium.Node(e) {
		if raw, ok := RawText(c); ok {
			return string(bytes.TrimSpace(raw))
		}
	}
	var b strings.Builder
	eachDescendant(e, func(n helium.Node) bool {
		if isText(n) {
			raw, _ := RawText(n)
			b.Write(raw)
		}
		return true
	})
	return strings.TrimSpace(b.String())
}

func isText(n helium.Node) bool {
	return n.Type() == helium.TextNode || n.Type() == helium.CDATASectionNode
}

// Attr is an unqualified attribute of e, trimmed; ok is false when e is nil
// or has no such attribute.
func Attr(e *helium.Element, name string) (string, bool) {
	if e == nil {
		return "", false
	}
	a := AttrNode(e, name)
	if a == nil {
		return "", false
	}
	return strings.TrimSpace(AttrValue(a)), true
}

// AttrValue is the value of a, as a.Value() gives it, read in place
// (RawValue) and copied once: Value gathers the children through a buffer
// and a visited set on every call.
func AttrValue(a *helium.Attribute) string {
	return string(RawValue(a))
}
