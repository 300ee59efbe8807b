package dsig

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
)

// Small helpers over the helium tree. Documents are parsed without DTDs, so
// there are no entity references: plain sibling walks see every node.

func isElement(e *helium.Element, ns, local string) bool {
	return e != nil && e.URI() == ns && e.LocalName() == local
}

func childElements(e helium.Node) []*helium.Element {
	var out []*helium.Element
	for c := e.FirstChild(); c != nil; c = c.NextSibling() {
		if ce, ok := c.(*helium.Element); ok {
			out = append(out, ce)
		}
	}
	return out
}

// childrenNamed returns the children of e in namespace ns with local name local.
func childrenNamed(e *helium.Element, ns, local string) []*helium.Element {
	var out []*helium.Element
	for _, c := range childElements(e) {
		if isElement(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// firstChildNamed returns the first such child, or nil.
func firstChildNamed(e *helium.Element, ns, local string) *helium.Element {
	for c := e.FirstChild(); c != nil; c = c.NextSibling() {
		if ce, ok := c.(*helium.Element); ok && isElement(ce, ns, local) {
			return ce
		}
	}
	return nil
}

// attr returns the value of the unqualified attribute name.
func attr(e *helium.Element, name string) (string, bool) {
	for _, a := range e.Attributes() {
		if a.URI() == "" && a.LocalName() == name {
			return a.Value(), true
		}
	}
	return "", false
}

func text(e *helium.Element) string {
	return string(e.Content())
}

// describe names an element for messages: its qualified name and line.
func describe(e *helium.Element) string {
	if e.Line() > 0 {
		return fmt.Sprintf("<%s> (line %d)", e.Name(), e.Line())
	}
	return "<" + e.Name() + ">"
}

// decodeBase64 reads base64 text, which may be wrapped over lines.
func decodeBase64(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(clean)
}

// elementsNamed lists every element of the document in ns with local name
// local, in document order.
func elementsNamed(root *helium.Element, ns, local string) []*helium.Element {
	var out []*helium.Element
	var walk func(*helium.Element)
	walk = func(e *helium.Element) {
		if isElement(e, ns, local) {
			out = append(out, e)
		}
		for _, c := range childElements(e) {
			walk(c)
		}
	}
	walk(root)
	return out
}
