package regrep_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/regrep"
)

func TestCacheAnswersRepeatedQueries(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL, Cache: regrep.NewCache(time.Hour, 8)}
	ctx := context.Background()
	q := regrep.EvidenceTypesQuery(reqID, "FI")
	first, err := c.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Search(ctx, q)
	if err != nil || again != first {
		t.Fatalf("second search: %v (same answer %v)", err, again == first)
	}
	// A Failure answer is an answer: kept, with its error.
	failure := regrep.DataServicesQuery("x", "FI")
	for range 2 {
		var qe *regrep.QueryError
		if _, err := c.Search(ctx, failure); !errors.As(err, &qe) {
			t.Fatalf("failure answer: %v", err)
		}
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("%d requests reached the server, want 2", got)
	}
}

func TestCacheKeepsNoRefusedSignatureOrTransportError(t *testing.T) {
	srv := newServer(t, routes(t))
	refuse := true
	c := &regrep.Client{BaseURL: srv.URL, Cache: regrep.NewCache(time.Hour, 8), Verify: func(http.Header, []byte) error {
		if refuse {
			return errors.New("bad signature")
		}
		return nil
	}}
	ctx := context.Background()
	q := regrep.EvidenceTypesQuery(reqID, "FI")
	if _, err := c.Search(ctx, q); err == nil {
		t.Fatal("a refused signature must fail")
	}
	refuse = false
	if _, err := c.Search(ctx, q); err != nil {
		t.Fatalf("after the refusal the query must be asked again: %v", err)
	}
	broken := regrep.RequirementsQuery("BROKEN", "")
	_, _ = c.Search(ctx, broken)
	_, _ = c.Search(ctx, broken)
	if got := len(srv.Requests()); got != 4 {
		t.Errorf("%d requests, want 4 (nothing refused or broken is kept)", got)
	}
}

func TestCacheExpiresAndStaysBounded(t *testing.T) {
	srv := newServer(t, routes(t))
	c := &regrep.Client{BaseURL: srv.URL, Cache: regrep.NewCache(time.Nanosecond, 1)}
	ctx := context.Background()
	q := regrep.EvidenceTypesQuery(reqID, "FI")
	for range 2 {
		if _, err := c.Search(ctx, q); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("%d requests after expiry, want 2", got)
	}
	bounded := &regrep.Client{BaseURL: srv.URL, Cache: regrep.NewCache(time.Hour, 1)}
	_, _ = bounded.Search(ctx, q)
	_, _ = bounded.Search(ctx, regrep.RequirementsQuery("P1", "")) // evicts the first
	_, _ = bounded.Search(ctx, q)
	if got := len(srv.Requests()); got != 5 {
		t.Errorf("%d requests, want 5 (a cache of one holds one answer)", got)
	}
}
