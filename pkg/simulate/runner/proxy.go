package runner

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// maxProxiedBody bounds a request passing through a fault proxy (the AS4
// limit of the nodes is lower).
const maxProxiedBody = 128 << 20

// Faults are what a link does to the traffic passing through it.
type Faults struct {
	Latency, Jitter  time.Duration
	Drop             float64
	CorruptSignature bool
}

// Proxy is a reverse proxy between two nodes that injects faults into the
// requests from one to the other.
type Proxy struct {
	Target *url.URL     // base URL of the receiving node
	Client *http.Client // trusts the receiver's TLS certificate
	Faults Faults

	forwarded, dropped, corrupted, expired atomic.Int64
}

// ProxyCounts count what a proxy did.
type ProxyCounts struct {
	Forwarded int64 `json:"forwarded"`
	Dropped   int64 `json:"dropped"`
	Corrupted int64 `json:"corrupted"`
	// ExpiredCertificate counts the TLS handshakes in which the link
	// presented its expired certificate.
	ExpiredCertificate int64 `json:"expiredCertificate,omitempty"`
}

// Counts returns what the proxy did so far.
func (p *Proxy) Counts() ProxyCounts {
	return ProxyCounts{Forwarded: p.forwarded.Load(), Dropped: p.dropped.Load(), Corrupted: p.corrupted.Load(),
		ExpiredCertificate: p.expired.Load()}
}

// serverTLS is the TLS configuration the proxy serves with: it presents
// cert, or expired — counting each handshake — when expired is not nil.
func (p *Proxy) serverTLS(cert tls.Certificate, expired *tls.Certificate) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if expired == nil {
		cfg.Certificates = []tls.Certificate{cert}
		return cfg
	}
	cfg.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		p.expired.Add(1)
		return expired, nil
	}
	return cfg
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxProxiedBody))
	if err != nil {
		http.Error(w, "fault proxy: reading the request: "+err.Error(), http.StatusBadGateway)
		return
	}
	if !p.delay(r.Context()) {
		return
	}
	if p.Faults.Drop > 0 && rand.Float64() < p.Faults.Drop { //nolint:gosec // fault injection, not security
		p.dropped.Add(1)
		dropConnection(w)
		return
	}
	if p.Faults.CorruptSignature {
		if corrupted, ok := CorruptSignatureValue(body); ok {
			body = corrupted
			p.corrupted.Add(1)
		}
	}
	p.forward(w, r, body)
}

// delay waits the link's latency and jitter; false when the request was
// abandoned meanwhile.
func (p *Proxy) delay(ctx context.Context) bool {
	d := p.Faults.Latency
	if p.Faults.Jitter > 0 {
		d += time.Duration(rand.Int64N(int64(p.Faults.Jitter) + 1)) //nolint:gosec // fault injection
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// dropConnection closes the connection without an answer, as a network
// that loses the exchange would.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection on this panic
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// hopHeaders are not forwarded (RFC 9110, 7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, body []byte) {
	target := *p.Target
	target.Path = strings.TrimSuffix(target.Path, "/") + r.URL.Path
	target.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, target.String(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, "fault proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	resp, err := p.Client.Do(out)
	if err != nil {
		http.Error(w, "fault proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	p.forwarded.Add(1)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	for _, h := range hopHeaders {
		w.Header().Del(h)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// CorruptSignatureValue changes one base64 character in the first
// ds:SignatureValue of an AS4 message (any namespace prefix), keeping the
// length, so that the message still parses but its signature no longer
// verifies. ok is false when the message carries no signature value.
func CorruptSignatureValue(msg []byte) (out []byte, ok bool) {
	start, end := signatureValueText(msg)
	if start < 0 {
		return msg, false
	}
	for i := start + (end-start)/2; i < end; i++ {
		if c, changed := flipBase64(msg[i]); changed {
			out = bytes.Clone(msg)
			out[i] = c
			return out, true
		}
	}
	return msg, false
}

// signatureValueText finds the text of the first SignatureValue element:
// [start, end) in msg, or -1.
func signatureValueText(msg []byte) (start, end int) {
	from := 0
	for {
		i := bytes.Index(msg[from:], []byte("SignatureValue"))
		if i < 0 {
			return -1, -1
		}
		i += from
		from = i + 1
		if !startTagBefore(msg, i) {
			continue
		}
		gt := bytes.IndexByte(msg[i:], '>')
		if gt < 0 || msg[i+gt-1] == '/' {
			continue
		}
		start = i + gt + 1
		lt := bytes.IndexByte(msg[start:], '<')
		if lt <= 0 {
			continue
		}
		return start, start + lt
	}
}

// startTagBefore tells whether the name at i opens a start tag: "<" or
// "<prefix:" right before it.
func startTagBefore(msg []byte, i int) bool {
	if i == 0 {
		return false
	}
	if msg[i-1] == '<' {
		return true
	}
	if msg[i-1] != ':' {
		return false
	}
	k := i - 2
	for k >= 0 && isNameChar(msg[k]) {
		k--
	}
	return k >= 0 && k < i-2 && msg[k] == '<'
}

func isNameChar(c byte) bool {
	return c == '_' || c == '-' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// flipBase64 maps a base64 letter or digit to another one.
func flipBase64(c byte) (byte, bool) {
	switch {
	case c == 'A':
		return 'B', true
	case (c >= 'B' && c <= 'Z') || (c >= 'b' && c <= 'z') || (c >= '1' && c <= '9'):
		return c - 1, true
	case c == 'a':
		return 'Z', true
	case c == '0':
		return '9', true
	}
	return c, false
}
