package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// RequirementMatch is a requirement with the reference frameworks through
// which the asked procedure and country use it.
type RequirementMatch struct {
	Requirement *Requirement         `json:"-"`
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Frameworks  []ReferenceFramework `json:"referenceFrameworks"`
}

// RequirementsFor answers the EB question "which requirements does procedure P
// have in country C": requirements with a reference framework related to
// procedure and in country's jurisdiction. An empty procedure or country
// matches all. Results are sorted by requirement id.
func (c *Catalog) RequirementsFor(procedure, country string) ([]RequirementMatch, error) {
	country = strings.ToUpper(country)
	if err := c.checkProcedure(procedure); err != nil {
		return nil, err
	}
	if err := c.checkCountry(country); err != nil {
		return nil, err
	}
	var out []RequirementMatch
	for _, r := range c.Requirements {
		var rfs []ReferenceFramework
		for _, rf := range r.ReferenceFrameworks {
			if (procedure == "" || contains(rf.Procedures, procedure)) && (country == "" || rf.Jurisdiction.Country == country) {
				rfs = append(rfs, rf)
			}
		}
		if len(rfs) > 0 || (procedure == "" && country == "") {
			out = append(out, RequirementMatch{Requirement: r, ID: r.ID, Name: r.Names.Best(), Frameworks: rfs})
		}
	}
	return out, nil
}

func (c *Catalog) checkProcedure(code string) error {
	if code == "" || c.index().procedures[code] {
		return nil
	}
	var known []string
	for _, p := range c.Procedures() {
		if p.Code == code {
			return nil
		}
		known = append(known, p.Code)
	}
	return notFound("procedure", code, known)
}

func (c *Catalog) checkCountry(country string) error {
	if country == "" || c.index().countries[country] {
		return nil
	}
	known := c.Countries()
	return notFound("country", country, known)
}

// lookupRequirement finds a requirement by id, or by the last segment of
// its URI (the UUID alone), with near matches when there is none.
func (c *Catalog) lookupRequirement(id string) (*Requirement, error) {
	if r := c.Requirement(id); r != nil {
		return r, nil
	}
	var ids []string
	for _, r := range c.Requirements {
		if strings.HasSuffix(r.ID, "/"+id) {
			return r, nil
		}
		ids = append(ids, r.ID)
	}
	return nil, notFound("requirement", id, ids)
}

// lookupEvidenceType finds an evidence type by classification URI or its
// last segment, with near matches when there is none.
func (c *Catalog) lookupEvidenceType(cls string) (*EvidenceType, error) {
	if e := c.EvidenceType(cls); e != nil {
		return e, nil
	}
	var known []string
	for _, e := range c.EvidenceTypes {
		if strings.HasSuffix(e.Classification, "/"+cls) {
			return e, nil
		}
		known = append(known, e.Classification)
	}
	return nil, notFound("evidence type", cls, known)
}

// Alternative is one evidence type list of a requirement in a country:
// all of its evidence types together satisfy the requirement.
type Alternative struct {
	ListID        string          `json:"list"`
	Name          string          `json:"name,omitempty"`
	EvidenceTypes []*EvidenceType `json:"evidenceTypes"`
}

// EvidenceTypesFor answers the EB question "which evidence types satisfy
// requirement R in country C": the alternatives (OR) of C, each a set of
// evidence types to provide together (AND). With a jurisdiction (a NUTS or
// LAU code), alternatives with an evidence type that does not cover it are
// left out.
func (c *Catalog) EvidenceTypesFor(requirementID, country, jurisdiction string) (*Requirement, []Alternative, error) {
	r, err := c.lookupRequirement(requirementID)
	if err != nil {
		return nil, nil, err
	}
	country = strings.ToUpper(country)
	if err := c.checkCountry(country); err != nil {
		return nil, nil, err
	}
	return r, c.alternatives(r, country, strings.ToUpper(jurisdiction)), nil
}

func (c *Catalog) alternatives(r *Requirement, country, jurisdiction string) []Alternative {
	idx := c.index()
	var out []Alternative
	for _, l := range r.EvidenceTypeLists {
		if country != "" && !l.In(country) {
			continue
		}
		alt := Alternative{ListID: l.ID, Name: l.Names.Best()}
		covered := true
		for _, cls := range l.EvidenceTypes {
			et := idx.evidenceTypes[cls]
			if et == nil {
				et = &EvidenceType{Classification: cls}
			}
			js := et.Jurisdictions
			if len(js) == 0 {
				js = l.Jurisdictions
			}
			if jurisdiction != "" && !coversAny(js, jurisdiction) {
				covered = false
			}
			alt.EvidenceTypes = append(alt.EvidenceTypes, et)
		}
		if covered {
			out = append(out, alt)
		}
	}
	return out
}

// coversAny tells whether one of js covers the place code: a country-wide
// jurisdiction covers every place in it, a NUTS region the codes that start
// with it (NUTS is hierarchical: DE3 contains DE30 and DE300), a LAU code
// only itself. No jurisdiction at all means no restriction.
func coversAny(js []Jurisdiction, code string) bool {
	if len(js) == 0 {
		return true
	}
	for _, j := range js {
		if covers(j, code) {
			return true
		}
	}
	return false
}

func covers(j Jurisdiction, code string) bool {
	switch {
	case j.Local != "":
		return strings.EqualFold(j.Local, code)
	case j.Region != "":
		return strings.HasPrefix(code, j.Region)
	default:
		return strings.HasPrefix(code, j.Country) || code == j.Country
	}
}

// Equivalence is the answer to "what does country T accept instead of
// evidence type E": for each requirement E satisfies, T's alternatives.
type Equivalence struct {
	Source    *EvidenceType        `json:"source"`
	Target    string               `json:"target"`
	Procedure string               `json:"procedure,omitempty"`
	Matches   []RequirementMapping `json:"requirements"`
}

// RequirementMapping is one requirement that links source and target.
type RequirementMapping struct {
	RequirementID string `json:"requirement"`
	Name          string `json:"name"`
	// SourceLists are the lists of the source country that contain the
	// source evidence type; when a list has other members, the source
	// satisfies the requirement only together with them.
	SourceLists []Alternative `json:"sourceLists"`
	// Alternatives are the target country's ways of satisfying the
	// requirement: any one of them (OR), each with all its evidence types
	// (AND).
	Alternatives []Alternative `json:"alternatives"`
	// Why explains the match in a sentence.
	Why string `json:"why"`
}

// Equivalents maps an evidence type to the evidence types of the target
// country that satisfy the same requirements. With a procedure, only
// requirements that procedure uses (in any country) count.
func (c *Catalog) Equivalents(classification, target, procedure string) (*Equivalence, error) {
	et, err := c.lookupEvidenceType(classification)
	if err != nil {
		return nil, err
	}
	target = strings.ToUpper(target)
	if err := c.checkCountry(target); err != nil {
		return nil, err
	}
	if err := c.checkProcedure(procedure); err != nil {
		return nil, err
	}
	eq := &Equivalence{Source: et, Target: target, Procedure: procedure}
	for _, r := range c.index().usedIn[et.Classification] {
		rfs := frameworksOf(r, procedure)
		if procedure != "" && len(rfs) == 0 {
			continue
		}
		eq.Matches = append(eq.Matches, c.mapRequirement(r, et, target, rfs))
	}
	sort.Slice(eq.Matches, func(i, j int) bool { return eq.Matches[i].RequirementID < eq.Matches[j].RequirementID })
	return eq, nil
}

func frameworksOf(r *Requirement, procedure string) []ReferenceFramework {
	var out []ReferenceFramework
	for _, rf := range r.ReferenceFrameworks {
		if procedure == "" || contains(rf.Procedures, procedure) {
			out = append(out, rf)
		}
	}
	return out
}

func (c *Catalog) mapRequirement(r *Requirement, et *EvidenceType, target string, rfs []ReferenceFramework) RequirementMapping {
	m := RequirementMapping{RequirementID: r.ID, Name: r.Names.Best()}
	idx := c.index()
	for _, l := range r.EvidenceTypeLists {
		if !contains(l.EvidenceTypes, et.Classification) {
			continue
		}
		alt := Alternative{ListID: l.ID, Name: l.Names.Best()}
		for _, cls := range l.EvidenceTypes {
			member := idx.evidenceTypes[cls]
			if member == nil {
				member = &EvidenceType{Classification: cls}
			}
			alt.EvidenceTypes = append(alt.EvidenceTypes, member)
		}
		m.SourceLists = append(m.SourceLists, alt)
	}
	m.Alternatives = c.alternatives(r, target, "")
	m.Why = explainMapping(r, et, target, m, rfs)
	return m
}

func explainMapping(r *Requirement, et *EvidenceType, target string, m RequirementMapping, rfs []ReferenceFramework) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s evidence type %q is in list %s of requirement %q", et.Country(), et.Titles.Best(), listIDs(m.SourceLists), r.Names.Best())
	if uses := frameworkCountries(rfs); len(uses) > maxUsesShown {
		fmt.Fprintf(&b, " (used by %s and %d more)", strings.Join(uses[:maxUsesShown], ", "), len(uses)-maxUsesShown)
	} else if len(uses) > 0 {
		fmt.Fprintf(&b, " (used by %s)", strings.Join(uses, ", "))
	}
	switch n := len(m.Alternatives); n {
	case 0:
		fmt.Fprintf(&b, "; %s has no evidence type for it in this catalogue", target)
	case 1:
		fmt.Fprintf(&b, "; %s satisfies it with 1 list", target)
	default:
		fmt.Fprintf(&b, "; %s satisfies it with any one of %d lists", target, n)
	}
	return b.String()
}

// maxUsesShown bounds the "procedure in country" pairs an explanation
// names: a test requirement of the acceptance EB has forty.
const maxUsesShown = 4

func listIDs(alts []Alternative) string {
	ids := make([]string, len(alts))
	for i, a := range alts {
		ids[i] = a.ListID
	}
	return strings.Join(ids, ", ")
}

// frameworkCountries lists "procedure in country" pairs, sorted.
func frameworkCountries(rfs []ReferenceFramework) []string {
	seen := map[string]bool{}
	for _, rf := range rfs {
		for _, p := range rf.Procedures {
			seen[p+" in "+rf.Jurisdiction.Country] = true
		}
	}
	return sortedKeys(seen)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
