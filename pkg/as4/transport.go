package as4

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
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
	// Security, when set, makes the server refuse every user message whose
	// signature does not verify (EBMS:0101 FailedAuthentication, naming the
	// reason) and sign its receipts and errors. A receipt then carries the
	// References of the received signature as non-repudiation information.
	Security *Security
	// Journal, when set, keeps the delivered message ids and their receipts
	// across restarts; without it the server remembers the last 100,000
	// message ids in memory.
	Journal Journal

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
	msg, err := decode(r.Context(), r.Header.Get("Content-Type"), r.Body, r.ContentLength, lim)
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
	if s.Security != nil {
		// Verified before duplicate detection: a forged copy of a known
		// message id must be refused, not answered with the receipt.
		err := s.Security.Verify(msg)
		msg.release()
		if err != nil {
			s.answerError(w, id, err)
			return
		}
	}
	msg.release()
	answer, first := s.seen.claim(id)
	if first {
		s.answer(r.Context(), msg, answer)
		close(answer.done)
	} else {
		<-answer.done
	}
	s.write(w, id, answer)
}

// answer delivers a new message id — unless the journal shows it was
// delivered before a restart — and prepares the answer.
func (s *Server) answer(ctx context.Context, msg *Message, a *answer) {
	id := msg.Header.User.MessageID
	if s.Journal != nil {
		if recorded, ok := s.Journal.Seen(id); ok {
			a.recorded = recorded
			return
		}
	}
	a.signal, a.err = s.receive(ctx, msg)
	if a.err != nil || s.Journal == nil {
		return
	}
	// The receipt is recorded before it is sent: once the sender holds it,
	// the message must never be delivered again.
	envelope, err := s.Security.SignalEnvelope(a.signal)
	if err == nil {
		err = s.Journal.Record(id, envelope)
	}
	if err != nil {
		a.err = ErrOther.With(id, "recording the receipt: "+err.Error())
		return
	}
	a.recorded = envelope
}

func (s *Server) write(w http.ResponseWriter, id string, a *answer) {
	switch {
	case a.recorded != nil:
		writeEnvelope(w, http.StatusOK, a.recorded)
	case a.err != nil:
		s.answerError(w, id, a.err)
	default:
		s.writeSignal(w, http.StatusOK, a.signal)
	}
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

// writeSignal answers with the signal as a bare SOAP envelope (it has no
// payloads), signed when the server has a signing identity.
//
// The envelope is written into a pooled buffer, which goes back once
// written: a Writer does not keep the bytes it is given (io.Writer).
func (s *Server) writeSignal(w http.ResponseWriter, status int, sig SignalMessage) {
	env := getBuffer(&envelopePool)
	defer putBuffer(&envelopePool, env)
	if _, err := s.Security.writeEnvelope(env, nil, []SignalMessage{sig}, nil); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeEnvelope(w, status, env.Bytes())
}

// writeEnvelope answers with the envelope. Its length is announced: a
// signed signal is longer than what net/http measures before it starts a
// chunked answer, and a known length lets the sender read the answer into
// a buffer of the right size.
func writeEnvelope(w http.ResponseWriter, status int, envelope []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/soap+xml; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(envelope)))
	w.WriteHeader(status)
	_, _ = w.Write(envelope) // the sender retries when the answer is lost
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
	// recorded is the receipt envelope as the journal holds it.
	recorded []byte
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
	// Security, when set, signs every message sent and requires a receipt
	// signed by a trusted node whose non-repudiation information repeats
	// the References of the signature sent (else Send fails). Error signals
	// are reported whether or not they are signed: they only refuse.
	Security *Security
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
	body := newSendBody(encodedSizeHint(payloads))
	defer body.release()
	ct, sent, err := c.Security.encodeUser(body.buf, m, payloads)
	if err != nil {
		return nil, err
	}
	wait := c.Backoff
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	for attempt := 0; ; attempt++ {
		receipt, err, retry := c.post(ctx, url, ct, body, m.MessageID, sent)
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

// encodedSizeHint is about the size of a message with the payloads: an
// envelope takes a few kB (the signature and certificate most of them).
func encodedSizeHint(payloads []Payload) int {
	size := 8 << 10
	for _, p := range payloads {
		size += len(p.Data) + 256
	}
	return size
}

func (c *Client) post(ctx context.Context, url, ct string, body *sendBody, id string, sent []PartDigest) (*Receipt, error, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return nil, err, false
	}
	if req.Body, err = body.open(); err != nil {
		return nil, err, false
	}
	req.GetBody, req.ContentLength = body.open, int64(body.buf.Len())
	req.Header.Set("Content-Type", ct)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sending %s to %s: %w", id, url, err), ctx.Err() == nil && !permanent(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read fully below
	lim := c.Limits
	if lim.MaxBytes == 0 {
		lim = DefaultLimits
	}
	// The answer is read into a pooled buffer. Nothing made from it
	// outlives this call: the receipt and errors hold strings (copies), and
	// a signal message carries no payloads.
	pooled := getRaw()
	raw, derr := readLimited(resp.Body, lim.MaxBytes, resp.ContentLength, *pooled)
	var msg *Message
	if derr == nil {
		msg, derr = decodeRaw(ctx, resp.Header.Get("Content-Type"), raw, lim)
	}
	defer func() {
		if msg != nil {
			msg.release()
		}
		putRaw(pooled, raw)
	}()
	if derr != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("sending %s to %s: HTTP %d, unreadable answer: %w", id, url, resp.StatusCode, derr), resp.StatusCode >= 500
	}
	receipt, err, retry := receiptFor(msg.Header.Signals, id)
	if err != nil || c.Security == nil {
		return receipt, err, retry
	}
	if err := c.Security.Verify(msg); err != nil {
		return nil, fmt.Errorf("the receipt for %s from %s is refused: %w", id, url, err), false
	}
	if err := matchNRI(sent, receipt.Parts); err != nil {
		return nil, fmt.Errorf("the receipt for %s from %s is refused: %w", id, url, err), false
	}
	return receipt, nil, false
}

// matchNRI checks that a receipt's non-repudiation information repeats
// every Reference of the signature sent, with the same digest.
func matchNRI(sent, got []PartDigest) error {
	if len(got) != len(sent) {
		return fmt.Errorf("its non-repudiation information has %d references, the message signed %d", len(got), len(sent))
	}
	byURI := make(map[string]PartDigest, len(got))
	for _, g := range got {
		byURI[g.URI] = g
	}
	for _, s := range sent {
		g, ok := byURI[s.URI]
		switch {
		case !ok:
			return fmt.Errorf("its non-repudiation information lacks Reference URI=%q", s.URI)
		case g.Digest != s.Digest || g.DigestMethod != s.DigestMethod:
			return fmt.Errorf("its non-repudiation information for Reference URI=%q has digest %s, the message signed %s", s.URI, g.Digest, s.Digest)
		}
	}
	return nil
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

// permanent tells transport errors that a retry cannot mend: the peer's
// TLS certificate is refused (untrusted, expired, wrong name).
func permanent(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &host)
}
