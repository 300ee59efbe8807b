package as4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Deliver hands a received user message to the business side. An error
// that is an Error is answered with that ebMS error; any other error with
// EBMS:0004.
type Deliver func(ctx context.Context, msg *Message) error

// Server receives AS4 user messages over HTTP, answers each with a receipt
// (or an ebMS error signal), and delivers every message id once: a message
// sent again, as senders do when a receipt was lost, gets the same receipt
// and is not delivered a second time.
type Server struct {
	Deliver Deliver
	Limits  Limits
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	seen dedup
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "AS4 messages are POSTed", http.StatusMethodNotAllowed)
		return
	}
	lim := s.Limits
	if lim.MaxBytes == 0 {
		lim = DefaultLimits
	}
	msg, err := Decode(r.Context(), r.Header.Get("Content-Type"), r.Body, lim)
	if err != nil {
		s.answerError(w, "", err)
		return
	}
	if msg.Header.User == nil {
		// Signals (asynchronous receipts or errors) are acknowledged with an empty answer.
		w.WriteHeader(http.StatusOK)
		return
	}
	id := msg.Header.User.MessageID
	answer, first := s.seen.claim(id)
	if first {
		answer.signal, answer.err = s.receive(r.Context(), msg)
		close(answer.done)
	} else {
		<-answer.done
	}
	if answer.err != nil {
		s.answerError(w, id, answer.err)
		return
	}
	s.writeSignal(w, http.StatusOK, answer.signal)
}

func (s *Server) receive(ctx context.Context, msg *Message) (SignalMessage, error) {
	if s.Deliver != nil {
		if err := s.Deliver(ctx, msg); err != nil {
			return SignalMessage{}, err
		}
	}
	return NewReceipt(msg, s.now()), nil
}

func (s *Server) answerError(w http.ResponseWriter, ref string, err error) {
	var e Error
	if !errors.As(err, &e) {
		e = ErrOther.With(ref, err.Error())
	}
	if e.RefToMessageID == "" {
		e.RefToMessageID = ref
	}
	s.writeSignal(w, http.StatusInternalServerError, NewErrorSignal(ref, s.now(), e))
}

func (s *Server) writeSignal(w http.ResponseWriter, status int, sig SignalMessage) {
	var b bytes.Buffer
	ct, err := EncodeSignal(&b, sig)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes()) // the sender retries when the answer is lost
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// dedup remembers the answer to the most recent message ids.
type dedup struct {
	mu    sync.Mutex
	byID  map[string]*answer
	order []string
}

type answer struct {
	done   chan struct{}
	signal SignalMessage
	err    error
}

// dedupWindow is how many message ids a server remembers.
const dedupWindow = 100_000

// claim returns the answer slot for id and whether this call is the first
// for it (and must fill it in).
func (d *dedup) claim(id string) (*answer, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a, ok := d.byID[id]; ok {
		return a, false
	}
	if d.byID == nil {
		d.byID = map[string]*answer{}
	}
	a := &answer{done: make(chan struct{})}
	d.byID[id] = a
	d.order = append(d.order, id)
	if len(d.order) > dedupWindow {
		delete(d.byID, d.order[0])
		d.order = d.order[1:]
	}
	return a, true
}

// Client sends AS4 user messages and reads their receipts.
type Client struct {
	HTTP *http.Client
	// Retries is how many times a message is sent again after a transport
	// failure or a 5xx answer without an ebMS error (0: no retry).
	Retries int
	// Backoff is the wait before the first retry; it doubles each time,
	// with jitter.
	Backoff time.Duration
	Limits  Limits
}

// SendError is a message the receiver refused with ebMS errors.
type SendError struct {
	MessageID string
	Errors    []Error
}

func (e *SendError) Error() string {
	if len(e.Errors) == 0 {
		return "message " + e.MessageID + " refused"
	}
	return fmt.Sprintf("message %s refused: %v", e.MessageID, e.Errors[0])
}

// Send posts the message to url and returns the receipt. It sends the same
// bytes (same message id) on every retry, so a receiver that already got
// the message answers with its receipt instead of delivering it twice.
func (c *Client) Send(ctx context.Context, url string, m *UserMessage, payloads []Payload) (*Receipt, error) {
	var body bytes.Buffer
	ct, err := Encode(&body, m, payloads)
	if err != nil {
		return nil, err
	}
	wait := c.Backoff
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	for attempt := 0; ; attempt++ {
		receipt, err, retry := c.post(ctx, url, ct, body.Bytes(), m.MessageID)
		if !retry || attempt >= c.Retries {
			return receipt, err
		}
		jittered := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("sending %s: %w (after %d attempts; last: %v)", m.MessageID, ctx.Err(), attempt+1, err)
		case <-time.After(jittered):
		}
		wait *= 2
	}
}

func (c *Client) post(ctx context.Context, url, ct string, body []byte, id string) (*Receipt, error, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err, false
	}
	req.Header.Set("Content-Type", ct)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sending %s to %s: %w", id, url, err), ctx.Err() == nil
	}
	defer resp.Body.Close() //nolint:errcheck // read fully below
	lim := c.Limits
	if lim.MaxBytes == 0 {
		lim = DefaultLimits
	}
	msg, derr := Decode(ctx, resp.Header.Get("Content-Type"), resp.Body, lim)
	if derr != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("sending %s to %s: HTTP %d, unreadable answer: %w", id, url, resp.StatusCode, derr), resp.StatusCode >= 500
	}
	return receiptFor(msg.Header.Signals, id)
}

func receiptFor(signals []SignalMessage, id string) (*Receipt, error, bool) {
	var errs []Error
	for _, s := range signals {
		if s.RefToMessageID != id {
			continue
		}
		if s.Receipt != nil {
			return s.Receipt, nil, false
		}
		errs = append(errs, s.Errors...)
	}
	if len(errs) > 0 {
		return nil, &SendError{MessageID: id, Errors: errs}, false
	}
	return nil, fmt.Errorf("the answer to %s holds neither a receipt nor an error for it", id), false
}
