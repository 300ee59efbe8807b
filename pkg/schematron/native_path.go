package schematron

import (
	"slices"

	"github.com/lestrrat-go/helium"
)

// Native paths: steps over the document index.

type axis uint8

const (
	axisChild axis = iota // child elements
	axisAttr              // attributes
	axisText              // text() children
)

type step struct {
	axis  axis
	name  int32 // interned name, -1 for *
	preds []boolExpr
}

// pathExpr is a relative path of child, attribute and text() steps. From one
// context node such steps reach distinct nodes in document order, so no
// sorting or deduplication is needed.
type pathExpr struct{ steps []step }

func (pathExpr) kind() kind { return kSeq }
func (p pathExpr) appendSeq(r *run, ctx int32, limit int) bool {
	start := len(r.items)
	if len(p.steps) == 1 {
		// One step needs no frontier.
		stop := 0
		if limit > 0 {
			stop = start + limit
		}
		if !p.steps[0].appendFrom(r, ctx, stop) {
			r.truncate(start)
			return false
		}
		return true
	}
	r.items = append(r.items, item{ord: ctx})
	return r.applySteps(start, p.steps, limit)
}

// applySteps replaces the frontier r.items[start:] by the nodes the steps
// select from it, stopping after limit results when limit > 0.
func (r *run) applySteps(start int, steps []step, limit int) bool {
	lo, hi := start, len(r.items)
	for i := range steps {
		s := &steps[i]
		stop := 0
		if limit > 0 && i == len(steps)-1 {
			stop = hi + limit
		}
		for j := lo; j < hi && (stop == 0 || len(r.items) < stop); j++ {
			if !s.appendFrom(r, r.items[j].ord, stop) {
				r.truncate(start)
				return false
			}
		}
		lo, hi = hi, len(r.items)
	}
	n := copy(r.items[start:], r.items[lo:hi])
	r.truncate(start + n)
	return true
}

// descPath is //name[predicates]/steps: the named elements anywhere in the
// document, from the index, then relative steps. This is how rules follow
// references (//rim:RegistryObject[@id = $target]); XPath walks the whole
// document for each evaluation.
type descPath struct {
	first step
	rest  []step
}

func (descPath) kind() kind { return kSeq }
func (p descPath) appendSeq(r *run, _ int32, limit int) bool {
	start := len(r.items)
	stop := 0
	if limit > 0 && len(p.rest) == 0 {
		stop = start + limit
	}
	for _, o := range r.doc.withName(p.first.name) {
		if stop > 0 && len(r.items) >= stop {
			break
		}
		if !r.doc.nodes[o].attr && !p.first.take(r, o, stop) {
			r.truncate(start)
			return false
		}
	}
	return r.applySteps(start, p.rest, limit)
}

// appendFrom appends the nodes the step selects from node n, stopping when
// r.items reaches stop (when stop > 0).
func (s *step) appendFrom(r *run, n int32, stop int) bool {
	d := r.doc
	x := &d.nodes[n]
	switch s.axis {
	case axisAttr:
		for a := n + 1; a <= n+x.nattr; a++ {
			if !s.take(r, a, stop) {
				return false
			}
		}
	case axisChild:
		for c := x.child; c >= 0; c = d.nodes[c].next {
			if !s.take(r, c, stop) {
				return false
			}
		}
	case axisText:
		for c := d.node[n].FirstChild(); c != nil && !x.attr; c = c.NextSibling() {
			if isText(c) && (stop == 0 || len(r.items) < stop) {
				r.items = append(r.items, item{ord: -1, node: c})
			}
		}
	}
	return true
}

// take appends node c when its name and the predicates accept it.
func (s *step) take(r *run, c int32, stop int) bool {
	if stop > 0 && len(r.items) >= stop || s.name >= 0 && r.doc.nodes[c].name != s.name {
		return true
	}
	for _, p := range s.preds {
		v, ok := p.evalBool(r, c)
		if !ok {
			return false
		}
		if !v {
			return true
		}
	}
	r.items = append(r.items, item{ord: c})
	return true
}

// topNodes is /node() (or /* with elementsOnly): the document node's children.
type topNodes struct{ elementsOnly bool }

func (topNodes) kind() kind { return kSeq }
func (t topNodes) appendSeq(r *run, _ int32, limit int) bool {
	n := 0
	for _, node := range r.doc.top {
		if limit > 0 && n >= limit {
			break
		}
		if _, isElem := node.(*helium.Element); isElem {
			r.items = append(r.items, item{ord: 0})
		} else if !t.elementsOnly {
			r.items = append(r.items, item{ord: -1, node: node})
		} else {
			continue
		}
		n++
	}
	return true
}

// union is a | b: the nodes of both, in document order without duplicates.
// Index ordinals are document order, so sorting them is enough; any other
// item (a text node, a string) is left to XPath.
type union struct{ l, r seqExpr }

func (union) kind() kind { return kSeq }
func (u union) appendSeq(r *run, ctx int32, limit int) bool {
	start := len(r.items)
	if !u.l.appendSeq(r, ctx, 0) || !u.r.appendSeq(r, ctx, 0) {
		r.truncate(start)
		return false
	}
	items := r.items[start:]
	for i := range items {
		if items[i].ord < 0 {
			r.truncate(start)
			return false
		}
	}
	slices.SortFunc(items, func(a, b item) int { return int(a.ord - b.ord) })
	items = slices.CompactFunc(items, func(a, b item) bool { return a.ord == b.ord })
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	r.truncate(start + len(items))
	return true
}
