package schematron

import (
	"github.com/lestrrat-go/helium/xpath3"
)

// Native rule contexts.
//
// A rule context is an XSLT match pattern. Evaluating it as //pattern, or
// from every element named by its first step, walks the document once per
// rule through xpath3. Instead, the common patterns — union branches of
// element and attribute name steps joined by / or //, with non-positional
// predicates — are compiled to a matcher that tests one node bottom-up: its
// own name, its predicates, then its parent (or, after //, some ancestor)
// against the previous step. The candidates come from the document index,
// which lists the nodes of every name that ends a native pattern, built in
// the single traversal each run makes.

// matcher is a compiled pattern branch.
type matcher struct {
	steps []mstep
	// absolute patterns start at the document node: the first step's node
	// must be a child of it.
	absolute bool
	// top is the pattern /node(): every child of the document node,
	// comments and processing instructions included.
	top bool
	// chain is set when no // separates the steps and they are few: each
	// step then names the parent of the next one's node (see matchChain).
	chain bool
}

// maxChain bounds the steps matchChain keeps on its stack.
const maxChain = 16

// mstep is one step of a pattern.
type mstep struct {
	attr  bool
	name  int32 // interned name, -1 for * or @*
	preds []boolExpr
	// desc is set when // separates this step from the previous one, which
	// then matches the parent or any ancestor instead of the parent only.
	desc bool
}

// compileMatcher compiles one union branch of a rule context, or returns nil
// when the branch is outside the native grammar.
func (nc ncompiler) compileMatcher(branch string) *matcher {
	ast, err := xpath3.Parse(branch)
	if err != nil {
		return nil
	}
	var p xpath3.LocationPath
	switch v := ast.(type) {
	case *xpath3.LocationPath:
		p = *v
	case xpath3.LocationPath:
		p = v
	default:
		return nil
	}
	if p.Absolute && len(p.Steps) == 1 && len(p.Steps[0].Predicates) == 0 && p.Steps[0].Axis == xpath3.AxisChild {
		if t, ok := p.Steps[0].NodeTest.(xpath3.TypeTest); ok && t.Kind == xpath3.NodeKindNode {
			return &matcher{top: true}
		}
	}
	m := &matcher{absolute: p.Absolute}
	desc := false
	for i, s := range p.Steps {
		if isDescendantOrSelf(s) {
			// "//" between steps, or a leading "//" that makes the
			// pattern match anywhere, as a relative pattern does.
			if desc || i == len(p.Steps)-1 {
				return nil
			}
			if i == 0 {
				m.absolute = false
			} else {
				desc = true
			}
			continue
		}
		ms, ok := nc.matchStep(s, i == len(p.Steps)-1)
		if !ok {
			return nil
		}
		ms.desc = desc
		desc = false
		m.steps = append(m.steps, ms)
	}
	if len(m.steps) == 0 || m.absolute && m.steps[0].attr {
		return nil
	}
	m.chain = len(m.steps) <= maxChain
	for _, s := range m.steps {
		m.chain = m.chain && !s.desc
	}
	return m
}

func isDescendantOrSelf(s xpath3.Step) bool {
	t, ok := s.NodeTest.(xpath3.TypeTest)
	return ok && s.Axis == xpath3.AxisDescendantOrSelf && t.Kind == xpath3.NodeKindNode && len(s.Predicates) == 0
}

// matchStep compiles an element step (child axis) or a final attribute step.
func (nc ncompiler) matchStep(s xpath3.Step, last bool) (mstep, bool) {
	t, ok := s.NodeTest.(xpath3.NameTest)
	if !ok {
		return mstep{}, false
	}
	var ms mstep
	switch s.Axis {
	case xpath3.AxisChild:
	case xpath3.AxisAttribute:
		if !last {
			return ms, false
		}
		ms.attr = true
	default:
		return ms, false
	}
	if ms.name, ok = nc.nameTest(t, ms.attr); !ok {
		return ms, false
	}
	if ms.preds, ok = nc.predicates(s.Predicates); !ok {
		return ms, false
	}
	for _, p := range ms.preds {
		if !total(p) {
			return ms, false
		}
	}
	return ms, true
}

// anchor marks the name the candidates of this matcher are listed under.
func (m *matcher) anchor() {
	if m.top || m.rootOnly() {
		return
	}
	if last := m.steps[len(m.steps)-1]; last.name >= 0 {
		names.markAnchor(last.name)
	}
}

// rootOnly reports a pattern that can only match the document element.
func (m *matcher) rootOnly() bool {
	return m.absolute && len(m.steps) == 1
}

// rootCandidate is the document element's ordinal; read only.
var rootCandidate = []int32{0}

// candidates are the index nodes that can match: those named by the last
// step, or the document element for /name.
func (m *matcher) candidates(d *docIndex) []int32 {
	if m.rootOnly() {
		if len(d.nodes) == 0 {
			return nil
		}
		return rootCandidate
	}
	last := m.steps[len(m.steps)-1]
	switch {
	case last.name >= 0:
		return d.withName(last.name)
	case last.attr:
		return d.attributes()
	}
	return d.elements()
}

// match reports whether node ord matches; ok is false when a predicate needs
// XPath to decide.
func (m *matcher) match(r *run, ord int32) (matched, ok bool) {
	if m.chain {
		return m.matchChain(r, ord)
	}
	return m.matchAt(r, len(m.steps)-1, ord)
}

// matchChain is matchAt without recursion, for patterns without //: the
// names are checked walking up from the node, then the predicates from the
// first step down, the order in which matchAt evaluates them.
func (m *matcher) matchChain(r *run, ord int32) (bool, bool) {
	nodes := r.doc.nodes
	var chain [maxChain]int32
	o := ord
	for i := len(m.steps) - 1; i >= 0; i-- {
		if o < 0 {
			return false, true
		}
		s, n := &m.steps[i], &nodes[o]
		if n.attr != s.attr || s.name >= 0 && n.name != s.name {
			return false, true
		}
		chain[i], o = o, n.parent
	}
	if m.absolute && o >= 0 {
		return false, true
	}
	for i := range m.steps {
		for _, p := range m.steps[i].preds {
			if v, ok := p.evalBool(r, chain[i]); !ok || !v {
				return false, ok
			}
		}
	}
	return true, true
}

// matchAt checks step i against node ord, then the steps before it against
// the node's parent or ancestors, and only then the step's predicates: that
// is the order in which a top-down evaluation reaches them, so a predicate
// is never evaluated on a node XPath would not have reached.
func (m *matcher) matchAt(r *run, i int, ord int32) (bool, bool) {
	s := &m.steps[i]
	n := &r.doc.nodes[ord]
	if n.attr != s.attr || s.name >= 0 && n.name != s.name {
		return false, true
	}
	if matched, ok := m.matchAbove(r, i, n.parent); !matched || !ok {
		return false, ok
	}
	for _, p := range s.preds {
		v, ok := p.evalBool(r, ord)
		if !ok || !v {
			return false, ok
		}
	}
	return true, true
}

// matchAbove checks the steps before step i against parent, the parent of
// step i's node (-1 for the document node).
func (m *matcher) matchAbove(r *run, i int, parent int32) (bool, bool) {
	if i == 0 {
		// A relative pattern matches wherever the node is; an absolute one
		// needs its first step's node to be a child of the document node.
		return !m.absolute || parent < 0, true
	}
	if !m.steps[i].desc {
		if parent < 0 {
			return false, true
		}
		return m.matchAt(r, i-1, parent)
	}
	for a := parent; a >= 0; a = r.doc.nodes[a].parent {
		matched, ok := m.matchAt(r, i-1, a)
		if !ok || matched {
			return matched, ok
		}
	}
	return false, true
}

// total reports whether a native predicate can always decide by itself on an
// ordinary document. Only such predicates are used in patterns: a bottom-up
// matcher does not evaluate a predicate on every node a top-down XPath
// evaluation reaches, so it could miss an error XPath would raise there.
func total(e nexpr) bool {
	switch x := e.(type) {
	case constBool, litStr, litNum, contextItem, topNodes, attrEquals:
		return true
	case pathExpr:
		return pathTotal(x)
	case andExpr:
		return total(x.l) && total(x.r)
	case orExpr:
		return total(x.l) && total(x.r)
	case notExpr:
		return total(x.x)
	case ebv:
		return total(x.x)
	case cmpNum:
		return total(x.l) && total(x.r)
	case cmpStr:
		return total(x.l) && total(x.r)
	case count:
		return total(x.x)
	case exists:
		return total(x.x)
	case singleStr:
		return atMostOne(x.x)
	case nodeName:
		return atMostOne(x.x)
	case normalizeSpace:
		return total(x.x)
	case stringLength:
		return total(x.x)
	case stringTest:
		return total(x.a) && total(x.b)
	case memberTest:
		return total(x.slow)
	case substring:
		return total(x.a) && total(x.b)
	case concat:
		for _, p := range x {
			if !total(p) {
				return false
			}
		}
		return true
	}
	return false
}

func pathTotal(p pathExpr) bool {
	for _, s := range p.steps {
		for _, pr := range s.preds {
			if !total(pr) {
				return false
			}
		}
	}
	return true
}

// atMostOne reports a sequence that never holds two items: the context
// node, or one named attribute of it.
func atMostOne(e seqExpr) bool {
	switch x := e.(type) {
	case contextItem:
		return true
	case pathExpr:
		return len(x.steps) == 1 && x.steps[0].axis == axisAttr && x.steps[0].name >= 0 && pathTotal(x)
	}
	return false
}
