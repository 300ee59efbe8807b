package regrep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// DefaultAcceptVersion asks for the current Common Services interface;
// without an Accept-Version header the services answer in the v1.0 form
// (TDD chapter 3.6.2).
const DefaultAcceptVersion = "oots-cs:v2.0"

// ContentType is the media type of RegRep messages, sent in Accept.
const ContentType = "application/x-ebrs+xml"

// DefaultMaxBodyBytes bounds an answer: the whole acceptance-environment
// requirements catalogue is about 0.6 MiB.
const DefaultMaxBodyBytes = 16 << 20

// Client queries one RegRep REST endpoint.
type Client struct {
	// BaseURL is the address before /rest/search, e.g.
	// https://query.cs.acc.oots.tech.ec.europa.eu/eb (a trailing slash is fine).
	BaseURL string
	// HTTP sends the requests; nil means http.DefaultClient. Its Timeout
	// (or the context) bounds slow answers.
	HTTP *http.Client
	// AcceptVersion is sent as the Accept-Version header; "" means
	// DefaultAcceptVersion.
	AcceptVersion string
	// Verify checks the response signature over the received headers and
	// body before anything else is read; nil skips the check.
	Verify func(header http.Header, body []byte) error
	// MaxBodyBytes bounds the answer; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Cache, when set, keeps verified answers by query for a while, as a
	// procedure portal does: the same question then costs no round trip,
	// no signature check and no parse.
	Cache *Cache
}

// HTTPError is an answer that is not a QueryResponse and came with an HTTP
// error status (the services answer 200 for refusals, so this is a server
// or proxy failure).
type HTTPError struct {
	URL        string
	StatusCode int
	// Snippet is the start of the body, for the message.
	Snippet string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Snippet != "" {
		msg += ": " + e.Snippet
	}
	return msg
}

// SignatureError is an answer whose signature was refused.
type SignatureError struct {
	URL string
	Err error
}

func (e *SignatureError) Error() string {
	return fmt.Sprintf("%s: response signature refused: %v", e.URL, e.Err)
}

func (e *SignatureError) Unwrap() error { return e.Err }

// ErrBodyTooLarge is wrapped by the error for an answer beyond MaxBodyBytes.
var ErrBodyTooLarge = errors.New("answer larger than the limit")

// QueryError is a verified answer with status Failure. Its Response keeps
// the exceptions and the body.
type QueryError struct {
	URL      string
	Response *Response
}

func (e *QueryError) Error() string {
	parts := make([]string, 0, len(e.Response.Exceptions))
	for _, x := range e.Response.Exceptions {
		parts = append(parts, x.String())
	}
	if len(parts) == 0 {
		parts = append(parts, "no exception given")
	}
	return fmt.Sprintf("%s: status Failure: %s", e.URL, strings.Join(parts, "; "))
}

// URL is the full search address of q.
func (c *Client) URL(q Query) (string, error) {
	search, err := searchEndpoint(c.BaseURL)
	if err != nil {
		return "", err
	}
	return search + q.Encode(), nil
}

// endpoints remembers the search endpoint of each base URL seen: a
// process talks to a handful of services, and a portal asks them for every
// user.
var endpoints = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// maxEndpoints bounds the endpoints remembered; more are checked each time.
const maxEndpoints = 64

// searchEndpoint checks a base URL and returns its search address, up to
// and including the "?" of the query.
func searchEndpoint(raw string) (string, error) {
	endpoints.Lock()
	search, ok := endpoints.m[raw]
	endpoints.Unlock()
	if ok {
		return search, nil
	}
	base, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", raw, err)
	}
	if base.Scheme != "http" && base.Scheme != "https" || base.Host == "" {
		return "", fmt.Errorf("base URL %q: want an http or https URL with a host", raw)
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return "", fmt.Errorf("base URL %q: give the address before /rest/search, without a query", raw)
	}
	search = strings.TrimSuffix(base.String(), "/") + "/rest/search?"
	endpoints.Lock()
	if len(endpoints.m) < maxEndpoints {
		endpoints.m[raw] = search
	}
	endpoints.Unlock()
	return search, nil
}

// Search sends q and returns the verified answer. A Failure status is
// returned as a *QueryError together with the response; a refused
// signature as a *SignatureError; an HTTP error without a QueryResponse as
// an *HTTPError.
func (c *Client) Search(ctx context.Context, q Query) (*Response, error) {
	target, err := c.URL(q)
	if err != nil {
		return nil, err
	}
	if resp, err, ok := c.Cache.get(target); ok {
		return resp, err
	}
	resp, err := c.search(ctx, target)
	c.Cache.put(target, resp, err)
	return resp, err
}

func (c *Client) search(ctx context.Context, target string) (*Response, error) {
	status, header, body, err := c.get(ctx, target)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 && !looksLikeXML(body) {
		return nil, &HTTPError{URL: target, StatusCode: status, Snippet: snippet(body)}
	}
	if c.Verify != nil {
		if err := c.Verify(header, body); err != nil {
			return nil, &SignatureError{URL: target, Err: err}
		}
	}
	resp, err := ParseResponse(ctx, body, xmldoc.Limits{MaxBytes: c.maxBody(), MaxDepth: xmldoc.DefaultLimits.MaxDepth})
	if err != nil {
		if status/100 != 2 {
			return nil, &HTTPError{URL: target, StatusCode: status, Snippet: snippet(body)}
		}
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	resp.URL, resp.HTTPStatus, resp.Header = target, status, header
	if resp.Status == StatusFailure {
		return resp, &QueryError{URL: target, Response: resp}
	}
	return resp, nil
}

func (c *Client) get(ctx context.Context, target string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", ContentType)
	req.Header.Set("Accept-Version", c.acceptVersion())
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer func() { _ = res.Body.Close() }()
	limit := c.maxBody()
	body, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s: reading the answer: %w", target, err)
	}
	if int64(len(body)) > limit {
		return 0, nil, nil, fmt.Errorf("%s: %w of %d bytes", target, ErrBodyTooLarge, limit)
	}
	return res.StatusCode, res.Header, body, nil
}

func (c *Client) acceptVersion() string {
	if c.AcceptVersion == "" {
		return DefaultAcceptVersion
	}
	return c.AcceptVersion
}

func (c *Client) maxBody() int64 {
	if c.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return c.MaxBodyBytes
}

func looksLikeXML(b []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(t) > 0 && t[0] == '<'
}

// snippet is the start of a body as one printable line.
func snippet(b []byte) string {
	const max = 120
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
