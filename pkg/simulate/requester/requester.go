// Package requester is the simulated evidence requester of `oots simulate`:
// a procedure portal that drives a whole OOTS journey the way a user's
// session would — Evidence Broker requirements and evidence types, Data
// Service Directory providers (answering the DSD:ERR:0005 dialogue), the
// evidence requests, the preview at the provider in the user's browser, the
// second request and the answers — and checks every message it receives.
//
// The transport is left to the caller: Config.Send hands a request to the
// node's AS4 access point, and the node hands every EDM message that
// arrives to Deliver. docs/simulate-requester.md describes the journey, the
// choices the requester makes and the result format.
package requester

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/validate"
)

// DefaultTimeout bounds the wait for the answer to one evidence request
// when neither the Config nor the Journey gives a timeout.
const DefaultTimeout = 30 * time.Second

// Config is what a requester needs from the node that runs it.
type Config struct {
	// EB and DSD query the Common Services (their Verify checks the
	// response signatures).
	EB, DSD *regrep.Client
	// Agent is the evidence requester (the procedure portal) named in every
	// request.
	Agent edm.Agent
	// Send hands an evidence request to the node, which sends it over AS4
	// to the access point of the access service id. It returns once the
	// message is acknowledged (a receipt) or refused; the answer arrives
	// later through Deliver.
	Send func(ctx context.Context, accessService string, request []byte) error
	// Validator checks every message built and received; nil means the
	// embedded rules.
	Validator *validate.Validator
	// HTTP is the simulated user's browser for the preview pages (it must
	// trust the provider's TLS certificate); nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds the wait for each answer; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Attachment is a payload that came with an EDM message, referenced from
// the message by cid:ContentID.
type Attachment struct {
	ContentID, MediaType string
	Data                 []byte
}

// Stats count the evidence requests of every journey run so far. Once the
// journeys have ended, Requests = Answered + Failed: every request is either
// answered (with evidence or an error response) or reported failed.
type Stats struct {
	// Requests are the evidence requests sent (second requests included).
	Requests int `json:"requests"`
	// Answered are the requests that got a valid answer.
	Answered int `json:"answered"`
	// Failed are the requests that got no valid answer: refused by the
	// transport, timed out, or answered with an invalid message.
	Failed int `json:"failed"`
	// Duplicates are answers to a request already answered, given up or
	// never sent: they were ignored.
	Duplicates int `json:"duplicates"`
	// Invalid are the received EDM messages that broke a rule.
	Invalid int `json:"invalid"`
}

// Requester runs journeys. It is safe for concurrent use: a load run
// drives many journeys through one Requester.
type Requester struct {
	cfg Config

	validatorOnce sync.Once
	validator     *validate.Validator
	validatorErr  error

	// pending are the requests waiting for their answer, by request id.
	mu      sync.Mutex
	pending map[string]*waiter

	// answers caches what was learnt from Common Services answers already
	// validated, by body digest (the same query gets the same answer).
	answers *answerCache

	requests, answered, failed, duplicates, invalid atomic.Int64
}

// New returns a requester for the node's configuration.
func New(cfg Config) *Requester {
	return &Requester{cfg: cfg, pending: map[string]*waiter{}, answers: newAnswerCache(answerCacheSize)}
}

// Stats returns the counters so far.
func (r *Requester) Stats() Stats {
	return Stats{
		Requests:   int(r.requests.Load()),
		Answered:   int(r.answered.Load()),
		Failed:     int(r.failed.Load()),
		Duplicates: int(r.duplicates.Load()),
		Invalid:    int(r.invalid.Load()),
	}
}

// validatorFor returns the configured validator, or the embedded rules
// loaded once.
func (r *Requester) validatorFor(ctx context.Context) (*validate.Validator, error) {
	if r.cfg.Validator != nil {
		return r.cfg.Validator, nil
	}
	r.validatorOnce.Do(func() {
		rules, err := validate.Embedded(ctx)
		if err != nil {
			r.validatorErr = errors.New("loading the embedded rules: " + err.Error())
			return
		}
		r.validator = validate.New(rules, validate.Options{})
	})
	return r.validator, r.validatorErr
}

func (r *Requester) httpClient() *http.Client {
	if r.cfg.HTTP != nil {
		return r.cfg.HTTP
	}
	return http.DefaultClient
}

func (r *Requester) timeout(j *Journey) time.Duration {
	switch {
	case j.Timeout > 0:
		return time.Duration(j.Timeout)
	case r.cfg.Timeout > 0:
		return r.cfg.Timeout
	}
	return DefaultTimeout
}
