package xmlschema

// The content model checks the native engine relies on, run on every
// model it builds:
//
//   - unique particle attribution (XSD 1.0 cos-nonambig): at any point, a
//     child element can match at most one particle. It is checked on the
//     Glushkov construction: no two particles in the first set of a model,
//     or in the follow set of a particle, may admit the same element. A
//     repeated particle follows itself, so (a{2}, a) is refused too: the
//     check is stricter than counting automata, never weaker.
//   - no repeated group starts with a particle that can still repeat where
//     it ends, as in (a+){2}: there greedy matching would take too many
//     children for the first round and reject a valid document.
//
// Under both, the greedy matcher (native_content.go) accepts exactly the
// documents the model describes. The OOTS models pass; a model that does
// not is refused when built, with the type's position.

type upaCheck struct {
	follow map[*particle][]*particle
}

// termSets is what the Glushkov construction knows about a term.
type termSets struct {
	first, last []*particle
	nullable    bool
	repeating   []*particle // leaves that may occur again within the term
	leaves      []*particle
}

func (b *nativeBuilder) checkContentModels() error {
	for _, ct := range b.complexTypes {
		g := ct.t.model
		if g == nil {
			continue
		}
		c := &upaCheck{follow: map[*particle][]*particle{}}
		top, err := c.term(&particle{min: g.min, max: g.max, group: g})
		if err != nil {
			return ct.st.errorf("%v", err)
		}
		if err := checkCompeting(top.first); err != nil {
			return ct.st.errorf("%v", err)
		}
		for _, set := range c.follow {
			if err := checkCompeting(set); err != nil {
				return ct.st.errorf("%v", err)
			}
		}
		ct.t.lenient = libxml2Model(g)
	}
	return nil
}

func repeats(p *particle) bool { return p.max == unbounded || p.max > 1 }

func (c *upaCheck) term(p *particle) (termSets, error) {
	if p.max == 0 {
		return termSets{nullable: true}, nil
	}
	if p.group == nil {
		ts := termSets{first: []*particle{p}, last: []*particle{p}, nullable: p.min == 0, leaves: []*particle{p}}
		if repeats(p) {
			c.follow[p] = append(c.follow[p], p)
			ts.repeating = []*particle{p}
		}
		return ts, nil
	}
	ts, err := c.body(p.group)
	if err != nil {
		return ts, err
	}
	ts.nullable = ts.nullable || p.min == 0
	if repeats(p) {
		for _, x := range ts.last {
			c.follow[x] = append(c.follow[x], ts.first...)
			if contains(ts.first, x) && contains(ts.repeating, x) {
				return ts, errorString("a repeated group starts and ends with the repeatable particle " + particleName(x) + "; the native engine cannot match it greedily")
			}
		}
		ts.repeating = ts.leaves
	}
	return ts, nil
}

// body combines the parts of a sequence or a choice.
func (c *upaCheck) body(g *group) (termSets, error) {
	out := termSets{nullable: !g.choice} // the empty sequence matches nothing
	var prevLast []*particle
	for _, part := range g.parts {
		ts, err := c.term(part)
		if err != nil {
			return out, err
		}
		out.leaves = append(out.leaves, ts.leaves...)
		out.repeating = append(out.repeating, ts.repeating...)
		if g.choice {
			out.first = append(out.first, ts.first...)
			out.last = append(out.last, ts.last...)
			out.nullable = out.nullable || ts.nullable
			continue
		}
		for _, x := range prevLast {
			c.follow[x] = append(c.follow[x], ts.first...)
		}
		if out.nullable { // every part before this one can be empty
			out.first = append(out.first, ts.first...)
		}
		if ts.nullable {
			prevLast = append(prevLast, ts.last...)
		} else {
			prevLast = ts.last
		}
		out.nullable = out.nullable && ts.nullable
	}
	if !g.choice {
		out.last = prevLast
	}
	return out, nil
}

func contains(set []*particle, p *particle) bool {
	for _, x := range set {
		if x == p {
			return true
		}
	}
	return false
}

// checkCompeting refuses two distinct particles of one set that admit a
// common element.
func checkCompeting(set []*particle) error {
	for i, x := range set {
		for _, y := range set[i+1:] {
			if x != y && particlesOverlap(x, y) {
				return errorString("the content model is not deterministic: " + particleName(x) + " and " + particleName(y) + " compete for the same element (unique particle attribution)")
			}
		}
	}
	return nil
}

func particlesOverlap(x, y *particle) bool {
	switch {
	case x.elem != nil && y.elem != nil:
		return !x.elem.abstract && !y.elem.abstract && x.elem.name == y.elem.name
	case x.elem != nil:
		return !x.elem.abstract && y.wc.admits(x.elem.name.ns)
	case y.elem != nil:
		return !y.elem.abstract && x.wc.admits(y.elem.name.ns)
	}
	return wildcardsOverlap(x.wc, y.wc)
}

func wildcardsOverlap(a, b *wildcard) bool {
	switch {
	case a.any || b.any || (a.other && b.other):
		return true
	case a.other:
		return otherAdmitsSome(a, b.list)
	case b.other:
		return otherAdmitsSome(b, a.list)
	}
	for _, u := range a.list {
		if b.admits(u) {
			return true
		}
	}
	return false
}

func otherAdmitsSome(other *wildcard, list []string) bool {
	for _, u := range list {
		if other.admits(u) {
			return true
		}
	}
	return false
}

func particleName(p *particle) string {
	if p.elem != nil {
		return "element " + clarkOfName(p.elem.name)
	}
	return "wildcard " + p.wc.text
}

type errorString string

func (e errorString) Error() string { return string(e) }
