package provider

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/oots-tools/oots/pkg/render"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

//go:embed preview.html.tmpl
var pageTemplate string

var page = template.Must(template.New("preview").Parse(pageTemplate))

// maxFormBytes bounds a form submission: a nonce, a decision, an identifier.
const maxFormBytes = 16 << 10

// pageView is what the preview page shows.
type pageView struct {
	State         previewState
	Problem       string // why the last submission was refused
	Requester     string
	Provider      string
	EvidenceTitle string
	Subject       string

	AskIdentifier bool // re-authentication first
	ShowEvidence  bool
	Rendered      template.HTML // structured evidence, rendered for people
	DocumentURL   string        // the document itself (relative link)
	DocumentName  string
	MediaType     string
	Size          int

	Nonce     string
	CanDecide bool
}

// PreviewHandler serves the preview pages, mounted at the path of
// PreviewBaseURL (/preview/), with or without that prefix stripped:
//
//	GET  /preview/TOKEN           the page: the evidence and a form
//	POST /preview/TOKEN           the form: nonce, decision=confirm|refuse,
//	                              identifier (when the page asks for it)
//	GET  /preview/TOKEN/document  the evidence document itself
func (p *Provider) PreviewHandler() http.Handler { return http.HandlerFunc(p.servePreview) }

func (p *Provider) servePreview(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	token, sub := p.splitPreviewPath(r.URL.Path)
	pv := p.previews.lookup(token)
	if pv == nil {
		http.Error(w, "no such preview: the link is wrong or the preview is over", http.StatusNotFound)
		return
	}
	switch {
	case sub == "" && r.Method == http.MethodGet:
		p.writePage(r.Context(), w, pv, outcome{status: http.StatusOK})
	case sub == "" && r.Method == http.MethodPost:
		p.handleForm(w, r, pv)
	case sub == "document" && r.Method == http.MethodGet:
		p.serveDocument(w, pv)
	case sub == "" || sub == "document":
		w.Header().Set("Allow", allowed(sub))
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	default:
		http.NotFound(w, r)
	}
}

func allowed(sub string) string {
	if sub == "" {
		return "GET, POST"
	}
	return "GET"
}

// splitPreviewPath takes the token (and what follows it) from the path.
func (p *Provider) splitPreviewPath(urlPath string) (token, sub string) {
	rest, ok := strings.CutPrefix(urlPath, p.basePath)
	if !ok {
		rest = strings.TrimPrefix(urlPath, "/") // mounted with the prefix stripped
	}
	token, sub, _ = strings.Cut(rest, "/")
	return token, sub
}

// securityHeaders keep the page self-contained and its token private: no
// outside resources, no framing, no referrer carrying the token away.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func (p *Provider) handleForm(w http.ResponseWriter, r *http.Request, pv *preview) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "unreadable form: "+err.Error(), http.StatusBadRequest)
		return
	}
	o := p.previews.submit(pv, submission{
		nonce:      r.PostForm.Get("nonce"),
		decision:   r.PostForm.Get("decision"),
		identifier: r.PostForm.Get("identifier"),
	})
	p.writePage(r.Context(), w, pv, o)
}

// writePage renders the page for the preview's current state.
func (p *Provider) writePage(ctx context.Context, w http.ResponseWriter, pv *preview, o outcome) {
	state := p.previews.state(pv)
	v := pageView{
		State: state, Problem: o.problem,
		Requester: pv.requesterName, Provider: pv.providerName,
		EvidenceTitle: pv.evidenceTitle, Subject: pv.subject.displayName(),
	}
	if state == statePending {
		v.Nonce = p.previews.newNonce(pv)
		v.AskIdentifier = !p.previews.mayShow(pv)
		v.CanDecide = !v.AskIdentifier
	}
	if (state == statePending || state == stateConfirmed) && p.previews.mayShow(pv) {
		p.describeEvidence(ctx, &v, pv)
	}
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		http.Error(w, "rendering the page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(o.status)
	_, _ = w.Write(b.Bytes())
}

// describeEvidence shows a structured XML evidence rendered for people, and
// links any evidence's document.
func (p *Provider) describeEvidence(ctx context.Context, v *pageView, pv *preview) {
	ev := pv.evidence
	v.ShowEvidence = true
	v.DocumentURL = pv.token + "/document"
	v.DocumentName = documentName(ev)
	v.MediaType = ev.MediaType
	v.Size = len(ev.data)
	if strings.Contains(ev.MediaType, "xml") {
		if html, err := renderEvidence(ctx, ev.data, pv.evidenceTitle); err == nil {
			v.Rendered = html
		}
	}
}

// renderEvidence renders a structured evidence with pkg/render and keeps
// the content of its page (the preview page has its own head and heading),
// one heading level down.
func renderEvidence(ctx context.Context, data []byte, title string) (template.HTML, error) {
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		return "", err
	}
	out, err := render.HTML(doc, title, render.Options{Lang: "en"})
	if err != nil {
		return "", err
	}
	s := string(out)
	start, end := strings.Index(s, "<main>"), strings.LastIndex(s, "</main>")
	if start < 0 || end < start {
		return "", fmt.Errorf("the rendered evidence has no main element")
	}
	body := s[start+len("<main>") : end]
	body = strings.NewReplacer("<h1>", "<h3>", "</h1>", "</h3>", "<h2>", "<h4>", "</h2>", "</h4>").Replace(body)
	return template.HTML(body), nil //nolint:gosec // pkg/render escapes every value it writes
}

// serveDocument sends the evidence document, once the page may show it.
func (p *Provider) serveDocument(w http.ResponseWriter, pv *preview) {
	if !p.previews.mayShow(pv) {
		http.Error(w, "the document is not available: identify yourself on the preview page first, or the preview is over", http.StatusForbidden)
		return
	}
	ev := pv.evidence
	h := w.Header()
	h.Set("Content-Type", ev.MediaType)
	h.Set("Content-Length", strconv.Itoa(len(ev.data)))
	h.Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", documentName(ev)))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(ev.data)
}
