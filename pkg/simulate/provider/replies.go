package provider

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/oots-tools/oots/pkg/edm"
)

// evidenceReply is the evidence response carrying the entry's document.
func (p *Provider) evidenceReply(ctx context.Context, q *query, ev *Evidence) (*Reply, error) {
	resp := &edm.Response{IssueDateTime: p.now()}
	resp.Answer(q.info)
	if resp.Provider == nil {
		resp.Provider = p.agent("EP")
	}
	att := edm.Attachment{Name: documentName(ev), MediaType: ev.MediaType, Data: ev.data}
	var meta edm.Evidence
	if ev.ConformsTo != "" {
		// The document follows its own data model, whatever was asked.
		meta.Distribution = &edm.Distribution{Format: ev.MediaType, ConformsTo: ev.ConformsTo}
	}
	resp.Evidences = []edm.Evidence{meta}
	atts := []edm.Attachment{att}
	if err := resp.Attach(atts); err != nil {
		return nil, fmt.Errorf("attaching the evidence: %w", err)
	}
	msg, err := resp.Build(ctx)
	if err != nil {
		return nil, fmt.Errorf("building the evidence response: %w", err)
	}
	return &Reply{Message: msg, Attachments: atts}, nil
}

// documentName is the evidence's file name, for messages and downloads.
func documentName(ev *Evidence) string {
	if ev.File != "" {
		return path.Base(strings.ReplaceAll(ev.File, `\`, "/"))
	}
	if strings.Contains(ev.MediaType, "xml") {
		return "evidence.xml"
	}
	if strings.Contains(ev.MediaType, "json") {
		return "evidence.json"
	}
	return "evidence.pdf"
}

// agent is the configured provider agent in a role (EP or ERRP), nil when
// none is configured.
func (p *Provider) agent(classification string) *edm.Agent {
	if p.cfg.Agent.Identifier == "" {
		return nil
	}
	a := p.cfg.Agent
	a.Classification = classification
	return &a
}

// errorReply is an error response with one exception.
func (p *Provider) errorReply(ctx context.Context, q *query, code, detail string) (*Reply, error) {
	return p.exceptionReply(ctx, q, edm.Exception{Code: code, Detail: detail})
}

func (p *Provider) exceptionReply(ctx context.Context, q *query, ex edm.Exception) (*Reply, error) {
	r := p.errorResponse(q)
	ex.Timestamp = p.now()
	r.Exception = ex
	msg, err := r.Build(ctx)
	if err != nil {
		return nil, fmt.Errorf("building the %s error response: %w", ex.Code, err)
	}
	return &Reply{Message: msg, ErrorCode: ex.Code}, nil
}

func (p *Provider) errorResponse(q *query) *edm.ErrorResponse {
	r := &edm.ErrorResponse{}
	r.Answer(q.info)
	if r.ErrorProvider == nil {
		r.ErrorProvider = p.agent("ERRP")
	}
	return r
}

// invalidRequest answers a request the rules reject with EDM:ERR:0003
// naming the failed rules. The answer repeats what the request says
// (requestId, specification, requester), so parts of it may be what made the
// request invalid: if that answer is itself invalid, the specification and
// requester the request gave are replaced by valid ones (the requestId is
// kept, the requester needs it to pair the answer).
func (p *Provider) invalidRequest(ctx context.Context, q *query, rules []string) (*Reply, error) {
	ex := edm.Exception{Code: "EDM:ERR:0003",
		Detail: "The request breaks the OOTS rules " + strings.Join(rules, ", ") + "."}
	reply, err := p.exceptionReply(ctx, q, ex)
	var invalid *edm.InvalidError
	if err == nil || !errors.As(err, &invalid) {
		return reply, err
	}
	r := p.errorResponse(q)
	r.Specification = edm.SpecificationV10
	if r.Requester != nil && r.Requester.Identifier == "" {
		r.Requester = nil
	}
	ex.Timestamp = p.now()
	r.Exception = ex
	msg, err := r.Build(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: the request is invalid (%s) and even an error response to it is: %v",
			ErrUnanswerable, strings.Join(rules, ", "), err)
	}
	return &Reply{Message: msg, ErrorCode: ex.Code}, nil
}

// previewStep handles an evidence the user must preview. The first request
// gets EDM:ERR:0002 with the page's location; the second (with that
// PreviewLocation) gets what the user decided on the page.
func (p *Provider) previewStep(ctx context.Context, q *query, subject *Subject, ev *Evidence) (*Reply, error) {
	if q.previewLocation == "" {
		if !q.allowPreview {
			return p.errorReply(ctx, q, "EDM:ERR:0007",
				"This evidence is only provided after the user previews it, and the request says the requester cannot offer a preview (PossibilityForPreview is false).")
		}
		pv := p.previews.open(q, subject, ev)
		return p.exceptionReply(ctx, q, edm.Exception{
			Code:            edm.CodePreview,
			Detail:          "The user must preview and approve the evidence before it is sent.",
			PreviewLocation: p.base + pv.token,
			PreviewMethod:   "GET",
			PreviewDescription: []edm.Text{{Lang: "EN",
				Text: "Please check the evidence and confirm or refuse its transmission to the requesting authority."}},
		})
	}
	pv, why := p.previews.find(p.tokenOfLocation(q.previewLocation), q.binding())
	if pv == nil {
		return p.errorReply(ctx, q, "EDM:ERR:0003", "The PreviewLocation "+q.previewLocation+" "+why+".")
	}
	state, err := p.previews.await(ctx, pv)
	if err != nil {
		return nil, err
	}
	switch state {
	case stateConfirmed:
		return p.evidenceReply(ctx, q, pv.evidence)
	case stateRefused:
		return p.errorReply(ctx, q, "EDM:ERR:0004", "The user refused to share the evidence at the preview.")
	case stateAuthFailed:
		return p.errorReply(ctx, q, "EDM:ERR:0001", "The user could not be re-authenticated at the preview.")
	default:
		return p.errorReply(ctx, q, "EDM:ERR:0005",
			fmt.Sprintf("The user did not decide at the preview within the timeout period (%s).", p.cfg.PreviewTimeout))
	}
}

// tokenOfLocation is the preview token of a PreviewLocation this provider
// gave, or "" for any other location.
func (p *Provider) tokenOfLocation(location string) string {
	if p.base == "" {
		return ""
	}
	token, ok := strings.CutPrefix(location, p.base)
	if !ok || strings.Contains(token, "/") {
		return ""
	}
	return token
}
