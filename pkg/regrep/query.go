// Package regrep is a client of the OASIS ebXML RegRep 4 REST binding as the
// OOTS Common Services expose it: the Evidence Broker (EB) and the Data
// Service Directory (DSD) answer GET «base»/rest/search?queryId=...&param=...
// with a query:QueryResponse whose status attribute, not the HTTP status,
// says whether the query succeeded. It also finds the base URL of a Common
// Service by DNS NAPTR.
package regrep

import (
	"net/url"
	"strings"
)

// The stored queries of the OOTS Common Services (TDD chapters 3.1.4 and
// 3.2.4; the October 2023 Projectathon collection uses the same ids).
const (
	// QueryRequirements lists the requirements of procedures; every
	// parameter is optional, and a query without any returns the whole
	// requirements catalogue.
	QueryRequirements = "urn:fdc:oots:eb:ebxml-regrep:queries:requirements-by-procedure-and-jurisdiction"
	// QueryEvidenceTypes lists the evidence types that satisfy a
	// requirement (ParamRequirementID, mandatory) in a jurisdiction.
	QueryEvidenceTypes = "urn:fdc:oots:eb:ebxml-regrep:queries:evidence-types-by-requirement-and-jurisdiction"
	// QueryDataServices lists the data services that provide an evidence
	// type (ParamEvidenceTypeClassification and ParamCountryCode, both
	// mandatory).
	QueryDataServices = "urn:fdc:oots:dsd:ebxml-regrep:queries:dataservices-by-evidencetype-and-jurisdiction"
)

// Query parameters of the stored queries.
const (
	ParamQueryID                    = "queryId"
	ParamProcedureID                = "procedure-id"
	ParamCountryCode                = "country-code"
	ParamJurisdictionAdminL2        = "jurisdiction-admin-l2"
	ParamJurisdictionAdminL3        = "jurisdiction-admin-l3"
	ParamRequirementID              = "requirement-id"
	ParamEvidenceTypeClassification = "evidence-type-classification"
	ParamEvidenceTypeID             = "evidence-type-id"
	ParamJurisdictionContextID      = "jurisdiction-context-id"
	ParamSpecification              = "specification"
)

// Param is one query parameter. Parameters keep their order so that the
// URLs sent are predictable and can be matched by test servers.
type Param struct {
	Name  string
	Value string
}

// Query is a stored query with its parameters.
type Query struct {
	ID     string
	Params []Param
}

// RequirementsQuery asks the EB for the requirements of a procedure in a
// country. Empty arguments are left out: sent empty they would narrow the
// answer to a procedure or country named "".
func RequirementsQuery(procedure, country string) Query {
	q := Query{ID: QueryRequirements}
	q.add(ParamProcedureID, procedure)
	q.add(ParamCountryCode, country)
	return q
}

// EvidenceTypesQuery asks the EB which evidence types satisfy a requirement
// in a country.
func EvidenceTypesQuery(requirementID, country string) Query {
	q := Query{ID: QueryEvidenceTypes}
	q.add(ParamRequirementID, requirementID)
	q.add(ParamCountryCode, country)
	return q
}

// DataServicesQuery asks the DSD for the data services of an evidence type in
// a country; extra carries the optional parameters (jurisdiction levels,
// specification, user-provided classification values).
func DataServicesQuery(evidenceTypeClassification, country string, extra ...Param) Query {
	q := Query{ID: QueryDataServices}
	q.add(ParamEvidenceTypeClassification, evidenceTypeClassification)
	q.add(ParamCountryCode, country)
	for _, p := range extra {
		q.add(p.Name, p.Value)
	}
	return q
}

func (q *Query) add(name, value string) {
	if value != "" {
		q.Params = append(q.Params, Param{Name: name, Value: value})
	}
}

// Encode is the query string: queryId first, then the parameters in order,
// every name and value escaped (requirement ids are URLs with '/', ':' and
// possibly '&' or '#').
func (q Query) Encode() string {
	var b strings.Builder
	b.WriteString(ParamQueryID + "=" + url.QueryEscape(q.ID))
	for _, p := range q.Params {
		b.WriteString("&" + url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value))
	}
	return b.String()
}

// Get is the value of the named parameter, "" when absent.
func (q Query) Get(name string) string {
	for _, p := range q.Params {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// String is a short form for messages: the last segment of the query id and
// the parameters.
func (q Query) String() string {
	name := q.ID[strings.LastIndex(q.ID, ":")+1:]
	parts := make([]string, 0, len(q.Params))
	for _, p := range q.Params {
		parts = append(parts, p.Name+"="+p.Value)
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}
