package as4

import (
	"bytes"
	"slices"
	"strings"

	"github.com/oots-tools/oots/pkg/xmlwrite"
)

// The envelope is written by a small serialiser whose output for an element
// is already that element's exclusive canonical form (Exclusive XML
// Canonicalization 1.0, no comments), as it would come out of the parsed
// envelope. A signer can then digest the bytes it writes — eb:Messaging,
// soap:Body, ds:SignedInfo — without parsing its own message back, which is
// most of the cost of signing. The verifier never relies on this: it
// canonicalises what it receives with helium's c14n, so the round-trip tests
// check this serialiser against an independent implementation.

// Namespaces of the WS-Security header.
const (
	NSWSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	NSWSU  = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	nsXML  = "http://www.w3.org/XML/1998/namespace"
)

// namespaces maps the fixed prefixes the writer uses to their URIs.
var namespaces = map[string]string{
	"soap": NSSOAP12,
	"eb":   NSEbMS,
	"ebbp": NSEbbp,
	"ds":   NSDSig,
	"wsse": NSWSSE,
	"wsu":  NSWSU,
	"xml":  nsXML,
}

// node is an element with attributes and either text, child elements, or
// raw bytes that are already a canonical element (a ds:SignedInfo).
type node struct {
	name  string // prefix:local, the prefix one of namespaces
	attrs []attribute
	text  string
	kids  []*node
	raw   []byte
}

type attribute struct{ name, value string }

// el returns an element with the non-nil children.
func el(name string, kids ...*node) *node { return (&node{name: name}).add(kids...) }

// textEl returns an element holding text, or nil for an empty value: an
// empty optional element is never written.
func textEl(name, text string) *node {
	if text == "" {
		return nil
	}
	return &node{name: name, text: text}
}

// attr adds an attribute unless value is empty.
func (n *node) attr(name, value string) *node {
	if n != nil && value != "" {
		n.attrs = append(n.attrs, attribute{name, value})
	}
	return n
}

func (n *node) add(kids ...*node) *node {
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	return n
}

// canonical writes n as the apex of a canonical subtree: every namespace
// it and its descendants use is declared on the first element that uses it.
func canonical(n *node, depth int) []byte {
	var b bytes.Buffer
	n.write(&b, nil, depth)
	return b.Bytes()
}

func prefixOf(qname string) string {
	p, _, ok := strings.Cut(qname, ":")
	if !ok {
		return ""
	}
	return p
}

func localOf(qname string) string {
	if _, l, ok := strings.Cut(qname, ":"); ok {
		return l
	}
	return qname
}

// write serialises n; rendered holds the prefixes an output ancestor
// declared (the prefix → URI mapping is fixed, so the prefix says it all).
func (n *node) write(b *bytes.Buffer, rendered []string, depth int) {
	b.WriteByte('<')
	b.WriteString(n.name)
	rendered = n.writeNamespaces(b, rendered)
	for _, a := range n.sortedAttrs() {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		xmlwrite.WriteCanonical(b, a.value, true)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	switch {
	case len(n.kids) > 0:
		for _, k := range n.kids {
			newline(b, depth+1)
			if k.raw != nil {
				b.Write(k.raw)
				continue
			}
			k.write(b, rendered, depth+1)
		}
		newline(b, depth)
	case n.text != "":
		xmlwrite.WriteCanonical(b, n.text, false)
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}

// writeNamespaces declares, sorted by prefix, the prefixes the element and
// its attributes use that no output ancestor declared (exclusive C14N's
// "visibly utilized" rule), and returns the prefixes now in scope.
func (n *node) writeNamespaces(b *bytes.Buffer, rendered []string) []string {
	used := []string{prefixOf(n.name)}
	for _, a := range n.attrs {
		if p := prefixOf(a.name); p != "" && p != "xml" && !slices.Contains(used, p) {
			used = append(used, p)
		}
	}
	slices.Sort(used)
	inScope := rendered
	for _, p := range used {
		if p == "" || slices.Contains(rendered, p) {
			continue
		}
		b.WriteString(" xmlns:")
		b.WriteString(p)
		b.WriteString(`="`)
		b.WriteString(namespaces[p])
		b.WriteByte('"')
		inScope = append(slices.Clip(inScope), p)
	}
	return inScope
}

// sortedAttrs orders the attributes as C14N does: by namespace URI (none
// first), then local name.
func (n *node) sortedAttrs() []attribute {
	if len(n.attrs) < 2 {
		return n.attrs
	}
	out := slices.Clone(n.attrs)
	slices.SortFunc(out, func(x, y attribute) int {
		if c := strings.Compare(namespaces[prefixOf(x.name)], namespaces[prefixOf(y.name)]); c != 0 {
			return c
		}
		return strings.Compare(localOf(x.name), localOf(y.name))
	})
	return out
}

func newline(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for range depth {
		b.WriteString("  ")
	}
}
