package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oots-tools/oots/pkg/edm"
)

// previewState is where a preview stands. Only pending changes: to one of
// the others, once.
type previewState string

const (
	statePending    previewState = "pending"
	stateConfirmed  previewState = "confirmed"
	stateRefused    previewState = "refused"
	stateExpired    previewState = "expired"
	stateAuthFailed previewState = "authentication-failed"
)

// maxAuthAttempts is how many wrong identifiers a re-authentication takes
// before the preview fails.
const maxAuthAttempts = 3

// maxNonces bounds the page nonces kept per preview (one per page view).
const maxNonces = 8

// binding is what a preview was opened for: the subject, the evidence type
// and the requester. A second request naming the preview must repeat all
// three, so one user's preview cannot release another's evidence.
type binding struct {
	subject, evidenceType, requester string
}

// preview is one preview session, named by an unguessable token.
type preview struct {
	token    string
	binding  binding
	subject  *Subject
	evidence *Evidence
	deadline time.Time

	// What the page shows about the exchange.
	requesterName, providerName, evidenceTitle string

	// Guarded by the store's mutex.
	state         previewState
	authenticated bool
	attempts      int
	nonces        []string
	decided       chan struct{} // closed when state leaves pending
}

// previewStore holds the previews of a provider.
type previewStore struct {
	timeout time.Duration
	now     func() time.Time

	mu      sync.Mutex
	byToken map[string]*preview
	opened  int
}

func newPreviewStore(timeout time.Duration, now func() time.Time) *previewStore {
	return &previewStore{timeout: timeout, now: now, byToken: map[string]*preview{}}
}

// newToken is 256 random bits, URL-safe: the token is the only secret
// between the user's browser and the page.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// open starts a preview for a request.
func (s *previewStore) open(q *query, subject *Subject, ev *Evidence) *preview {
	pv := &preview{
		token:         newToken(),
		binding:       q.binding(),
		subject:       subject,
		evidence:      ev,
		deadline:      s.now().Add(s.timeout),
		requesterName: agentName(q.info.Requester),
		providerName:  agentName(q.info.Provider),
		evidenceTitle: evidenceTitle(q.info.EvidenceType, ev),
		state:         statePending,
		decided:       make(chan struct{}),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byToken[pv.token] = pv
	s.opened++
	if s.opened%256 == 0 {
		s.sweepLocked()
	}
	return pv
}

// sweepLocked forgets previews long past their deadline, so a long load run
// does not keep every preview: a second request still finds its preview for
// ten timeouts (at least ten minutes) after the deadline.
func (s *previewStore) sweepLocked() {
	keep := max(10*s.timeout, 10*time.Minute)
	cutoff := s.now().Add(-keep)
	for token, pv := range s.byToken {
		if pv.deadline.Before(cutoff) {
			delete(s.byToken, token)
		}
	}
}

func (s *previewStore) lookup(token string) *preview {
	if token == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byToken[token]
}

// find is the preview a second request names, or nil with the reason.
func (s *previewStore) find(token string, b binding) (*preview, string) {
	pv := s.lookup(token)
	switch {
	case pv == nil:
		return nil, "is not a preview this provider opened"
	case pv.binding.subject != b.subject:
		return nil, "was opened for another subject"
	case pv.binding.evidenceType != b.evidenceType:
		return nil, "was opened for another evidence type"
	case pv.binding.requester != b.requester:
		return nil, "was opened for another evidence requester"
	}
	return pv, ""
}

// stateLocked is the preview's state now: a pending preview past its
// deadline expires here.
func (s *previewStore) stateLocked(pv *preview) previewState {
	if pv.state == statePending && s.now().After(pv.deadline) {
		s.settleLocked(pv, stateExpired)
	}
	return pv.state
}

func (s *previewStore) settleLocked(pv *preview, st previewState) {
	if pv.state != statePending {
		return
	}
	pv.state = st
	close(pv.decided)
}

func (s *previewStore) state(pv *preview) previewState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateLocked(pv)
}

// await is the user's decision: a second request that arrives while the
// user is still on the page waits for it, until the deadline or ctx ends.
func (s *previewStore) await(ctx context.Context, pv *preview) (previewState, error) {
	s.mu.Lock()
	st := s.stateLocked(pv)
	wait := pv.deadline.Sub(s.now())
	s.mu.Unlock()
	if st != statePending {
		return st, nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-pv.decided:
	case <-t.C:
		// The deadline passed in real time; settle it even if the
		// configured clock says otherwise, so the answer never hangs.
		s.mu.Lock()
		s.settleLocked(pv, stateExpired)
		s.mu.Unlock()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return s.state(pv), nil
}

// newNonce issues the nonce of one page view; the form must send it back.
func (s *previewStore) newNonce(pv *preview) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	n := base64.RawURLEncoding.EncodeToString(b[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	pv.nonces = append(pv.nonces, n)
	if len(pv.nonces) > maxNonces {
		pv.nonces = pv.nonces[len(pv.nonces)-maxNonces:]
	}
	return n
}

// submission is what the page's form sends.
type submission struct {
	nonce, decision, identifier string
}

// outcome is how a submission went: the HTTP status and, when it was
// refused, what the page tells the user.
type outcome struct {
	status  int
	problem string
}

// submit applies a form submission to the preview.
func (s *previewStore) submit(pv *preview, sub submission) outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.stateLocked(pv) {
	case statePending:
	case stateExpired:
		return outcome{410, "This preview has expired: the time to decide is over."}
	default:
		return outcome{409, "A decision was already taken on this preview."}
	}
	if sub.nonce == "" || !slices.Contains(pv.nonces, sub.nonce) {
		return outcome{403, "The form is out of date or did not come from this page: please decide again."}
	}
	if pv.evidence.Reauth && !pv.authenticated {
		if o, done := s.reauthenticateLocked(pv, sub.identifier); done {
			return o
		}
		if sub.decision == "" {
			return outcome{200, ""} // identified: now show the evidence
		}
	}
	switch sub.decision {
	case "confirm":
		s.settleLocked(pv, stateConfirmed)
	case "refuse":
		s.settleLocked(pv, stateRefused)
	default:
		return outcome{400, "Choose whether to share the evidence: Confirm or Refuse."}
	}
	return outcome{200, ""}
}

// reauthenticateLocked checks the identifier the user typed; done means the
// submission ends here with the outcome.
func (s *previewStore) reauthenticateLocked(pv *preview, identifier string) (outcome, bool) {
	identifier = strings.TrimSpace(identifier)
	if identifier == "" {
		return outcome{400, "Enter your identifier to see the evidence."}, true
	}
	if identifier == pv.subject.identifier() {
		pv.authenticated = true
		return outcome{}, false
	}
	pv.attempts++
	if pv.attempts >= maxAuthAttempts {
		s.settleLocked(pv, stateAuthFailed)
		return outcome{403, "The identifier does not match, too many times: the evidence will not be sent."}, true
	}
	return outcome{403, "The identifier does not match the person the evidence is about. Please try again."}, true
}

// mayShow reports whether the page may show the evidence: not before a
// re-authentication, nor once the preview expired or failed.
func (s *previewStore) mayShow(pv *preview) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stateLocked(pv)
	if st == stateExpired || st == stateAuthFailed {
		return false
	}
	return !pv.evidence.Reauth || pv.authenticated
}

func agentName(a *edm.Agent) string {
	if a == nil {
		return ""
	}
	if t := pickText(a.Names); t != "" {
		return t
	}
	return a.Identifier
}

// evidenceTitle is the requested evidence type's title in English (or its
// first title), else its classification.
func evidenceTitle(t *edm.EvidenceType, ev *Evidence) string {
	if t != nil {
		if s := pickText(t.Titles); s != "" {
			return s
		}
	}
	return ev.EvidenceType
}

func pickText(texts []edm.Text) string {
	for _, t := range texts {
		if strings.EqualFold(t.Lang, "EN") {
			return t.Text
		}
	}
	if len(texts) > 0 {
		return texts[0].Text
	}
	return ""
}
