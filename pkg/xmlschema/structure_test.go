package xmlschema

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xsd"
)

// TestModelMatchesOfficialComponents goes beyond the corpus: every named
// type, global element and global attribute of the official driver (and of
// the official ebMS header schema) must exist in the compiled model with
// the same structure, and the model must add none. The corpus can only
// exercise the parts its documents use; this checks the rest.
func TestModelMatchesOfficialComponents(t *testing.T) {
	spec := specDir(t)
	// The generated XSD of the model, compiled by helium: the native engine
	// has no XSD components to compare.
	edm, ebms := embeddedXSDSchemas(t)
	pairs := []struct {
		name          string
		official, emb *Schema
		roots         []string
	}{
		// spi.xsd is not part of the driver's set.
		{"edm", officialSchema(t, spec), edm, []string{"sdg/*.xsd", "regrep4/[lqr]*.xsd", "xml/*.xsd"}},
		{"ebms", officialEbMSSchema(t, spec), ebms, []string{"ebms3/*.xsd", "xml/xml.xsd"}},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			elems, attrs := globalNames(t, filepath.Join(spec, "xsd"), p.roots)
			compareTypes(t, p.official.compiled, p.emb.compiled)
			compareDecls(t, "element", elems, p.official.compiled, p.emb.compiled)
			compareDecls(t, "attribute", attrs, p.official.compiled, p.emb.compiled)
		})
	}
}

func compareTypes(t *testing.T, official, emb *xsd.Schema) {
	t.Helper()
	offNames := userTypes(official)
	embNames := userTypes(emb)
	for _, qn := range offNames {
		o, _ := official.LookupType(qn.Local, qn.NS)
		e, ok := emb.LookupType(qn.Local, qn.NS)
		if !ok {
			t.Errorf("type {%s}%s is missing from the model", qn.NS, qn.Local)
			continue
		}
		if so, se := typeSig(o, 0), typeSig(e, 0); so != se {
			t.Errorf("type {%s}%s differs:\nofficial: %s\nmodel:    %s", qn.NS, qn.Local, so, se)
		}
	}
	if len(embNames) != len(offNames) {
		t.Errorf("the model defines %d named types, the official schema %d", len(embNames), len(offNames))
	}
	t.Logf("%d named types compared", len(offNames))
}

func userTypes(s *xsd.Schema) []xsd.QName {
	var out []xsd.QName
	for _, qn := range s.NamedTypes() {
		if qn.NS != xsdNS {
			out = append(out, qn)
		}
	}
	return out
}

func compareDecls(t *testing.T, kind string, names []xsd.QName, official, emb *xsd.Schema) {
	t.Helper()
	for _, qn := range names {
		var so, se string
		switch kind {
		case "element":
			o, ok1 := official.LookupElement(qn.Local, qn.NS)
			e, ok2 := emb.LookupElement(qn.Local, qn.NS)
			if !ok1 || !ok2 {
				t.Errorf("element {%s}%s: official %v, model %v", qn.NS, qn.Local, ok1, ok2)
				continue
			}
			so, se = elemSig(o), elemSig(e)
		default:
			o, ok1 := official.LookupAttribute(qn.Local, qn.NS)
			e, ok2 := emb.LookupAttribute(qn.Local, qn.NS)
			if !ok1 || !ok2 {
				t.Errorf("attribute {%s}%s: official %v, model %v", qn.NS, qn.Local, ok1, ok2)
				continue
			}
			so, se = attrSig(o), attrSig(e)
		}
		if so != se {
			t.Errorf("%s {%s}%s differs:\nofficial: %s\nmodel:    %s", kind, qn.NS, qn.Local, so, se)
		}
	}
	t.Logf("%d global %ss compared", len(names), kind)
}

// globalNames reads the top-level element and attribute names declared by
// the official schema documents matching the patterns.
func globalNames(t *testing.T, xsdDir string, patterns []string) (elems, attrs []xsd.QName) {
	t.Helper()
	for _, pattern := range patterns {
		files, _ := filepath.Glob(filepath.Join(xsdDir, pattern))
		if len(files) == 0 {
			t.Fatalf("no schema matches %s", pattern)
		}
		for _, f := range files {
			e, a := globalsOf(t, f)
			elems = append(elems, e...)
			attrs = append(attrs, a...)
		}
	}
	return elems, attrs
}

func globalsOf(t *testing.T, file string) (elems, attrs []xsd.QName) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := helium.NewParser().Parse(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	root := doc.DocumentElement()
	tns, _ := root.GetAttribute("targetNamespace")
	for n := range helium.Children(root) {
		el, ok := helium.AsNode[*helium.Element](n)
		if !ok || el.URI() != xsdNS {
			continue
		}
		name, _ := el.GetAttribute("name")
		switch el.LocalName() {
		case "element":
			elems = append(elems, xsd.QName{Local: name, NS: tns})
		case "attribute":
			attrs = append(attrs, xsd.QName{Local: name, NS: tns})
		}
	}
	return elems, attrs
}

// ----- structural signatures ---------------------------------------------------
// A signature spells out everything about a component that decides
// validity; named types are referred to by name, anonymous ones inline.

func qnameSig(qn xsd.QName) string { return "{" + qn.NS + "}" + qn.Local }

func typeRefSig(td *xsd.TypeDef, depth int) string {
	if td == nil {
		return "<nil>"
	}
	if td.Name.Local != "" {
		return qnameSig(td.Name)
	}
	return typeSig(td, depth+1)
}

func typeSig(td *xsd.TypeDef, depth int) string {
	if td == nil {
		return "<nil>"
	}
	if depth > 8 {
		return "..."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "complex=%v abstract=%v content=%d deriv=%d variety=%d mixedSimple=%v", td.IsComplex, td.Abstract, td.ContentType, td.Derivation, td.Variety, td.IsSimpleContent)
	if td.BaseType != nil {
		b.WriteString(" base=" + typeRefSig(td.BaseType, depth))
	}
	if td.ItemType != nil {
		b.WriteString(" item=" + typeRefSig(td.ItemType, depth))
	}
	for _, m := range td.MemberTypes {
		b.WriteString(" member=" + typeRefSig(m, depth))
	}
	b.WriteString(facetSig(td.Facets))
	b.WriteString(attrUsesSig(td.Attributes, depth))
	if td.AnyAttribute != nil {
		b.WriteString(" anyattr=" + wildcardSig(td.AnyAttribute))
	}
	if td.ContentModel != nil {
		b.WriteString(" model=" + groupSig(td.ContentModel, depth))
	}
	return b.String()
}

func facetSig(f *xsd.FacetSet) string {
	if f == nil {
		return ""
	}
	var parts []string
	add := func(name string, v *int) {
		if v != nil {
			parts = append(parts, fmt.Sprintf("%s=%d", name, *v))
		}
	}
	add("length", f.Length)
	add("minLength", f.MinLength)
	add("maxLength", f.MaxLength)
	add("totalDigits", f.TotalDigits)
	add("fractionDigits", f.FractionDigits)
	for name, v := range map[string]*string{"minInclusive": f.MinInclusive, "maxInclusive": f.MaxInclusive, "minExclusive": f.MinExclusive, "maxExclusive": f.MaxExclusive, "whiteSpace": f.WhiteSpace} {
		if v != nil {
			parts = append(parts, name+"="+*v)
		}
	}
	if len(f.Enumeration) > 0 {
		parts = append(parts, "enum="+strings.Join(enumValues(f), "|"))
	}
	if len(f.Patterns) > 0 {
		parts = append(parts, "pattern="+strings.Join(f.Patterns, "|"))
	}
	sort.Strings(parts)
	return " facets[" + strings.Join(parts, " ") + "]"
}

// enumValues spells QName enumerations as expanded names: "tns:Sender"
// and "S12:Sender" are the same value when both prefixes mean one URI.
func enumValues(f *xsd.FacetSet) []string {
	out := make([]string, len(f.Enumeration))
	for i, v := range f.Enumeration {
		out[i] = v
		if prefix, local, ok := strings.Cut(v, ":"); ok && i < len(f.EnumerationNS) {
			if uri, found := f.EnumerationNS[i][prefix]; found {
				out[i] = "{" + uri + "}" + local
			}
		}
	}
	return out
}

func attrUsesSig(uses []*xsd.AttrUse, depth int) string {
	var parts []string
	for _, au := range uses {
		parts = append(parts, attrUseSig(au, depth))
	}
	sort.Strings(parts)
	return " attrs[" + strings.Join(parts, "; ") + "]"
}

func attrUseSig(au *xsd.AttrUse, depth int) string {
	s := fmt.Sprintf("%s req=%v prohib=%v", qnameSig(au.Name), au.Required, au.Prohibited)
	if au.TypeName.Local != "" {
		s += " type=" + qnameSig(au.TypeName)
	}
	if au.Type != nil {
		s += " type=" + typeRefSig(au.Type, depth)
	}
	if au.Default != nil {
		s += " default=" + *au.Default
	}
	if au.Fixed != nil {
		s += " fixed=" + *au.Fixed
	}
	return s
}

func attrSig(au *xsd.AttrUse) string { return attrUseSig(au, 0) }

func wildcardSig(wc *xsd.Wildcard) string {
	return fmt.Sprintf("%s/%d/%s", wc.Namespace, wc.ProcessContents, wc.TargetNS)
}

// groupSig writes a model group. A group of one particle occurring once is
// the same content as that particle, however the schema spelled it (an
// xs:group reference, a sequence around a choice): such wrappers are
// flattened so spelling differences do not count.
func groupSig(mg *xsd.ModelGroup, depth int) string {
	if ps := normalParticles(mg); len(ps) == 1 && mg.MinOccurs == 1 && mg.MaxOccurs == 1 {
		if inner, ok := ps[0].Term.(*xsd.ModelGroup); ok {
			p := ps[0]
			return groupSig(&xsd.ModelGroup{Compositor: inner.Compositor, Particles: inner.Particles, MinOccurs: p.MinOccurs * inner.MinOccurs, MaxOccurs: mulMax(p.MaxOccurs, inner.MaxOccurs)}, depth)
		}
	}
	var parts []string
	for _, p := range normalParticles(mg) {
		parts = append(parts, particleSig(p, depth))
	}
	return fmt.Sprintf("g%d{%d,%d}(%s)", mg.Compositor, mg.MinOccurs, mg.MaxOccurs, strings.Join(parts, ", "))
}

// normalParticles drops empty groups (an extension that adds an empty
// xs:sequence) and, in a sequence, splices nested sequences that occur
// exactly once: (a, (b, c)) is (a, b, c).
func normalParticles(mg *xsd.ModelGroup) []*xsd.Particle {
	var out []*xsd.Particle
	for _, p := range mg.Particles {
		inner, isGroup := p.Term.(*xsd.ModelGroup)
		switch {
		case isGroup && len(normalParticles(inner)) == 0:
			continue
		case isGroup && mg.Compositor == xsd.CompositorSequence && inner.Compositor == xsd.CompositorSequence &&
			p.MinOccurs == 1 && p.MaxOccurs == 1 && inner.MinOccurs == 1 && inner.MaxOccurs == 1:
			out = append(out, normalParticles(inner)...)
		default:
			out = append(out, p)
		}
	}
	return out
}

func mulMax(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	return a * b
}

func particleSig(p *xsd.Particle, depth int) string {
	occ := fmt.Sprintf("{%d,%d}", p.MinOccurs, p.MaxOccurs)
	switch term := p.Term.(type) {
	case *xsd.ElementDecl:
		return "elem " + qnameSig(term.Name) + occ + " " + elemDeclSig(term, depth)
	case *xsd.Wildcard:
		return "any " + wildcardSig(term) + occ
	case *xsd.ModelGroup:
		if p.MinOccurs == 1 && p.MaxOccurs == 1 {
			return groupSig(term, depth)
		}
		return groupSig(&xsd.ModelGroup{Compositor: term.Compositor, Particles: term.Particles, MinOccurs: p.MinOccurs * term.MinOccurs, MaxOccurs: mulMax(p.MaxOccurs, term.MaxOccurs)}, depth)
	}
	return "?"
}

func elemDeclSig(ed *xsd.ElementDecl, depth int) string {
	s := fmt.Sprintf("abstract=%v nillable=%v ref=%v", ed.Abstract, ed.Nillable, ed.IsRef)
	if ed.Default != nil {
		s += " default=" + *ed.Default
	}
	if ed.Fixed != nil {
		s += " fixed=" + *ed.Fixed
	}
	if ed.SubstitutionGroup.Local != "" {
		s += " subst=" + qnameSig(ed.SubstitutionGroup)
	}
	return s + " type=" + typeRefSig(ed.Type, depth)
}

func elemSig(ed *xsd.ElementDecl) string { return elemDeclSig(ed, 0) }
