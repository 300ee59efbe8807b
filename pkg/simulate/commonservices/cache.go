package commonservices

import (
	"net/http"
	"sync"
)

// cache keeps answers by question. The catalogue does not change while it
// is served, so an answer never goes stale; only its signature is renewed
// every second.
type cache struct {
	mu      sync.Mutex
	max     int
	answers map[string]*cached
}

// cached is one answer and its latest signature headers.
type cached struct {
	body []byte

	mu       sync.Mutex
	signedAt int64 // Unix second of header
	header   http.Header
}

func newCache(max int) *cache {
	return &cache{max: max, answers: map[string]*cached{}}
}

func (c *cache) get(key string) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.answers[key]
}

// put stores an answer; when the cache is full it starts afresh (simple,
// and a full cache means the questions are not repeating anyway).
func (c *cache) put(key string, body []byte) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.answers[key]; ok {
		return a
	}
	if len(c.answers) >= c.max {
		c.answers = map[string]*cached{}
	}
	a := &cached{body: body}
	c.answers[key] = a
	return a
}

func (a *cached) signature(second int64) http.Header {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.header != nil && a.signedAt == second {
		return a.header
	}
	return nil
}

func (a *cached) setSignature(second int64, h http.Header) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.signedAt, a.header = second, h
}
