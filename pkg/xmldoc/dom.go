package xmldoc

import (
	"iter"

	"github.com/lestrrat-go/helium"
)

// Elements are matched by namespace URI and local name, never by prefix:
// real OOTS messages use different prefixes (or a default namespace) for
// the same vocabulary.
//
// The walks here follow the sibling links of the tree directly. helium's
// own iterators (ChildElements, Descendants) guard against cycles in
// hand-linked graphs with a map filled on every call, which costs more than
// the lookups they serve; a parsed tree has no cycles. Like helium, a walk
// stops at a child whose parent is another node (an entity's shared
// content is not a child of the reference).

// Is reports whether e is the element {ns}local.
func Is(e *helium.Element, ns, local string) bool {
	return e != nil && e.LocalName() == local && e.URI() == ns
}

// ChildElements iterates over the child elements of e in document order;
// a nil e has none.
func ChildElements(e *helium.Element) iter.Seq[*helium.Element] {
	return func(yield func(*helium.Element) bool) {
		if e == nil {
			return
		}
		for c := range ownChildren(e) {
			if el, ok := c.(*helium.Element); ok && !yield(el) {
				return
			}
		}
	}
}

// ownChildren iterates over the children of n that n owns.
func ownChildren(n helium.Node) iter.Seq[helium.Node] {
	return func(yield func(helium.Node) bool) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Parent() != n || !yield(c) {
				return
			}
		}
	}
}

// eachDescendant calls f on every node below n in document order (pre-order)
// until f returns false; it reports whether the walk went to the end.
func eachDescendant(n helium.Node, f func(helium.Node) bool) bool {
	for c := range ownChildren(n) {
		if !f(c) || !eachDescendant(c, f) {
			return false
		}
	}
	return true
}

// Children lists the child elements of e named {ns}local.
func Children(e *helium.Element, ns, local string) []*helium.Element {
	var out []*helium.Element
	for c := range ChildElements(e) {
		if Is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// Child is the first child element of e named {ns}local, or nil.
func Child(e *helium.Element, ns, local string) *helium.Element {
	for c := range ChildElements(e) {
		if Is(c, ns, local) {
			return c
		}
	}
	return nil
}

// Descendants lists, in document order, the elements below e named {ns}local.
func Descendants(e *helium.Element, ns, local string) []*helium.Element {
	if e == nil {
		return nil
	}
	var out []*helium.Element
	eachDescendant(e, func(n helium.Node) bool {
		if d, ok := n.(*helium.Element); ok && Is(d, ns, local) {
			out = append(out, d)
		}
		return true
	})
	return out
}

// Descendant is the first element below e named {ns}local, or nil.
func Descendant(e *helium.Element, ns, local string) *helium.Element {
	if e == nil {
		return nil
	}
	var found *helium.Element
	eachDescendant(e, func(n helium.Node) bool {
		if d, ok := n.(*helium.Element); ok && Is(d, ns, local) {
			found = d
			return false
		}
		return true
	})
	return found
}
