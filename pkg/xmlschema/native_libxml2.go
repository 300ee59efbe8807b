package xmlschema

// A libxml2 quirk the native engine reproduces, because its verdicts are
// xmllint's.
//
// libxml2 compiles a content model into an automaton. A repeated element
// with minOccurs 0 or 1 and no upper bound (E*, E+) ends in a state that
// loops on E; a wildcard with no upper bound (W*) starts there and, after
// each match, returns to where it started. So after W has matched, E may
// occur again: libxml2 accepts (E|W)* where the schema says E*, W*. The
// ebMS header has two such pairs: eb:UserMessage* then ##other* in
// eb:Messaging, eb:Error* then ##other* in eb:SignalMessage, so xmllint
// accepts an extension element before an eb:UserMessage. helium follows the
// schema (so does the official route); the native engine follows xmllint,
// except with heliumQuirks.
//
// Other consequences of that construction (a repeated wildcard followed by
// another wildcard, bounded repetitions) are not reproduced; the OOTS
// models have none (docs/structure-model.md).

// libxml2Model returns g with every such pair E, W of a sequence replaced
// by [E,] (E|W)*, or g itself when it has none. Groups are copied, never
// changed: extension types share their base's groups.
func libxml2Model(g *group) *group {
	if g == nil {
		return nil
	}
	var parts []*particle
	changed := false
	for i := 0; i < len(g.parts); i++ {
		p := g.parts[i]
		if p.group != nil {
			if inner := libxml2Model(p.group); inner != p.group {
				p = &particle{min: p.min, max: p.max, group: inner}
				changed = true
			}
		}
		if !g.choice && i+1 < len(g.parts) && loopsIntoWildcard(p, g.parts[i+1]) {
			parts = append(parts, interleaved(p, g.parts[i+1])...)
			changed = true
			i++
			continue
		}
		parts = append(parts, p)
	}
	if !changed {
		return g
	}
	// hasWildcard keeps the original's value: it only picks helium's
	// wording of a message.
	return &group{choice: g.choice, min: g.min, max: g.max, parts: parts, hasWildcard: g.hasWildcard}
}

// loopsIntoWildcard recognises E (unbounded, minOccurs <= 1) directly
// followed by W (unbounded, optional).
func loopsIntoWildcard(e, w *particle) bool {
	return e.elem != nil && e.max == unbounded && e.min <= 1 &&
		w.wc != nil && w.max == unbounded && w.min == 0
}

// interleaved is [E,] (E|W)*.
func interleaved(e, w *particle) []*particle {
	once := &particle{min: 1, max: 1, elem: e.elem}
	either := &group{choice: true, min: 0, max: unbounded, hasWildcard: true,
		parts: []*particle{once, {min: 1, max: 1, wc: w.wc}}}
	loop := &particle{min: 0, max: unbounded, group: either}
	if e.min == 1 {
		return []*particle{once, loop}
	}
	return []*particle{loop}
}
