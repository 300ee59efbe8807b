package xmldoc

import (
	"strings"

	"github.com/lestrrat-go/helium"
)

// Finding attributes and reading values in place. helium's GetAttribute,
// Value and Content copy the bytes on every call (Content of an element or
// attribute also fills two maps to guard against cycles), and a predicate
// passed to FindAttribute as an interface allocates; checks that only
// compare values read them where they are.

// AttrNode is the attribute of e whose qualified name is name, as
// GetAttribute finds it, or nil.
func AttrNode(e *helium.Element, name string) *helium.Attribute {
	// Name builds "prefix:local" for a prefixed attribute: for an
	// unprefixed name, test the local name first so that happens only for
	// a likely match.
	prefixed := strings.IndexByte(name, ':') >= 0
	for a := FirstAttr(e); a != nil; a = NextAttr(a) {
		if (prefixed || a.LocalName() == name) && a.Name() == name {
			return a
		}
	}
	return nil
}

// AttrNodeNS is the attribute {ns}local of e, as GetAttributeNodeNS finds
// it, or nil.
func AttrNodeNS(e *helium.Element, ns, local string) *helium.Attribute {
	for a := FirstAttr(e); a != nil; a = NextAttr(a) {
		if a.LocalName() == local && a.URI() == ns {
			return a
		}
	}
	return nil
}

// AttrIs reports whether e has the attribute name with exactly the value
// want, without copying the value.
func AttrIs(e *helium.Element, name, want string) bool {
	a := AttrNode(e, name)
	return a != nil && string(RawValue(a)) == want
}

// RawValue is n.Content() of an element or attribute, read in place when n
// holds nothing or a single text node of its own, as nearly every value
// does. The slice may be the tree's own storage: callers only read it, and
// keep it no longer than the document lives.
func RawValue(n helium.Node) []byte {
	c := n.FirstChild()
	if c == nil {
		return nil
	}
	if c.NextSibling() == nil && c.Parent() == n {
		if raw, ok := RawText(c); ok {
			return raw
		}
	}
	return n.Content()
}

// FirstAttr is the first attribute of e, for a walk with NextAttr.
// Element.ForEachAttribute and Element.Attributes copy the element on every
// call; FindAttribute does not.
func FirstAttr(e *helium.Element) *helium.Attribute {
	a, _ := e.FindAttribute(anyAttribute{})
	return a
}

// NextAttr is Attribute.NextAttribute without its reflective check for a
// typed nil, which would end the walk there all the same.
func NextAttr(a *helium.Attribute) *helium.Attribute {
	next, _ := a.NextSibling().(*helium.Attribute)
	return next
}

// anyAttribute is the predicate every attribute matches (an empty struct:
// boxing it allocates nothing).
type anyAttribute struct{}

func (anyAttribute) Match(*helium.Attribute) bool { return true }
