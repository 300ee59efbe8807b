package xmlschema

import (
	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xsd"
)

// helium does not always say which elements it expected (libxml2 does).
// When it does not, we work it out: the content model of the parent's type
// is read as a regular expression over element names, the children before
// the offending one are consumed with Brzozowski derivatives, and the names
// that can start what remains are the expected ones.

// cm is a content-model expression.
type cm interface{}

type (
	cmEmpty struct{} // matches nothing more: the empty sequence
	cmFail  struct{} // matches no sequence at all
	cmSym   struct {
		decl *xsd.ElementDecl // nil for a wildcard
		wc   *xsd.Wildcard
		// The same for the native engine's components.
		ndecl *elemDecl
		nwc   *wildcard
	}
	cmSeq  struct{ a, b cm }
	cmAlt  struct{ a, b cm }
	cmStar struct{ a cm }
)

// Expanding a{min,max} repeats a; past this bound a count is treated as
// unbounded, which only widens the expected set of an already broken
// document.
const maxExpand = 16

func seqOf(a, b cm) cm {
	switch {
	case isFail(a) || isFail(b):
		return cmFail{}
	case isEmpty(a):
		return b
	case isEmpty(b):
		return a
	}
	return cmSeq{a, b}
}

func altOf(a, b cm) cm {
	switch {
	case isFail(a):
		return b
	case isFail(b):
		return a
	}
	return cmAlt{a, b}
}

func isFail(r cm) bool  { _, ok := r.(cmFail); return ok }
func isEmpty(r cm) bool { _, ok := r.(cmEmpty); return ok }

// fromGroup converts a helium model group (with its occurrence range).
func fromGroup(mg *xsd.ModelGroup) cm {
	var body cm
	switch mg.Compositor {
	case xsd.CompositorChoice:
		body = cmFail{}
		for _, p := range mg.Particles {
			body = altOf(body, fromParticle(p))
		}
	case xsd.CompositorAll:
		// Any order: approximate by any repetition of the members.
		var alt cm = cmFail{}
		for _, p := range mg.Particles {
			alt = altOf(alt, fromParticle(p))
		}
		body = cmStar{alt}
	default:
		body = cmEmpty{}
		for _, p := range mg.Particles {
			body = seqOf(body, fromParticle(p))
		}
	}
	return repeat(body, mg.MinOccurs, mg.MaxOccurs)
}

func fromParticle(p *xsd.Particle) cm {
	var term cm
	switch t := p.Term.(type) {
	case *xsd.ElementDecl:
		term = cmSym{decl: t}
	case *xsd.Wildcard:
		term = cmSym{wc: t}
	case *xsd.ModelGroup:
		term = fromGroup(t)
	default:
		return cmEmpty{}
	}
	return repeat(term, p.MinOccurs, p.MaxOccurs)
}

// fromNativeGroup converts a native model group.
func fromNativeGroup(g *group) cm {
	var body cm
	if g.choice {
		body = cmFail{}
		for _, p := range g.parts {
			body = altOf(body, fromNativeParticle(p))
		}
	} else {
		body = cmEmpty{}
		for _, p := range g.parts {
			body = seqOf(body, fromNativeParticle(p))
		}
	}
	return repeat(body, g.min, g.max)
}

func fromNativeParticle(p *particle) cm {
	switch {
	case p.elem != nil:
		return repeat(cmSym{ndecl: p.elem}, p.min, p.max)
	case p.wc != nil:
		return repeat(cmSym{nwc: p.wc}, p.min, p.max)
	}
	return repeat(fromNativeGroup(p.group), p.min, p.max)
}

// repeat builds r{min,max}; max < 0 means unbounded.
func repeat(r cm, min, max int) cm {
	if min > maxExpand {
		min = maxExpand
	}
	if max > maxExpand {
		max = -1
	}
	out := cm(cmEmpty{})
	for i := 0; i < min; i++ {
		out = seqOf(out, r)
	}
	if max < 0 {
		return seqOf(out, cmStar{r})
	}
	for i := min; i < max; i++ {
		out = seqOf(out, altOf(cmEmpty{}, r))
	}
	return out
}

func nullable(r cm) bool {
	switch t := r.(type) {
	case cmEmpty, cmStar:
		return true
	case cmSeq:
		return nullable(t.a) && nullable(t.b)
	case cmAlt:
		return nullable(t.a) || nullable(t.b)
	}
	return false
}

// symbolMatcher says whether a content-model symbol admits an element.
type symbolMatcher func(sym cmSym, el *helium.Element) bool

// derive consumes el from r.
func derive(r cm, el *helium.Element, match symbolMatcher) cm {
	switch t := r.(type) {
	case cmSym:
		if match(t, el) {
			return cmEmpty{}
		}
		return cmFail{}
	case cmSeq:
		d := seqOf(derive(t.a, el, match), t.b)
		if nullable(t.a) {
			return altOf(d, derive(t.b, el, match))
		}
		return d
	case cmAlt:
		return altOf(derive(t.a, el, match), derive(t.b, el, match))
	case cmStar:
		return seqOf(derive(t.a, el, match), t)
	}
	return cmFail{}
}

// first collects the symbols that can start r.
func first(r cm, out *[]cmSym) {
	switch t := r.(type) {
	case cmSym:
		*out = append(*out, t)
	case cmSeq:
		first(t.a, out)
		if nullable(t.a) {
			first(t.b, out)
		}
	case cmAlt:
		first(t.a, out)
		first(t.b, out)
	case cmStar:
		first(t.a, out)
	}
}

// expectedNames lists, with prefixes, what the content model of td allows
// after the element children of parent that precede stop (all children when
// stop is nil). It returns nil when the preceding children already broke
// the model, so nothing sensible can be said.
func (s *Schema) expectedNames(td *xsd.TypeDef, parent, stop *helium.Element) []string {
	if td == nil || td.ContentModel == nil {
		return nil
	}
	r := fromGroup(td.ContentModel)
	match := func(sym cmSym, el *helium.Element) bool { return s.symbolAdmits(sym, el) }
	for n := range helium.Children(parent) {
		el, ok := helium.AsNode[*helium.Element](n)
		if !ok {
			continue
		}
		if el == stop {
			break
		}
		if r = derive(r, el, match); isFail(r) {
			return nil
		}
	}
	var syms []cmSym
	first(r, &syms)
	return s.symbolNames(syms)
}

func (s *Schema) symbolAdmits(sym cmSym, el *helium.Element) bool {
	if sym.wc != nil {
		return wildcardAdmits(sym.wc, el.URI())
	}
	if sym.decl.Name.Local == el.LocalName() && sym.decl.Name.NS == el.URI() {
		return true
	}
	for _, m := range s.compiled.SubstGroupMembers(sym.decl.Name) {
		if m.Name.Local == el.LocalName() && m.Name.NS == el.URI() {
			return true
		}
	}
	return false
}

// symbolNames renders symbols once each, in content-model order.
func (s *Schema) symbolNames(syms []cmSym) []string {
	seen := map[string]bool{}
	var names []string
	for _, sym := range syms {
		name := s.wildcardName(sym.wc)
		if sym.decl != nil {
			name = s.names.qualify(sym.decl.Name.NS, sym.decl.Name.Local)
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

func (s *Schema) wildcardName(wc *xsd.Wildcard) string {
	if wc == nil {
		return ""
	}
	return wildcardNameFor(wc.Namespace)
}

// wildcardNameFor names a wildcard by its namespace constraint.
func wildcardNameFor(namespace string) string {
	switch namespace {
	case "", "##any":
		return "any element"
	case "##other":
		return "any element of another namespace"
	}
	return "any element of namespace " + namespace
}
