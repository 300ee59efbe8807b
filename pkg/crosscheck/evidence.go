package crosscheck

import (
	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/report"
)

// requestedTypes are the sdg:DataServiceEvidenceType elements of the
// request's EvidenceRequest query slot.
func requestedTypes(req *helium.Element) []*helium.Element {
	return descendants(slot(child(req, nsQuery, "Query"), "EvidenceRequest"), nsSDG, "DataServiceEvidenceType")
}

// evidences are the sdg:Evidence metadata of the response's registry objects.
func evidences(resp *helium.Element) []*helium.Element {
	var out []*helium.Element
	for _, ro := range children(child(resp, nsRIM, "RegistryObjectList"), nsRIM, "RegistryObject") {
		out = append(out, descendants(slot(ro, "EvidenceMetadata"), nsSDG, "Evidence")...)
	}
	return out
}

// classification is the EvidenceTypeClassification an evidence conforms to,
// and its element.
func classification(ev *helium.Element) (string, *helium.Element) {
	e := child(child(ev, nsSDG, "IsConformantTo"), nsSDG, "EvidenceTypeClassification")
	return text(e), e
}

// matchType returns the requested evidence type with the given classification.
func matchType(types []*helium.Element, class string) *helium.Element {
	for _, t := range types {
		if text(child(t, nsSDG, "EvidenceTypeClassification")) == class {
			return t
		}
	}
	return nil
}

// checkEvidenceType: every evidence returned must be of an evidence type the
// requester asked for; the classification is the key the DSD gave it.
func checkEvidenceType(p pair) []report.Finding {
	types := p.types
	var want []string
	for _, t := range types {
		if c := text(child(t, nsSDG, "EvidenceTypeClassification")); c != "" {
			want = append(want, c)
		}
	}
	if len(want) == 0 {
		return nil
	}
	var out []report.Finding
	for _, ev := range p.evidences {
		got, at := classification(ev)
		if at != nil && matchType(types, got) == nil {
			out = append(out, finding(RuleEvidenceType, report.SeverityError, at,
				"evidence type classification %s does not match the requested evidence type classification %s",
				got, either(want)))
		}
	}
	return out
}

// distributionFields are compared between sdg:DistributedAs (request) and
// sdg:Distribution (response evidence).
var distributionFields = []string{"Format", "ConformsTo", "Transformation"}

// checkDistribution: the EDM says the returned distribution SHOULD match the
// requested one, so differences are warnings. Only fields the request states
// are compared, and only for evidence of a requested type (a wrong type is
// already an OOTS-X-005 error).
func checkDistribution(p pair) []report.Finding {
	types := p.types
	var out []report.Finding
	for _, ev := range p.evidences {
		class, _ := classification(ev)
		asked := child(matchType(types, class), nsSDG, "DistributedAs")
		if asked == nil {
			continue
		}
		out = append(out, compareDistribution(asked, ev)...)
	}
	return out
}

func compareDistribution(asked, ev *helium.Element) []report.Finding {
	dist := child(ev, nsSDG, "Distribution")
	var out []report.Finding
	for _, name := range distributionFields {
		want := text(child(asked, nsSDG, name))
		if want == "" {
			continue
		}
		gotEl := child(dist, nsSDG, name)
		got := text(gotEl)
		switch {
		case gotEl == nil || got == "":
			at := dist
			if at == nil {
				at = ev
			}
			out = append(out, finding(RuleDistribution, report.SeverityWarning, at,
				"evidence distribution has no %s; the request asked for %s %s", name, name, want))
		case got != want:
			out = append(out, finding(RuleDistribution, report.SeverityWarning, gotEl,
				"evidence distribution %s %s does not match the requested %s %s", name, got, name, want))
		}
	}
	return out
}

// checkNoEvidence: a provider that finds nothing answers with an error
// (EDM:ERR:0004, object not found); a Success status with no evidence
// leaves the requester without an answer it can act on.
func checkNoEvidence(p pair) []report.Finding {
	status, _ := attr(p.resp, "status")
	if p.failed() || !isSuccess(status) || len(p.evidences) > 0 {
		return nil
	}
	at := child(p.resp, nsRIM, "RegistryObjectList")
	if at == nil {
		at = p.resp
	}
	what := "the requested evidence"
	if ts := p.types; len(ts) > 0 {
		if c := text(child(ts[0], nsSDG, "EvidenceTypeClassification")); c != "" {
			what = "evidence of type " + c
		}
	}
	return one(RuleNoEvidence, report.SeverityWarning, at,
		"the response has status Success but carries no evidence; the request asked for %s "+
			"(a provider that finds none answers with an EDM:ERR:0004 error response)", what)
}

func isSuccess(status string) bool {
	return status == "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
}
