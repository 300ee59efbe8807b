package requester

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/report"
)

// answerCacheSize bounds the Common Services answers remembered: a load run
// asks the same few queries over and over, and checking the same bytes
// again would only cost time.
const answerCacheSize = 256

// csAnswer is what a Common Services answer says, once checked.
type csAnswer struct {
	service string
	kind    string
	valid   bool
	rules   []string
	// catalog holds the answer's requirements, evidence types and data
	// services (also those of a DSD:ERR:0005 answer); read-only once made.
	catalog *catalog.Catalog
	// exception is the first exception of a Failure answer, nil otherwise.
	exception *regrep.Exception
}

// ask sends a query to the EB or the DSD and checks the answer with the
// rules. A Failure answer is returned (its exception set); a transport
// error, a refused signature or an invalid answer fail the step and return
// false.
func (r *Requester) ask(ctx context.Context, rec *record, step, service string, client *regrep.Client, q regrep.Query) (*csAnswer, bool) {
	start := time.Now()
	fail := func(msg string) (*csAnswer, bool) {
		rec.step(step, StatusFailed, "", msg, start)
		rec.fail(msg)
		return nil, false
	}
	if client == nil {
		return fail(fmt.Sprintf("no %s is configured for %s", service, q))
	}
	resp, err := client.Search(ctx, q)
	var refused *regrep.QueryError
	if err != nil && !errors.As(err, &refused) {
		return fail(fmt.Sprintf("%s %s: %v", service, q, err))
	}
	a, err := r.learn(ctx, service, resp)
	if err != nil {
		return fail(fmt.Sprintf("%s %s: %v", service, q, err))
	}
	msg := Message{Direction: "received", Kind: a.kind, Provider: service, Valid: a.valid, Rules: a.rules, Bytes: len(resp.Body)}
	if a.exception != nil {
		msg.Code = a.exception.Code
	}
	rec.messages = append(rec.messages, msg)
	if !a.valid {
		return fail(fmt.Sprintf("the %s answer to %s is invalid (%s): %s", service, q, a.kind, strings.Join(a.rules, ", ")))
	}
	return a, true
}

// refused records the error of a Failure answer and tells whether there was
// one.
func (a *csAnswer) refused(rec *record, step, evidenceType string, start time.Time) bool {
	if a.exception == nil {
		return false
	}
	x := a.exception
	rec.errors = append(rec.errors, Error{Provider: a.service, EvidenceType: evidenceType, Code: x.Code, Message: x.Message, Detail: x.Detail})
	rec.step(step, StatusError, "", x.String(), start)
	return true
}

// learn validates and reads an answer, or recalls it when the same bytes
// were seen before.
func (r *Requester) learn(ctx context.Context, service string, resp *regrep.Response) (*csAnswer, error) {
	// A cached discovery answer comes back as the same *Response: known
	// without hashing its body again.
	if a, ok := r.answers.recall(resp); ok && a.service == service {
		return a, nil
	}
	key := sha256.Sum256(resp.Body)
	if a, ok := r.answers.get(key); ok && a.service == service {
		r.answers.remember(resp, a)
		return a, nil
	}
	v, err := r.validatorFor(ctx)
	if err != nil {
		return nil, err
	}
	res := v.Validate(ctx, strings.ToLower(service)+"-answer", resp.Body)
	a := &csAnswer{service: service, kind: res.Kind, valid: res.Valid, rules: failedRules(res.Findings), catalog: catalog.New()}
	if len(resp.Exceptions) > 0 && resp.Status == regrep.StatusFailure {
		x := resp.Exceptions[0]
		a.exception = &x
	}
	var nothing *catalog.NotCatalogError
	if _, err := a.catalog.ImportXML(service+" answer", resp.Body); err != nil && !errors.As(err, &nothing) {
		return nil, err
	}
	// Build the catalogue's index now: it is built lazily on the first
	// query, and the cached catalogue is then read by concurrent journeys.
	a.catalog.Requirement("")
	r.answers.put(key, a)
	r.answers.remember(resp, a)
	return a, nil
}

// failedRules are the ids of the error findings (the layer name for
// findings without a rule id, such as XML Schema errors), without repeats.
func failedRules(findings []report.Finding) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range findings {
		if f.Severity != report.SeverityError {
			continue
		}
		id := f.Rule
		if id == "" {
			id = f.Layer
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// answerCache remembers checked answers by digest, and by the response
// that carried them. When full it starts again empty: the answers of a run
// are few, so this rarely happens and costs one more check each.
type answerCache struct {
	mu     sync.Mutex
	max    int
	items  map[[32]byte]*csAnswer
	byResp map[*regrep.Response]*csAnswer
}

func newAnswerCache(max int) *answerCache {
	return &answerCache{max: max, items: map[[32]byte]*csAnswer{}, byResp: map[*regrep.Response]*csAnswer{}}
}

func (c *answerCache) get(key [32]byte) (*csAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.items[key]
	return a, ok
}

func (c *answerCache) put(key [32]byte, a *csAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		clear(c.items)
	}
	c.items[key] = a
}

// recall finds the answer read from this very response before.
func (c *answerCache) recall(resp *regrep.Response) (*csAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.byResp[resp]
	return a, ok
}

// remember ties a response to its answer. Responses are kept only while
// cached here, so a discovery cache's expired answers are let go with the
// next clear.
func (c *answerCache) remember(resp *regrep.Response, a *csAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byResp) >= c.max {
		clear(c.byResp)
	}
	c.byResp[resp] = a
}
