// Package regreptest is a local RegRep REST server for tests and
// simulations: it answers GET …/rest/search by queryId and parameters with
// stored answers (a body file and, beside it, a .headers file of captured
// HTTP headers such as the Common Services response signature), and can be
// told to misbehave: tampered bodies or signatures, Failure answers, server
// errors and slow answers.
package regreptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/oots-tools/oots/pkg/jades"
)

// Route maps one search request to a stored answer.
type Route struct {
	// QueryID is the queryId the request must carry.
	QueryID string `json:"queryId"`
	// Params are the other parameters; a request matches when it carries
	// exactly these (no more, no fewer), in any order.
	Params map[string]string `json:"params,omitempty"`
	// Body is the file holding the answer. In a route table, relative paths
	// are resolved against the table's folder.
	Body string `json:"body"`
	// Headers is a file of "name: value" lines sent with the answer; empty
	// means the Body file with the extension .headers, when it exists.
	Headers string `json:"headers,omitempty"`
	// Status is the HTTP status; 0 means 200 (the Common Services answer
	// 200 to refusals too).
	Status int `json:"status,omitempty"`
}

// table is the JSON form of a route table file.
type table struct {
	Routes []Route `json:"routes"`
}

// LoadRoutes reads a route table: {"routes": [{"queryId": …, "params": {…},
// "body": "answer.xml"}, …]}.
func LoadRoutes(path string) ([]Route, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t table
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for i := range t.Routes {
		r := &t.Routes[i]
		if r.QueryID == "" || r.Body == "" {
			return nil, fmt.Errorf("%s: route %d needs a queryId and a body", path, i+1)
		}
		r.Body = resolve(dir, r.Body)
		if r.Headers != "" {
			r.Headers = resolve(dir, r.Headers)
		}
	}
	return t.Routes, nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Fault is a way for the server to misbehave.
type Fault int

const (
	// FaultNone serves the stored answer as it is.
	FaultNone Fault = iota
	// FaultTamperBody changes one byte of the body after it was signed,
	// keeping it well-formed: the digest no longer matches.
	FaultTamperBody
	// FaultTamperSignature changes one character of the JWS signature value.
	FaultTamperSignature
	// FaultStripSignature leaves out the oots-response-sig header.
	FaultStripSignature
	// FaultFailure answers 200 with an unsigned QueryResponse of status
	// Failure (EB:ERR:0001 or DSD:ERR:0001, after the query).
	FaultFailure
	// FaultServerError answers 500 with a plain-text body.
	FaultServerError
)

// Request is a request the server received.
type Request struct {
	Path     string
	RawQuery string
	Query    url.Values
	Header   http.Header
}

// answer is a loaded route.
type answer struct {
	route  Route
	body   []byte
	header http.Header
}

// Server is a running test server. Its URL is the base address: queries go
// to URL + "/rest/search", and any path ending in /rest/search is served,
// so one server can stand for the EB (URL+"/eb") and the DSD (URL+"/dsd").
type Server struct {
	URL string

	srv     *httptest.Server
	answers []answer

	mu       sync.Mutex
	faults   map[string]Fault
	delay    time.Duration
	requests []Request
}

// NewServer loads every route's files and starts the server. Close it when done.
func NewServer(routes []Route) (*Server, error) {
	s := &Server{faults: map[string]Fault{}}
	for _, r := range routes {
		a, err := load(r)
		if err != nil {
			return nil, err
		}
		s.answers = append(s.answers, a)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s, nil
}

func load(r Route) (answer, error) {
	body, err := os.ReadFile(r.Body)
	if err != nil {
		return answer{}, fmt.Errorf("route %s: %w", r.QueryID, err)
	}
	hpath, explicit := r.Headers, r.Headers != ""
	if !explicit {
		hpath = strings.TrimSuffix(r.Body, filepath.Ext(r.Body)) + ".headers"
	}
	header := http.Header{}
	data, err := os.ReadFile(hpath)
	switch {
	case err == nil:
		if header, err = jades.ReadHeaders(bytes.NewReader(data)); err != nil {
			return answer{}, fmt.Errorf("%s: %w", hpath, err)
		}
	case explicit || !os.IsNotExist(err):
		return answer{}, fmt.Errorf("route %s: %w", r.QueryID, err)
	}
	if header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/x-ebrs+xml")
	}
	return answer{route: r, body: body, header: header}, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetFault makes the answers to queryID misbehave; queryID "" applies to
// every query without a fault of its own. FaultNone clears it.
func (s *Server) SetFault(queryID string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == FaultNone {
		delete(s.faults, queryID)
		return
	}
	s.faults[queryID] = f
}

// SetDelay holds every answer back for d (or until the client gives up).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Requests are the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	fault, delay := s.record(r)
	if !wait(r.Context(), delay) {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "only GET is served", http.StatusMethodNotAllowed)
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/rest/search") {
		http.Error(w, "not a RegRep search address: "+r.URL.Path, http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	if fault == FaultServerError {
		http.Error(w, "internal server error (regreptest fault)", http.StatusInternalServerError)
		return
	}
	if fault == FaultFailure {
		w.Header().Set("Content-Type", "application/x-ebrs+xml")
		_, _ = w.Write(FailureBody(q.Get("queryId")))
		return
	}
	a, ok := s.match(q)
	if !ok {
		http.Error(w, "regreptest: no route for "+describe(q), http.StatusNotFound)
		return
	}
	body, header := applyFault(fault, a.body, a.header)
	for name, values := range header {
		w.Header()[name] = values
	}
	status := a.route.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// record keeps the request and returns the fault and delay that apply to it.
func (s *Server) record(r *http.Request) (Fault, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Path: r.URL.Path, RawQuery: r.URL.RawQuery, Query: r.URL.Query(), Header: r.Header.Clone()})
	f, ok := s.faults[r.URL.Query().Get("queryId")]
	if !ok {
		f = s.faults[""]
	}
	return f, s.delay
}

// wait sleeps for d unless the request is cancelled first.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) match(q url.Values) (answer, bool) {
	for _, a := range s.answers {
		if matches(a.route, q) {
			return a, true
		}
	}
	return answer{}, false
}

func matches(r Route, q url.Values) bool {
	if q.Get("queryId") != r.QueryID || len(q["queryId"]) != 1 {
		return false
	}
	if len(q)-1 != len(r.Params) {
		return false
	}
	for name, want := range r.Params {
		if got, ok := q[name]; !ok || len(got) != 1 || got[0] != want {
			return false
		}
	}
	return true
}

func describe(q url.Values) string {
	names := make([]string, 0, len(q))
	for n := range q {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n+"="+strings.Join(q[n], ","))
	}
	return strings.Join(parts, " ")
}

// applyFault returns the body and headers to send, changed as f says.
func applyFault(f Fault, body []byte, header http.Header) ([]byte, http.Header) {
	header = header.Clone()
	switch f {
	case FaultTamperBody:
		body = TamperBody(body)
	case FaultTamperSignature:
		if sig := header.Get(jades.SignatureHeader); sig != "" {
			header.Set(jades.SignatureHeader, TamperJWS(sig))
		}
	case FaultStripSignature:
		header.Del(jades.SignatureHeader)
	}
	return body, header
}

// TamperBody returns a copy of body with the case of one letter changed:
// the first letter of the first text content, so the XML stays well-formed.
func TamperBody(body []byte) []byte {
	out := bytes.Clone(body)
	for i := 1; i < len(out); i++ {
		c := out[i]
		if out[i-1] == '>' && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			out[i] ^= 0x20
			return out
		}
	}
	if len(out) > 0 {
		out[len(out)-1] ^= 0x01
	}
	return out
}

// TamperJWS changes one character in the middle of the signature value of
// a compact JWS (away from its end, whose last character may carry only
// padding bits).
func TamperJWS(jws string) string {
	i := strings.LastIndexByte(jws, '.')
	sig := []byte(jws[i+1:])
	if len(sig) == 0 {
		return jws + "A"
	}
	k := len(sig) / 2
	if sig[k] == 'A' {
		sig[k] = 'B'
	} else {
		sig[k] = 'A'
	}
	return jws[:i+1] + string(sig)
}

// FailureBody is an unsigned QueryResponse of status Failure with the
// "nothing found" exception of the service the query belongs to.
func FailureBody(queryID string) []byte {
	code, msg := "EB:ERR:0001", "The result set is empty"
	if strings.Contains(queryID, ":dsd:") {
		code, msg = "DSD:ERR:0001", "No Data Services were found based on the given parameters"
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<query:QueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure">
    <rim:Slot name="SpecificationIdentifier">
        <rim:SlotValue xsi:type="rim:StringValueType">
            <rim:Value>oots-cs:v2.0</rim:Value>
        </rim:SlotValue>
    </rim:Slot>
    <rs:Exception xsi:type="rs:ObjectNotFoundExceptionType" code="` + code + `" message="` + msg + `" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"/>
</query:QueryResponse>
`)
}
