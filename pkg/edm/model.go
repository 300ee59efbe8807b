// Package edm builds OOTS Evidence Exchange Data Model (EDM) v1.0 messages:
// evidence requests, evidence responses and evidence error responses. Every
// message built with Build is validated with the embedded oots rules before it
// is returned, so a caller never receives a message the rules reject.
package edm

import (
	"strings"
	"time"
)

// SpecificationV10 is the SpecificationIdentifier of EDM v1.0, the only
// version built so far.
const SpecificationV10 = "oots-edm:v1.0"

// easPrefix turns an EAS code (9946) into the schemeID the EDM requires.
const easPrefix = "urn:cef.eu:names:identifier:EAS:"

// Text is a string in one language (sdg:Name lang="EN", rim:LocalizedString).
type Text struct {
	Lang string `yaml:"lang" json:"lang"`
	Text string `yaml:"text" json:"text"`
}

// Address is an sdg:Address (all parts optional).
type Address struct {
	FullAddress       string `yaml:"fullAddress,omitempty" json:"fullAddress,omitempty"`
	LocatorDesignator string `yaml:"locatorDesignator,omitempty" json:"locatorDesignator,omitempty"`
	PostCode          string `yaml:"postCode,omitempty" json:"postCode,omitempty"`
	PostCityName      string `yaml:"postCityName,omitempty" json:"postCityName,omitempty"`
	Thoroughfare      string `yaml:"thoroughfare,omitempty" json:"thoroughfare,omitempty"`
	AdminUnitLevel1   string `yaml:"adminUnitLevel1,omitempty" json:"adminUnitLevel1,omitempty"`
	AdminUnitLevel2   string `yaml:"adminUnitLevel2,omitempty" json:"adminUnitLevel2,omitempty"`
}

// Agent is an sdg:Agent: an evidence requester, provider or error provider.
type Agent struct {
	// Identifier is the agent's identifier in the scheme.
	Identifier string `yaml:"id" json:"id"`
	// Scheme is an EAS code ("9946") or a full schemeID URN.
	Scheme         string   `yaml:"scheme" json:"scheme"`
	Names          []Text   `yaml:"names,omitempty" json:"names,omitempty"`
	Address        *Address `yaml:"address,omitempty" json:"address,omitempty"`
	Classification string   `yaml:"classification,omitempty" json:"classification,omitempty"`
}

// SchemeID is the schemeID attribute: EAS codes get the EAS URN prefix.
func (a *Agent) SchemeID() string {
	if a.Scheme == "" || strings.Contains(a.Scheme, ":") {
		return a.Scheme
	}
	return easPrefix + a.Scheme
}

// NaturalPerson is an sdg:Person (request) or sdg:NaturalPerson (evidence
// subject); the request-only parts are ignored in a response.
type NaturalPerson struct {
	LevelOfAssurance string   `yaml:"levelOfAssurance,omitempty" json:"levelOfAssurance,omitempty"`
	Identifier       string   `yaml:"id,omitempty" json:"id,omitempty"`
	Scheme           string   `yaml:"scheme,omitempty" json:"scheme,omitempty"` // default "eidas"
	FamilyName       string   `yaml:"familyName,omitempty" json:"familyName,omitempty"`
	GivenName        string   `yaml:"givenName,omitempty" json:"givenName,omitempty"`
	DateOfBirth      string   `yaml:"dateOfBirth,omitempty" json:"dateOfBirth,omitempty"`
	PlaceOfBirth     string   `yaml:"placeOfBirth,omitempty" json:"placeOfBirth,omitempty"`
	CurrentAddress   *Address `yaml:"currentAddress,omitempty" json:"currentAddress,omitempty"`
	Gender           string   `yaml:"gender,omitempty" json:"gender,omitempty"`
}

// LegalPerson is an sdg:LegalPerson.
type LegalPerson struct {
	LevelOfAssurance  string   `yaml:"levelOfAssurance,omitempty" json:"levelOfAssurance,omitempty"`
	Identifier        string   `yaml:"id,omitempty" json:"id,omitempty"`
	Scheme            string   `yaml:"scheme,omitempty" json:"scheme,omitempty"` // default "eidas"
	LegalName         string   `yaml:"legalName,omitempty" json:"legalName,omitempty"`
	RegisteredAddress *Address `yaml:"registeredAddress,omitempty" json:"registeredAddress,omitempty"`
}

// Subject is whom the evidence is about: exactly one of the two.
type Subject struct {
	NaturalPerson *NaturalPerson `yaml:"naturalPerson,omitempty" json:"naturalPerson,omitempty"`
	LegalPerson   *LegalPerson   `yaml:"legalPerson,omitempty" json:"legalPerson,omitempty"`
}

func (s *Subject) empty() bool { return s == nil || (s.NaturalPerson == nil && s.LegalPerson == nil) }

// Requirement is an sdg:Requirement of the Requirements slot.
type Requirement struct {
	Identifier string `yaml:"id" json:"id"`
	Names      []Text `yaml:"names,omitempty" json:"names,omitempty"`
}

// Distribution is an sdg:DistributedAs (request) or sdg:Distribution
// (evidence metadata).
type Distribution struct {
	Format string `yaml:"format" json:"format"`
	// ConformsTo names the data model of structured formats (XML, JSON).
	ConformsTo     string `yaml:"conformsTo,omitempty" json:"conformsTo,omitempty"`
	Transformation string `yaml:"transformation,omitempty" json:"transformation,omitempty"`
}

// EvidenceType is the requested sdg:DataServiceEvidenceType, and in a response
// what sdg:IsConformantTo repeats of it.
type EvidenceType struct {
	Identifier     string        `yaml:"id,omitempty" json:"id,omitempty"`
	Classification string        `yaml:"classification" json:"classification"`
	Titles         []Text        `yaml:"titles,omitempty" json:"titles,omitempty"`
	Descriptions   []Text        `yaml:"descriptions,omitempty" json:"descriptions,omitempty"`
	DistributedAs  *Distribution `yaml:"distributedAs,omitempty" json:"distributedAs,omitempty"`
}

// dateTime formats an instant the way the EDM examples do: seconds, no
// fraction, UTC as Z (the rules match [0-9]{2}:[0-9]{2}:[0-9]{2}).
func dateTime(t time.Time) string {
	return t.Truncate(time.Second).Format(time.RFC3339)
}

// orNow keeps a given time (deterministic output) or takes the clock.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t
}
