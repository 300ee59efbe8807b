package regrep_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/regrep/regreptest"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

var regrepLimits = xmldoc.DefaultLimits

const (
	reqID      = "https://sr.example.eu/requirements/a&b=c#d"
	successDoc = `<?xml version="1.0"?>
<query:QueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0" xmlns:sdg="http://data.europa.eu/p4s" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success">
  <rim:Slot name="SpecificationIdentifier"><rim:SlotValue><rim:Value>oots-cs:v2.0</rim:Value></rim:SlotValue></rim:Slot>
  <rim:RegistryObjectList>
    <rim:RegistryObject id="urn:uuid:1">
      <rim:Slot name="Requirement"><rim:SlotValue><sdg:Requirement>
        <sdg:Identifier>https://sr.example.eu/requirements/r1</sdg:Identifier>
        <sdg:EvidenceTypeList><sdg:EvidenceType>
          <sdg:EvidenceTypeClassification>https://sr.example.eu/etc/FI/1</sdg:EvidenceTypeClassification>
        </sdg:EvidenceType><sdg:EvidenceType>
          <sdg:EvidenceTypeClassification>https://sr.example.eu/etc/FI/2</sdg:EvidenceTypeClassification>
        </sdg:EvidenceType></sdg:EvidenceTypeList>
      </sdg:Requirement></rim:SlotValue></rim:Slot>
    </rim:RegistryObject>
    <rim:RegistryObject id="urn:uuid:2">
      <rim:Slot name="Requirement"><rim:SlotValue><sdg:Requirement>
        <sdg:Identifier>https://sr.example.eu/requirements/r2</sdg:Identifier>
        <sdg:EvidenceTypeList><sdg:EvidenceType>
          <sdg:EvidenceTypeClassification>https://sr.example.eu/etc/FI/1</sdg:EvidenceTypeClassification>
        </sdg:EvidenceType></sdg:EvidenceTypeList>
      </sdg:Requirement></rim:SlotValue></rim:Slot>
    </rim:RegistryObject>
  </rim:RegistryObjectList>
</query:QueryResponse>`
	partialDoc = `<q:QueryResponse xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:PartialSuccess">
  <rs:Exception code="EB:ERR:0003" message="some parameters ignored" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning"/>
</q:QueryResponse>`
	failureDoc = `<query:QueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure">
  <rs:Exception xsi:type="rs:ObjectNotFoundExceptionType" code="DSD:ERR:0005" detail="UserRequestedClassificationConcepts" message="The query requires the included extra attributes to be provided by the user." severity="urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:DSDErrorResponse:AdditionalInput"/>
  <rs:Exception code="DSD:ERR:0001" message="second"/>
</query:QueryResponse>`
)

// routes writes answers and a route table in a temporary folder and loads
// it, so that the table format is exercised too.
func routes(t *testing.T) []regreptest.Route {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"success.xml": successDoc, "success.headers": "content-type: application/x-ebrs+xml\nx-test: yes\n",
		"partial.xml": partialDoc, "failure.xml": failureDoc,
		"broken.txt":    "upstream proxy error",
		"notregrep.xml": `<other xmlns="urn:x"/>`,
		"routes.json": `{"routes": [
  {"queryId": "` + regrep.QueryEvidenceTypes + `", "params": {"requirement-id": "` + reqID + `", "country-code": "FI"}, "body": "success.xml"},
  {"queryId": "` + regrep.QueryRequirements + `", "params": {"procedure-id": "P1"}, "body": "partial.xml"},
  {"queryId": "` + regrep.QueryDataServices + `", "params": {"evidence-type-classification": "x", "country-code": "FI"}, "body": "failure.xml"},
  {"queryId": "` + regrep.QueryRequirements + `", "params": {"procedure-id": "BROKEN"}, "body": "broken.txt", "status": 502},
  {"queryId": "` + regrep.QueryRequirements + `", "params": {"procedure-id": "OTHER"}, "body": "notregrep.xml"}
]}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := regreptest.LoadRoutes(filepath.Join(dir, "routes.json"))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func newServer(t *testing.T, rs []regreptest.Route) *regreptest.Server {
	t.Helper()
	srv, err := regreptest.NewServer(rs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func TestSearchSuccessEscapingAndHeaders(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL + "/eb/"}
	resp, err := c.Search(context.Background(), regrep.EvidenceTypesQuery(reqID, "FI"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != regrep.StatusSuccess || resp.Objects != 2 || resp.SpecificationIdentifier != "oots-cs:v2.0" {
		t.Errorf("got status %s, %d objects, spec %q", resp.Status, resp.Objects, resp.SpecificationIdentifier)
	}
	if got := resp.RequirementIDs(); strings.Join(got, " ") != "https://sr.example.eu/requirements/r1 https://sr.example.eu/requirements/r2" {
		t.Errorf("requirement ids %q", got)
	}
	if got := resp.EvidenceTypeClassifications(); strings.Join(got, " ") != "https://sr.example.eu/etc/FI/1 https://sr.example.eu/etc/FI/2" {
		t.Errorf("classifications %q (want each once, in document order)", got)
	}
	if http.Header(resp.Header).Get("X-Test") != "yes" {
		t.Errorf("stored headers not served: %v", resp.Header)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/eb/rest/search" {
		t.Errorf("path %q", r.Path)
	}
	if r.Query.Get("requirement-id") != reqID {
		t.Errorf("requirement-id arrived as %q (raw %s)", r.Query.Get("requirement-id"), r.RawQuery)
	}
	if !strings.HasPrefix(r.RawQuery, "queryId=urn%3Afdc%3Aoots%3Aeb%3A") || !strings.Contains(r.RawQuery, "a%26b%3Dc%23d") {
		t.Errorf("query string not escaped: %s", r.RawQuery)
	}
	if r.Header.Get("Accept-Version") != regrep.DefaultAcceptVersion || r.Header.Get("Accept") != regrep.ContentType {
		t.Errorf("headers sent: %v", r.Header)
	}
}

func TestSearchSendsAcceptVersion(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL, AcceptVersion: "oots-cs:v1.0"}
	if _, err := c.Search(context.Background(), regrep.RequirementsQuery("P1", "")); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("Accept-Version"); got != "oots-cs:v1.0" {
		t.Errorf("Accept-Version %q", got)
	}
}

func TestSearchPartialSuccess(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL}
	resp, err := c.Search(context.Background(), regrep.RequirementsQuery("P1", ""))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != regrep.StatusPartialSuccess || len(resp.Exceptions) != 1 || resp.Exceptions[0].Code != "EB:ERR:0003" {
		t.Errorf("got %+v", resp)
	}
}

func TestSearchFailureIsTypedError(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL}
	resp, err := c.Search(context.Background(), regrep.DataServicesQuery("x", "FI"))
	var qe *regrep.QueryError
	if !errors.As(err, &qe) {
		t.Fatalf("want a *QueryError, got %v", err)
	}
	if resp == nil || resp.Status != regrep.StatusFailure || qe.Response != resp {
		t.Fatalf("the failure's response should be returned too: %+v", resp)
	}
	want := regrep.Exception{
		Type: "rs:ObjectNotFoundExceptionType", Code: "DSD:ERR:0005", Detail: "UserRequestedClassificationConcepts",
		Message:  "The query requires the included extra attributes to be provided by the user.",
		Severity: "urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:DSDErrorResponse:AdditionalInput",
	}
	if len(resp.Exceptions) != 2 || resp.Exceptions[0] != want || resp.Exceptions[1].Code != "DSD:ERR:0001" {
		t.Errorf("exceptions %+v", resp.Exceptions)
	}
	if msg := err.Error(); !strings.Contains(msg, "status Failure: DSD:ERR:0005: The query requires") || !strings.Contains(msg, "/rest/search?") {
		t.Errorf("message %q should name the URL, code and message", msg)
	}
}

func TestSearchHTTPErrorWithoutQueryResponse(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL}
	_, err := c.Search(context.Background(), regrep.RequirementsQuery("BROKEN", ""))
	var he *regrep.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 502 || !strings.Contains(err.Error(), "upstream proxy error") {
		t.Fatalf("want an HTTP 502 error with the body, got %v", err)
	}
	srv.SetFault("", regreptest.FaultServerError)
	_, err = c.Search(context.Background(), regrep.RequirementsQuery("P1", ""))
	if !errors.As(err, &he) || he.StatusCode != 500 {
		t.Fatalf("want an HTTP 500 error, got %v", err)
	}
}

func TestSearchRefusesOtherDocuments(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL}
	_, err := c.Search(context.Background(), regrep.RequirementsQuery("OTHER", ""))
	if err == nil || !strings.Contains(err.Error(), "not a RegRep query:QueryResponse") {
		t.Fatalf("got %v", err)
	}
}

func TestSearchBodyLimit(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL, MaxBodyBytes: 100}
	_, err := c.Search(context.Background(), regrep.EvidenceTypesQuery(reqID, "FI"))
	if !errors.Is(err, regrep.ErrBodyTooLarge) {
		t.Fatalf("want ErrBodyTooLarge, got %v", err)
	}
	c.MaxBodyBytes = int64(len(successDoc))
	if _, err := c.Search(context.Background(), regrep.EvidenceTypesQuery(reqID, "FI")); err != nil {
		t.Fatalf("a body of exactly the limit is accepted: %v", err)
	}
}

func TestSearchVerifiesBeforeReading(t *testing.T) {
	srv := newServer(t, routes(t))
	var seen []byte
	refuse := errors.New("digest does not match")
	c := &regrep.Client{BaseURL: srv.URL, Verify: func(h http.Header, body []byte) error {
		seen = body
		return refuse
	}}
	resp, err := c.Search(context.Background(), regrep.DataServicesQuery("x", "FI"))
	var se *regrep.SignatureError
	if !errors.As(err, &se) || !errors.Is(err, refuse) || resp != nil {
		t.Fatalf("want a SignatureError wrapping the reason and no response, got %v, %v", resp, err)
	}
	if string(seen) != failureDoc {
		t.Error("Verify did not get the body as received")
	}
	if !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("%q should name the URL", err)
	}
}

func TestSearchSlowAnswerTimesOut(t *testing.T) {
	srv := newServer(t, routes(t))
	srv.SetDelay(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c := &regrep.Client{BaseURL: srv.URL}
	if _, err := c.Search(ctx, regrep.RequirementsQuery("P1", "")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the deadline error, got %v", err)
	}
}

func TestURLRefusesBadBases(t *testing.T) {
	for range 2 { // the second time from the remembered endpoints
		for _, base := range []string{"", "ftp://x/eb", "https://x/eb?a=b", "//x/eb", "::"} {
			c := &regrep.Client{BaseURL: base}
			if _, err := c.URL(regrep.RequirementsQuery("", "")); err == nil {
				t.Errorf("base %q accepted", base)
			}
		}
		c := &regrep.Client{BaseURL: "https://query.cs.acc.oots.tech.ec.europa.eu/eb/"}
		got, err := c.URL(regrep.RequirementsQuery("", ""))
		if err != nil || got != "https://query.cs.acc.oots.tech.ec.europa.eu/eb/rest/search?queryId=urn%3Afdc%3Aoots%3Aeb%3Aebxml-regrep%3Aqueries%3Arequirements-by-procedure-and-jurisdiction" {
			t.Errorf("got %q, %v", got, err)
		}
	}
}

func TestQueriesLeaveOutEmptyParameters(t *testing.T) {
	q := regrep.RequirementsQuery("", "FR")
	if len(q.Params) != 1 || q.Get(regrep.ParamCountryCode) != "FR" || q.Get(regrep.ParamProcedureID) != "" {
		t.Errorf("got %+v", q)
	}
	d := regrep.DataServicesQuery("c", "FI", regrep.Param{Name: regrep.ParamJurisdictionAdminL2, Value: "FI1B"})
	if d.Encode() != "queryId="+strings.ReplaceAll(regrep.QueryDataServices, ":", "%3A")+"&evidence-type-classification=c&country-code=FI&jurisdiction-admin-l2=FI1B" {
		t.Errorf("encoded %s", d.Encode())
	}
	if s := d.String(); s != "dataservices-by-evidencetype-and-jurisdiction(evidence-type-classification=c, country-code=FI, jurisdiction-admin-l2=FI1B)" {
		t.Errorf("String %q", s)
	}
}

func TestParseResponseRefusals(t *testing.T) {
	cases := map[string]string{
		"no status":  `<q:QueryResponse xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"/>`,
		"bad status": `<q:QueryResponse xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" status="Done"/>`,
		"DTD":        `<!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><q:QueryResponse xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" status="x"/>`,
		"not XML":    `{"status": "Success"}`,
	}
	for name, doc := range cases {
		if _, err := regrep.ParseResponse(context.Background(), []byte(doc), regrepLimits); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestSharedSamples reads the acceptance-environment captures of the shared
// corpus through the test server.
func TestSharedSamples(t *testing.T) {
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared corpus not found (set OOTS_SPEC)")
	}
	srv := newServer(t, regreptest.SampleRoutes(spec))
	c := &regrep.Client{BaseURL: srv.URL}
	ctx := context.Background()

	reqs, err := c.Search(ctx, regrep.RequirementsQuery("00", "FR"))
	if err != nil || strings.Join(reqs.RequirementIDs(), " ") != regreptest.SampleRequirement {
		t.Fatalf("requirements of 00 in FR: %v, %v", reqs.RequirementIDs(), err)
	}
	types, err := c.Search(ctx, regrep.EvidenceTypesQuery(regreptest.SampleRequirement, "FI"))
	if err != nil || strings.Join(types.EvidenceTypeClassifications(), " ") != regreptest.SampleEvidenceTypeFI {
		t.Fatalf("evidence types: %v, %v", types.EvidenceTypeClassifications(), err)
	}
	ds, err := c.Search(ctx, regrep.DataServicesQuery(regreptest.SampleEvidenceTypeFI, "FI"))
	if err != nil || ds.Objects != 1 || http.Header(ds.Header).Get("Oots-Response-Sig") == "" {
		t.Fatalf("data services: %+v, %v", ds, err)
	}
	_, err = c.Search(ctx, regrep.DataServicesQuery(regreptest.SampleEvidenceTypeFI, "FR"))
	var qe *regrep.QueryError
	if !errors.As(err, &qe) || qe.Response.Exceptions[0].Code != "DSD:ERR:0001" || qe.Response.Exceptions[0].Detail != "DS_NOT_FOUND" {
		t.Fatalf("want DSD:ERR:0001, got %v", err)
	}
	all, err := c.Search(ctx, regrep.RequirementsQuery("", ""))
	if err != nil || len(all.RequirementIDs()) < 10 {
		t.Fatalf("catalogue: %d requirements, %v", len(all.RequirementIDs()), err)
	}
}

// BenchmarkSearchCatalogue fetches and parses the whole acceptance-environment
// requirements catalogue (0.6 MiB, 53 requirements) from a local server.
func BenchmarkSearchCatalogue(b *testing.B) {
	spec, ok := conformance.SpecDir()
	if !ok {
		b.Skip("shared corpus not found (set OOTS_SPEC)")
	}
	srv, err := regreptest.NewServer(regreptest.SampleRoutes(spec))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c := &regrep.Client{BaseURL: srv.URL}
	q := regrep.RequirementsQuery("", "")
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Search(context.Background(), q)
		if err != nil || len(resp.RequirementIDs()) != 53 {
			b.Fatal(err)
		}
	}
}
