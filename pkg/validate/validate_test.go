package validate_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
)

func embedded(t *testing.T) *validate.RuleSet {
	t.Helper()
	rs, err := validate.Embedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func layers(res report.FileResult) map[string]int {
	m := map[string]int{}
	for _, f := range res.Findings {
		m[f.Layer]++
	}
	return m
}

// A document that breaks the structure is still checked by every later layer,
// unless fail-fast is asked for.
func TestEveryLayerRunsUnlessFailFast(t *testing.T) {
	// An unknown attribute breaks the XML Schema; a wrong specification id breaks a business rule.
	doc := strings.Replace(string(example(t, "invalid/request-bad-spec-id.xml")), "<query:QueryRequest ", `<query:QueryRequest unexpected="1" `, 1)
	all := validate.New(embedded(t), validate.Options{}).Validate(context.Background(), "r.xml", []byte(doc))
	if l := layers(all); l["xsd"] == 0 || l["schematron"] == 0 {
		t.Fatalf("want xsd and schematron findings, got %v", l)
	}
	fast := validate.New(embedded(t), validate.Options{FailFast: true}).Validate(context.Background(), "r.xml", []byte(doc))
	if l := layers(fast); l["xsd"] == 0 || l["schematron"] != 0 {
		t.Fatalf("fail-fast: want only xsd findings, got %v", l)
	}
	if all.Valid || fast.Valid {
		t.Fatal("an invalid document was reported valid")
	}
}

// Info findings do not fail a document, unless the run is strict.
func TestStrict(t *testing.T) {
	data := example(t, "messages/evidence-request.xml")
	res := validate.New(embedded(t), validate.Options{}).Validate(context.Background(), "r.xml", data)
	infos := 0
	for _, f := range res.Findings {
		if f.Severity == report.SeverityInfo {
			infos++
		}
	}
	if !res.Valid || infos == 0 {
		t.Fatalf("want a valid document with info findings, got valid=%v infos=%d", res.Valid, infos)
	}
	strict := validate.New(embedded(t), validate.Options{Strict: true}).Validate(context.Background(), "r.xml", data)
	if strict.Valid {
		t.Fatal("strict run accepted a document with info findings")
	}
}

func TestHostileAndForeignInput(t *testing.T) {
	v := validate.New(embedded(t), validate.Options{})
	cases := map[string]string{
		"<!DOCTYPE x [<!ENTITY a SYSTEM \"file:///etc/passwd\">]><x>&a;</x>": "DTD",
		"<a><b></a>":                             "wellformed",
		`<invoice xmlns="urn:example:invoice"/>`: "not an OOTS message",
		strings.Repeat("<a>", 1000) + strings.Repeat("</a>", 1000): "wellformed",
	}
	for doc, want := range cases {
		res := v.Validate(context.Background(), "x.xml", []byte(doc))
		if res.Valid || len(res.Findings) != 1 {
			t.Errorf("%.30q: want one finding, got %+v", doc, res.Findings)
			continue
		}
		f := res.Findings[0]
		if !strings.Contains(f.Message+" "+f.Layer, want) {
			t.Errorf("%.30q: finding %+v does not mention %q", doc, f, want)
		}
	}
}

func TestSeverity(t *testing.T) {
	for role, want := range map[string]string{"": "error", "ERROR": "error", "fatal": "error", "warning": "warning", "info": "info", "Caution": "warning"} {
		if got := validate.Severity(role); got != want {
			t.Errorf("Severity(%q) = %q, want %q", role, got, want)
		}
	}
}
