package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// answer is one RegRep answer written from a catalogue, with the kind
// `oots validate` must detect and the error code expected ("" for Success).
type answer struct {
	name string
	kind validate.Kind
	code string
	body []byte
}

// exampleAnswers are every answer the example catalogue gives: each
// procedure × country, each requirement × country (× jurisdictions of its
// lists), each evidence type of the DSD × country, with the DSD:ERR:0005
// dialogue followed to every provider, and the error answers.
func exampleAnswers(t testing.TB, r *catalog.Responder, c *catalog.Catalog) []answer {
	t.Helper()
	var out []answer
	add := func(name string, body []byte) {
		out = append(out, answer{name: name, body: body, kind: kindOf(t, body), code: codeOf(t, body)})
	}
	countries := append([]string{""}, c.Countries()...)
	for _, p := range append([]string{""}, c.ProcedureCodes()...) {
		for _, cc := range countries {
			add(fmt.Sprintf("requirements(%s,%s)", p, cc), r.Requirements(p, cc))
		}
	}
	add("requirements(unknown procedure)", r.Requirements("Z9", "FR"))
	add("requirements(bad country)", r.Requirements("R1", "F1"))
	add("requirements(country without requirements)", r.Requirements("R1", "LU"))
	for _, req := range c.Requirements {
		for _, cc := range c.Countries() {
			for _, j := range append([]string{""}, req.Regions(cc)...) {
				add(fmt.Sprintf("evidence-types(%s,%s,%s)", last(req.ID), cc, j), r.EvidenceTypes(req.ID, cc, j))
			}
		}
	}
	add("evidence-types(unknown requirement)", r.EvidenceTypes(sr+"/requirements/0e000000-0000-4000-8000-00000000ffff", "FR", ""))
	for _, cls := range c.Classifications() {
		for _, cc := range c.Countries() {
			for _, q := range dialogueQueries(t, c, cls, cc) {
				add(fmt.Sprintf("data-services(%s,%s,%s,%v)", last(cls), cc, q.Jurisdiction, q.Attributes), r.DataServices(cls, cc, q.Attributes, q.Jurisdiction))
			}
		}
	}
	add("data-services(unknown evidence type)", r.DataServices(sr+"/evidencetypeclassifications/FR/0e000000-0000-4000-8000-00000000ffff", "FR", nil, ""))
	add("data-services(evidence type without service)", r.DataServices(etESFamily, "ES", nil, ""))
	add("data-services(unknown attribute)", r.DataServices(etESBirth, "ES", map[string]string{"colour": "blue"}, ""))
	add("data-services(unsupported value)", r.DataServices(etESBirth, "ES", map[string]string{conceptESReg: "Lunar"}, ""))
	add("data-services(bad country)", r.DataServices(etESBirth, "E", nil, ""))
	return out
}

func last(uri string) string { return uri[strings.LastIndex(uri, "/")+1:] }

func kindOf(t testing.TB, body []byte) validate.Kind {
	t.Helper()
	doc, err := xmldoc.Parse(context.Background(), body, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatalf("answer not well-formed: %v\n%s", err, body)
	}
	return validate.Detect(doc)
}

func codeOf(t testing.TB, body []byte) string {
	t.Helper()
	resp, err := regrep.ParseResponse(context.Background(), body, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Exceptions) == 0 {
		return ""
	}
	return resp.Exceptions[0].Code
}

func embeddedValidator(t testing.TB) *validate.Validator {
	t.Helper()
	rules, err := validate.Embedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return validate.New(rules, validate.Options{})
}

// Every answer the example catalogue gives, in both forms, passes the
// embedded rules of its kind with no error.
func TestResponsesOfTheExampleCatalogueAreValid(t *testing.T) {
	c := example(t)
	v := embeddedValidator(t)
	for _, opts := range []catalog.ResponseOptions{{}, {SpecificationIdentifier: catalog.SpecCSv2}, {Lang: "de"}} {
		answers := exampleAnswers(t, c.Responder(opts), c)
		if len(answers) < 60 {
			t.Fatalf("only %d answers", len(answers))
		}
		kinds := map[validate.Kind]int{}
		for _, a := range answers {
			kinds[a.kind]++
			res := v.Validate(context.Background(), a.name, a.body)
			for _, f := range res.Findings {
				if f.Severity == "error" {
					t.Errorf("%v %s (%s): %s %s line %d: %s\n%s", opts, a.name, a.kind, f.Layer, f.Rule, f.Line, f.Message, a.body)
				}
			}
			if !res.Valid {
				t.Errorf("%s: invalid", a.name)
			}
			// EB error answers carry no slot at all (R-EB-ERR-017).
			wantSpec := opts.SpecificationIdentifier != "" && a.kind != validate.EBError
			if bytes.Contains(a.body, []byte("<rim:Value>oots-cs:v2.0</rim:Value>")) != wantSpec {
				t.Errorf("%s: SpecificationIdentifier slot present is not %v", a.name, wantSpec)
			}
		}
		for _, k := range []validate.Kind{validate.EBRequirements, validate.EBEvidenceTypes, validate.EBError, validate.DSDResponse, validate.DSDError} {
			if kinds[k] == 0 {
				t.Errorf("no answer of kind %s among %v", k, kinds)
			}
		}
	}
}

func TestResponseErrorCodes(t *testing.T) {
	c := example(t)
	r := c.Responder(catalog.ResponseOptions{})
	cases := []struct {
		name string
		body []byte
		code string
	}{
		{"requirements of R1 in FR", r.Requirements("R1", "FR"), ""},
		{"unknown procedure", r.Requirements("Z9", "FR"), catalog.EBErrProcedure},
		{"bad country", r.Requirements("R1", "fra"), catalog.EBErrCountry},
		{"no requirement in LU", r.Requirements("R1", "LU"), catalog.EBErrEmpty},
		{"no T2 requirement in PT", r.Requirements("T2", "PT"), catalog.EBErrEmpty},
		{"evidence types", r.EvidenceTypes(reqBirth, "ES", ""), ""},
		{"evidence types by UUID", r.EvidenceTypes(last(reqBirth), "ES", ""), ""},
		{"unknown requirement", r.EvidenceTypes(reqBirth+"0", "ES", ""), catalog.EBErrRequirement},
		{"no list in LU", r.EvidenceTypes(reqBirth, "LU", ""), catalog.EBErrEmpty},
		{"no Vienna list in Tyrol", r.EvidenceTypes(reqBirth, "AT", "AT34"), catalog.EBErrEmpty},
		{"one provider", r.DataServices(etFRBirth, "FR", nil, ""), ""},
		{"two places: the place is asked", r.DataServices(etDEBirth, "DE", nil, ""), catalog.ErrCodeAdditionalData},
		{"Berlin", r.DataServices(etDEBirth, "DE", nil, "DE300"), ""},
		{"nobody in Bavaria", r.DataServices(etDEBirth, "DE", nil, "DE2"), catalog.ErrCodeNoService},
		{"two registries: the type is asked", r.DataServices(etESBirth, "ES", nil, ""), catalog.ErrCodeAdditionalData},
		{"consular registry", r.DataServices(etESBirth, "ES", map[string]string{conceptESReg: "Consular"}, ""), ""},
		{"unsupported value", r.DataServices(etESBirth, "ES", map[string]string{conceptESReg: "Lunar"}, ""), catalog.DSDErrValue},
		{"unknown attribute", r.DataServices(etESBirth, "ES", map[string]string{"colour": "blue"}, ""), catalog.DSDErrParameters},
		{"known only from DSD:ERR:0005", r.DataServices(etPTBirth, "PT", nil, ""), catalog.ErrCodeAdditionalData},
		{"evidence type without data service", r.DataServices(etESFamily, "ES", nil, ""), catalog.ErrCodeNoService},
		{"unknown evidence type", r.DataServices(etESFamily+"0", "ES", nil, ""), catalog.DSDErrEvidenceType},
		{"other country", r.DataServices(etFRBirth, "DE", nil, ""), catalog.ErrCodeNoService},
	}
	for _, tc := range cases {
		if got := codeOf(t, tc.body); got != tc.code {
			t.Errorf("%s: code %q, want %q\n%s", tc.name, got, tc.code, tc.body)
		}
	}
}

func TestResponseContent(t *testing.T) {
	c := example(t)
	r := c.Responder(catalog.ResponseOptions{})
	body := r.Requirements("R1", "DE")
	resp, err := regrep.ParseResponse(context.Background(), body, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if ids := resp.RequirementIDs(); len(ids) != 1 || ids[0] != reqBirth {
		t.Errorf("requirements of R1 in DE: %v", ids)
	}
	// Only the reference framework of the asked country is listed.
	if n := bytes.Count(body, []byte("<sdg:ReferenceFramework>")); n != 1 {
		t.Errorf("%d reference frameworks, want 1\n%s", n, body)
	}
	body = r.EvidenceTypes(reqBirth, "ES", "")
	resp, _ = regrep.ParseResponse(context.Background(), body, xmldoc.DefaultLimits)
	if got := resp.EvidenceTypeClassifications(); strings.Join(got, " ") != strings.Join([]string{etESBirth, etESFamily, etESID}, " ") {
		t.Errorf("ES evidence types %v", got)
	}
	if n := bytes.Count(body, []byte("<sdg:EvidenceTypeList>")); n != 2 {
		t.Errorf("%d ES lists, want 2 (birth certificate OR family book AND identity document)", n)
	}
	body = r.DataServices(etDEBirth, "DE", nil, "")
	for _, want := range []string{"JurisdictionDetermination", "<sdg:JurisdictionLevel>NUTS1</sdg:JurisdictionLevel>", `detail="JurisdictionDetermination"`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("DSD:ERR:0005 for DE lacks %s\n%s", want, body)
		}
	}
	body = r.DataServices(etESBirth, "ES", nil, "")
	for _, want := range []string{`name="UserRequestedClassificationConcepts"`, "<sdg:StringValue>Consular</sdg:StringValue>", "<sdg:StringValue>Municipal</sdg:StringValue>"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("DSD:ERR:0005 for ES lacks %s\n%s", want, body)
		}
	}
	body = r.DataServices(etESBirth, "ES", map[string]string{conceptESReg: "Municipal"}, "")
	if !bytes.Contains(body, []byte("ES-EXAMPLE-RC-MUNICIPAL")) || bytes.Contains(body, []byte("ES-EXAMPLE-RC-CENTRAL")) {
		t.Errorf("the municipal registry alone was expected\n%s", body)
	}
	// The same question gives the same bytes.
	if !bytes.Equal(body, r.DataServices(etESBirth, "ES", map[string]string{conceptESReg: "Municipal"}, "")) {
		t.Error("answers differ between two identical queries")
	}
}

func TestResponseLanguageFilter(t *testing.T) {
	c := example(t)
	body := c.Responder(catalog.ResponseOptions{Lang: "fr"}).Requirements("R1", "FR")
	if !bytes.Contains(body, []byte(`lang="FR"`)) || !bytes.Contains(body, []byte(`lang="EN"`)) || bytes.Contains(body, []byte(`lang="DE"`)) {
		t.Errorf("lang FR keeps FR and EN texts only\n%s", body)
	}
	all, err := c.RequirementsResponse("R1", "FR", "")
	if err != nil || !bytes.Contains(all, []byte(`lang="DE"`)) {
		t.Errorf("no language filter keeps every text (%v)", err)
	}
}

// The answers import back into a catalogue that answers the same.
func TestResponsesImportBack(t *testing.T) {
	src := example(t)
	r := src.Responder(catalog.ResponseOptions{})
	pulled := catalog.New()
	for _, a := range exampleAnswers(t, r, src) {
		if _, err := pulled.ImportXML(a.name, a.body); err != nil {
			var nc *catalog.NotCatalogError
			if !errors.As(err, &nc) {
				t.Fatalf("%s: %v", a.name, err)
			}
		}
	}
	for _, p := range append([]string{""}, src.ProcedureCodes()...) {
		for _, cc := range append([]string{""}, src.Countries()...) {
			want, _ := src.RequirementsFor(p, cc)
			got, _ := pulled.RequirementsFor(p, cc)
			if describeRequirements(got) != describeRequirements(want) {
				t.Errorf("RequirementsFor(%s,%s):\n got %s\nwant %s", p, cc, describeRequirements(got), describeRequirements(want))
			}
		}
	}
}

func describeRequirements(ms []catalog.RequirementMatch) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%s %q [", m.ID, m.Name)
		for _, rf := range m.Frameworks {
			fmt.Fprintf(&b, "%s %v %s; ", rf.ID, rf.Procedures, rf.Jurisdiction)
		}
		b.WriteString("] ")
	}
	return b.String()
}

func TestContractFunctions(t *testing.T) {
	c := example(t)
	for name, f := range map[string]func() ([]byte, error){
		"requirements":   func() ([]byte, error) { return c.RequirementsResponse("R1", "FR", "") },
		"evidence types": func() ([]byte, error) { return c.EvidenceTypesResponse(reqBirth, "FR", "") },
		"data services":  func() ([]byte, error) { return c.DataServicesResponse(etFRBirth, "FR", nil, "") },
	} {
		body, err := f()
		if err != nil || codeOf(t, body) != "" {
			t.Errorf("%s: %v\n%s", name, err, body)
		}
	}
	if catalog.ErrorMessage(catalog.ErrCodeNoService) == "" || catalog.ErrorMessage("X") != "" {
		t.Error("ErrorMessage")
	}
}

func dialogueQueries(t testing.TB, c *catalog.Catalog, cls, country string) []catalog.ProviderQuery {
	t.Helper()
	qs, err := c.DialogueQueries(cls, country)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}
