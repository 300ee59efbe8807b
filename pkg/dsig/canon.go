package dsig

import (
	"context"
	"fmt"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/c14n"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// nodeSet is an XPath node-set in document order, as canonicalisation over
// a Reference or over SignedInfo needs it: elements with their attributes
// and in-scope namespace nodes, text, processing instructions and — only
// when asked — comments. One subtree (the enveloped signature) can be left out.
type nodeSet struct {
	nodes    []helium.Node
	exclude  helium.Node
	comments bool
	// utilizedOnly keeps only the namespace nodes exclusive C14N can render
	// — those an element or its attributes use, and the InclusiveNamespaces
	// prefixes — which makes the set several times smaller on EDM
	// messages, whose root declares every namespace.
	utilizedOnly bool
	inclusive    []string
}

// documentNodes is the node-set of URI="": the whole document without
// comments, to be canonicalised by m.
func documentNodes(doc *helium.Document, exclude helium.Node, m c14nMethod, prefixes []string) []helium.Node {
	s := &nodeSet{exclude: exclude, utilizedOnly: m.exclusive, inclusive: prefixes}
	for child := doc.FirstChild(); child != nil; child = child.NextSibling() {
		switch child.Type() {
		case helium.ElementNode:
			s.addElement(child.(*helium.Element), nil)
		case helium.ProcessingInstructionNode:
			s.nodes = append(s.nodes, child)
		}
	}
	return s.nodes
}

// subtreeNodes is the node-set of one element and its descendants, with the
// namespaces it inherits from its ancestors, to be canonicalised by m.
func subtreeNodes(e *helium.Element, exclude helium.Node, comments bool, m c14nMethod, prefixes []string) []helium.Node {
	s := &nodeSet{exclude: exclude, comments: comments, utilizedOnly: m.exclusive, inclusive: prefixes}
	s.addElement(e, inheritedNamespaces(e))
	return s.nodes
}

// addElement adds e, its namespace nodes, attributes and content; inScope
// holds the namespaces declared by its ancestors (nearest wins).
func (s *nodeSet) addElement(e *helium.Element, inScope map[string]*helium.Namespace) {
	if helium.Node(e) == s.exclude {
		return
	}
	if decls := e.Namespaces(); len(decls) > 0 {
		inner := make(map[string]*helium.Namespace, len(inScope)+len(decls))
		for p, ns := range inScope {
			inner[p] = ns
		}
		for _, ns := range decls {
			inner[ns.Prefix()] = ns
		}
		inScope = inner
	}
	s.nodes = append(s.nodes, e)
	if s.utilizedOnly {
		s.addUtilizedNamespaces(e, inScope)
	} else {
		for prefix, ns := range inScope {
			s.addNamespace(e, prefix, ns)
		}
	}
	for _, a := range e.Attributes() {
		s.nodes = append(s.nodes, a)
	}
	for child := e.FirstChild(); child != nil; child = child.NextSibling() {
		switch child.Type() {
		case helium.ElementNode:
			s.addElement(child.(*helium.Element), inScope)
		case helium.CommentNode:
			if s.comments {
				s.nodes = append(s.nodes, child)
			}
		default:
			s.nodes = append(s.nodes, child)
		}
	}
}

func (s *nodeSet) addUtilizedNamespaces(e *helium.Element, inScope map[string]*helium.Namespace) {
	s.addNamespace(e, e.Prefix(), inScope[e.Prefix()])
	for _, a := range e.Attributes() {
		if p := a.Prefix(); p != "" && p != e.Prefix() {
			s.addNamespace(e, p, inScope[p])
		}
	}
	for _, p := range s.inclusive {
		if p == "#default" {
			p = ""
		}
		s.addNamespace(e, p, inScope[p])
	}
}

// addNamespace adds the namespace node prefix of e. An undeclared default
// namespace (xmlns="") is no namespace node, and the xml namespace is implicit.
func (s *nodeSet) addNamespace(e *helium.Element, prefix string, ns *helium.Namespace) {
	if ns == nil || (prefix == "" && ns.URI() == "") || prefix == "xml" {
		return
	}
	s.nodes = append(s.nodes, helium.NewNamespaceNodeWrapper(ns, e))
}

// inheritedNamespaces collects the namespace declarations of e's ancestors.
func inheritedNamespaces(e *helium.Element) map[string]*helium.Namespace {
	var chain []*helium.Element
	for p := e.Parent(); p != nil; p = p.Parent() {
		if pe, ok := p.(*helium.Element); ok {
			chain = append(chain, pe)
		}
	}
	inScope := map[string]*helium.Namespace{}
	for i := len(chain) - 1; i >= 0; i-- {
		for _, ns := range chain[i].Namespaces() {
			inScope[ns.Prefix()] = ns
		}
	}
	return inScope
}

// canonicalizeNodes canonicalises a node-set of doc with method m.
// prefixes is the InclusiveNamespaces PrefixList of exclusive C14N.
func canonicalizeNodes(doc *helium.Document, nodes []helium.Node, m c14nMethod, prefixes []string) ([]byte, error) {
	c := c14n.NewCanonicalizer(c14nMode(m)).NodeSet(nodes)
	if m.comments {
		c = c.Comments()
	}
	if m.exclusive && len(prefixes) > 0 {
		c = c.InclusiveNamespaces(prefixes)
	}
	return c.CanonicalizeTo(doc)
}

func c14nMode(m c14nMethod) c14n.Mode {
	switch {
	case m.exclusive:
		return c14n.ExclusiveC14N10
	case m.v11:
		return c14n.C14N11
	}
	return c14n.C14N10
}

// canonicalizeSubtree is the canonical form of one element (SignedInfo,
// SignedProperties) under m.
func canonicalizeSubtree(e *helium.Element, m c14nMethod, prefixes []string) ([]byte, error) {
	return canonicalizeNodes(e.OwnerDocument(), subtreeNodes(e, nil, m.comments, m, prefixes), m, prefixes)
}

// Canonicalize returns the exclusive canonical form of a whole document,
// comments left out: what the Reference of SignEnveloped digests. Comparing
// it across tools shows why a digest differs.
func Canonicalize(ctx context.Context, data []byte) ([]byte, error) {
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("the document is not well-formed XML: %w", err)
	}
	exc := c14nMethods[AlgExcC14N]
	return canonicalizeNodes(doc, documentNodes(doc, nil, exc, nil), exc, nil)
}
