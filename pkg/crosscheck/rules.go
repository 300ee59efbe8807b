package crosscheck

import (
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/report"
)

// checkRequestID: the response's requestId is how the requester correlates it
// with its request, so it must repeat the request id exactly (the ids are
// case-sensitive strings, not UUID values to normalise).
func checkRequestID(p pair) []report.Finding {
	want, ok := attr(p.req, "id")
	if !ok || want == "" {
		return nil
	}
	got, ok := attr(p.resp, "requestId")
	if !ok {
		msg := "the response has no requestId attribute, so it cannot be matched to the request id %s"
		if alt, found := attr(p.resp, "requestID"); found {
			// Several official v1.0 samples misspell the attribute.
			return one(RuleRequestID, report.SeverityError, p.resp,
				msg+" (it has requestID=%q: attribute names are case-sensitive)", want, alt)
		}
		return one(RuleRequestID, report.SeverityError, p.resp, msg, want)
	}
	if got != want {
		return one(RuleRequestID, report.SeverityError, p.resp,
			"requestId %s does not match the request id %s", got, want)
	}
	return nil
}

// checkSpecification: both sides of one exchange speak the same EDM version;
// the provider answers in the version the requester chose.
func checkSpecification(p pair) []report.Finding {
	want, _ := slotValue(p.req, "SpecificationIdentifier")
	got, at := slotValue(p.resp, "SpecificationIdentifier")
	if want == "" || at == nil || got == want {
		return nil
	}
	return one(RuleSpecification, report.SeverityError, at,
		"SpecificationIdentifier %s does not match the request's SpecificationIdentifier %s", got, want)
}

// checkRequester: the EvidenceRequester a response names (success and error
// responses both carry it) must be one the request named, identifier and
// schemeID alike.
func checkRequester(p pair) []report.Finding {
	want := agents(p.req, "EvidenceRequester")
	if len(want) == 0 {
		return nil
	}
	var out []report.Finding
	for _, got := range agents(p.resp, "EvidenceRequester") {
		if got.id != "" && !contains(want, got) {
			out = append(out, finding(RuleRequester, report.SeverityError, got.at,
				"EvidenceRequester %s does not match the request's EvidenceRequester %s", got, agentList(want)))
		}
	}
	return out
}

// checkProvider: a successful response comes from the provider the request
// was addressed to. The response may list further agents (an intermediary
// platform next to the provider), so the requested one must be among them.
func checkProvider(p pair) []report.Finding {
	if p.failed() {
		return nil
	}
	got := agents(p.resp, "EvidenceProvider")
	var out []report.Finding
	for _, want := range agents(p.req, "EvidenceProvider") {
		if want.id == "" || len(got) == 0 || contains(got, want) {
			continue
		}
		at := pick(got, "EP")
		out = append(out, finding(RuleProvider, report.SeverityError, at.at,
			"EvidenceProvider %s does not match the request's EvidenceProvider %s", agentList(got), want))
	}
	return out
}

// checkErrorProvider: an error response normally comes from the requested
// provider; an intermediary may answer in its place, hence only a warning.
func checkErrorProvider(p pair) []report.Finding {
	if !p.failed() {
		return nil
	}
	want := agents(p.req, "EvidenceProvider")
	got := agents(p.resp, "ErrorProvider")
	if len(want) == 0 || len(got) == 0 {
		return nil
	}
	for _, g := range got {
		if contains(want, g) {
			return nil
		}
	}
	return one(RuleErrorProvider, report.SeverityWarning, got[0].at,
		"ErrorProvider %s is not the request's EvidenceProvider %s (acceptable only for an intermediary answering for it)",
		agentList(got), agentList(want))
}

func contains(as []agent, a agent) bool {
	for _, b := range as {
		if b.same(a) {
			return true
		}
	}
	return false
}

// pick returns the first agent with the classification, else the first agent.
func pick(as []agent, class string) agent {
	for _, a := range as {
		if a.class == class {
			return a
		}
	}
	return as[0]
}

// one wraps a single finding.
func one(rule, severity string, at *helium.Element, format string, args ...any) []report.Finding {
	return []report.Finding{finding(rule, severity, at, format, args...)}
}

// either renders alternatives for a message: "a", "a or b".
func either(vs []string) string {
	return strings.Join(vs, " or ")
}
