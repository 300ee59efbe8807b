// Package catalog holds what the Evidence Broker and the Data Service
// Directory know: procedures, requirements, evidence types per country and
// jurisdiction, and the data services that provide them.
//
// A catalogue is filled from the real exchange formats (EB and DSD query
// responses, LCM SubmitObjectsRequest documents) with ImportXML, kept as a
// versioned JSON store with Save and Open, and questioned with RequirementsFor,
// EvidenceTypesFor, Equivalents, Providers and Search.
//
// The AND/OR structure of the Evidence Broker is kept as published: a
// requirement has evidence type lists (sdg:EvidenceTypeList); the evidence
// types inside one list must be provided together (AND), and each list is an
// alternative way of satisfying the requirement (OR).
package catalog

import (
	"sort"
	"strings"
	"time"
)

// FormatVersion is the version of the JSON store written by Save. Open
// refuses stores with a newer version.
const FormatVersion = 1

// Texts are strings per language, keyed by the upper-case language code of
// the lang attribute ("" when the document gave none).
type Texts map[string]string

// Best is the text in the first of langs that has one, then English, then
// the text without a language, then any text (in language order, so the
// choice is stable).
func (t Texts) Best(langs ...string) string {
	for _, l := range append(langs, "EN", "") {
		if s, ok := t[strings.ToUpper(l)]; ok && s != "" {
			return s
		}
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k]
		}
	}
	return ""
}

// Jurisdiction is an sdg:Jurisdiction: a country (AdminUnitLevel1) and,
// when the coverage is smaller, a NUTS region (AdminUnitLevel2) and a LAU
// code (AdminUnitLevel3).
type Jurisdiction struct {
	Country    string `json:"country"`
	Region     string `json:"region,omitempty"`
	Local      string `json:"local,omitempty"`
	Additional []Code `json:"additional,omitempty"`
}

// Code is a value of a code list (AdditionalJurisdictionClassification).
type Code struct {
	List  string `json:"list,omitempty"`
	Value string `json:"value"`
}

// String is the most precise part of the jurisdiction: "DE", "DE3", "DE/11000000".
func (j Jurisdiction) String() string {
	s := j.Country
	if j.Region != "" {
		s = j.Region
	}
	if j.Local != "" {
		s += "/" + j.Local
	}
	for _, a := range j.Additional {
		s += "+" + a.Value
	}
	return s
}

// Procedure is a procedure of the Procedures code list (R1, S1, ...), with
// the titles its national reference frameworks give it.
type Procedure struct {
	Code      string   `json:"code"`
	Titles    Texts    `json:"titles,omitempty"`
	Countries []string `json:"countries,omitempty"`
}

// ReferenceFramework links a requirement to a procedure as implemented in a
// jurisdiction.
type ReferenceFramework struct {
	ID           string       `json:"id"`
	Titles       Texts        `json:"titles,omitempty"`
	Descriptions Texts        `json:"descriptions,omitempty"`
	Procedures   []string     `json:"procedures,omitempty"`
	Jurisdiction Jurisdiction `json:"jurisdiction"`
}

// Requirement is what a procedure asks for ("Proof of birth"), with the
// procedures and countries that use it and the evidence type lists that
// satisfy it.
type Requirement struct {
	ID                  string               `json:"id"`
	Names               Texts                `json:"names,omitempty"`
	Descriptions        Texts                `json:"descriptions,omitempty"`
	ReferenceFrameworks []ReferenceFramework `json:"referenceFrameworks,omitempty"`
	EvidenceTypeLists   []EvidenceTypeList   `json:"evidenceTypeLists,omitempty"`
}

// EvidenceTypeList is one way of satisfying a requirement: every evidence
// type in it is needed (AND). Countries are the countries its evidence types
// were declared for; usually one, more for an EU-wide evidence type that
// several countries list under the same list identifier. Newer EB answers
// put the jurisdiction on the list rather than on its evidence types:
// Jurisdictions keeps it.
type EvidenceTypeList struct {
	ID            string         `json:"id"`
	Names         Texts          `json:"names,omitempty"`
	Countries     []string       `json:"countries,omitempty"`
	Jurisdictions []Jurisdiction `json:"jurisdictions,omitempty"`
	EvidenceTypes []string       `json:"evidenceTypes"`
}

// In tells whether the list is declared for the country.
func (l *EvidenceTypeList) In(country string) bool { return contains(l.Countries, country) }

// EvidenceType is a national evidence type, identified by its evidence type
// classification URI.
type EvidenceType struct {
	Classification string         `json:"classification"`
	Titles         Texts          `json:"titles,omitempty"`
	Descriptions   Texts          `json:"descriptions,omitempty"`
	Jurisdictions  []Jurisdiction `json:"jurisdictions,omitempty"`
}

// Countries are the countries of the evidence type's jurisdictions, or the
// country in its classification URI when it has none.
func (e *EvidenceType) Countries() []string {
	var out []string
	for _, j := range e.Jurisdictions {
		if j.Country != "" {
			out = appendUnique(out, j.Country)
		}
	}
	if len(out) == 0 {
		if c := countryFromClassification(e.Classification); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// Country is the country of the evidence type's first jurisdiction, or the
// country code in its classification URI (.../evidencetypeclassifications/DE/...).
func (e *EvidenceType) Country() string {
	if len(e.Jurisdictions) > 0 && e.Jurisdictions[0].Country != "" {
		return e.Jurisdictions[0].Country
	}
	return countryFromClassification(e.Classification)
}

// countryFromClassification reads the country segment that Semantic
// Repository classification URIs carry before the final identifier.
func countryFromClassification(uri string) string {
	parts := strings.Split(strings.TrimRight(uri, "/"), "/")
	if len(parts) >= 2 {
		c := parts[len(parts)-2]
		if len(c) == 2 && strings.ToUpper(c) == c {
			return c
		}
	}
	return ""
}

// DataService is a DSD data service evidence type: one evidence type as a
// provider serves it, with its distributions and access services.
type DataService struct {
	ID                        string                     `json:"id"`
	Classification            string                     `json:"classification"`
	Titles                    Texts                      `json:"titles,omitempty"`
	Descriptions              Texts                      `json:"descriptions,omitempty"`
	Distributions             []Distribution             `json:"distributions,omitempty"`
	AccessServices            []AccessService            `json:"accessServices,omitempty"`
	LevelOfAssurance          string                     `json:"levelOfAssurance,omitempty"`
	JurisdictionDetermination *JurisdictionDetermination `json:"jurisdictionDetermination,omitempty"`
	// ProviderClassifications are the concepts that tell the providers of
	// this evidence type apart (sdg:EvidenceProviderClassification and the
	// UserRequestedClassificationConcepts of a DSD:ERR:0005 answer).
	ProviderClassifications []Concept `json:"providerClassifications,omitempty"`
}

// Distribution is an sdg:DistributedAs: a format and what it conforms to.
type Distribution struct {
	Format         string `json:"format"`
	ConformsTo     string `json:"conformsTo,omitempty"`
	Transformation string `json:"transformation,omitempty"`
	Language       string `json:"language,omitempty"`
}

// AccessService is the data service (eDelivery corner 3) that serves an
// evidence provider (corner 4).
type AccessService struct {
	ID         string   `json:"id"`
	Scheme     string   `json:"scheme,omitempty"`
	Names      Texts    `json:"names,omitempty"`
	ConformsTo string   `json:"conformsTo,omitempty"`
	Provider   Provider `json:"provider"`
}

// Provider is an evidence provider (sdg:Publisher) with the jurisdiction it
// covers and the classification values it supports.
type Provider struct {
	ID            string         `json:"id"`
	Scheme        string         `json:"scheme,omitempty"`
	Names         Texts          `json:"names,omitempty"`
	Jurisdictions []Jurisdiction `json:"jurisdictions,omitempty"`
	Concepts      []Concept      `json:"concepts,omitempty"`
}

// Concept is an sdg:ClassificationConcept or EvidenceProviderClassification:
// an attribute the user may have to give to pick the right provider.
type Concept struct {
	ID              string   `json:"id"`
	Type            string   `json:"type,omitempty"`
	ValueExpression string   `json:"valueExpression,omitempty"`
	Descriptions    Texts    `json:"descriptions,omitempty"`
	SupportedValues []string `json:"supportedValues,omitempty"`
}

// JurisdictionDetermination says which attribute of the user locates the
// provider (Place of birth) and at which level (NUTS1, LAU, ...).
type JurisdictionDetermination struct {
	ContextID string `json:"contextId,omitempty"`
	Context   Texts  `json:"context,omitempty"`
	Level     string `json:"level,omitempty"`
}

// Source records one imported document.
type Source struct {
	Name       string    `json:"name"`
	SHA256     string    `json:"sha256"`
	Kind       string    `json:"kind"`
	ImportedAt time.Time `json:"importedAt"`
}

// Catalog is the merged content of imported EB / DSD answers and LCM
// submissions. Objects are merged by identifier: requirements by id,
// evidence types by classification, data services by id.
type Catalog struct {
	Requirements  []*Requirement  `json:"requirements"`
	EvidenceTypes []*EvidenceType `json:"evidenceTypes"`
	DataServices  []*DataService  `json:"dataServices"`
	Sources       []Source        `json:"sources"`

	idx *index // built on first query, dropped by every change
}

// New returns an empty catalogue.
func New() *Catalog { return &Catalog{} }

// Empty tells whether nothing has been imported.
func (c *Catalog) Empty() bool {
	return len(c.Requirements) == 0 && len(c.EvidenceTypes) == 0 && len(c.DataServices) == 0
}

// Requirement returns the requirement with this id, or nil.
func (c *Catalog) Requirement(id string) *Requirement {
	return c.index().requirements[id]
}

// EvidenceType returns the evidence type with this classification, or nil.
func (c *Catalog) EvidenceType(classification string) *EvidenceType {
	return c.index().evidenceTypes[classification]
}

// Countries lists the countries that appear in reference frameworks,
// evidence types and providers, sorted.
func (c *Catalog) Countries() []string {
	seen := map[string]bool{}
	for _, r := range c.Requirements {
		for _, rf := range r.ReferenceFrameworks {
			seen[rf.Jurisdiction.Country] = true
		}
	}
	for _, e := range c.EvidenceTypes {
		for _, country := range e.Countries() {
			seen[country] = true
		}
	}
	for _, d := range c.DataServices {
		for _, a := range d.AccessServices {
			for _, j := range a.Provider.Jurisdictions {
				seen[j.Country] = true
			}
		}
	}
	delete(seen, "")
	return sortedKeys(seen)
}

// Procedures lists the procedures the reference frameworks relate to,
// with their titles and countries, sorted by code.
func (c *Catalog) Procedures() []Procedure {
	byCode := map[string]*Procedure{}
	countries := map[string]map[string]bool{}
	for _, r := range c.Requirements {
		for _, rf := range r.ReferenceFrameworks {
			for _, code := range rf.Procedures {
				p := byCode[code]
				if p == nil {
					p = &Procedure{Code: code, Titles: Texts{}}
					byCode[code] = p
					countries[code] = map[string]bool{}
				}
				for l, t := range rf.Titles {
					if _, ok := p.Titles[l]; !ok {
						p.Titles[l] = t
					}
				}
				countries[code][rf.Jurisdiction.Country] = true
			}
		}
	}
	out := make([]Procedure, 0, len(byCode))
	for code, p := range byCode {
		delete(countries[code], "")
		p.Countries = sortedKeys(countries[code])
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
