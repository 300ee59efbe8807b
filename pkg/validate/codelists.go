package validate

import (
	"context"
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xpath3"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/schematron"
)

// codelistCheck is one exact code-list check of our own. The official rules
// test code lists with substring matching in places; this layer checks the
// same values exactly, under rule ids of its own (OOTS-CL-...).
type codelistCheck struct {
	id    string
	list  string
	what  string
	path  *xpath3.Expression
	fold  bool   // compare case-insensitively (language codes are written either way)
	strip string // prefix to remove before the lookup
	kinds []Kind // kinds the check applies to; nil means all EDM kinds
}

var codelistNamespaces = map[string]string{
	"sdg": nsSDG, "rim": nsRIM, "rs": nsRS, "query": nsQuery, "lcm": nsLCM,
	"xml": "http://www.w3.org/XML/1998/namespace",
}

var codelistChecks = []codelistCheck{
	{id: "OOTS-CL-001", list: "LanguageCode", what: "language code", fold: true,
		path: xpath3.NewCompiler().MustCompile("//rim:LocalizedString/@xml:lang | //sdg:*/@lang")},
	{id: "OOTS-CL-002", list: "CountryIdentificationCode", what: "country code",
		path: xpath3.NewCompiler().MustCompile("//sdg:AdminUnitLevel1 | //sdg:Nationality | //sdg:CountryOfBirth")},
	{id: "OOTS-CL-003", list: "LoA", what: "level of assurance",
		path: xpath3.NewCompiler().MustCompile("//sdg:LevelOfAssurance | //sdg:AuthenticationLevelOfAssurance")},
	{id: "OOTS-CL-004", list: "ErrorSeverity", what: "error severity",
		path: xpath3.NewCompiler().MustCompile("//rs:Exception/@severity")},
	{id: "OOTS-CL-005", list: "EDMErrorCodes", what: "EDM error code", kinds: []Kind{EvidenceError},
		path: xpath3.NewCompiler().MustCompile("//rs:Exception/@code")},
	{id: "OOTS-CL-006", list: "EBErrorCodes", what: "Evidence Broker error code", kinds: []Kind{EBError},
		path: xpath3.NewCompiler().MustCompile("//rs:Exception/@code")},
	{id: "OOTS-CL-007", list: "DSDErrorCodes", what: "DSD error code", kinds: []Kind{DSDError},
		path: xpath3.NewCompiler().MustCompile("//rs:Exception/@code")},
	{id: "OOTS-CL-008", list: "EAS", what: "electronic address scheme", strip: "urn:cef.eu:names:identifier:EAS:",
		path: xpath3.NewCompiler().MustCompile("//sdg:Identifier/@schemeID[starts-with(., 'urn:cef.eu:names:identifier:EAS:')]")},
	{id: "OOTS-CL-009", list: "JurisdictionLevel", what: "jurisdiction level",
		path: xpath3.NewCompiler().MustCompile("//sdg:JurisdictionLevel")},
	{id: "OOTS-CL-010", list: "AgentClassification", what: "agent classification",
		path: xpath3.NewCompiler().MustCompile("//sdg:Agent/sdg:Classification")},
	{id: "OOTS-CL-011", list: "Procedures", what: "procedure code",
		path: xpath3.NewCompiler().MustCompile("//rim:Slot[@name = 'Procedure']//rim:LocalizedString/@value")},
}

func (v *Validator) codelistLayer(ctx context.Context, doc *helium.Document, kind Kind) []report.Finding {
	if v.rules.codes == nil || kind == EbMSHeader || kind == SOAPEnvelope {
		return nil
	}
	ev := xpath3.NewEvaluator(xpath3.EvalBorrowing).Namespaces(codelistNamespaces)
	var out []report.Finding
	for i := range codelistChecks {
		c := &codelistChecks[i]
		if c.kinds != nil && !containsKind(c.kinds, kind) {
			continue
		}
		out = append(out, v.runCodelistCheck(ctx, ev, c, doc)...)
	}
	return out
}

func (v *Validator) runCodelistCheck(ctx context.Context, ev xpath3.Evaluator, c *codelistCheck, doc *helium.Document) []report.Finding {
	list, err := v.rules.codes.List(c.list)
	if err != nil {
		return nil // a rule set without this list cannot check it
	}
	res, err := ev.Evaluate(ctx, c.path, doc)
	if err != nil {
		return nil
	}
	nodes, _ := res.Nodes()
	var out []report.Finding
	for _, n := range nodes {
		value := strings.TrimSpace(string(n.Content()))
		code := strings.TrimPrefix(value, c.strip)
		if list.Contains(code) || c.fold && (list.Contains(strings.ToUpper(code)) || list.Contains(strings.ToLower(code))) {
			continue
		}
		out = append(out, report.Finding{
			Layer: report.LayerCodelist, Rule: c.id, Source: c.list, Severity: report.SeverityError,
			Line: schematron.Line(n), Location: schematron.Location(n),
			Message: fmt.Sprintf("%s %q is not in the code list %s", c.what, value, c.list),
		})
	}
	return out
}

func containsKind(list []Kind, k Kind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}
