package regrep

import (
	"errors"
	"sync"
	"time"
)

// Cache keeps verified answers (Success and Failure alike) by query URL for
// TTL. Transport errors, HTTP errors and refused signatures are never kept.
// Cached responses are shared: callers must treat them as read-only. The
// zero Cache is not usable; make one with NewCache. A nil *Cache caches
// nothing.
type Cache struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	resp    *Response
	err     error
	expires time.Time
}

// NewCache keeps answers for ttl, at most max of them (the oldest go first
// when it is full).
func NewCache(ttl time.Duration, max int) *Cache {
	return &Cache{ttl: ttl, max: max, now: time.Now, entries: map[string]cacheEntry{}}
}

func (c *Cache) get(url string) (*Response, error, bool) {
	if c == nil {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[url]
	if !ok || c.now().After(e.expires) {
		return nil, nil, false
	}
	return e.resp, e.err, true
}

func (c *Cache) put(url string, resp *Response, err error) {
	var refused *QueryError
	if c == nil || resp == nil || (err != nil && !errors.As(err, &refused)) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[url] = cacheEntry{resp: resp, err: err, expires: now.Add(c.ttl)}
}

// evict drops the expired entries, or, if none are, the one expiring first.
func (c *Cache) evict(now time.Time) {
	oldest, first := "", time.Time{}
	for url, e := range c.entries {
		if now.After(e.expires) {
			delete(c.entries, url)
			continue
		}
		if oldest == "" || e.expires.Before(first) {
			oldest, first = url, e.expires
		}
	}
	if len(c.entries) >= c.max && oldest != "" {
		delete(c.entries, oldest)
	}
}
