package schematron

import (
	"slices"
	"strings"
	"sync"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// docIndex is a compact copy of the element and attribute structure of a
// document, built in one traversal. Native rule contexts and tests navigate
// it by ordinal instead of walking helium nodes through interface calls,
// compare interned names instead of strings, and reach every candidate node
// of a rule context through a per-name list. Names are interned for every
// schema of the process alike (see names), so one index serves any number
// of schemas validating the same document (see Batch).
//
// Nodes are stored in XPath document order: an element, then its attributes,
// then its descendants. The helium node is kept for everything that reports
// (line, location, messages) and for the XPath fallback.
type docIndex struct {
	doc   *helium.Document
	names *probeTable // the names the index was built with
	nodes []xnode
	// node and sv parallel nodes: the helium node, and the string value
	// cached once computed. Keeping the pointers out of xnode spares the
	// garbage collector from scanning, and barriers from guarding, the
	// structure the run navigates most.
	node []helium.Node
	sv   []string
	// text holds the bytes of the string values computed: each is a
	// substring of the builder's contents, which a builder never rewrites,
	// so a value costs no allocation of its own. The builder is dropped
	// when the index is released (the strings stay valid); textSize, the
	// length it reached, sizes the next one at once.
	text     strings.Builder
	textSize int
	// byName lists, per anchor name (see probeTable), the ordinals of the
	// nodes of that name in document order (elements and attributes
	// alike); named holds the names that have a list, to reset them.
	byName [][]int32
	named  []int32
	// allElems and allAttrs list every element and every attribute, for
	// contexts that end in * or @*; built on first use.
	allElems, allAttrs []int32
	hasAll             bool
	// top holds the children of the document node that XPath sees: the
	// document element, comments and processing instructions.
	top []helium.Node
	// exotic is set when the tree holds a node kind the native code does
	// not model (an entity reference, say); the run then uses XPath only.
	exotic bool
	byNode map[helium.Node]int32 // built on demand, see ordinal
}

// indexes pools document indexes, so the storage of one validation serves
// the next.
var indexes = sync.Pool{New: func() any { return new(docIndex) }}

// newIndex indexes doc with the names interned so far.
func newIndex(doc *helium.Document) *docIndex {
	d := indexes.Get().(*docIndex)
	d.build(doc)
	return d
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

// build indexes doc, reusing the index's storage.
func (d *docIndex) build(doc *helium.Document) {
	d.doc, d.names = doc, names.snapshot()
	d.nodes = d.nodes[:0]
	d.node = d.node[:0]
	d.top = d.top[:0]
	d.exotic, d.hasAll = false, false
	clear(d.byNode)
	if n := int(d.names.count); len(d.byName) < n {
		d.byName = slices.Grow(d.byName, n-len(d.byName))[:n]
	}
	for _, id := range d.named {
		d.byName[id] = d.byName[id][:0]
	}
	d.named = d.named[:0]
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch v := n.(type) {
		case *helium.Element:
			d.top = append(d.top, n)
			d.addElement(v, -1)
		case *helium.Comment, *helium.ProcessingInstruction:
			d.top = append(d.top, n)
		}
	}
	if cap(d.sv) < len(d.nodes) {
		d.sv = make([]string, len(d.nodes))
	}
	d.sv = d.sv[:len(d.nodes)]
}

// current reports whether the index still serves a run over doc: built
// for it, with every name interned since (a schema compiled after the
// index was built may name nodes the index left unnamed).
func (d *docIndex) current(doc *helium.Document) bool {
	return d.doc == doc && d.names == names.snapshot()
}

// release drops the references to the document and returns the index to
// the pool.
func (d *docIndex) release() {
	d.textSize = d.text.Len()
	d.text.Reset()
	d.doc = nil
	clear(d.node)
	clear(d.sv)
	clear(d.top)
	clear(d.byNode)
	indexes.Put(d)
}

func (d *docIndex) addElement(el *helium.Element, parent int32) int32 {
	ord := int32(len(d.nodes))
	d.nodes = append(d.nodes, xnode{parent: parent, child: -1, next: -1, name: d.names.lookup(el.URI(), el.LocalName())})
	d.node = append(d.node, el)
	d.indexName(ord)
	// FindAttribute, unlike ForEachAttribute, has a pointer receiver and
	// takes no closure: it hands over the first attribute without copying
	// the element.
	first, _ := el.FindAttribute(firstAttribute{})
	for a := first; a != nil; a = a.NextAttribute() {
		ao := int32(len(d.nodes))
		d.nodes = append(d.nodes, xnode{parent: ord, child: -1, next: -1, attr: true, name: d.names.lookup(a.URI(), attrLocalName(a))})
		d.node = append(d.node, a)
		d.indexName(ao)
	}
	d.nodes[ord].nattr = int32(len(d.nodes)) - ord - 1
	last := int32(-1)
	// Siblings are followed through the concrete types: helium's accessors
	// have value receivers, which an interface call copies whole.
	for ch := el.FirstChild(); ch != nil; {
		switch v := ch.(type) {
		case *helium.Element:
			co := d.addElement(v, ord)
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

// firstAttribute selects an element's first attribute.
type firstAttribute struct{}

func (firstAttribute) Match(*helium.Attribute) bool { return true }

// indexName adds a node to the list of its name, when a schema uses it.
func (d *docIndex) indexName(ord int32) {
	id := d.nodes[ord].name
	if id < 0 || !d.names.anchor[id] {
		return
	}
	if len(d.byName[id]) == 0 {
		d.named = append(d.named, id)
	}
	d.byName[id] = append(d.byName[id], ord)
}

// withName lists the nodes of an interned name in document order.
func (d *docIndex) withName(id int32) []int32 {
	if int(id) >= len(d.byName) {
		return nil
	}
	return d.byName[id]
}

// elements and attributes list every element and every attribute.
func (d *docIndex) elements() []int32 {
	d.listAll()
	return d.allElems
}

func (d *docIndex) attributes() []int32 {
	d.listAll()
	return d.allAttrs
}

func (d *docIndex) listAll() {
	if d.hasAll {
		return
	}
	d.hasAll = true
	d.allElems, d.allAttrs = d.allElems[:0], d.allAttrs[:0]
	for i := range d.nodes {
		if d.nodes[i].attr {
			d.allAttrs = append(d.allAttrs, int32(i))
		} else {
			d.allElems = append(d.allElems, int32(i))
		}
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
	if d.text.Cap() == 0 {
		d.text.Grow(max(d.textSize, 256))
	}
	start := d.text.Len()
	switch v := n.(type) {
	case *helium.Attribute:
		d.text.Write(xmldoc.RawValue(v))
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
		return string(xmldoc.RawValue(v)), true
	case *helium.Element:
		first := v.FirstChild()
		if first == nil {
			return "", true
		}
		if raw, isText := xmldoc.RawText(first); isText && first.NextSibling() == nil {
			return string(raw), true
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
			raw, _ := xmldoc.RawText(c)
			b.Write(raw)
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
