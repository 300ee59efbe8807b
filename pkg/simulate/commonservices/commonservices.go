// Package commonservices simulates the OOTS Common Services a requester
// questions before it asks for evidence: the Evidence Broker (EB) and the
// Data Service Directory (DSD). Both answer GET …/rest/search?queryId=… as
// the RegRep REST binding says, from a catalogue (pkg/catalog), with HTTP
// 200 for successes and refusals alike and every answer signed as the
// Commission signs them: a digest header over the body and a detached JAdES
// signature over it in oots-response-sig.
package commonservices

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/regrep"
)

// Config is what a simulated Common Service answers from and signs with.
type Config struct {
	// Catalog is the content served. It must not change while the
	// handler serves it (the handlers read it from many goroutines).
	Catalog *catalog.Catalog
	// Identity signs every answer; nil sends answers unsigned (only for
	// testing a requester's refusal of them).
	Identity *pki.Identity
	// Now is the signing time; nil means time.Now.
	Now func() time.Time
}

// NewEB returns the Evidence Broker: the requirements and evidence types
// queries, GET /healthz, and EB:ERR:0007 for any other query id.
func NewEB(cfg Config) http.Handler { return newService(cfg, ebQueries, catalog.EBErrQuery) }

// NewDSD returns the Data Service Directory: the data services query with
// the DSD:ERR:0005 dialogue, GET /healthz, and DSD:ERR:0004 for any other
// query id.
func NewDSD(cfg Config) http.Handler { return newService(cfg, dsdQueries, catalog.DSDErrQuery) }

// query is one stored query: its parameters and how to answer it.
type query struct {
	mandatory []string
	optional  []string
	// extra accepts parameters outside both lists (the DSD's classification
	// concept values, named by concept identifier).
	extra  bool
	answer func(r *catalog.Responder, p params) []byte
}

type params map[string]string

// jurisdiction is the place the user gave: the NUTS code when there is one
// (the catalogue's coverage is by NUTS prefix), else the LAU code.
func (p params) jurisdiction() string {
	if l2 := p[regrep.ParamJurisdictionAdminL2]; l2 != "" {
		return l2
	}
	return p[regrep.ParamJurisdictionAdminL3]
}

var jurisdictionParams = []string{regrep.ParamJurisdictionAdminL2, regrep.ParamJurisdictionAdminL3}

var ebQueries = map[string]query{
	regrep.QueryRequirements: {
		optional: append([]string{regrep.ParamProcedureID, regrep.ParamCountryCode}, jurisdictionParams...),
		answer: func(r *catalog.Responder, p params) []byte {
			return r.Requirements(p[regrep.ParamProcedureID], p[regrep.ParamCountryCode])
		},
	},
	regrep.QueryEvidenceTypes: {
		mandatory: []string{regrep.ParamRequirementID, regrep.ParamCountryCode},
		optional:  jurisdictionParams,
		answer: func(r *catalog.Responder, p params) []byte {
			if !nutsOf(p[regrep.ParamJurisdictionAdminL2], p[regrep.ParamCountryCode]) {
				return r.Exception(catalog.EBErrJurisdiction, regrep.ParamJurisdictionAdminL2+" "+p[regrep.ParamJurisdictionAdminL2]+" is no NUTS code of "+p[regrep.ParamCountryCode])
			}
			return r.EvidenceTypes(p[regrep.ParamRequirementID], p[regrep.ParamCountryCode], p.jurisdiction())
		},
	},
}

// The parameters of the DSD query; any other names a classification
// concept whose value the user gave. The jurisdiction context, the data
// service (evidence-type-id) and the specification are accepted and do not
// narrow the answer.
var (
	dsdMandatory = []string{regrep.ParamEvidenceTypeClassification, regrep.ParamCountryCode}
	dsdOptional  = append([]string{regrep.ParamJurisdictionContextID, regrep.ParamEvidenceTypeID, regrep.ParamSpecification},
		jurisdictionParams...)
)

var dsdQueries = map[string]query{
	regrep.QueryDataServices: {
		mandatory: dsdMandatory,
		optional:  dsdOptional,
		extra:     true,
		answer: func(r *catalog.Responder, p params) []byte {
			attrs := map[string]string{}
			for name, value := range p {
				if !isStandardParam(name) {
					attrs[name] = value
				}
			}
			return r.DataServices(p[regrep.ParamEvidenceTypeClassification], p[regrep.ParamCountryCode], attrs, p.jurisdiction())
		},
	},
}

func isStandardParam(name string) bool {
	return contains(dsdMandatory, name) || contains(dsdOptional, name)
}

// nutsOf tells whether a NUTS code (when given) belongs to the country:
// NUTS codes start with the country's code (EL for Greece).
func nutsOf(code, country string) bool {
	return code == "" || strings.HasPrefix(strings.ToUpper(code), strings.ToUpper(country))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// service is one simulated Common Service.
type service struct {
	queries      map[string]query
	unknownQuery string // error code for a query id the service does not have
	paramsCode   string // error code for parameters that break the specification
	v1, v2       *catalog.Responder
	identity     *pki.Identity
	now          func() time.Time
	cache        *cache
}

func newService(cfg Config, queries map[string]query, unknownQuery string) *service {
	c := cfg.Catalog
	if c == nil {
		c = catalog.New()
	}
	// Any query builds the catalogue's index now, so that concurrent
	// requests only ever read it.
	_ = c.Requirement("")
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	paramsCode := catalog.EBErrParameters
	if unknownQuery == catalog.DSDErrQuery {
		paramsCode = catalog.DSDErrParameters
	}
	return &service{
		queries: queries, unknownQuery: unknownQuery, paramsCode: paramsCode,
		v1:       c.Responder(catalog.ResponseOptions{}),
		v2:       c.Responder(catalog.ResponseOptions{SpecificationIdentifier: catalog.SpecCSv2}),
		identity: cfg.Identity, now: now, cache: newCache(maxCached),
	}
}

// maxCached bounds the answers kept: a load run asks the same few
// questions again and again; a crawl of every question must not grow
// memory without limit.
const maxCached = 4096

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/healthz" || strings.HasSuffix(r.URL.Path, "/healthz"):
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	case strings.HasSuffix(r.URL.Path, "/rest/search"):
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the RegRep REST binding answers GET only", http.StatusMethodNotAllowed)
			return
		}
		s.search(w, r)
	default:
		http.NotFound(w, r)
	}
}

// search answers one query, from the cache when the same question (same
// parameters, same interface version) was answered before.
func (s *service) search(w http.ResponseWriter, r *http.Request) {
	v2 := strings.HasPrefix(strings.TrimSpace(r.Header.Get("Accept-Version")), "oots-cs:v2")
	responder := s.v1
	if v2 {
		responder = s.v2
	}
	values, err := url.ParseQuery(r.URL.RawQuery)
	key := cacheKey(v2, values)
	a := s.cache.get(key)
	if a == nil {
		var body []byte
		if err != nil {
			body = responder.Exception(s.paramsCode, "the query string cannot be read: "+err.Error())
		} else {
			body = s.answer(responder, values)
		}
		a = s.cache.put(key, body)
	}
	header, err := s.sign(a)
	if err != nil {
		http.Error(w, "signing the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	for name, vs := range header {
		w.Header()[name] = vs
	}
	w.Header().Set("Content-Type", regrep.ContentType)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(a.body)
}

// answer checks the query id and parameters as the real services do
// (refusals are Failure answers, never HTTP errors) and answers the query.
func (s *service) answer(r *catalog.Responder, values url.Values) []byte {
	id := values.Get(regrep.ParamQueryID)
	if id == "" {
		return r.Exception(s.paramsCode, "the queryId parameter is missing")
	}
	q, ok := s.queries[id]
	if !ok {
		return r.Exception(s.unknownQuery, id)
	}
	p := params{}
	for _, name := range sortedNames(values) {
		if name == regrep.ParamQueryID {
			continue
		}
		if len(values[name]) > 1 {
			return r.Exception(s.paramsCode, name+" is given more than once")
		}
		if !q.extra && !contains(q.mandatory, name) && !contains(q.optional, name) {
			return r.Exception(s.paramsCode, name+" is not a parameter of "+id)
		}
		if v := strings.TrimSpace(values[name][0]); v != "" {
			p[name] = v
		}
	}
	for _, name := range q.mandatory {
		if p[name] == "" {
			return r.Exception(s.paramsCode, name)
		}
	}
	return q.answer(r, p)
}

func sortedNames(values url.Values) []string {
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// cacheKey is the question in a canonical form: the parameters in name
// order, whatever order the client sent them in.
func cacheKey(v2 bool, values url.Values) string {
	var b strings.Builder
	if v2 {
		b.WriteString("v2?")
	} else {
		b.WriteString("v1?")
	}
	for _, n := range sortedNames(values) {
		for _, v := range values[n] {
			b.WriteString(url.QueryEscape(n) + "=" + url.QueryEscape(v) + "&")
		}
	}
	return b.String()
}

// sign returns the signature headers of an answer. The signature carries
// its time in whole seconds, so within one second the same answer gets the
// same headers: they are kept and reused instead of signing again.
func (s *service) sign(a *cached) (map[string][]string, error) {
	if s.identity == nil {
		return nil, nil
	}
	at := s.now()
	if h := a.signature(at.Unix()); h != nil {
		return h, nil
	}
	h, err := jades.SignCSResponse(a.body, s.identity, at)
	if err != nil {
		return nil, err
	}
	a.setSignature(at.Unix(), h)
	return h, nil
}
