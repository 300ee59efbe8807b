// Package provider is the simulated Evidence Provider of `oots simulate`:
// it answers OOTS evidence requests from a dataset (persons and companies
// with their evidences) the way a national data service does — evidence
// responses with the documents attached, the EDM error responses of the
// failure cases, and the preview flow, whose pages it serves itself.
//
// The transport (AS4) is the node's business: Answer takes the request
// message and returns the reply message with its attachments.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/validate"
)

// Config is what a provider answers with.
type Config struct {
	Dataset *Dataset
	// Agent is the evidence provider answering when the request names
	// none; a request that names its provider is answered in that name.
	Agent edm.Agent
	// PreviewBaseURL is where the preview pages are, e.g.
	// https://127.0.0.1:8443/preview/ (https is required: R-EDM-ERR-C019).
	PreviewBaseURL string
	// PreviewTimeout is how long the user has to decide at the preview;
	// DefaultPreviewTimeout when zero.
	PreviewTimeout time.Duration
	// Validator checks incoming requests; the embedded rules when nil.
	Validator *validate.Validator
	// Now is the clock for message times and preview deadlines (time.Now
	// when nil).
	Now func() time.Time
}

// DefaultPreviewTimeout is the preview timeout when Config gives none.
const DefaultPreviewTimeout = 5 * time.Minute

// Reply is the provider's answer to one request.
type Reply struct {
	// Message is the query:QueryResponse: an evidence response or an error
	// response, valid EDM v1.0.
	Message []byte
	// Attachments are the evidence documents the message references by cid:.
	// Their Data is the dataset's own copy, shared by every reply: read only.
	Attachments []edm.Attachment
	// ErrorCode is the EDM error code of an error response, "" for evidence.
	ErrorCode string
}

// ErrUnanswerable is returned for a message no EDM message can answer: not
// well-formed, or not an evidence request. The transport answers it
// instead (an ebMS error signal).
var ErrUnanswerable = errors.New("the message is not an evidence request that an EDM message can answer")

// Provider answers evidence requests; it is safe for concurrent use.
type Provider struct {
	cfg      Config
	base     string // PreviewBaseURL, ending in a slash
	basePath string // its URL path, where the preview handler is mounted
	previews *previewStore
}

// New checks the configuration and returns a provider.
func New(cfg Config) (*Provider, error) {
	if cfg.Dataset == nil {
		return nil, errors.New("provider: no dataset: load one with LoadDataset")
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.PreviewTimeout <= 0 {
		cfg.PreviewTimeout = DefaultPreviewTimeout
	}
	if cfg.Validator == nil {
		rules, err := validate.Embedded(context.Background())
		if err != nil {
			return nil, fmt.Errorf("provider: loading the embedded rules: %w", err)
		}
		cfg.Validator = validate.New(rules, validate.Options{})
	}
	p := &Provider{cfg: cfg, previews: newPreviewStore(cfg.PreviewTimeout, cfg.Now)}
	if err := p.setPreviewBase(cfg.PreviewBaseURL); err != nil {
		return nil, err
	}
	return p, nil
}

// setPreviewBase checks the preview base URL: the preview error response
// must give an https location, so a dataset with previews needs one.
func (p *Provider) setPreviewBase(base string) error {
	if base == "" {
		if p.cfg.Dataset.needsPreviewPage() {
			return errors.New("provider: the dataset has preview evidences but PreviewBaseURL is empty: give the https:// URL where the preview handler is served")
		}
		p.basePath = "/preview/"
		return nil
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("provider: PreviewBaseURL %q must be an https:// URL (rule R-EDM-ERR-C019)", base)
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	p.base = base
	p.basePath = u.Path
	if !strings.HasSuffix(p.basePath, "/") {
		p.basePath += "/"
	}
	return nil
}

func (p *Provider) now() time.Time { return p.cfg.Now() }

// Answer answers one evidence request. Business outcomes — evidence, an
// invalid request, an unknown subject, a registry error, a preview — are
// Replies; an error means no reply: ctx ended (e.g. during a delay), the
// message is no evidence request (ErrUnanswerable), or the reply could not
// be built.
func (p *Provider) Answer(ctx context.Context, request []byte) (*Reply, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, doc := p.cfg.Validator.ValidateDocument(ctx, "evidence request", request)
	// newQuery copies what the answer needs out of the tree.
	defer doc.Free()
	if err := ctx.Err(); err != nil {
		return nil, err // the validation was cut short: its findings mean nothing
	}
	if doc == nil || doc.Kind != validate.EvidenceRequest {
		return nil, fmt.Errorf("%w (%s)", ErrUnanswerable, describeKind(doc, res.Kind))
	}
	q := newQuery(doc.Doc)
	if !res.Valid {
		return p.invalidRequest(ctx, q, failedRules(res.Findings))
	}
	return p.answer(ctx, q)
}

func describeKind(doc *validate.Document, kind string) string {
	if doc == nil {
		return "not well-formed XML"
	}
	return "a " + kind + " message"
}

// answer decides the reply to a valid request. The order follows what a
// registry does: find the person, check the identity, find the evidence,
// fetch it (delay, registry errors), then let the user preview it.
func (p *Provider) answer(ctx context.Context, q *query) (*Reply, error) {
	subject := p.cfg.Dataset.lookup(q.info.Subject)
	if subject == nil {
		return p.errorReply(ctx, q, "EDM:ERR:0004", fmt.Sprintf("The registry holds no record of %s.", q.subjectName()))
	}
	if what := subject.mismatch(q.info.Subject); what != "" {
		return p.errorReply(ctx, q, "EDM:ERR:0001",
			fmt.Sprintf("The identity could not be matched: the %s of %s differs from the registry's record.", what, q.subjectName()))
	}
	class, format := q.evidenceType()
	ev := subject.evidence(class, format)
	if ev == nil {
		return p.errorReply(ctx, q, "EDM:ERR:0004",
			fmt.Sprintf("The registry holds no evidence of type %s about %s.", orUnnamed(class), q.subjectName()))
	}
	if err := sleep(ctx, ev.Delay); err != nil {
		return nil, err
	}
	if ev.Error != "" {
		return p.errorReply(ctx, q, ev.Error, registryErrorDetail(ev.Error))
	}
	if ev.Preview {
		return p.previewStep(ctx, q, subject, ev)
	}
	return p.evidenceReply(ctx, q, ev)
}

// registryErrorDetail is what the simulated registry says for the error an
// entry asks for.
func registryErrorDetail(code string) string {
	switch code {
	case "EDM:ERR:0005":
		return "The base registry did not answer within the timeout period."
	case "EDM:ERR:0008":
		return "Problem during the processing of the QueryRequest: the base registry reported an error."
	}
	return "The base registry answered with error " + code + "."
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func orUnnamed(s string) string {
	if s == "" {
		return "(none given)"
	}
	return s
}
