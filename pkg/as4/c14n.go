package as4

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/oots-tools/oots/pkg/xmlwrite"
)

// canonicalize writes the exclusive canonical form (Exclusive XML
// Canonicalization 1.0, without comments) of the subtree of e, with the
// InclusiveNamespaces prefixes ("#default" for the default namespace), into
// a pooled writer; callers only hash or verify w.b.Bytes() and call
// release once done with it.
//
// It is a direct walk of one subtree. helium's c14n package serves the
// general case — arbitrary node-sets, visited over the whole document — and
// costs several times more on every message; the References of an AS4
// signature only ever name whole elements. The tests check this walk
// against helium's canonicaliser (pkg/dsig) on our envelopes, the shared
// corpus and fuzzed documents.
func canonicalize(e *helium.Element, inclusive []string) (*c14nWriter, error) {
	w := c14nPool.Get().(*c14nWriter)
	w.inclusive = inclusive
	if err := w.element(e); err != nil {
		w.release()
		return nil, err
	}
	return w, nil
}

// c14nWriter keeps its scratch space between runs (through c14nPool): a
// verifier canonicalises three subtrees per message, and growing the
// buffer and the slices anew each time was much of the cost.
type c14nWriter struct {
	b         bytes.Buffer
	inclusive []string
	// rendered is the stack of the namespace declarations the output
	// ancestors of the current element rendered, innermost last.
	rendered []nsBinding
	// utilized and attrs are per-element scratch, used before recursing.
	utilized []nsBinding
	attrs    []*helium.Attribute
}

var c14nPool = sync.Pool{New: func() any { return new(c14nWriter) }}

// maxPooledC14N bounds the buffer a pooled writer keeps: an odd huge
// message should not pin its memory for the life of the process.
const maxPooledC14N = 1 << 20

func (w *c14nWriter) release() {
	if w.b.Cap() > maxPooledC14N {
		return
	}
	w.b.Reset()
	w.inclusive, w.rendered, w.utilized = nil, w.rendered[:0], w.utilized[:0]
	clear(w.attrs[:cap(w.attrs)])
	w.attrs = w.attrs[:0]
	c14nPool.Put(w)
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

func (w *c14nWriter) element(e *helium.Element) error {
	w.b.WriteByte('<')
	w.qname(e)
	mark := len(w.rendered)
	w.collectAttributes(e)
	if err := w.namespaceAxis(e); err != nil {
		return err
	}
	for _, d := range w.rendered[mark:] {
		w.b.WriteString(" xmlns")
		if d.prefix != "" {
			w.b.WriteByte(':')
			w.b.WriteString(d.prefix)
		}
		w.b.WriteString(`="`)
		xmlwrite.WriteCanonical(&w.b, d.uri, true)
		w.b.WriteByte('"')
	}
	w.attributes()
	w.b.WriteByte('>')
	for child := e.FirstChild(); child != nil; child = child.NextSibling() {
		if err := w.child(child); err != nil {
			return err
		}
	}
	w.b.WriteString("</")
	w.qname(e)
	w.b.WriteByte('>')
	w.rendered = w.rendered[:mark]
	return nil
}

func (w *c14nWriter) qname(e *helium.Element) {
	if p := e.Prefix(); p != "" {
		w.b.WriteString(p)
		w.b.WriteByte(':')
	}
	w.b.WriteString(e.LocalName())
}

func (w *c14nWriter) child(n helium.Node) error {
	switch n.Type() {
	case helium.ElementNode:
		return w.element(n.(*helium.Element))
	case helium.TextNode, helium.CDATASectionNode:
		raw, _ := xmldoc.RawText(n) // only copied, escaped, to the output
		xmlwrite.WriteCanonicalBytes(&w.b, raw, false)
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

// collectAttributes lists the attributes of e in w.attrs, without the
// slice Attributes() allocates on every call.
func (w *c14nWriter) collectAttributes(e *helium.Element) {
	w.attrs = w.attrs[:0]
	e.ForEachAttribute(func(a *helium.Attribute) bool {
		w.attrs = append(w.attrs, a)
		return true
	})
}

// use notes that prefix is visibly utilised with uri, unless it already is.
func (w *c14nWriter) use(prefix, uri string) {
	for _, u := range w.utilized {
		if u.prefix == prefix {
			return
		}
	}
	w.utilized = append(w.utilized, nsBinding{prefix, uri})
}

// namespaceAxis pushes onto w.rendered the namespace declarations
// exclusive C14N renders on e: the visibly utilised prefixes (and the
// inclusive ones) that no output ancestor rendered with the same URI,
// sorted by prefix. w.attrs holds the attributes of e.
func (w *c14nWriter) namespaceAxis(e *helium.Element) error {
	w.utilized = w.utilized[:0]
	w.use(e.Prefix(), e.URI())
	for _, a := range w.attrs {
		if p := a.Prefix(); p != "" && p != "xml" {
			w.use(p, a.URI())
		}
	}
	for _, p := range w.inclusive {
		if p == "#default" {
			p = ""
		}
		if uri, ok := inScope(e, p); ok {
			w.use(p, uri)
		}
	}
	mark := len(w.rendered)
	for _, u := range w.utilized {
		// Only the ancestors' declarations count, not those of e pushed
		// above: the utilised prefixes are distinct, so they cannot match.
		have, ok := lookup(w.rendered[:mark], u.prefix)
		switch {
		case u.prefix == "" && u.uri == "":
			// xmlns="" only undoes a default namespace an ancestor rendered.
			if ok && have != "" {
				w.rendered = append(w.rendered, u)
			}
		case u.prefix != "" && u.uri == "":
			return fmt.Errorf("prefix %q of <%s> is not bound to a namespace", u.prefix, e.Name())
		case !ok || have != u.uri:
			w.rendered = append(w.rendered, u)
		}
	}
	slices.SortFunc(w.rendered[mark:], func(x, y nsBinding) int { return strings.Compare(x.prefix, y.prefix) })
	return nil
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

// attributes writes w.attrs sorted by namespace URI (none first), then
// local name.
func (w *c14nWriter) attributes() {
	if len(w.attrs) > 1 {
		slices.SortFunc(w.attrs, func(x, y *helium.Attribute) int {
			if c := strings.Compare(x.URI(), y.URI()); c != 0 {
				return c
			}
			return strings.Compare(x.LocalName(), y.LocalName())
		})
	}
	for _, a := range w.attrs {
		w.b.WriteByte(' ')
		if p := a.Prefix(); p != "" {
			w.b.WriteString(p)
			w.b.WriteByte(':')
		}
		w.b.WriteString(a.LocalName())
		w.b.WriteString(`="`)
		xmlwrite.WriteCanonicalBytes(&w.b, xmldoc.RawValue(a), true) // in place: only copied out
		w.b.WriteByte('"')
	}
}
