package requester

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/validate"
)

// defaultLevelOfAssurance is the subject's eIDAS level when neither the
// journey nor the data service gives one.
const defaultLevelOfAssurance = "High"

// requesterClassification is the agent classification of an evidence
// requester, which the request must carry (rule R-EDM-REQ-C013).
const requesterClassification = "ER"

// exchange runs the evidence exchange with one provider: request, preview
// and second request when the provider asks for it, and the final answer.
func (r *Requester) exchange(ctx context.Context, j *Journey, p *plan, t target) *record {
	rec := &record{}
	start := time.Now()
	provider := t.access.Provider.ID
	req := newRequest(r.cfg.Agent, j, p, t)
	ans, ok := r.roundTrip(ctx, rec, j, StepRequest, t, req)
	if !ok {
		return rec
	}
	if ans.code == edm.CodePreview && ans.previewLocation != "" {
		if !r.preview(ctx, rec, j, provider, ans.previewLocation) {
			return rec
		}
		second := *req
		second.ID, second.IssueDateTime, second.PreviewLocation = "", time.Time{}, ans.previewLocation
		if ans, ok = r.roundTrip(ctx, rec, j, StepSecondRequest, t, &second); !ok {
			return rec
		}
	}
	conclude(rec, t, ans, start)
	return rec
}

// conclude records the final answer of an exchange: its evidences, or the
// provider's error.
func conclude(rec *record, t target, ans *answer, start time.Time) {
	provider := t.access.Provider.ID
	if ans.failed {
		rec.errors = append(rec.errors, Error{Provider: provider, EvidenceType: t.service.Classification,
			Code: ans.code, Message: ans.message, Detail: ans.detail})
		rec.step(StepResponse, StatusError, provider, strings.TrimSpace(ans.code+" "+ans.message), start)
		return
	}
	for _, e := range ans.evidences {
		e.Provider = provider
		if e.EvidenceType == "" {
			e.EvidenceType = t.service.Classification
		}
		rec.evidences = append(rec.evidences, e)
	}
	rec.step(StepResponse, StatusOK, provider, fmt.Sprintf("%d evidence(s)", len(ans.evidences)), start)
}

// roundTrip builds and checks a request, sends it and waits for its answer.
// It returns false, with the failure recorded, when no valid answer came.
func (r *Requester) roundTrip(ctx context.Context, rec *record, j *Journey, step string, t target, req *edm.Request) (*answer, bool) {
	start := time.Now()
	provider := t.access.Provider.ID
	fail := func(msg string) (*answer, bool) {
		rec.step(step, StatusFailed, provider, msg, start)
		rec.fail(msg)
		return nil, false
	}
	b, err := r.build(ctx, req)
	if err != nil {
		return fail(fmt.Sprintf("the request to %s: %v", provider, err))
	}
	rec.messages = append(rec.messages, Message{Direction: "sent", Kind: "evidence-request", ID: req.ID, Provider: provider, Valid: true, Bytes: len(b.data)})
	d, err := r.send(ctx, j, t.access.ID, req.ID, provider, b)
	if err != nil {
		return fail(fmt.Sprintf("request %s to %s at %s: %v", req.ID, provider, t.access.ID, err))
	}
	rec.messages = append(rec.messages, d.msg)
	if d.invalid != "" {
		return fail(fmt.Sprintf("the answer of %s to %s is invalid: %s", provider, req.ID, d.invalid))
	}
	detail := "evidence response"
	if d.ans.failed {
		detail = strings.TrimSpace(d.ans.code + " " + d.ans.message)
		if d.ans.previewLocation != "" {
			detail += " at " + d.ans.previewLocation
		}
	}
	rec.step(step, StatusOK, provider, detail, start)
	return d.ans, true
}

// built is a request written and checked: its bytes, and the tree its
// validation parsed when the cross-check can reuse it (nil otherwise).
type built struct {
	data []byte
	tree *validate.Document
}

// build writes the request and checks it with the rules: a journey that
// makes an invalid request (a subject without a name, say) is reported
// before anything is sent.
func (r *Requester) build(ctx context.Context, req *edm.Request) (built, error) {
	data, err := req.XML()
	if err != nil {
		return built{}, err
	}
	v, err := r.validatorFor(ctx)
	if err != nil {
		return built{}, err
	}
	res, doc := v.ValidateDocument(ctx, "request", data)
	if !res.Valid {
		doc.Free()
		return built{}, fmt.Errorf("not valid, rules %s", strings.Join(failedRules(res.Findings), ", "))
	}
	if !doc.AsParsed {
		doc.Free()
		doc = nil
	}
	return built{data: data, tree: doc}, nil
}

// newRequest is the evidence request of one target: the requester, the
// provider and evidence type the DSD named, the subject of the journey.
func newRequest(requester edm.Agent, j *Journey, p *plan, t target) *edm.Request {
	ds := t.service
	me := requester
	if me.Classification == "" {
		me.Classification = requesterClassification
	}
	if len(me.Names) == 0 {
		// The requester must be named (R-EDM-REQ-S040); its identifier is
		// the best name a configuration without one gives.
		me.Names = []edm.Text{{Lang: "EN", Text: me.Identifier}}
	}
	req := &edm.Request{
		Procedure:               j.Procedure,
		PossibilityForPreview:   j.possibilityForPreview(),
		ExplicitRequestGiven:    true,
		Requirements:            []edm.Requirement{p.requirement},
		Requester:               &me,
		Provider:                providerAgent(t.access.Provider),
		ProviderClassifications: t.classifications,
		EvidenceType: &edm.EvidenceType{
			Identifier:     ds.ID,
			Classification: ds.Classification,
			Titles:         texts(ds.Titles),
			Descriptions:   texts(ds.Descriptions),
			DistributedAs:  distribution(ds.Distributions),
		},
	}
	loa := ds.LevelOfAssurance
	if loa == "" {
		loa = defaultLevelOfAssurance
	}
	if np := j.Subject.NaturalPerson; np != nil {
		person := *np
		if person.LevelOfAssurance == "" {
			person.LevelOfAssurance = loa
		}
		req.NaturalPerson = &person
	}
	if lp := j.Subject.LegalPerson; lp != nil {
		legal := *lp
		if legal.LevelOfAssurance == "" {
			legal.LevelOfAssurance = loa
		}
		req.LegalPerson = &legal
	}
	return req
}

func providerAgent(p catalog.Provider) *edm.Agent {
	return &edm.Agent{Identifier: p.ID, Scheme: p.Scheme, Names: texts(p.Names)}
}

// distribution is the first form the data service is distributed in.
func distribution(ds []catalog.Distribution) *edm.Distribution {
	if len(ds) == 0 {
		return nil
	}
	return &edm.Distribution{Format: ds[0].Format, ConformsTo: ds[0].ConformsTo, Transformation: ds[0].Transformation}
}
