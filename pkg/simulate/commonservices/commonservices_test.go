package commonservices_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	catalogexample "github.com/oots-tools/oots/examples/catalog"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/simulate/commonservices"
	"github.com/oots-tools/oots/pkg/validate"
)

const (
	sr        = "https://sr.oots.tech.europa.eu"
	reqBirth  = sr + "/requirements/0e000000-0000-4000-8000-000000000001"
	etFRBirth = sr + "/evidencetypeclassifications/FR/0e000000-0000-4000-8000-000000000101"
	etDEBirth = sr + "/evidencetypeclassifications/DE/0e000000-0000-4000-8000-000000000102"
	etESBirth = sr + "/evidencetypeclassifications/ES/0e000000-0000-4000-8000-000000000104"
	conceptES = "0e000000-0000-4000-8000-000000000201"
)

func example(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalogexample.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// env is a simulated EB and DSD on one test server (EB under /eb, DSD
// under /dsd), signing with a test identity, and clients that trust it.
type env struct {
	srv   *httptest.Server
	roots []*x509.Certificate
	id    *pki.Identity
	eb    *regrep.Client
	dsd   *regrep.Client
}

func newEnv(t testing.TB, c *catalog.Catalog, alg pki.Algorithm, tls bool) *env {
	t.Helper()
	ca := pkitest.New(t)
	id := ca.Identity(t, alg)
	cfg := commonservices.Config{Catalog: c, Identity: id}
	mux := http.NewServeMux()
	mux.Handle("/eb/", commonservices.NewEB(cfg))
	mux.Handle("/dsd/", commonservices.NewDSD(cfg))
	srv := httptest.NewUnstartedServer(mux)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	e := &env{srv: srv, roots: []*x509.Certificate{ca.Root}, id: id}
	verify := func(h http.Header, body []byte) error {
		_, err := jades.VerifyCSResponse(h, body, jades.VerifyOptions{Roots: e.roots})
		return err
	}
	e.eb = &regrep.Client{BaseURL: srv.URL + "/eb", HTTP: srv.Client(), Verify: verify}
	e.dsd = &regrep.Client{BaseURL: srv.URL + "/dsd", HTTP: srv.Client(), Verify: verify}
	return e
}

// search sends q and returns the response, Failure answers included, with
// their error code ("" for Success).
func search(t testing.TB, c *regrep.Client, q regrep.Query) (*regrep.Response, string) {
	t.Helper()
	resp, err := c.Search(context.Background(), q)
	var qe *regrep.QueryError
	switch {
	case errors.As(err, &qe):
		return qe.Response, qe.Response.Exceptions[0].Code
	case err != nil:
		t.Fatalf("%s: %v", q, err)
	}
	return resp, ""
}

func validator(t testing.TB) *validate.Validator {
	t.Helper()
	rules, err := validate.Embedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return validate.New(rules, validate.Options{})
}

func TestAnswersAreSignedValidAndCoded(t *testing.T) {
	e := newEnv(t, example(t), pki.P256, true)
	v := validator(t)
	unknown := regrep.Query{ID: "urn:fdc:oots:eb:ebxml-regrep:queries:no-such-query"}
	cases := []struct {
		name   string
		client *regrep.Client
		q      regrep.Query
		code   string
	}{
		{"requirements", e.eb, regrep.RequirementsQuery("R1", "FR"), ""},
		{"whole requirements catalogue", e.eb, regrep.RequirementsQuery("", ""), ""},
		{"no requirement", e.eb, regrep.RequirementsQuery("R1", "LU"), catalog.EBErrEmpty},
		{"unknown procedure", e.eb, regrep.RequirementsQuery("Z9", "FR"), catalog.EBErrProcedure},
		{"evidence types", e.eb, regrep.EvidenceTypesQuery(reqBirth, "ES"), ""},
		{"evidence types without country", e.eb, regrep.EvidenceTypesQuery(reqBirth, ""), catalog.EBErrParameters},
		{"unknown requirement", e.eb, regrep.EvidenceTypesQuery(reqBirth+"9", "ES"), catalog.EBErrRequirement},
		{"region of another country", e.eb, withParam(regrep.EvidenceTypesQuery(reqBirth, "AT"), regrep.ParamJurisdictionAdminL2, "DE3"), catalog.EBErrJurisdiction},
		{"Vienna", e.eb, withParam(regrep.EvidenceTypesQuery(reqBirth, "AT"), regrep.ParamJurisdictionAdminL2, "AT13"), ""},
		{"unknown parameter", e.eb, withParam(regrep.RequirementsQuery("R1", "FR"), "colour", "blue"), catalog.EBErrParameters},
		{"unknown query at the EB", e.eb, unknown, catalog.EBErrQuery},
		{"DSD query at the EB", e.eb, regrep.DataServicesQuery(etFRBirth, "FR"), catalog.EBErrQuery},
		{"data services", e.dsd, regrep.DataServicesQuery(etFRBirth, "FR"), ""},
		{"place asked", e.dsd, regrep.DataServicesQuery(etDEBirth, "DE"), catalog.ErrCodeAdditionalData},
		{"place given", e.dsd, regrep.DataServicesQuery(etDEBirth, "DE", regrep.Param{Name: regrep.ParamJurisdictionAdminL2, Value: "DE6"}), ""},
		{"attribute asked", e.dsd, regrep.DataServicesQuery(etESBirth, "ES"), catalog.ErrCodeAdditionalData},
		{"attribute given", e.dsd, regrep.DataServicesQuery(etESBirth, "ES", regrep.Param{Name: conceptES, Value: "Municipal"}), ""},
		{"attribute value unknown", e.dsd, regrep.DataServicesQuery(etESBirth, "ES", regrep.Param{Name: conceptES, Value: "Lunar"}), catalog.DSDErrValue},
		{"no provider", e.dsd, regrep.DataServicesQuery(etFRBirth, "DE"), catalog.ErrCodeNoService},
		{"classification missing", e.dsd, regrep.DataServicesQuery("", "FR"), catalog.DSDErrParameters},
		{"unknown query at the DSD", e.dsd, unknown, catalog.DSDErrQuery},
	}
	for _, tc := range cases {
		resp, code := search(t, tc.client, tc.q)
		if code != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, code, tc.code)
		}
		if resp.HTTPStatus != http.StatusOK || resp.Header == nil || http.Header(resp.Header).Get("Content-Type") != regrep.ContentType {
			t.Errorf("%s: HTTP %d, headers %v", tc.name, resp.HTTPStatus, resp.Header)
		}
		if res := v.Validate(context.Background(), tc.name, resp.Body); !res.Valid {
			t.Errorf("%s: invalid answer: %+v\n%s", tc.name, res.Findings, resp.Body)
		}
	}
}

func withParam(q regrep.Query, name, value string) regrep.Query {
	q.Params = append(q.Params, regrep.Param{Name: name, Value: value})
	return q
}

func TestSignatureNamesTheSignerAndCoversTheBody(t *testing.T) {
	e := newEnv(t, example(t), pki.RSA3072, false)
	resp, _ := search(t, e.eb, regrep.RequirementsQuery("R1", "FR"))
	res, err := jades.VerifyCSResponse(resp.Header, resp.Body, jades.VerifyOptions{Roots: e.roots})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Signer.Equal(e.id.Certificate) || res.Algorithm != "PS256" || res.BodySize != len(resp.Body) {
		t.Errorf("signer %s, algorithm %s, body %d", res.Signer.Subject, res.Algorithm, res.BodySize)
	}
	tampered := append([]byte{}, resp.Body...)
	tampered[len(tampered)-3] ^= 1
	if _, err := jades.VerifyCSResponse(resp.Header, tampered, jades.VerifyOptions{Roots: e.roots}); err == nil {
		t.Error("a changed body still verifies")
	}
	// Another trust anchor refuses the answers.
	other := pkitest.New(t)
	e.roots = []*x509.Certificate{other.Root}
	var se *regrep.SignatureError
	if _, err := e.eb.Search(context.Background(), regrep.RequirementsQuery("R1", "FR")); !errors.As(err, &se) {
		t.Errorf("answer signed under another root: %v", err)
	}
}

func TestUnsignedWithoutIdentity(t *testing.T) {
	h := commonservices.NewEB(commonservices.Config{Catalog: example(t)})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/rest/search?"+regrep.RequirementsQuery("R1", "FR").Encode(), nil))
	if rec.Code != http.StatusOK || rec.Header().Get(jades.SignatureHeader) != "" || !strings.Contains(rec.Body.String(), "Success") {
		t.Errorf("HTTP %d %v", rec.Code, rec.Header())
	}
}

func TestAcceptVersion(t *testing.T) {
	e := newEnv(t, example(t), pki.P256, false)
	for _, tc := range []struct{ version, spec string }{
		{"oots-cs:v2.0", "oots-cs:v2.0"},
		{"oots-cs:v1.0", ""},
	} {
		c := *e.dsd
		c.AcceptVersion = tc.version
		resp, _ := search(t, &c, regrep.DataServicesQuery(etFRBirth, "FR"))
		if resp.SpecificationIdentifier != tc.spec {
			t.Errorf("Accept-Version %s: SpecificationIdentifier %q", tc.version, resp.SpecificationIdentifier)
		}
	}
	// Without the header (the TDD's default), the v1.0 form.
	h := commonservices.NewDSD(commonservices.Config{Catalog: example(t)})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/rest/search?"+regrep.DataServicesQuery(etFRBirth, "FR").Encode(), nil))
	if strings.Contains(rec.Body.String(), "SpecificationIdentifier") {
		t.Errorf("no Accept-Version: v1.0 form expected\n%s", rec.Body)
	}
}

func TestRoutes(t *testing.T) {
	h := commonservices.NewEB(commonservices.Config{Catalog: example(t)})
	for _, tc := range []struct {
		method, target string
		status         int
	}{
		{http.MethodGet, "/healthz", http.StatusOK},
		{http.MethodGet, "/eb/healthz", http.StatusOK},
		{http.MethodGet, "/rest/search", http.StatusOK}, // a Failure answer: no queryId
		{http.MethodHead, "/rest/search?queryId=x", http.StatusOK},
		{http.MethodPost, "/rest/search", http.StatusMethodNotAllowed},
		{http.MethodGet, "/rest/other", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
		if rec.Code != tc.status {
			t.Errorf("%s %s: HTTP %d, want %d", tc.method, tc.target, rec.Code, tc.status)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/rest/search?queryId="+url.QueryEscape(regrep.QueryRequirements)+"&procedure-id=R1&procedure-id=S1", nil))
	if !strings.Contains(rec.Body.String(), `code="EB:ERR:0003"`) || !strings.Contains(rec.Body.String(), "more than once") {
		t.Errorf("repeated parameter:\n%s", rec.Body)
	}
}

// Answers are cached by question and re-signed every second: the same
// question in another parameter order gets the same body, and a later
// second a new signature.
func TestSameQuestionSameAnswer(t *testing.T) {
	now := time.Now().Add(time.Hour).Truncate(time.Second)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ca := pkitest.New(t)
	h := commonservices.NewDSD(commonservices.Config{Catalog: example(t), Identity: ca.Identity(t, pki.P256), Now: clock})
	get := func(query string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/rest/search?"+query, nil))
		return rec
	}
	q := regrep.DataServicesQuery(etESBirth, "ES", regrep.Param{Name: conceptES, Value: "Consular"})
	a := get(q.Encode())
	reordered := regrep.Query{ID: q.ID, Params: []regrep.Param{q.Params[2], q.Params[1], q.Params[0]}}
	b := get(reordered.Encode())
	if a.Body.String() != b.Body.String() || a.Header().Get(jades.SignatureHeader) != b.Header().Get(jades.SignatureHeader) {
		t.Error("the same question within one second got another answer")
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	c := get(q.Encode())
	if c.Body.String() != a.Body.String() || c.Header().Get(jades.SignatureHeader) == a.Header().Get(jades.SignatureHeader) {
		t.Error("a second later the body must be the same and the signature new")
	}
	res, err := jades.VerifyCSResponse(c.Header(), c.Body.Bytes(), jades.VerifyOptions{Roots: []*x509.Certificate{ca.Root}, At: now})
	if err != nil || !res.SignedAt.Equal(now) {
		t.Errorf("signed at %v (%v), want %v", res, err, now)
	}
}

// Many clients at once get verified answers (run with -race to check the
// handlers only read the catalogue).
func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, example(t), pki.P256, false)
	queries := []struct {
		c *regrep.Client
		q regrep.Query
	}{
		{e.eb, regrep.RequirementsQuery("R1", "DE")},
		{e.eb, regrep.EvidenceTypesQuery(reqBirth, "DE")},
		{e.dsd, regrep.DataServicesQuery(etDEBirth, "DE", regrep.Param{Name: regrep.ParamJurisdictionAdminL2, Value: "DE3"})},
		{e.dsd, regrep.DataServicesQuery(etESBirth, "ES")},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := queries[i%len(queries)]
			_, err := q.c.Search(context.Background(), q.q)
			var qe *regrep.QueryError
			if err != nil && !errors.As(err, &qe) {
				errs <- fmt.Errorf("%s: %w", q.q, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestHealthzBody(t *testing.T) {
	e := newEnv(t, example(t), pki.P256, false)
	res, err := e.srv.Client().Get(e.srv.URL + "/dsd/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("HTTP %d %q", res.StatusCode, body)
	}
}
