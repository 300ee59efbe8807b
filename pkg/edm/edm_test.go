package edm

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/crosscheck"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// builder is what the three message types share.
type builder interface {
	XML() ([]byte, error)
	Build(ctx context.Context) ([]byte, error)
}

func fromExample(t testing.TB, name string, v builder) builder {
	t.Helper()
	if err := Decode(readExample(t, filepath.Join("build", name)), v); err != nil {
		t.Fatal(err)
	}
	return v
}

// examples are the example descriptions and the message kind each builds.
var examples = []struct {
	file string
	kind validate.Kind
	new  func() builder
}{
	{"request.yaml", validate.EvidenceRequest, func() builder { return &Request{} }},
	{"response.yaml", validate.EvidenceResponse, func() builder { return &Response{} }},
	{"error-preview.yaml", validate.EvidenceError, func() builder { return &ErrorResponse{} }},
}

// officialKnown are official rules that no correct message can pass.
// R-EDM-ERR-C022 as published compares the PreviewLocation slot (a URL)
// with a number, which XPath 2.0 cannot evaluate: every preview error
// response fails it (examples/README.md, evidence-error-preview.xml).
var officialKnown = map[string]bool{"R-EDM-ERR-C022": true}

// noFindings fails the test for every error or warning finding; info
// findings (optional slots absent) are allowed, as for examples/messages.
func noFindings(t *testing.T, name string, res report.FileResult, known map[string]bool) {
	t.Helper()
	for _, f := range res.Findings {
		if f.Severity == report.SeverityInfo || known[f.Rule] {
			continue
		}
		t.Errorf("%s: %s %s %s (%s line %d)", name, f.Severity, f.Rule, f.Message, f.Layer, f.Line)
	}
}

func ruleSets(t *testing.T) map[string]*validate.RuleSet {
	t.Helper()
	ctx := context.Background()
	rs, err := validate.Embedded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string]*validate.RuleSet{"embedded": rs}
	if spec, ok := conformance.SpecDir(); ok {
		official, err := validate.LoadOfficial(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		sets["official"] = official
	} else {
		t.Log("shared corpus not found: checking with the embedded rules only")
	}
	return sets
}

func TestBuildExamples(t *testing.T) {
	sets := ruleSets(t)
	for _, ex := range examples {
		t.Run(ex.file, func(t *testing.T) {
			data, err := fromExample(t, ex.file, ex.new()).Build(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for name, rs := range sets {
				res := validate.New(rs, validate.Options{}).Validate(context.Background(), ex.file, data)
				if res.Kind != string(ex.kind) {
					t.Errorf("%s: kind %s, want %s", name, res.Kind, ex.kind)
				}
				known := map[string]bool(nil)
				if name == "official" {
					known = officialKnown
				}
				noFindings(t, name, res, known)
			}
		})
	}
}

// The example descriptions give every id and time: the output is the same
// bytes every time, and repeats what the description says.
func TestBuildDeterministic(t *testing.T) {
	for _, ex := range examples {
		a, err := fromExample(t, ex.file, ex.new()).XML()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := fromExample(t, ex.file, ex.new()).XML()
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two builds differ", ex.file)
		}
	}
	req, _ := fromExample(t, "request.yaml", &Request{}).XML()
	for _, want := range []string{
		`id="urn:uuid:413d7852-a924-4605-bbc7-ffeec594e72a"`,
		`<rim:Value>2025-03-14T09:26:53Z</rim:Value>`,
		`<rim:LocalizedString xml:lang="EN" value="R1"/>`,
		`schemeID="urn:cef.eu:names:identifier:EAS:9946">PT999000011<`,
	} {
		if !strings.Contains(string(req), want) {
			t.Errorf("request lacks %s", want)
		}
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Left out, ids and times are generated: UUID v4 and the current time.
func TestBuildFreshIDs(t *testing.T) {
	r := fromExample(t, "request.yaml", &Request{}).(*Request)
	r.ID, r.IssueDateTime = "", time.Time{}
	before := time.Now().Add(-time.Second)
	if _, err := r.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.ID, "urn:uuid:") || !uuidRE.MatchString(strings.TrimPrefix(r.ID, "urn:uuid:")) {
		t.Errorf("id %q is not a urn:uuid v4", r.ID)
	}
	if r.IssueDateTime.Before(before) {
		t.Errorf("IssueDateTime %v is not now", r.IssueDateTime)
	}
	seen := map[string]bool{}
	for range 1000 {
		u := NewUUID()
		if !uuidRE.MatchString(u) || seen[u] {
			t.Fatalf("bad or repeated UUID %q", u)
		}
		seen[u] = true
	}
}

func parse(t *testing.T, data []byte) *helium.Document {
	t.Helper()
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// A response started with ResponseFor and completed with the evidences of
// examples/build/response.yaml answers its request: no cross-check finding.
func TestResponseForCrossCheck(t *testing.T) {
	sets := ruleSets(t)
	built, err := fromExample(t, "request.yaml", &Request{}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, reqXML := range map[string][]byte{
		"built request":                     built,
		"messages/evidence-request.xml":     readExample(t, "messages/evidence-request.xml"),
		"messages/evidence-request-preview": readExample(t, "messages/evidence-request-preview.xml"),
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := ResponseFor(reqXML)
			if err != nil {
				t.Fatal(err)
			}
			var desc Response
			fromExample(t, "response.yaml", &desc)
			resp.Evidences = desc.Evidences
			for i := range resp.Evidences {
				resp.Evidences[i].Distribution = nil // take the requested one
			}
			respXML, err := resp.Build(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for set, rs := range sets {
				noFindings(t, set, validate.New(rs, validate.Options{}).Validate(context.Background(), name, respXML), nil)
			}
			crossCheck(t, reqXML, respXML)
		})
	}
}

func crossCheck(t *testing.T, reqXML, respXML []byte) {
	t.Helper()
	for _, f := range crosscheck.Check(parse(t, reqXML), parse(t, respXML)) {
		t.Errorf("cross check: %s %s %s", f.Severity, f.Rule, f.Message)
	}
}

// ErrorResponseFor answers a request with each EDM error code; the preview
// error only where the request allows a preview (OOTS-X-007).
func TestErrorResponseFor(t *testing.T) {
	sets := ruleSets(t)
	reqXML := readExample(t, "messages/evidence-request-preview.xml")
	for _, c := range ErrorCodes {
		t.Run(c.Code, func(t *testing.T) {
			r, err := ErrorResponseFor(reqXML)
			if err != nil {
				t.Fatal(err)
			}
			r.Exception = Exception{Code: c.Code, Detail: "Example detail & <escaped> \"text\"."}
			if c.Code == CodePreview {
				r.Exception.PreviewLocation = "https://preview.example/oots?a=1&b=2"
				r.Exception.PreviewDescription = []Text{{Lang: "EN", Text: "Check & approve."}}
			}
			data, err := r.Build(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for name, rs := range sets {
				known := map[string]bool(nil)
				if name == "official" {
					known = officialKnown
				}
				noFindings(t, name, validate.New(rs, validate.Options{}).Validate(context.Background(), c.Code, data), known)
			}
			crossCheck(t, reqXML, data)
		})
	}
}

// An invalid description fails with the rule ids, and no message comes back.
func TestBuildInvalid(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(r *Request)
		rules []string
	}{
		{"unknown procedure", func(r *Request) { r.Procedure = "Z9" }, []string{"R-EDM-REQ-C003", "OOTS-CL-011"}},
		{"missing provider", func(r *Request) { r.Provider = nil }, []string{"R-EDM-REQ-S013"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := fromExample(t, "request.yaml", &Request{}).(*Request)
			tc.edit(r)
			data, err := r.Build(context.Background())
			var invalid *InvalidError
			if !errors.As(err, &invalid) || data != nil {
				t.Fatalf("Build = %d bytes, %v; want no message and an *InvalidError", len(data), err)
			}
			for _, id := range tc.rules {
				if !strings.Contains(err.Error(), id) {
					t.Errorf("error does not name %s:\n%v", id, err)
				}
			}
		})
	}
}

func TestErrorInvalidCode(t *testing.T) {
	r := fromExample(t, "error-preview.yaml", &ErrorResponse{}).(*ErrorResponse)
	r.Exception.Code = "EDM:ERR:0099"
	if _, err := r.Build(context.Background()); err == nil || !strings.Contains(err.Error(), "EDM:ERR:0099") {
		t.Errorf("unknown error code: %v", err)
	}
}

func TestDecodeRefusesUnknownKeys(t *testing.T) {
	err := Decode([]byte("procedure: R1\nprocedur: R2\n"), &Request{})
	if err == nil || !strings.Contains(err.Error(), "procedur") {
		t.Errorf("Decode: %v, want an unknown-field error", err)
	}
}

// JSON descriptions work too (JSON is YAML), with times as strings.
func TestDecodeJSON(t *testing.T) {
	var r ErrorResponse
	err := Decode([]byte(`{"requestId": "urn:uuid:1", "exception": {"code": "EDM:ERR:0005", "timestamp": "2025-03-17T14:02:13Z"}}`), &r)
	if err != nil {
		t.Fatal(err)
	}
	if r.Exception.Code != "EDM:ERR:0005" || r.Exception.Timestamp.Year() != 2025 {
		t.Errorf("decoded %+v", r)
	}
}

// Text from the description is escaped, and ReadRequest reads it back.
func TestEscaping(t *testing.T) {
	r := fromExample(t, "request.yaml", &Request{}).(*Request)
	name := `Müller & Söhne <"Example"> 'Portal'`
	r.Requester.Names = []Text{{Lang: "EN", Text: name}}
	data, err := r.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	info, err := ReadRequest(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Requester.Names[0].Text; got != name {
		t.Errorf("requester name read back as %q, want %q", got, name)
	}
}

func TestReadRequestRefusesOtherDocuments(t *testing.T) {
	if _, err := ResponseFor(readExample(t, "messages/evidence-response.xml")); err == nil {
		t.Error("ResponseFor accepted a response as its request")
	}
	if _, err := ResponseFor([]byte("<a>")); err == nil {
		t.Error("ResponseFor accepted a broken document")
	}
}

// Builders share only the cached rule set: safe in parallel.
func TestBuildConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := fromExample(t, "response.yaml", &Response{}).Build(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestResponseNeedsEvidence(t *testing.T) {
	r := fromExample(t, "response.yaml", &Response{}).(*Response)
	r.Evidences[0].Ref = ""
	if _, err := r.Build(context.Background()); err == nil || !strings.Contains(err.Error(), "no ref") {
		t.Errorf("evidence without ref: %v", err)
	}
	r.Evidences = nil
	if _, err := r.Build(context.Background()); err == nil || !strings.Contains(err.Error(), "EDM:ERR:0004") {
		t.Errorf("response without evidence: %v", err)
	}
}

// The second request, sent after the user previewed the evidence: a legal
// person with an authorized representative, PreviewLocation set.
const secondRequest = `
procedure: X1
possibilityForPreview: true
explicitRequestGiven: true
previewLocation: https://preview.company-register.example/oots/preview?session=7f318923-1903-41e6-86bd-522517f16571
requirements:
  - id: https://sr.oots.tech.europa.eu/requirements/6c518f17-4ab5-4ed0-8fcd-2751b23548f4
    names: [{lang: EN, text: Proof of company registration (example requirement)}]
requester:
  id: PT999000011
  scheme: "9946"
  names: [{lang: EN, text: Example Procedure Portal of Portugal}]
  address: {fullAddress: "Rua do Exemplo 12, 1000-001 Lisboa, Portugal", adminUnitLevel1: PT, adminUnitLevel2: PT170}
  classification: ER
provider:
  id: AT:EXAMPLE:FBG-0007
  scheme: "9915"
  names: [{lang: EN, text: Example Company Register of Austria}]
legalPerson:
  levelOfAssurance: Substantial
  id: AT/PT/EXFN90210
  legalName: Beispiel Handels GmbH (example company)
  registeredAddress: {fullAddress: "Probegasse 3, 1020 Wien, Austria", postCode: "1020", adminUnitLevel1: AT}
authorizedRepresentative:
  levelOfAssurance: Substantial
  id: AT/PT/EX0815007
  familyName: Mustermann
  givenName: Erika
  dateOfBirth: "1978-11-02"
evidenceType:
  id: df8c123e-87bd-469a-aa3e-08219f6ca9d6
  classification: https://sr.oots.tech.europa.eu/evidencetypeclassifications/AT/c2f40e94-7d40-4de4-a3d3-1be3ddcbb629
  titles: [{lang: EN, text: Company register extract (example evidence type)}]
  distributedAs:
    format: application/xml
    conformsTo: https://sr.oots.tech.europa.eu/distributions/example-company-register-extract-1.0.0
`

func TestBuildSecondRequestLegalPerson(t *testing.T) {
	sets := ruleSets(t)
	var r Request
	if err := Decode([]byte(secondRequest), &r); err != nil {
		t.Fatal(err)
	}
	data, err := r.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<rim:Slot name="PreviewLocation">`, `<sdg:LegalPersonIdentifier schemeID="eidas">AT/PT/EXFN90210<`, `<rim:Slot name="AuthorizedRepresentative">`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("request lacks %s", want)
		}
	}
	for name, rs := range sets {
		res := validate.New(rs, validate.Options{}).Validate(context.Background(), "second", data)
		noFindings(t, name, res, nil)
		for _, f := range res.Findings {
			if f.Rule == "R-EDM-REQ-S008" {
				t.Errorf("%s: R-EDM-REQ-S008 (no PreviewLocation) on a request that has one", name)
			}
		}
	}
	// The answer, an XML evidence about the company, conforms to the
	// requested data model (sdg:ConformsTo repeated from the request).
	resp, err := ResponseFor(data)
	if err != nil {
		t.Fatal(err)
	}
	resp.Evidences = []Evidence{{IssuingDate: "2025-03-17", Ref: "cid:extract0001@register.example",
		ValidityPeriod: &Period{StartDate: "2025-03-17", EndDate: "2025-06-17"}}}
	respXML, err := resp.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(respXML), "<sdg:ConformsTo>https://sr.oots.tech.europa.eu/distributions/example-company-register-extract-1.0.0</sdg:ConformsTo>") {
		t.Error("the response does not repeat sdg:ConformsTo")
	}
	if !strings.Contains(string(respXML), "<sdg:EndDate>2025-06-17</sdg:EndDate>") {
		t.Error("the response lacks the validity period")
	}
	for name, rs := range sets {
		noFindings(t, name, validate.New(rs, validate.Options{}).Validate(context.Background(), "answer", respXML), nil)
	}
	crossCheck(t, data, respXML)
}

var (
	commentRE = regexp.MustCompile(`(?s)<!--.*?-->`)
	spaceRE   = regexp.MustCompile(`\s+`)
)

// canonical drops comments and layout, so a built message and a hand-written
// one compare by content and order only.
func canonical(data []byte) string {
	s := commentRE.ReplaceAllString(string(data), "")
	s = spaceRE.ReplaceAllString(s, " ")
	return strings.ReplaceAll(s, "> <", "><")
}

// The example descriptions describe the example messages: built, they are
// those messages, element for element (comments and line breaks aside).
func TestBuildMatchesExampleMessages(t *testing.T) {
	for file, message := range map[string]string{
		"request.yaml":       "evidence-request.xml",
		"response.yaml":      "evidence-response.xml",
		"error-preview.yaml": "evidence-error-preview.xml",
	} {
		var b builder
		for _, ex := range examples {
			if ex.file == file {
				b = fromExample(t, file, ex.new())
			}
		}
		built, err := b.Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got, want := canonical(built), canonical(readExample(t, filepath.Join("messages", message)))
		// Go writes a zero offset as Z; the hand-written error uses +00:00.
		want = strings.ReplaceAll(want, "+00:00<", "Z<")
		if got != want {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s differs from messages/%s at byte %d:\n got: %.200s\nwant: %.200s", file, message, i, got[i:], want[i:])
		}
	}
}

// Attribute values keep tabs and line breaks (a parser would normalise raw
// ones to spaces), and characters XML cannot carry never break the document.
func TestEscapeRoundTrip(t *testing.T) {
	value := "a\tb\nc\r\"d\" 'e' <f> & g"
	root := el("query:QueryRequest", textEl("rim:Value", value+"\x01")).Attr("id", value)
	doc := parse(t, document(root))
	got, _ := doc.DocumentElement().GetAttribute("id")
	if got != value {
		t.Errorf("attribute read back as %q, want %q", got, value)
	}
	v := child(doc.DocumentElement(), nsRIM, "Value", false)
	if want := value + "\uFFFD"; string(v.Content()) != want {
		t.Errorf("text read back as %q, want %q", v.Content(), want)
	}
}

// Answer keeps what a description gives, whole, and takes the rest from the
// request; the requestId is always the request's.
func TestAnswerKeepsDescription(t *testing.T) {
	info, err := ReadRequest(readExample(t, "messages/evidence-request-preview.xml")) // a legal person
	if err != nil {
		t.Fatal(err)
	}
	r := fromExample(t, "response.yaml", &Response{}).(*Response) // a natural person, another requestId
	r.Answer(info)
	if r.RequestID != "urn:uuid:963d57d5-dbf2-478b-a3d5-33656ac6c05b" {
		t.Errorf("requestId %s", r.RequestID)
	}
	if r.Subject.LegalPerson != nil || r.Subject.NaturalPerson == nil {
		t.Errorf("subject merged with the request's: %+v", r.Subject)
	}
	var bare Response
	bare.Answer(info)
	if bare.Subject.LegalPerson == nil || bare.Provider.Classification != "EP" || bare.Requester.Address != nil {
		t.Errorf("answer without description: %+v", bare)
	}
	if info.Provider.Classification != "" {
		t.Error("Answer changed the request's provider")
	}
}
