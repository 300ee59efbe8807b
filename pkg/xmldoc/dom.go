package xmldoc

import "github.com/lestrrat-go/helium"

// Elements are matched by namespace URI and local name, never by prefix:
// real OOTS messages use different prefixes (or a default namespace) for
// the same vocabulary.

// Is reports whether e is the element {ns}local.
func Is(e *helium.Element, ns, local string) bool {
	return e != nil && e.LocalName() == local && e.URI() == ns
}

// Children lists the child elements of e named {ns}local.
func Children(e *helium.Element, ns, local string) []*helium.Element {
	if e == nil {
		return nil
	}
	var out []*helium.Element
	for c := range helium.ChildElements(e) {
		if Is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// Child is the first child element of e named {ns}local, or nil.
func Child(e *helium.Element, ns, local string) *helium.Element {
	if e == nil {
		return nil
	}
	for c := range helium.ChildElements(e) {
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
	for n := range helium.Descendants(e) {
		if d, ok := helium.AsNode[*helium.Element](n); ok && Is(d, ns, local) {
			out = append(out, d)
		}
	}
	return out
}

// Descendant is the first element below e named {ns}local, or nil.
func Descendant(e *helium.Element, ns, local string) *helium.Element {
	if e == nil {
		return nil
	}
	for n := range helium.Descendants(e) {
		if d, ok := helium.AsNode[*helium.Element](n); ok && Is(d, ns, local) {
			return d
		}
	}
	return nil
}
