package xmldoc

import (
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
	var b strings.Builder
	for n := range helium.Descendants(e) {
		if n.Type() == helium.TextNode || n.Type() == helium.CDATASectionNode {
			b.Write(n.Content())
		}
	}
	return strings.TrimSpace(b.String())
}

// Attr is an unqualified attribute of e, trimmed; ok is false when e is nil
// or has no such attribute.
func Attr(e *helium.Element, name string) (string, bool) {
	if e == nil {
		return "", false
	}
	v, ok := e.GetAttribute(name)
	return strings.TrimSpace(v), ok
}
