package requester

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/edm"
)

// sent is a request the fake network carried.
type sent struct {
	accessService string
	raw           []byte
	info          *edm.RequestInfo
}

// reply is one message the fake provider sends back.
type reply struct {
	message []byte
	atts    []Attachment
}

// behaviour is the fake provider: the replies to one request, delivered in
// turn from a goroutine of their own (none: the provider stays silent).
type behaviour func(s sent) []reply

// network stands for the node: Send hands the request to the fake provider,
// whose replies come back through Deliver.
type network struct {
	t       testing.TB
	r       *Requester
	behave  behaviour
	sendErr error

	wg          sync.WaitGroup
	mu          sync.Mutex
	requests    []sent
	deliverErrs []error
}

func (n *network) send(_ context.Context, accessService string, raw []byte) error {
	if n.sendErr != nil {
		return n.sendErr
	}
	info, err := edm.ReadRequest(raw)
	if err != nil {
		n.t.Errorf("the requester sent an unreadable request: %v", err)
		return err
	}
	s := sent{accessService: accessService, raw: raw, info: info}
	n.mu.Lock()
	n.requests = append(n.requests, s)
	n.mu.Unlock()
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		for _, rep := range n.behave(s) {
			err := n.r.Deliver(context.Background(), rep.message, rep.atts)
			n.mu.Lock()
			n.deliverErrs = append(n.deliverErrs, err)
			n.mu.Unlock()
		}
	}()
	return nil
}

func (n *network) sent() []sent {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]sent(nil), n.requests...)
}

func (n *network) errors() []error {
	n.wg.Wait()
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]error(nil), n.deliverErrs...)
}

// setup makes a requester wired to the fake Common Services and provider.
func setup(t testing.TB, behave behaviour, browser *http.Client) (*Requester, *network, *commonServices) {
	t.Helper()
	cs := newCommonServices(t, exampleDSD(t))
	n := &network{t: t, behave: behave}
	n.r = New(Config{EB: cs.ebC(), DSD: cs.dsdC(), Agent: portal, Send: n.send, Validator: testValidator(t),
		HTTP: browser, Timeout: 5 * time.Second})
	return n.r, n, cs
}

var testPDF = []byte("%PDF-1.4\n% test evidence\n%%EOF\n")

// evidenceReply answers a request with one PDF evidence.
func evidenceReply(t testing.TB, raw []byte, edit ...func(*edm.Response)) reply {
	t.Helper()
	resp, err := edm.ResponseFor(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edit {
		e(resp)
	}
	atts := []edm.Attachment{{Name: "birth.pdf", MediaType: "application/pdf", Data: testPDF}}
	if err := resp.Attach(atts); err != nil {
		t.Fatal(err)
	}
	data, err := resp.XML()
	if err != nil {
		t.Fatal(err)
	}
	return reply{message: data, atts: []Attachment{{ContentID: atts[0].ContentID, MediaType: atts[0].MediaType, Data: atts[0].Data}}}
}

// errorReply answers a request with an error response.
func errorReply(t testing.TB, raw []byte, code, previewLocation string) reply {
	t.Helper()
	e, err := edm.ErrorResponseFor(raw)
	if err != nil {
		t.Fatal(err)
	}
	e.Exception = edm.Exception{Code: code, PreviewLocation: previewLocation}
	if previewLocation != "" {
		e.Exception.PreviewDescription = []edm.Text{{Lang: "EN", Text: "Preview your evidence"}}
	}
	data, err := e.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return reply{message: data}
}

func answersWithEvidence(t testing.TB) behaviour {
	return func(s sent) []reply { return []reply{evidenceReply(t, s.raw)} }
}

// previewSite is a fake provider with preview pages: the first request is
// answered EDM:ERR:0002 with a page of the site, the second after what the
// user did there.
type previewSite struct {
	t          testing.TB
	srv        *httptest.Server
	reauth     bool   // ask for the identifier before the decision
	identifier string // the right identifier

	mu        sync.Mutex
	next      int
	decisions map[string]string
	authed    map[string]bool
	gets      int
}

func newPreviewSite(t testing.TB, reauth bool) *previewSite {
	s := &previewSite{t: t, reauth: reauth, identifier: subject().NaturalPerson.Identifier,
		decisions: map[string]string{}, authed: map[string]bool{}}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

var locationPattern = regexp.MustCompile(`https://[^<"\s]+/preview/[a-z0-9]+`)

// behaviour is the provider's answer: preview first, then the decision.
func (s *previewSite) behaviour(s2 sent) []reply {
	if loc := locationPattern.FindString(string(s2.raw)); loc != "" {
		token := loc[strings.LastIndex(loc, "/")+1:]
		s.mu.Lock()
		decision := s.decisions[token]
		s.mu.Unlock()
		switch decision {
		case PreviewConfirm:
			return []reply{evidenceReply(s.t, s2.raw)}
		case PreviewRefuse:
			return []reply{errorReply(s.t, s2.raw, "EDM:ERR:0004", "")}
		}
		return []reply{errorReply(s.t, s2.raw, "EDM:ERR:0005", "")}
	}
	s.mu.Lock()
	s.next++
	token := fmt.Sprintf("tok%d", s.next)
	s.mu.Unlock()
	return []reply{errorReply(s.t, s2.raw, edm.CodePreview, s.srv.URL+"/preview/"+token)}
}

const decisionForm = `<!DOCTYPE html><html><body><main>
<p>Your evidence</p>
<form method="post">
<input type="hidden" name="nonce" value="n-%[1]s">
<button type="submit" name="decision" value="confirm">Confirm</button>
<button type="submit" name="decision" value="refuse">Refuse</button>
</form></main></body></html>`

const identifierForm = `<!DOCTYPE html><html><body>
<form method='POST' action="/preview/%[1]s">
<input type=hidden name=nonce value="n-%[1]s">
<label for="identifier">Your identifier</label>
<input type="text" id="identifier" name="identifier" required>
<button type="submit">Continue</button>
</form></body></html>`

func (s *previewSite) serve(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.URL.Path, "/preview/")
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method == http.MethodGet {
		s.gets++
		s.page(w, token)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("nonce") != "n-"+token {
		http.Error(w, "bad nonce", http.StatusBadRequest)
		return
	}
	if id, ok := r.PostForm["identifier"]; ok {
		if id[0] != s.identifier {
			http.Error(w, "The identifier does not match", http.StatusForbidden)
			return
		}
		s.authed[token] = true
		s.page(w, token)
		return
	}
	if s.reauth && !s.authed[token] {
		http.Error(w, "authenticate first", http.StatusForbidden)
		return
	}
	s.decisions[token] = r.PostForm.Get("decision")
	_, _ = fmt.Fprint(w, "<p>Thank you.</p>")
}

func (s *previewSite) page(w http.ResponseWriter, token string) {
	if s.reauth && !s.authed[token] {
		_, _ = fmt.Fprintf(w, identifierForm, token)
		return
	}
	_, _ = fmt.Fprintf(w, decisionForm, token)
}

func (s *previewSite) decided() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range s.decisions {
		out[k] = v
	}
	return out
}
