package as4

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/oots-tools/oots/pkg/xmlwrite"
)

// exclusiveC14N is the exclusive canonical form (Exclusive XML
// Canonicalization 1.0, without comments) of the subtree of e, with the
// InclusiveNamespaces prefixes ("#default" for the default namespace).
//
// It is a direct walk of one subtree. helium's c14n package serves the
// general case — arbitrary node-sets, visited over the whole document — and
// costs several times more on every message; the References of an AS4
// signature only ever name whole elements. The tests check this walk
// against helium's canonicaliser (pkg/dsig) on our envelopes, the shared
// corpus and fuzzed documents.
func exclusiveC14N(e *helium.Element, inclusive []string) ([]byte, error) {
	w := &c14nWriter{inclusive: inclusive}
	if err := w.element(e, nil); err != nil {
		return nil, err
	}
	return w.b.Bytes(), nil
}

type c14nWriter struct {
	b         bytes.Buffer
	inclusive []string
}

// nsBinding is a namespace declaration rendered by an output ancestor.
type nsBinding struct{ prefix, uri string }

func lookup(rendered []nsBinding, prefix string) (string, bool) {
	for i := len(rendered) - 1; i >= 0; i-- {
		if rendered[i].prefix == prefix {
			return rendered[i].uri, true
		}
	}
	return "", false
}

func (w *c14nWriter) element(e *helium.Element, rendered []nsBinding) error {
	w.b.WriteByte('<')
	w.qname(e)
	decls, err := w.namespaceAxis(e, rendered)
	if err != nil {
		return err
	}
	for _, d := range decls {
		w.b.WriteString(" xmlns")
		if d.prefix != "" {
			w.b.WriteByte(':')
			w.b.WriteString(d.prefix)
		}
		w.b.WriteString(`="`)
		xmlwrite.WriteCanonical(&w.b, d.uri, true)
		w.b.WriteByte('"')
	}
	if len(decls) > 0 {
		rendered = append(slices.Clip(rendered), decls...)
	}
	w.attributes(e)
	w.b.WriteByte('>')
	for child := e.FirstChild(); child != nil; child = child.NextSibling() {
		if err := w.child(child, rendered); err != nil {
			return err
		}
	}
	w.b.WriteString("</")
	w.qname(e)
	w.b.WriteByte('>')
	return nil
}

func (w *c14nWriter) qname(e *helium.Element) {
	if p := e.Prefix(); p != "" {
		w.b.WriteString(p)
		w.b.WriteByte(':')
	}
	w.b.WriteString(e.LocalName())
}

func (w *c14nWriter) child(n helium.Node, rendered []nsBinding) error {
	switch n.Type() {
	case helium.ElementNode:
		return w.element(n.(*helium.Element), rendered)
	case helium.TextNode, helium.CDATASectionNode:
		xmlwrite.WriteCanonical(&w.b, string(n.Content()), false)
	case helium.ProcessingInstructionNode:
		w.b.WriteString("<?")
		w.b.WriteString(n.Name())
		if data := n.Content(); len(data) > 0 {
			w.b.WriteByte(' ')
			w.b.WriteString(strings.ReplaceAll(string(data), "\r", "&#xD;"))
		}
		w.b.WriteString("?>")
	case helium.CommentNode:
		// Comments are not part of the canonical form of a same-document Reference.
	default:
		return fmt.Errorf("unsupported node %q in a signed element", n.Name())
	}
	return nil
}

// namespaceAxis returns the namespace declarations exclusive C14N renders
// on e: the visibly utilised prefixes (and the inclusive ones) that no
// output ancestor rendered with the same URI, sorted by prefix.
func (w *c14nWriter) namespaceAxis(e *helium.Element, rendered []nsBinding) ([]nsBinding, error) {
	var utilized []nsBinding
	use := func(prefix, uri string) {
		for _, u := range utilized {
			if u.prefix == prefix {
				return
			}
		}
		utilized = append(utilized, nsBinding{prefix, uri})
	}
	use(e.Prefix(), e.URI())
	for _, a := range e.Attributes() {
		if p := a.Prefix(); p != "" && p != "xml" {
			use(p, a.URI())
		}
	}
	for _, p := range w.inclusive {
		if p == "#default" {
			p = ""
		}
		if uri, ok := inScope(e, p); ok {
			use(p, uri)
		}
	}
	var out []nsBinding
	for _, u := range utilized {
		have, ok := lookup(rendered, u.prefix)
		switch {
		case u.prefix == "" && u.uri == "":
			// xmlns="" only undoes a default namespace an ancestor rendered.
			if ok && have != "" {
				out = append(out, u)
			}
		case u.prefix != "" && u.uri == "":
			return nil, fmt.Errorf("prefix %q of <%s> is not bound to a namespace", u.prefix, e.Name())
		case !ok || have != u.uri:
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(x, y nsBinding) int { return strings.Compare(x.prefix, y.prefix) })
	return out, nil
}

// inScope finds the namespace bound to prefix at e.
func inScope(e *helium.Element, prefix string) (string, bool) {
	for n := helium.Node(e); n != nil; n = n.Parent() {
		el, ok := n.(*helium.Element)
		if !ok {
			break
		}
		for _, ns := range el.Namespaces() {
			if ns.Prefix() == prefix {
				return ns.URI(), true
			}
		}
	}
	return "", false
}

// attributes writes the attributes sorted by namespace URI (none first),
// then local name.
func (w *c14nWriter) attributes(e *helium.Element) {
	attrs := e.Attributes()
	if len(attrs) > 1 {
		attrs = slices.Clone(attrs)
		slices.SortFunc(attrs, func(x, y *helium.Attribute) int {
			if c := strings.Compare(x.URI(), y.URI()); c != 0 {
				return c
			}
			return strings.Compare(x.LocalName(), y.LocalName())
		})
	}
	for _, a := range attrs {
		w.b.WriteByte(' ')
		if p := a.Prefix(); p != "" {
			w.b.WriteString(p)
			w.b.WriteByte(':')
		}
		w.b.WriteString(a.LocalName())
		w.b.WriteString(`="`)
		xmlwrite.WriteCanonical(&w.b, xmldoc.AttrValue(a), true)
		w.b.WriteByte('"')
	}
}
