package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// Outcomes of a provider resolution.
const (
	// Resolved: exactly one evidence provider serves the evidence type for
	// what the user gave.
	Resolved = "resolved"
	// Several: more than one provider remains and nothing the user could add
	// tells them apart; the DSD answers with all of them.
	Several = "several"
	// NeedsInput: the DSD would answer DSD:ERR:0005 — the user must give a
	// jurisdiction and/or classification attributes first.
	NeedsInput = "needs-input"
	// NoProvider: no provider serves the evidence type for what was given
	// (the DSD answers DSD:ERR:0001).
	NoProvider = "no-provider"
)

// DSD error codes of the outcomes that are DSD errors.
const (
	ErrCodeNoService      = "DSD:ERR:0001"
	ErrCodeAdditionalData = "DSD:ERR:0005"
)

// ProviderQuery is a DSD query: an evidence type classification in a
// country, with what the user has given so far.
type ProviderQuery struct {
	Classification string
	Country        string
	// Jurisdiction is the user's place as a NUTS or LAU code (DE3, DE300,
	// 11000000), used when the DSD asks for a jurisdiction determination.
	Jurisdiction string
	// Attributes are classification concept values by concept identifier.
	Attributes map[string]string
}

// ProviderMatch is one access service and evidence provider that serves
// the evidence type.
type ProviderMatch struct {
	DataServiceID    string        `json:"dataService"`
	Title            string        `json:"title"`
	AccessService    AccessService `json:"accessService"`
	Distributions    []string      `json:"distributions,omitempty"`
	LevelOfAssurance string        `json:"levelOfAssurance,omitempty"`
	Why              string        `json:"why"`
}

// Resolution is the answer of a DSD query.
type Resolution struct {
	Classification string          `json:"classification"`
	Country        string          `json:"country,omitempty"`
	Outcome        string          `json:"outcome"`
	ErrorCode      string          `json:"errorCode,omitempty"`
	Providers      []ProviderMatch `json:"providers,omitempty"`
	// NeedJurisdiction is the jurisdiction the user must give (DSD:ERR:0005
	// JurisdictionDetermination), with the places the candidates cover.
	NeedJurisdiction  *JurisdictionDetermination `json:"needJurisdiction,omitempty"`
	JurisdictionsSeen []string                   `json:"candidateJurisdictions,omitempty"`
	// NeedAttributes are the classification concepts the user must give
	// (DSD:ERR:0005 UserRequestedClassificationConcepts), with the values
	// the candidates support.
	NeedAttributes []Concept `json:"needAttributes,omitempty"`
	// Notes explain what was filtered out and why.
	Notes []string `json:"notes,omitempty"`
}

// Providers resolves a DSD query like the DSD: the access services whose
// provider serves the classification in the country, narrowed by the
// user's jurisdiction and attributes. When more than one remains and they
// differ in jurisdiction or classification concepts the user has not given,
// the answer is the DSD:ERR:0005 dialogue: which attributes to give and the
// values that would pick each provider.
func (c *Catalog) Providers(q ProviderQuery) (*Resolution, error) {
	services, err := c.servicesFor(q.Classification)
	if err != nil {
		return nil, err
	}
	q.Country = strings.ToUpper(q.Country)
	q.Jurisdiction = strings.ToUpper(q.Jurisdiction)
	if err := checkAttributes(services, q.Attributes); err != nil {
		return nil, err
	}
	res := &Resolution{Classification: services[0].Classification, Country: q.Country}
	candidates, declared := filterProviders(services, q, res)
	switch {
	case len(candidates) == 1:
		res.Outcome = Resolved
	case len(candidates) == 0 && len(declared) > 0:
		// Known only from a DSD:ERR:0005 answer: the attributes it asked for.
		res.Outcome, res.ErrorCode = NeedsInput, ErrCodeAdditionalData
		askFromDeclared(res, declared, q)
	case len(candidates) == 0:
		res.Outcome, res.ErrorCode = NoProvider, ErrCodeNoService
	default:
		askToDisambiguate(res, services, candidates, q)
	}
	// The candidates are shown in every outcome: for DSD:ERR:0005 they are
	// what the missing attributes choose between.
	res.Providers = candidates
	return res, nil
}

// servicesFor finds the data services of a classification (or of the one
// whose last URI segment it is), with near matches when there are none.
func (c *Catalog) servicesFor(cls string) ([]*DataService, error) {
	idx := c.index()
	if s := idx.servicesOf[cls]; len(s) > 0 {
		return s, nil
	}
	var known []string
	seen := map[string]bool{}
	for _, d := range c.DataServices {
		if strings.HasSuffix(d.Classification, "/"+cls) {
			return idx.servicesOf[d.Classification], nil
		}
		if !seen[d.Classification] {
			seen[d.Classification] = true
			known = append(known, d.Classification)
		}
	}
	return nil, notFound("data service for evidence type", cls, known)
}

// checkAttributes refuses attribute names that no provider or service of
// the evidence type knows: a typo would otherwise filter nothing.
func checkAttributes(services []*DataService, attrs map[string]string) error {
	known := map[string]bool{}
	for _, d := range services {
		for _, cc := range d.ProviderClassifications {
			known[cc.ID] = true
		}
		for _, a := range d.AccessServices {
			for _, cc := range a.Provider.Concepts {
				known[cc.ID] = true
			}
		}
	}
	for _, k := range sortedKeys(attrs) {
		if !known[k] {
			return notFound("classification attribute", k, sortedKeys(known))
		}
	}
	return nil
}

// filterProviders keeps the access services that serve the country, cover
// the jurisdiction and support the attributes. declared are the services
// known without any access service (from DSD:ERR:0005 answers).
func filterProviders(services []*DataService, q ProviderQuery, res *Resolution) (kept []ProviderMatch, declared []*DataService) {
	for _, d := range services {
		if len(d.AccessServices) == 0 {
			declared = append(declared, d)
			continue
		}
		for _, a := range d.AccessServices {
			if reason := excluded(a.Provider, q); reason != "" {
				res.Notes = append(res.Notes, fmt.Sprintf("%s (%s) left out: %s", a.Provider.Names.Best(), a.Provider.ID, reason))
				continue
			}
			kept = append(kept, matchOf(d, a, q))
		}
	}
	return kept, declared
}

// excluded says why a provider does not answer the query ("" if it does).
func excluded(p Provider, q ProviderQuery) string {
	if q.Country != "" && len(p.Jurisdictions) > 0 && !inCountry(p.Jurisdictions, q.Country) {
		return "its jurisdiction is " + jurisdictionList(p.Jurisdictions) + ", not " + q.Country
	}
	if q.Jurisdiction != "" && !coversAny(p.Jurisdictions, q.Jurisdiction) {
		return "its jurisdiction " + jurisdictionList(p.Jurisdictions) + " does not cover " + q.Jurisdiction
	}
	for _, k := range sortedKeys(q.Attributes) {
		for _, cc := range p.Concepts {
			if cc.ID == k && !contains(cc.SupportedValues, q.Attributes[k]) {
				return fmt.Sprintf("%s supports %s, not %q", conceptLabel(cc), strings.Join(cc.SupportedValues, ", "), q.Attributes[k])
			}
		}
	}
	return ""
}

func inCountry(js []Jurisdiction, country string) bool {
	for _, j := range js {
		if j.Country == country {
			return true
		}
	}
	return false
}

func jurisdictionList(js []Jurisdiction) string {
	parts := make([]string, len(js))
	for i, j := range js {
		parts[i] = j.String()
	}
	return strings.Join(parts, ", ")
}

func conceptLabel(cc Concept) string {
	if d := cc.Descriptions.Best(); d != "" {
		return fmt.Sprintf("%q (%s)", d, cc.ID)
	}
	return cc.ID
}

func matchOf(d *DataService, a AccessService, q ProviderQuery) ProviderMatch {
	m := ProviderMatch{DataServiceID: d.ID, Title: d.Titles.Best(), AccessService: a, LevelOfAssurance: d.LevelOfAssurance}
	for _, dist := range d.Distributions {
		s := dist.Format
		if dist.ConformsTo != "" {
			s += " " + dist.ConformsTo
		}
		m.Distributions = append(m.Distributions, s)
	}
	why := []string{"data service " + d.ID}
	if len(a.Provider.Jurisdictions) > 0 {
		why = append(why, "jurisdiction "+jurisdictionList(a.Provider.Jurisdictions))
	}
	if q.Jurisdiction != "" {
		why = append(why, "covers "+q.Jurisdiction)
	}
	for _, k := range sortedKeys(q.Attributes) {
		for _, cc := range a.Provider.Concepts {
			if cc.ID == k {
				why = append(why, fmt.Sprintf("supports %s=%s", k, q.Attributes[k]))
			}
		}
	}
	m.Why = strings.Join(why, "; ")
	return m
}

// askToDisambiguate decides between "several" and the DSD:ERR:0005
// dialogue: the user is asked for what still tells the candidates apart.
func askToDisambiguate(res *Resolution, services []*DataService, candidates []ProviderMatch, q ProviderQuery) {
	res.Outcome = Several
	places := map[string]bool{}
	for _, m := range candidates {
		places[jurisdictionList(m.AccessService.Provider.Jurisdictions)] = true
	}
	if q.Jurisdiction == "" && len(places) > 1 {
		res.NeedJurisdiction = determinationOf(services)
		res.JurisdictionsSeen = sortedKeys(places)
	}
	res.NeedAttributes = missingConcepts(services, candidates, q)
	if res.NeedJurisdiction != nil || len(res.NeedAttributes) > 0 {
		res.Outcome, res.ErrorCode = NeedsInput, ErrCodeAdditionalData
	}
}

// determinationOf is the jurisdiction determination the data services
// declare, or a country-level one when they declare none.
func determinationOf(services []*DataService) *JurisdictionDetermination {
	for _, d := range services {
		if d.JurisdictionDetermination != nil {
			return d.JurisdictionDetermination
		}
	}
	return &JurisdictionDetermination{Level: "NUTS or LAU code of the user's place"}
}

// missingConcepts are the classification concepts the user has not given:
// those the data services declare (EvidenceProviderClassification) and
// those the remaining providers carry, with the values they support.
func missingConcepts(services []*DataService, candidates []ProviderMatch, q ProviderQuery) []Concept {
	var out []Concept
	add := func(cc Concept) {
		if _, given := q.Attributes[cc.ID]; !given {
			cp := cc
			cp.SupportedValues = append([]string(nil), cc.SupportedValues...)
			out = mergeConcepts(out, []Concept{cp})
		}
	}
	for _, d := range services {
		for _, cc := range d.ProviderClassifications {
			add(cc)
		}
	}
	for _, m := range candidates {
		for _, cc := range m.AccessService.Provider.Concepts {
			add(cc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := range out {
		sort.Strings(out[i].SupportedValues)
	}
	return out
}

// askFromDeclared fills the dialogue from services known only through a
// DSD:ERR:0005 answer: what that answer asked for and the user has not given.
func askFromDeclared(res *Resolution, declared []*DataService, q ProviderQuery) {
	for _, d := range declared {
		if d.JurisdictionDetermination != nil && q.Jurisdiction == "" && res.NeedJurisdiction == nil {
			res.NeedJurisdiction = d.JurisdictionDetermination
		}
		for _, cc := range d.ProviderClassifications {
			if _, given := q.Attributes[cc.ID]; !given {
				res.NeedAttributes = mergeConcepts(res.NeedAttributes, []Concept{cc})
			}
		}
	}
	if res.NeedJurisdiction == nil && len(res.NeedAttributes) == 0 {
		res.Outcome, res.ErrorCode = NoProvider, ErrCodeNoService
		res.Notes = append(res.Notes, "the catalogue knows this evidence type only from a DSD error answer, without providers; everything it asked for was given")
	}
}
