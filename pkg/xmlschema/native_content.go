package xmlschema

import (
	"github.com/lestrrat-go/helium"
)

// Content models. The matcher is greedy, like helium's XSD 1.0 matcher
// (xsd/validate_elem.go), and reports the same errors at the same places:
// each particle takes as many children as it may, a choice takes its first
// branch that consumes something. Greedy matching decides membership
// exactly for deterministic models whose repeated groups cannot end the
// way they start with a repeatable particle; the builder refuses any other
// model (checkContentModels), so the matcher never needs to backtrack.

// matcher matches the element children of parent against ptype's model.
type matcher struct {
	r      *nativeRun
	parent *helium.Element
	ptype  *xtype
	kids   []*helium.Element
}

// contentModel validates el's children against td's content model.
// elementOnly content admits no text but whitespace: that is checked
// first, in the same walk over the children.
func (r *nativeRun) contentModel(el *helium.Element, td *xtype, elementOnly bool) bool {
	start := len(r.kids)
	if !r.pushKids(el, elementOnly) {
		return false
	}
	// Nested calls push their own children past ours; the slice header
	// taken here stays valid even if they reallocate the stack.
	m := matcher{r: r, parent: el, ptype: td, kids: r.kids[start:]}
	ok := m.full(r.s.contentModel(td))
	r.kids = r.kids[:start]
	return ok
}

// pushKids pushes el's element children on the child stack; with
// elementOnly, it rejects text other than whitespace instead. It is kept
// out of line so that its temporaries do not enlarge the frame of the
// recursive walk.
//
//go:noinline
func (r *nativeRun) pushKids(el *helium.Element, elementOnly bool) bool {
	start := len(r.kids)
	for c := el.FirstChild(); c != nil; c = c.NextSibling() {
		if ce, ok := c.(*helium.Element); ok {
			r.kids = append(r.kids, ce)
			continue
		}
		if elementOnly {
			if text, blank := isBlankText(c); text && !blank {
				r.kids = r.kids[:start]
				r.reportText(el)
				return false
			}
		}
	}
	return true
}

// full matches the whole model and rejects a leftover child, unless the
// children already had errors (helium does not look further then).
func (m *matcher) full(g *group) bool {
	n, ok := m.group(g, 0)
	if !ok {
		return false
	}
	if n < len(m.kids) {
		m.r.reportExpect(m.kids[n], msgNotExpected, m.ptype)
		return false
	}
	return true
}

func (m *matcher) group(g *group, pos int) (int, bool) {
	if g.choice {
		return m.choice(g, pos)
	}
	return m.sequence(g, pos)
}

// particle matches p at pos, validating what it consumes. An error with
// nothing consumed is structural: a sequence stops there.
func (m *matcher) particle(p *particle, pos int, seqHasWildcard bool) (int, bool) {
	switch {
	case p.elem != nil:
		return m.element(p, pos, seqHasWildcard)
	case p.wc != nil:
		return m.wildcard(p, pos)
	}
	return m.group(p.group, pos)
}

// sequence repeats the sequence body while a dry run says it matches.
// A sequence that occurs exactly once needs no dry run: its body is
// matched in any case, and matching it consumes what a dry run would.
func (m *matcher) sequence(g *group, pos int) (int, bool) {
	if g.min == 1 && g.max == 1 {
		return m.sequenceOnce(g, pos)
	}
	start, ok := pos, true
	for reps := 0; g.max == unbounded || reps < g.max; reps++ {
		n, fits := m.trySequenceOnce(g, pos)
		if !fits {
			if reps < g.min {
				n, good := m.sequenceOnce(g, pos)
				return pos - start + n, good
			}
			break
		}
		if n == 0 {
			break
		}
		n, good := m.sequenceOnce(g, pos)
		ok = ok && good
		pos += n
	}
	return pos - start, ok
}

func (m *matcher) sequenceOnce(g *group, pos int) (int, bool) {
	cur, ok := pos, true
	for _, p := range g.parts {
		n, good := m.particle(p, cur, g.hasWildcard)
		cur += n
		if !good {
			if n == 0 {
				return cur - pos, false
			}
			ok = false
		}
	}
	return cur - pos, ok
}

// choice repeats: each time the first branch that consumes a child, else
// one that matches nothing.
func (m *matcher) choice(g *group, pos int) (int, bool) {
	start, ok, reps := pos, true, 0
	for g.max == unbounded || reps < g.max {
		n, found, good := m.choiceOnce(g, pos)
		if !found {
			break
		}
		ok = ok && good
		reps++
		pos += n
		if n == 0 {
			reps = max(reps, g.min)
			break
		}
	}
	if reps < g.min {
		m.r.reportExpect(m.parent, formatExpectedList("Missing child element(s).", particleNames(g.parts)), m.ptype)
		return pos - start, false
	}
	return pos - start, ok
}

func (m *matcher) choiceOnce(g *group, pos int) (n int, found, ok bool) {
	for _, p := range g.parts {
		if n, fits := m.tryParticle(p, pos); fits && n > 0 {
			n, ok = m.particle(p, pos, false)
			return n, true, ok
		}
	}
	for _, p := range g.parts {
		if n, fits := m.tryParticle(p, pos); fits && n == 0 {
			return 0, true, true
		}
	}
	return 0, false, true
}

// element takes the consecutive children p's declaration matches.
func (m *matcher) element(p *particle, pos int, seqHasWildcard bool) (int, bool) {
	count := m.countElements(p, pos)
	if count < p.min {
		names := []string{clarkOfName(p.elem.name)}
		switch {
		case pos+count < len(m.kids):
			m.r.report(m.kids[pos+count], formatExpectedList(msgNotExpected, names))
		case seqHasWildcard:
			m.r.reportExpect(m.parent, msgMissingChild, m.ptype)
		default:
			m.r.report(m.parent, formatExpectedList(msgMissingChild, names))
		}
		return count, false
	}
	ok := true
	for _, kid := range m.kids[pos : pos+count] {
		if !m.r.declared(kid, p.elem) {
			ok = false
		}
	}
	return count, ok
}

func (m *matcher) countElements(p *particle, pos int) int {
	d := p.elem
	if p.max == 0 || d.abstract {
		return 0
	}
	count := 0
	for pos+count < len(m.kids) {
		kid := m.kids[pos+count]
		if kid.LocalName() != d.name.local || kid.URI() != d.name.ns {
			break
		}
		count++
		if p.max != unbounded && count >= p.max {
			break
		}
	}
	return count
}

// wildcard takes the consecutive children whose namespace it admits.
func (m *matcher) wildcard(p *particle, pos int) (int, bool) {
	count := m.countWildcard(p, pos)
	if count < p.min {
		msg := "This element is not expected. Expected is ( " + wildcardExpected(p.wc) + " )."
		if pos < len(m.kids) {
			m.r.report(m.kids[pos], msg)
		} else {
			m.r.report(m.parent, msg)
		}
		return count, false
	}
	if p.wc.process == processSkip {
		return count, true
	}
	ok := true
	for _, kid := range m.kids[pos : pos+count] {
		if !m.r.wildcardChild(p.wc, kid) {
			ok = false
		}
	}
	return count, ok
}

func (m *matcher) countWildcard(p *particle, pos int) int {
	count := 0
	for p.max != 0 && pos+count < len(m.kids) && p.wc.admits(m.kids[pos+count].URI()) {
		count++
		if p.max != unbounded && count >= p.max {
			break
		}
	}
	return count
}

// ----- dry runs ---------------------------------------------------------------

func (m *matcher) tryParticle(p *particle, pos int) (int, bool) {
	switch {
	case p.elem != nil:
		n := m.countElements(p, pos)
		return n, n >= p.min
	case p.wc != nil:
		n := m.countWildcard(p, pos)
		return n, n >= p.min
	}
	return m.tryGroup(p.group, pos)
}

func (m *matcher) tryGroup(g *group, pos int) (int, bool) {
	cur, reps := pos, 0
	for g.max == unbounded || reps < g.max {
		var n int
		var fits bool
		if g.choice {
			n, fits = m.tryChoiceOnce(g, cur)
		} else {
			n, fits = m.trySequenceOnce(g, cur)
		}
		if !fits {
			break
		}
		reps++
		cur += n
		if n == 0 {
			reps = max(reps, g.min)
			break
		}
	}
	if reps < g.min {
		return 0, false
	}
	return cur - pos, true
}

func (m *matcher) trySequenceOnce(g *group, pos int) (int, bool) {
	cur := pos
	for _, p := range g.parts {
		n, fits := m.tryParticle(p, cur)
		if !fits {
			return 0, false
		}
		cur += n
	}
	return cur - pos, true
}

func (m *matcher) tryChoiceOnce(g *group, pos int) (int, bool) {
	for _, p := range g.parts {
		if n, fits := m.tryParticle(p, pos); fits && n > 0 {
			return n, true
		}
	}
	for _, p := range g.parts {
		if n, fits := m.tryParticle(p, pos); fits && n == 0 {
			return 0, true
		}
	}
	return 0, false
}

// ----- helium's wording --------------------------------------------------------

// formatExpectedList is helium's formatExpected.
func formatExpectedList(prefix string, names []string) string {
	if len(names) == 1 {
		return prefix + " Expected is ( " + names[0] + " )."
	}
	list := ""
	for i, n := range names {
		if i > 0 {
			list += ", "
		}
		list += n
	}
	return prefix + " Expected is one of ( " + list + " )."
}

// particleNames lists the direct element and wildcard particles (nested
// groups say nothing), as helium does for a choice that found no branch.
func particleNames(parts []*particle) []string {
	var names []string
	for _, p := range parts {
		switch {
		case p.elem != nil:
			names = append(names, clarkOfName(p.elem.name))
		case p.wc != nil:
			names = append(names, wildcardExpected(p.wc))
		}
	}
	return names
}

// wildcardExpected is helium's spelling of a wildcard in expected lists.
func wildcardExpected(w *wildcard) string {
	if w.text == "##other" {
		if w.tns != "" {
			return "##other{" + w.tns + "}*"
		}
		return "##other*"
	}
	return w.text
}
