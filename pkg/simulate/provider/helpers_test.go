package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/crosscheck"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

const (
	previewBase = "https://127.0.0.1:8443/preview/"
	classPrefix = "https://sr.oots.tech.europa.eu/evidencetypeclassifications/"
	// Evidence types of the example dataset (examples/catalog identifiers).
	typeBirthDE     = classPrefix + "DE/0e000000-0000-4000-8000-000000000102"
	typePrintoutDE  = classPrefix + "DE/0e000000-0000-4000-8000-000000000103"
	typeResidenceDE = classPrefix + "DE/0e000000-0000-4000-8000-000000000111"
	typeEducationDE = classPrefix + "DE/0e000000-0000-4000-8000-000000000115"
	typeBirthFR     = classPrefix + "FR/0e000000-0000-4000-8000-000000000101"
	typeAddressFR   = classPrefix + "FR/0e000000-0000-4000-8000-000000000110"
	typeEducationFR = classPrefix + "FR/0e000000-0000-4000-8000-000000000114"
	typeResidencePT = classPrefix + "PT/0e000000-0000-4000-8000-000000000113"
)

var (
	validatorOnce sync.Once
	sharedV       *validate.Validator
)

// testValidator is one validator for every test, as a node shares one.
func testValidator(t testing.TB) *validate.Validator {
	t.Helper()
	validatorOnce.Do(func() {
		rs, err := validate.Embedded(context.Background())
		if err != nil {
			panic(err)
		}
		sharedV = validate.New(rs, validate.Options{})
	})
	return sharedV
}

func exampleDataset(t testing.TB) *Dataset {
	t.Helper()
	d, err := LoadDataset(ExampleDataset)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newProvider is a provider on the example dataset, unless cfg has one.
func newProvider(t testing.TB, cfg Config) *Provider {
	t.Helper()
	if cfg.Dataset == nil {
		cfg.Dataset = exampleDataset(t)
	}
	if cfg.PreviewBaseURL == "" {
		cfg.PreviewBaseURL = previewBase
	}
	cfg.Validator = testValidator(t)
	cfg.Agent = edm.Agent{Identifier: "SIM-PROVIDER-1", Scheme: "0204", Names: []edm.Text{{Lang: "EN", Text: "Simulated provider"}}}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Subjects of the example dataset, as a requester names them.
func erika() *edm.NaturalPerson {
	return &edm.NaturalPerson{LevelOfAssurance: "High", Identifier: "PT/DE/EX0000001",
		FamilyName: "Muster", GivenName: "Erika", DateOfBirth: "1980-01-31"}
}

func jean() *edm.NaturalPerson {
	return &edm.NaturalPerson{LevelOfAssurance: "High", Identifier: "DE/FR/EX0000002",
		FamilyName: "Exemple", GivenName: "Jean", DateOfBirth: "1975-06-14"}
}

func joao() *edm.NaturalPerson {
	return &edm.NaturalPerson{LevelOfAssurance: "High", Identifier: "ES/PT/EX0000004",
		FamilyName: "Exemplo", GivenName: "João", DateOfBirth: "1988-03-09"}
}

func company() *edm.LegalPerson {
	return &edm.LegalPerson{LevelOfAssurance: "High", Identifier: "PT/DE/EXHRB0000006", LegalName: "Beispielhandel GmbH (example)"}
}

func portal() *edm.Agent {
	return &edm.Agent{Identifier: "PT999000011", Scheme: "9946", Classification: "ER",
		Names: []edm.Text{{Lang: "EN", Text: "Example Procedure Portal of Portugal"}}}
}

// request is an evidence request for a natural person (pdf, preview
// possible); edits adjust it before it is built.
func request(person *edm.NaturalPerson, class string, edits ...func(*edm.Request)) *edm.Request {
	r := &edm.Request{
		Procedure:             "R1",
		PossibilityForPreview: true,
		ExplicitRequestGiven:  true,
		Requirements: []edm.Requirement{{Identifier: "https://sr.oots.tech.europa.eu/requirements/0e000000-0000-4000-8000-000000000001",
			Names: []edm.Text{{Lang: "EN", Text: "Proof of birth (example)"}}}},
		Requester: portal(),
		Provider: &edm.Agent{Identifier: "DE-EXAMPLE-REG-1", Scheme: "0204",
			Names: []edm.Text{{Lang: "EN", Text: "Example registry office"}}},
		NaturalPerson: person,
		EvidenceType: &edm.EvidenceType{Identifier: "2af27699-f131-4411-8fdb-9e8cd4e8bded", Classification: class,
			Titles:        []edm.Text{{Lang: "EN", Text: "Example evidence"}},
			DistributedAs: &edm.Distribution{Format: "application/pdf"}},
	}
	for _, e := range edits {
		e(r)
	}
	return r
}

func forCompany(r *edm.Request) {
	r.NaturalPerson = nil
	r.LegalPerson = company()
}

func noPreview(r *edm.Request) { r.PossibilityForPreview = false }

func at(location string) func(*edm.Request) {
	return func(r *edm.Request) { r.PreviewLocation = location }
}

func build(t testing.TB, r *edm.Request) []byte {
	t.Helper()
	data, err := r.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// answer sends a request and checks the reply: valid under the embedded
// rules, answering the request (cross-checks), and with the expected code.
func answer(t *testing.T, p *Provider, req []byte, wantCode string) *Reply {
	t.Helper()
	reply, err := p.Answer(context.Background(), req)
	if err != nil {
		t.Fatalf("Answer: %v", err)
	}
	checkReply(t, req, reply)
	if reply.ErrorCode != wantCode {
		t.Fatalf("error code %q, want %q\n%s", reply.ErrorCode, wantCode, reply.Message)
	}
	return reply
}

// knownWarnings are cross-check warnings a correct reply may carry: a
// structured evidence answers a request for a PDF with its own format.
var knownWarnings = map[string]bool{crosscheck.RuleDistribution: true}

func checkReply(t *testing.T, req []byte, reply *Reply) {
	t.Helper()
	ctx := context.Background()
	res := testValidator(t).Validate(ctx, "reply", reply.Message)
	for _, f := range res.Findings {
		if f.Severity == report.SeverityError {
			t.Errorf("reply: %s %s %s (line %d)", f.Rule, f.Layer, f.Message, f.Line)
		}
	}
	reqDoc, err := xmldoc.Parse(ctx, req, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	respDoc, err := xmldoc.Parse(ctx, reply.Message, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range crosscheck.Check(reqDoc, respDoc) {
		if f.Severity != report.SeverityInfo && !knownWarnings[f.Rule] {
			t.Errorf("cross-check: %s %s %s", f.Severity, f.Rule, f.Message)
		}
	}
	if t.Failed() {
		t.Fatalf("reply:\n%s", reply.Message)
	}
	code := exceptionCode(reply.Message)
	if code != reply.ErrorCode {
		t.Fatalf("Reply.ErrorCode %q but the message's exception code is %q", reply.ErrorCode, code)
	}
	for _, a := range reply.Attachments {
		if !strings.Contains(string(reply.Message), `"`+a.Ref()+`"`) {
			t.Errorf("attachment %s is not referenced by the message", a.Ref())
		}
	}
}

var (
	codeAttr     = regexp.MustCompile(`code="([^"]+)"`)
	detailAttr   = regexp.MustCompile(`detail="([^"]*)"`)
	locationSlot = regexp.MustCompile(`(?s)name="PreviewLocation">.*?<rim:Value>([^<]+)</rim:Value>`)
	nonceField   = regexp.MustCompile(`name="nonce" value="([^"]+)"`)
)

func exceptionCode(msg []byte) string {
	if m := codeAttr.FindSubmatch(msg); m != nil {
		return string(m[1])
	}
	return ""
}

func detail(msg []byte) string {
	if m := detailAttr.FindSubmatch(msg); m != nil {
		return string(m[1])
	}
	return ""
}

// previewLocation is the PreviewLocation of an EDM:ERR:0002 reply.
func previewLocation(t *testing.T, reply *Reply) string {
	t.Helper()
	m := locationSlot.FindSubmatch(reply.Message)
	if m == nil {
		t.Fatalf("no PreviewLocation in\n%s", reply.Message)
	}
	return string(m[1])
}

// browser drives the preview pages as the user's browser would, through
// the provider's handler.
type browser struct {
	t *testing.T
	h http.Handler
}

func (b browser) do(method, location string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	u, err := url.Parse(location)
	if err != nil {
		b.t.Fatal(err)
	}
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, u.Path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, u.Path, nil)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec
}

// open fetches the page and returns it with its form nonce.
func (b browser) open(location string) (string, string) {
	b.t.Helper()
	rec := b.do(http.MethodGet, location, nil)
	if rec.Code != http.StatusOK {
		b.t.Fatalf("GET %s: %d %s", location, rec.Code, rec.Body)
	}
	page := rec.Body.String()
	m := nonceField.FindStringSubmatch(page)
	if m == nil {
		return page, ""
	}
	return page, m[1]
}

// submit opens the page and posts the form with the given fields.
func (b browser) submit(location string, fields map[string]string) *httptest.ResponseRecorder {
	b.t.Helper()
	_, nonce := b.open(location)
	form := url.Values{"nonce": {nonce}}
	for k, v := range fields {
		form.Set(k, v)
	}
	return b.do(http.MethodPost, location, form)
}

func pageState(page string) string {
	m := regexp.MustCompile(`data-state="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

// clock is a settable clock, for preview deadlines without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Add(time.Minute)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
