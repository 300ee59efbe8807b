// Package crosscheck checks that an evidence response, or an evidence error
// response, answers a given evidence request: the relations between the two
// documents of one OOTS evidence exchange that no single-document layer (XSD,
// Schematron, code lists) can see. The rules and their ids (OOTS-X-nnn) are
// documented in docs/cross-checks.md.
//
// Check assumes both documents passed the single-document layers well enough to
// be parsed; where a value the rule compares is missing from either side the
// rule stays silent, because the Schematron layer already reports the missing
// element and a second finding would only repeat it.
package crosscheck

import (
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/schematron"
)

// Rule ids. docs/cross-checks.md explains each one.
const (
	RulePair          = "OOTS-X-000" // the documents are a QueryRequest and a QueryResponse
	RuleRequestID     = "OOTS-X-001" // response @requestId = request @id
	RuleSpecification = "OOTS-X-002" // same SpecificationIdentifier
	RuleRequester     = "OOTS-X-003" // same EvidenceRequester
	RuleProvider      = "OOTS-X-004" // the requested EvidenceProvider answers
	RuleEvidenceType  = "OOTS-X-005" // evidence is of the requested evidence type classification
	RuleIssueDateTime = "OOTS-X-006" // response not issued before the request
	RulePreview       = "OOTS-X-007" // preview-required error only when preview was allowed, with a location
	RuleDistribution  = "OOTS-X-008" // evidence distribution as requested (format, conformsTo, transformation)
	RuleErrorProvider = "OOTS-X-009" // error provider is the requested evidence provider
	RuleSubject       = "OOTS-X-010" // evidence is about the person the request names
	RuleSubjectBirth  = "OOTS-X-011" // same date of birth
	RuleNoEvidence    = "OOTS-X-012" // a successful response carries evidence
)

const statusFailureSuffix = ":ResponseStatusType:Failure"

// pair is the exchange being checked: the two root elements, and the
// elements several rules compare, found once.
type pair struct {
	req, resp *helium.Element
	types     []*helium.Element // requestedTypes of req
	evidences []*helium.Element // evidences of resp
}

// failed reports whether the response is an error response: a Failure status
// or an rs:Exception. Either alone is enough, so a response that contradicts
// itself is still checked as the error response it partly is.
func (p pair) failed() bool {
	status, _ := attr(p.resp, "status")
	return strings.HasSuffix(status, statusFailureSuffix) || len(children(p.resp, nsRS, "Exception")) > 0
}

// rules run in this order; findings keep it.
var rules = []func(pair) []report.Finding{
	checkRequestID,
	checkSpecification,
	checkRequester,
	checkProvider,
	checkErrorProvider,
	checkEvidenceType,
	checkDistribution,
	checkSubject,
	checkNoEvidence,
	checkIssueDateTime,
	checkPreview,
}

// Check returns the findings about response as an answer to request. An empty
// result means every relation that could be checked holds.
func Check(request, response *helium.Document) []report.Finding {
	p, bad := roots(request, response)
	if bad != nil {
		return bad
	}
	p.types, p.evidences = requestedTypes(p.req), evidences(p.resp)
	var out []report.Finding
	for _, r := range rules {
		out = append(out, r(p)...)
	}
	return out
}

// roots returns the pair, or the findings saying why the documents are not an
// evidence request and a response to it.
func roots(request, response *helium.Document) (pair, []report.Finding) {
	var p pair
	var bad []report.Finding
	if request != nil {
		p.req = request.DocumentElement()
	}
	if response != nil {
		p.resp = response.DocumentElement()
	}
	if !is(p.req, nsQuery, "QueryRequest") {
		bad = append(bad, finding(RulePair, report.SeverityError, p.req,
			"the request document is %s, not a query:QueryRequest", describe(p.req)))
	}
	if !is(p.resp, nsQuery, "QueryResponse") {
		bad = append(bad, finding(RulePair, report.SeverityError, p.resp,
			"the response document is %s, not a query:QueryResponse", describe(p.resp)))
	}
	return p, bad
}

func describe(e *helium.Element) string {
	if e == nil {
		return "empty"
	}
	return fmt.Sprintf("{%s}%s", e.URI(), e.LocalName())
}

// finding builds a cross-layer finding about node at, a node of the response
// (or of the request when the request alone is at fault).
func finding(rule, severity string, at *helium.Element, format string, args ...any) report.Finding {
	f := report.Finding{
		Layer:    report.LayerCross,
		Rule:     rule,
		Severity: severity,
		Message:  fmt.Sprintf(format, args...),
	}
	if at != nil {
		f.Line = schematron.Line(at)
		f.Location = schematron.Location(at)
	}
	return f
}
