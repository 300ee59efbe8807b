package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/edm"
)

// startPreview sends the first request and returns the preview location.
func startPreview(t *testing.T, p *Provider, r *edm.Request) string {
	t.Helper()
	reply := answer(t, p, build(t, r), edm.CodePreview)
	loc := previewLocation(t, reply)
	if !strings.HasPrefix(loc, previewBase) {
		t.Fatalf("PreviewLocation %s is not under %s", loc, previewBase)
	}
	return loc
}

// secondRequest is the first request again, with the preview location.
func secondRequest(r *edm.Request, loc string) *edm.Request {
	again := *r
	again.ID, again.IssueDateTime, again.PreviewLocation = "", time.Time{}, loc
	return &again
}

func TestPreviewConfirm(t *testing.T) {
	p := newProvider(t, Config{})
	b := browser{t, p.PreviewHandler()}
	first := request(erika(), typeResidenceDE)
	loc := startPreview(t, p, first)

	page, nonce := b.open(loc)
	if pageState(page) != "pending" || nonce == "" {
		t.Fatalf("a new preview page: state %q, nonce %q", pageState(page), nonce)
	}
	for _, want := range []string{"Erika Muster", "Example Procedure Portal of Portugal", `value="confirm"`, `value="refuse"`, "/document"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	rec := b.do(http.MethodPost, loc, url.Values{"nonce": {nonce}, "decision": {"confirm"}})
	if rec.Code != http.StatusOK || pageState(rec.Body.String()) != "confirmed" {
		t.Fatalf("confirm: %d, state %q", rec.Code, pageState(rec.Body.String()))
	}
	if !strings.Contains(rec.Body.String(), "will be sent to") {
		t.Error("after confirming, the page does not say what happens next")
	}
	reply := answer(t, p, build(t, secondRequest(first, loc)), "")
	if len(reply.Attachments) != 1 {
		t.Fatalf("%d attachments after the preview", len(reply.Attachments))
	}
}

func TestPreviewRefuse(t *testing.T) {
	p := newProvider(t, Config{})
	b := browser{t, p.PreviewHandler()}
	first := request(erika(), typeResidenceDE)
	loc := startPreview(t, p, first)
	rec := b.submit(loc, map[string]string{"decision": "refuse"})
	if rec.Code != http.StatusOK || pageState(rec.Body.String()) != "refused" {
		t.Fatalf("refuse: %d, state %q", rec.Code, pageState(rec.Body.String()))
	}
	if !strings.Contains(rec.Body.String(), "will not be sent") {
		t.Error("after refusing, the page does not say what happens next")
	}
	reply := answer(t, p, build(t, secondRequest(first, loc)), "EDM:ERR:0004")
	if !strings.Contains(detail(reply.Message), "refused") {
		t.Errorf("detail %q does not say the user refused", detail(reply.Message))
	}
}

// TestPreviewTimeout: the user never decides. A second request after the
// deadline gets EDM:ERR:0005 at once; one sent while the page is open waits
// for the deadline.
func TestPreviewTimeout(t *testing.T) {
	c := newClock()
	p := newProvider(t, Config{Now: c.Now, PreviewTimeout: time.Minute})
	b := browser{t, p.PreviewHandler()}
	first := request(erika(), typeResidenceDE)
	loc := startPreview(t, p, first)
	c.advance(2 * time.Minute)
	answer(t, p, build(t, secondRequest(first, loc)), "EDM:ERR:0005")
	if page, nonce := b.open(loc); pageState(page) != "expired" || nonce != "" {
		t.Errorf("expired page: state %q, form nonce %q", pageState(page), nonce)
	}
	rec := b.do(http.MethodPost, loc, url.Values{"nonce": {"x"}, "decision": {"confirm"}})
	if rec.Code != http.StatusGone {
		t.Errorf("confirming an expired preview: %d, want 410", rec.Code)
	}

	waiting := newProvider(t, Config{PreviewTimeout: 20 * time.Millisecond})
	loc = startPreview(t, waiting, first)
	answer(t, waiting, build(t, secondRequest(first, loc)), "EDM:ERR:0005")
}

// TestPreviewDecisionWhileWaiting: a second request sent before the user
// decides is answered with what the user then decides.
func TestPreviewDecisionWhileWaiting(t *testing.T) {
	p := newProvider(t, Config{PreviewTimeout: time.Hour})
	b := browser{t, p.PreviewHandler()}
	first := request(erika(), typeResidenceDE)
	loc := startPreview(t, p, first)
	second := build(t, secondRequest(first, loc))
	type result struct {
		reply *Reply
		err   error
	}
	done := make(chan result, 1)
	go func() {
		r, err := p.Answer(context.Background(), second)
		done <- result{r, err}
	}()
	if rec := b.submit(loc, map[string]string{"decision": "confirm"}); rec.Code != http.StatusOK {
		t.Fatalf("confirm: %d", rec.Code)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	checkReply(t, second, r.reply)
	if r.reply.ErrorCode != "" {
		t.Fatalf("code %q, want the evidence", r.reply.ErrorCode)
	}
}

func TestPreviewWaitEndsWithContext(t *testing.T) {
	p := newProvider(t, Config{PreviewTimeout: time.Hour})
	first := request(erika(), typeResidenceDE)
	loc := startPreview(t, p, first)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Answer(ctx, build(t, secondRequest(first, loc))); err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

func TestPreviewReauth(t *testing.T) {
	p := newProvider(t, Config{})
	b := browser{t, p.PreviewHandler()}
	first := request(jean(), typeBirthFR)
	loc := startPreview(t, p, first)

	page, _ := b.open(loc)
	if !strings.Contains(page, `name="identifier"`) || strings.Contains(page, `value="confirm"`) {
		t.Fatal("a re-authentication page must ask for the identifier before offering a decision")
	}
	if strings.Contains(page, "/document") {
		t.Error("the page links the document before the user is identified")
	}
	if rec := b.do(http.MethodGet, loc+"/document", nil); rec.Code != http.StatusForbidden {
		t.Errorf("document before identification: %d, want 403", rec.Code)
	}
	rec := b.submit(loc, map[string]string{"identifier": "DE/FR/EX0000099", "decision": "confirm"})
	if rec.Code != http.StatusForbidden || pageState(rec.Body.String()) != "pending" {
		t.Fatalf("wrong identifier: %d, state %q", rec.Code, pageState(rec.Body.String()))
	}
	if !strings.Contains(rec.Body.String(), `role="alert"`) {
		t.Error("the page does not tell the user the identifier was wrong")
	}
	rec = b.submit(loc, map[string]string{"identifier": " DE/FR/EX0000002 "})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `value="confirm"`) {
		t.Fatalf("right identifier: %d; the page must now offer the decision", rec.Code)
	}
	if rec := b.do(http.MethodGet, loc+"/document", nil); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Errorf("document after identification: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := b.submit(loc, map[string]string{"decision": "confirm"}); pageState(rec.Body.String()) != "confirmed" {
		t.Fatalf("confirm after identification: %d", rec.Code)
	}
	answer(t, p, build(t, secondRequest(first, loc)), "")
}

func TestPreviewReauthFails(t *testing.T) {
	p := newProvider(t, Config{})
	b := browser{t, p.PreviewHandler()}
	first := request(jean(), typeBirthFR)
	loc := startPreview(t, p, first)
	var rec *httptest.ResponseRecorder
	for range maxAuthAttempts {
		rec = b.submit(loc, map[string]string{"identifier": "wrong", "decision": "confirm"})
	}
	if pageState(rec.Body.String()) != "authentication-failed" {
		t.Fatalf("after %d wrong identifiers: state %q", maxAuthAttempts, pageState(rec.Body.String()))
	}
	answer(t, p, build(t, secondRequest(first, loc)), "EDM:ERR:0001")
}

// TestPreviewBinding: a preview releases evidence only to a second request
// for the same subject, evidence type and requester.
func TestPreviewBinding(t *testing.T) {
	p := newProvider(t, Config{})
	b := browser{t, p.PreviewHandler()}
	first := request(erika(), typeResidenceDE)
	loc := startPreview(t, p, first)
	b.submit(loc, map[string]string{"decision": "confirm"})

	otherRequester := func(r *edm.Request) {
		r.Requester = &edm.Agent{Identifier: "FR999000012", Scheme: "9957", Classification: "ER", Names: []edm.Text{{Lang: "EN", Text: "Another portal"}}}
	}
	cases := []struct {
		name, why string
		req       *edm.Request
	}{
		{"another subject", "another subject", request(nil, typeResidenceDE, forCompany, at(loc))},
		{"another evidence type", "another evidence type", request(erika(), typePrintoutDE, at(loc))},
		{"another requester", "another evidence requester", request(erika(), typeResidenceDE, otherRequester, at(loc))},
		{"an unknown token", "not a preview this provider opened", request(erika(), typeResidenceDE, at(previewBase+"AAAA"))},
		{"another server", "not a preview this provider opened", request(erika(), typeResidenceDE, at("https://elsewhere.example/preview/"+strings.TrimPrefix(loc, previewBase)))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reply := answer(t, p, build(t, c.req), "EDM:ERR:0003")
			if !strings.Contains(detail(reply.Message), c.why) {
				t.Errorf("detail %q does not say %q", detail(reply.Message), c.why)
			}
		})
	}
	answer(t, p, build(t, secondRequest(first, loc)), "")
}

// TestSecondRequestWithoutPreview: a PreviewLocation sent for an evidence
// that needs no preview does not matter; the evidence is sent.
func TestSecondRequestWithoutPreview(t *testing.T) {
	p := newProvider(t, Config{})
	answer(t, p, build(t, request(erika(), typeBirthDE, at(previewBase+"unknown"))), "")
}

func TestPreviewStructuredEvidence(t *testing.T) {
	p := newProvider(t, Config{})
	b := browser{t, p.PreviewHandler()}
	first := request(erika(), typePrintoutDE)
	loc := startPreview(t, p, first)
	page, _ := b.open(loc)
	// pkg/render shows the elements with readable labels and their values.
	for _, want := range []string{"Standesamt Beispielstadt (Beispiel)", "G 1234/1980", "Gabriele", "<h3>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show the rendered evidence (%q)", want)
		}
	}
	for _, bad := range []string{"<script", " src=", "<h1>Example evidence", "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Example"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if strings.Count(page, "<h1>") != 1 || strings.Count(page, "<html") != 1 {
		t.Error("the page must be one document with one h1")
	}
	b.submit(loc, map[string]string{"decision": "confirm"})
	reply := answer(t, p, build(t, secondRequest(first, loc)), "")
	if reply.Attachments[0].MediaType != "application/xml" {
		t.Errorf("media type %s", reply.Attachments[0].MediaType)
	}

	// The inline XML evidence of the example dataset renders too.
	loc = startPreview(t, p, request(joao(), typeResidencePT))
	if page, _ := b.open(loc); !strings.Contains(page, "Rua da Amostra") {
		t.Error("the inline XML evidence is not rendered")
	}
}

func TestPreviewPageRefusesBadRequests(t *testing.T) {
	p := newProvider(t, Config{})
	b := browser{t, p.PreviewHandler()}
	loc := startPreview(t, p, request(erika(), typeResidenceDE))
	cases := []struct {
		name   string
		method string
		path   string
		form   url.Values
		status int
	}{
		{"unknown token", http.MethodGet, previewBase + "nope", nil, http.StatusNotFound},
		{"no nonce", http.MethodPost, loc, url.Values{"decision": {"confirm"}}, http.StatusForbidden},
		{"forged nonce", http.MethodPost, loc, url.Values{"nonce": {"forged"}, "decision": {"confirm"}}, http.StatusForbidden},
		{"other method", http.MethodPut, loc, nil, http.StatusMethodNotAllowed},
		{"other path", http.MethodGet, loc + "/other", nil, http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if rec := b.do(c.method, c.path, c.form); rec.Code != c.status {
				t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.status)
			}
		})
	}
	if rec := b.submit(loc, map[string]string{"decision": "maybe"}); rec.Code != http.StatusBadRequest {
		t.Errorf("decision=maybe: %d, want 400", rec.Code)
	}
	b.submit(loc, map[string]string{"decision": "refuse"})
	if rec := b.submit(loc, map[string]string{"decision": "confirm"}); rec.Code != http.StatusConflict || pageState(rec.Body.String()) != "refused" {
		t.Errorf("a second decision: %d, state %q; want 409 and the first decision kept", rec.Code, pageState(rec.Body.String()))
	}
}

func TestPreviewPageHeaders(t *testing.T) {
	p := newProvider(t, Config{})
	loc := startPreview(t, p, request(erika(), typeResidenceDE))
	// Served through a real server, mounted the way the node mounts it.
	mux := http.NewServeMux()
	mux.Handle("/preview/", p.PreviewHandler())
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + strings.TrimPrefix(loc, "https://127.0.0.1:8443"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"Content-Type":            "text/html; charset=utf-8",
	} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
}

func TestPreviewHandlerStrippedPrefix(t *testing.T) {
	p := newProvider(t, Config{})
	loc := startPreview(t, p, request(erika(), typeResidenceDE))
	h := http.StripPrefix("/preview", p.PreviewHandler())
	b := browser{t, h}
	if page, nonce := b.open(loc); pageState(page) != "pending" || nonce == "" {
		t.Errorf("through StripPrefix: state %q", pageState(page))
	}
}

func TestPreviewTokensAreUnguessable(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := newToken()
		if len(tok) != 43 || seen[tok] {
			t.Fatalf("token %q: want 43 characters (256 bits), never repeated", tok)
		}
		seen[tok] = true
	}
}

// TestPreviewSweep: previews long past their deadline are forgotten, so a
// long run does not keep them all; recent ones stay.
func TestPreviewSweep(t *testing.T) {
	c := newClock()
	p := newProvider(t, Config{Now: c.Now, PreviewTimeout: time.Minute})
	old := startPreview(t, p, request(erika(), typeResidenceDE))
	c.advance(time.Hour)
	q := newQuery(parseRequest(t, build(t, request(erika(), typeResidenceDE))))
	subject, ev := p.cfg.Dataset.lookup(q.info.Subject), &p.cfg.Dataset.Subjects[0].Evidences[2]
	var recent *preview
	for range 256 {
		recent = p.previews.open(q, subject, ev)
	}
	if p.previews.lookup(p.tokenOfLocation(old)) != nil {
		t.Error("a preview an hour past its deadline (10 timeouts kept) survived the sweep")
	}
	if p.previews.lookup(recent.token) == nil {
		t.Error("a new preview was swept")
	}
}

func parseRequest(t *testing.T, data []byte) *helium.Document {
	t.Helper()
	_, doc := testValidator(t).ValidateDocument(context.Background(), "req", data)
	return doc.Doc
}
