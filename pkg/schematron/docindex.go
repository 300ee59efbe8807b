package schematron

import (
	"strings"

	"github.com/lestrrat-go/helium"
)

// docIndex is a compact copy of the element and attribute structure of the
// document being validated, built in one traversal per run. Native rule
// contexts and tests navigate it by ordinal instead of walking helium nodes
// through interface calls, compare interned names instead of strings, and
// reach every candidate node of a rule context through a per-name list.
//
// Nodes are stored in XPath document order: an element, then its attributes,
// then its descendants. The helium node is kept for everything that reports
// (line, location, messages) and for the XPath fallback.
type docIndex struct {
	nodes []xnode
	// node and sv parallel nodes: the helium node, and the string value
	// cached once computed. Keeping the pointers out of xnode spares the
	// garbage collector from scanning, and barriers from guarding, the
	// structure the run navigates most.
	node []helium.Node
	sv   []string
	// text holds the bytes of the string values computed in a run: each is
	// a substring of the builder's contents, which a builder never rewrites,
	// so a value costs helium's copy of the text and no string of its own.
	text strings.Builder
	// byName lists, per interned name, the ordinals of the nodes of that
	// name in document order (elements and attributes alike).
	byName   [][]int32
	allElems []int32 // every element, when a context ends in *
	allAttrs []int32 // every attribute, when a context ends in @*
	// top holds the children of the document node that XPath sees: the
	// document element, comments and processing instructions.
	top []helium.Node
	// exotic is set when the tree holds a node kind the native code does
	// not model (an entity reference, say); the run then uses XPath only.
	exotic bool
	byNode map[helium.Node]int32 // built on demand, see ordinal
	// names remembers recent name lookups: a document repeats a few names
	// many times, and the parser shares their strings, so comparing with a
	// cached entry is cheaper than hashing the name again.
	names [64]cachedName
}

type cachedName struct {
	uri, local string
	id         int32
}

// name interns a node's name through the cache.
func (d *docIndex) name(c *Compiled, uri, local string) int32 {
	h := len(local)
	if h > 0 {
		h = h*31 + int(local[0])*7 + int(local[h-1])
	}
	e := &d.names[h&(len(d.names)-1)]
	if e.local == local && e.uri == uri && e.local != "" {
		return e.id
	}
	id := c.names.lookup(uri, local)
	*e = cachedName{uri: uri, local: local, id: id}
	return id
}

// xnode is an element or attribute of the document index.
type xnode struct {
	parent int32 // parent element, -1 when the parent is the document node
	child  int32 // first child element, -1 when none
	next   int32 // next sibling element, -1 when none
	nattr  int32 // number of attributes, stored right after the element
	name   int32 // interned expanded name, -1 when no expression names it
	attr   bool
	// svState is 0 before the string value is computed, 1 when sv holds
	// it, 2 when only XPath can compute it.
	svState uint8
}

// build indexes doc for the names of c, reusing the index's storage.
func (d *docIndex) build(c *Compiled, doc *helium.Document) {
	d.nodes = d.nodes[:0]
	d.node = d.node[:0]
	d.top = d.top[:0]
	d.allElems = d.allElems[:0]
	d.allAttrs = d.allAttrs[:0]
	d.exotic = false
	clear(d.byNode)
	if cap(d.byName) < len(c.names.anchors) {
		d.byName = make([][]int32, len(c.names.anchors))
	}
	d.byName = d.byName[:len(c.names.anchors)]
	for i := range d.byName {
		d.byName[i] = d.byName[i][:0]
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch v := n.(type) {
		case *helium.Element:
			d.top = append(d.top, n)
			d.addElement(c, v, -1)
		case *helium.Comment, *helium.ProcessingInstruction:
			d.top = append(d.top, n)
		}
	}
	if cap(d.sv) < len(d.nodes) {
		d.sv = make([]string, len(d.nodes))
	}
	d.sv = d.sv[:len(d.nodes)]
}

// release drops the references to the document so a pooled index does not
// keep it alive.
func (d *docIndex) release() {
	d.text.Reset()
	clear(d.names[:])
	clear(d.node)
	clear(d.sv)
	clear(d.top)
	clear(d.byNode)
}

func (d *docIndex) addElement(c *Compiled, el *helium.Element, parent int32) int32 {
	ord := int32(len(d.nodes))
	d.nodes = append(d.nodes, xnode{parent: parent, child: -1, next: -1, name: d.name(c, el.URI(), el.LocalName())})
	d.node = append(d.node, el)
	d.indexNode(c, ord, false)
	el.ForEachAttribute(func(a *helium.Attribute) bool {
		ao := int32(len(d.nodes))
		d.nodes = append(d.nodes, xnode{parent: ord, child: -1, next: -1, attr: true, name: d.name(c, a.URI(), attrLocalName(a))})
		d.node = append(d.node, a)
		d.indexNode(c, ao, true)
		return true
	})
	d.nodes[ord].nattr = int32(len(d.nodes)) - ord - 1
	last := int32(-1)
	// Siblings are followed through the concrete types: helium's accessors
	// have value receivers, which an interface call copies whole.
	for ch := el.FirstChild(); ch != nil; {
		switch v := ch.(type) {
		case *helium.Element:
			co := d.addElement(c, v, ord)
			if last < 0 {
				d.nodes[ord].child = co
			} else {
				d.nodes[last].next = co
			}
			last = co
			ch = v.NextSibling()
		case *helium.Text:
			ch = v.NextSibling()
		case *helium.CDATASection:
			ch = v.NextSibling()
		case *helium.Comment:
			ch = v.NextSibling()
		case *helium.ProcessingInstruction:
			ch = v.NextSibling()
		default:
			d.exotic = true
			ch = ch.NextSibling()
		}
	}
	return ord
}

func (d *docIndex) indexNode(c *Compiled, ord int32, attr bool) {
	if id := d.nodes[ord].name; id >= 0 && c.names.anchors[id] {
		d.byName[id] = append(d.byName[id], ord)
	}
	switch {
	case attr && c.names.allAttrs:
		d.allAttrs = append(d.allAttrs, ord)
	case !attr && c.names.allElems:
		d.allElems = append(d.allElems, ord)
	}
}

// attrLocalName is the local name XPath sees for an attribute (helium keeps
// a prefix in the name of some attributes).
func attrLocalName(a *helium.Attribute) string {
	ln := a.LocalName()
	if _, after, ok := strings.Cut(ln, ":"); ok {
		return after
	}
	return ln
}

// ordinal finds the index entry of a node that an XPath context or variable
// returned, or -1 when it is not an element or attribute of the index. The
// reverse map is only built when a run needs it.
func (d *docIndex) ordinal(n helium.Node) int32 {
	if len(d.node) > 0 && d.node[0] == n {
		return 0
	}
	switch n.(type) {
	case *helium.Element, *helium.Attribute:
	default:
		return -1
	}
	if len(d.byNode) == 0 {
		if d.byNode == nil {
			d.byNode = make(map[helium.Node]int32, len(d.nodes))
		}
		for i, node := range d.node {
			d.byNode[node] = int32(i)
		}
	}
	if o, ok := d.byNode[n]; ok {
		return o
	}
	return -1
}

// stringValue is the XPath string value of an indexed node, computed once per
// run. ok is false when the subtree holds nodes the index does not model.
func (d *docIndex) stringValue(ord int32) (string, bool) {
	n := &d.nodes[ord]
	if n.svState == 0 {
		n.svState = 2
		if s, ok := d.textOf(d.node[ord]); ok {
			d.sv[ord], n.svState = s, 1
		}
	}
	return d.sv[ord], n.svState == 1
}

// textOf is nodeString for an element or attribute, writing the value in
// the run's text builder.
func (d *docIndex) textOf(n helium.Node) (string, bool) {
	first := n.FirstChild()
	if first == nil {
		return "", true
	}
	start := d.text.Len()
	switch v := n.(type) {
	case *helium.Attribute:
		if first.NextSibling() != nil || first.Type() != helium.TextNode {
			return v.Value(), true
		}
		d.text.Write(first.Content())
	case *helium.Element:
		if !appendText(&d.text, v) {
			return "", false
		}
	default:
		return nodeString(n)
	}
	return d.text.String()[start:], true
}

// nodeString is the XPath string value of a helium node: an attribute's
// value, the text of an element's descendants, a text node's content.
func nodeString(n helium.Node) (string, bool) {
	switch v := n.(type) {
	case *helium.Attribute:
		first := v.FirstChild()
		if first == nil {
			return "", true
		}
		if first.NextSibling() == nil && first.Type() == helium.TextNode {
			return string(first.Content()), true
		}
		return v.Value(), true
	case *helium.Element:
		first := v.FirstChild()
		if first == nil {
			return "", true
		}
		if first.NextSibling() == nil && isText(first) {
			return string(first.Content()), true
		}
		var b strings.Builder
		ok := appendText(&b, v)
		return b.String(), ok
	case *helium.Text, *helium.CDATASection, *helium.Comment, *helium.ProcessingInstruction:
		return string(n.Content()), true
	}
	return "", false
}

// appendText writes the text descendants of n; false when a child is of a
// kind whose contribution the index does not model (an entity reference).
func appendText(b *strings.Builder, n helium.Node) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.(type) {
		case *helium.Text, *helium.CDATASection:
			b.Write(c.Content())
		case *helium.Element:
			if !appendText(b, c) {
				return false
			}
		case *helium.Comment, *helium.ProcessingInstruction:
		default:
			return false
		}
	}
	return true
}

func isText(n helium.Node) bool {
	switch n.(type) {
	case *helium.Text, *helium.CDATASection:
		return true
	}
	return false
}

// localName and namespaceURI are fn:local-name and fn:namespace-uri of a node.
func localName(n helium.Node) string {
	switch v := n.(type) {
	case *helium.Element:
		return v.LocalName()
	case *helium.Attribute:
		return attrLocalName(v)
	case *helium.ProcessingInstruction:
		return v.Name()
	}
	return ""
}

func namespaceURI(n helium.Node) string {
	type urier interface{ URI() string }
	if u, ok := n.(urier); ok {
		return u.URI()
	}
	return ""
}

// nameTable interns the expanded names that native contexts and tests use,
// so the index can store a number per node and steps compare numbers. It is
// built at compile time and read-only afterwards.
type nameTable struct {
	byLocal map[string][]nameEntry
	// anchors marks the names that end a native rule context: only those
	// get a per-name node list.
	anchors  []bool
	allElems bool
	allAttrs bool
}

type nameEntry struct {
	uri string
	id  int32
}

func (t *nameTable) intern(uri, local string) int32 {
	if id := t.lookup(uri, local); id >= 0 {
		return id
	}
	if t.byLocal == nil {
		t.byLocal = map[string][]nameEntry{}
	}
	id := int32(len(t.anchors))
	t.byLocal[local] = append(t.byLocal[local], nameEntry{uri: uri, id: id})
	t.anchors = append(t.anchors, false)
	return id
}

// lookup keys on the local name first: hashing a short local name is cheaper
// than hashing a namespace URI for every node of the document.
func (t *nameTable) lookup(uri, local string) int32 {
	for _, e := range t.byLocal[local] {
		if e.uri == uri {
			return e.id
		}
	}
	return -1
}
