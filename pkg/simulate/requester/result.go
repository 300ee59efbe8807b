package requester

import (
	"strings"
	"time"
)

// Outcomes of a journey.
const (
	// OutcomeEvidence: every evidence request was answered with evidence.
	OutcomeEvidence = "evidence"
	// OutcomeError: the exchange worked, and a service answered with an
	// error (an EDM error response, an EB or DSD error) instead of evidence.
	OutcomeError = "error"
	// OutcomeFailed: the journey could not be completed — transport error,
	// timeout, invalid message, an unanswered DSD dialogue.
	OutcomeFailed = "failed"
)

// Step names, in journey order.
const (
	StepRequirements  = "eb-requirements"
	StepEvidenceTypes = "eb-evidence-types"
	StepDSD           = "dsd"
	StepRequest       = "request"
	StepPreview       = "preview"
	StepSecondRequest = "second-request"
	StepResponse      = "response"
)

// Step statuses.
const (
	StatusOK     = "ok"
	StatusError  = "error"
	StatusFailed = "failed"
)

// Result is what a journey came to.
type Result struct {
	Name    string `json:"name,omitempty"`
	Outcome string `json:"outcome"`
	// Requirement and EvidenceTypes are what the journey asked for.
	Requirement   string     `json:"requirement,omitempty"`
	EvidenceTypes []string   `json:"evidenceTypes,omitempty"`
	Steps         []Step     `json:"steps"`
	Evidences     []Evidence `json:"evidences,omitempty"`
	Errors        []Error    `json:"errors,omitempty"`
	// Failure says why the journey failed ("" unless the outcome is failed).
	Failure  string    `json:"failure,omitempty"`
	Messages []Message `json:"messages,omitempty"`
	Previews []Preview `json:"previews,omitempty"`
	// MS is the duration of the whole journey in milliseconds.
	MS float64 `json:"ms"`
}

// Step is one stage of the journey. The request, preview, second-request
// and response steps are repeated for each provider asked.
type Step struct {
	Step   string `json:"step"`
	Status string `json:"status"`
	// Provider is the evidence provider the step concerns, if any.
	Provider string `json:"provider,omitempty"`
	Detail   string `json:"detail,omitempty"`
	// MS is the step's duration in milliseconds; for a response step, the
	// whole exchange with that provider.
	MS float64 `json:"ms"`
}

// Evidence is one evidence received.
type Evidence struct {
	Provider     string `json:"provider"`
	EvidenceType string `json:"evidenceType"`
	MediaType    string `json:"mediaType"`
	ContentID    string `json:"contentId,omitempty"`
	Bytes        int    `json:"bytes"`
	SHA256       string `json:"sha256"`
}

// Error is an error answer of a service: an evidence provider (EDM:ERR:*),
// or the EB or DSD (provider "EB" / "DSD").
type Error struct {
	Provider     string `json:"provider"`
	EvidenceType string `json:"evidenceType,omitempty"`
	Code         string `json:"code"`
	Message      string `json:"message,omitempty"`
	Detail       string `json:"detail,omitempty"`
}

// Message is one message the journey sent or received.
type Message struct {
	// Direction is "sent" or "received".
	Direction string `json:"direction"`
	// Kind is the message kind as `oots validate` names it
	// (evidence-request, evidence-response, evidence-error, eb-requirements,
	// eb-evidence-types, dsd-response, dsd-error ...).
	Kind string `json:"kind"`
	// ID is the request id (requests) or the requestId answered (answers).
	ID       string `json:"id,omitempty"`
	Provider string `json:"provider,omitempty"`
	Code     string `json:"code,omitempty"`
	Valid    bool   `json:"valid"`
	// Rules are the ids of the rules an invalid message broke.
	Rules []string `json:"rules,omitempty"`
	Bytes int      `json:"bytes"`
}

// How a preview ended (Preview.Ended).
const (
	// EndedConfirmed: the page took the user's confirmation.
	EndedConfirmed = "confirmed"
	// EndedRefused: the page took the user's refusal.
	EndedRefused = "refused"
	// EndedTimeout: the page said the preview had expired, the time to
	// decide being over.
	EndedTimeout = "timeout"
	// EndedAuthFailed: the page gave up on the re-authentication (too many
	// wrong identifiers).
	EndedAuthFailed = "authentication-failed"
	// EndedUndecided: the page still waited for a decision when the user
	// left it.
	EndedUndecided = "undecided"
)

// Preview is one visit of a preview page.
type Preview struct {
	Provider string `json:"provider"`
	// Location is the PreviewLocation the provider gave.
	Location string `json:"location"`
	// Decision is what the user did: confirm, refuse or ignore.
	Decision string `json:"decision"`
	// Reauth is true when the page asked for the identifier again.
	Reauth bool `json:"reauth,omitempty"`
	// Ended is how the preview ended as the last page seen showed it
	// (confirmed, refused, timeout, authentication-failed, undecided); a
	// page that does not say is taken at the user's word: a decision it
	// accepted, or undecided when the user ignored it. Empty when no page
	// told.
	Ended string `json:"ended,omitempty"`
	// Rendering is true when a page showed the evidence rendered for
	// people (a structured evidence laid out on the page), not only a link
	// to the document.
	Rendering bool `json:"rendering,omitempty"`
	// Status is the HTTP status of the last page.
	Status int     `json:"status,omitempty"`
	MS     float64 `json:"ms"`
}

// record collects one part of a journey; the parts run by concurrent
// exchanges are merged in a fixed order so that results are stable.
type record struct {
	steps     []Step
	evidences []Evidence
	errors    []Error
	failures  []string
	messages  []Message
	previews  []Preview
}

func (rec *record) step(name, status, provider, detail string, since time.Time) {
	rec.steps = append(rec.steps, Step{Step: name, Status: status, Provider: provider, Detail: detail, MS: msSince(since)})
}

func (rec *record) fail(reason string) { rec.failures = append(rec.failures, reason) }

func (rec *record) merge(o *record) {
	rec.steps = append(rec.steps, o.steps...)
	rec.evidences = append(rec.evidences, o.evidences...)
	rec.errors = append(rec.errors, o.errors...)
	rec.failures = append(rec.failures, o.failures...)
	rec.messages = append(rec.messages, o.messages...)
	rec.previews = append(rec.previews, o.previews...)
}

// result turns the record into the journey's Result: failed if anything
// failed, error if a service answered with an error, evidence otherwise.
func (rec *record) result(j *Journey, start time.Time) *Result {
	res := &Result{Name: j.Name, Steps: rec.steps, Evidences: rec.evidences, Errors: rec.errors,
		Messages: rec.messages, Previews: rec.previews, MS: msSince(start)}
	if res.Steps == nil {
		res.Steps = []Step{}
	}
	switch {
	case len(rec.failures) > 0:
		res.Outcome, res.Failure = OutcomeFailed, strings.Join(rec.failures, "; ")
	case len(rec.errors) > 0:
		res.Outcome = OutcomeError
	case len(rec.evidences) == 0:
		res.Outcome, res.Failure = OutcomeFailed, "the journey ended without evidence, error or failure"
	default:
		res.Outcome = OutcomeEvidence
	}
	return res
}

// msSince is the time since t in milliseconds, to the microsecond.
func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}
