package as4

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer is an AS4 server that counts deliveries per message id.
func countingServer(t *testing.T, refuse error) (*httptest.Server, map[string]int, *sync.Mutex) {
	t.Helper()
	var mu sync.Mutex
	delivered := map[string]int{}
	srv := &Server{Deliver: func(_ context.Context, m *Message) error {
		mu.Lock()
		defer mu.Unlock()
		delivered[m.Header.User.MessageID]++
		return refuse
	}}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, delivered, &mu
}

func TestSendGetsAReceipt(t *testing.T) {
	ts, delivered, _ := countingServer(t, nil)
	req := NewRequest(route(), "oots-edm:v1.0", now)
	c := &Client{HTTP: ts.Client()}
	r, err := c.Send(context.Background(), ts.URL, req, payloads())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Parts) != 3 || r.Parts[1].Digest != digest(payloads()[0].Data) {
		t.Errorf("receipt: %+v", r.Parts)
	}
	if delivered[req.MessageID] != 1 {
		t.Errorf("delivered %d times", delivered[req.MessageID])
	}
}

func TestDuplicatesAreDeliveredOnce(t *testing.T) {
	ts, delivered, mu := countingServer(t, nil)
	req := NewRequest(route(), "", now)
	c := &Client{HTTP: ts.Client()}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Send(context.Background(), ts.URL, req, payloads()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if delivered[req.MessageID] != 1 {
		t.Errorf("a message sent 10 times was delivered %d times", delivered[req.MessageID])
	}
}

func TestRetriesAfterTransportFailures(t *testing.T) {
	inner, delivered, _ := countingServer(t, nil)
	var calls atomic.Int32
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		resp, err := http.Post(inner.URL, r.Header.Get("Content-Type"), r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close() //nolint:errcheck // test relay
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		_, _ = w.Write(b.Bytes())
	}))
	defer flaky.Close()
	req := NewRequest(route(), "", now)
	c := &Client{Retries: 3, Backoff: time.Millisecond}
	if _, err := c.Send(context.Background(), flaky.URL, req, payloads()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || delivered[req.MessageID] != 1 {
		t.Errorf("%d calls, %d deliveries; want 3 and 1", calls.Load(), delivered[req.MessageID])
	}
	noRetry := &Client{}
	calls.Store(0)
	if _, err := noRetry.Send(context.Background(), flaky.URL, NewRequest(route(), "", now), payloads()); err == nil {
		t.Error("without retries the first 503 must be reported")
	}
}

func TestRefusalComesBackAsEbMSError(t *testing.T) {
	ts, _, _ := countingServer(t, ErrValueInconsistent.With("", "unknown final recipient"))
	c := &Client{HTTP: ts.Client(), Retries: 3, Backoff: time.Millisecond}
	req := NewRequest(route(), "", now)
	_, err := c.Send(context.Background(), ts.URL, req, payloads())
	var se *SendError
	if !errors.As(err, &se) || len(se.Errors) != 1 || se.Errors[0].Code != "EBMS:0003" || se.Errors[0].RefToMessageID != req.MessageID {
		t.Fatalf("got %v", err)
	}
}

// A peer whose TLS certificate is refused is not tried again: no retry can
// mend it, and the sender learns at once.
func TestNoRetryWhenThePeerCertificateIsRefused(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	var handshakes atomic.Int32
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	ts.StartTLS()
	defer ts.Close()
	c := &Client{Retries: 5, Backoff: time.Millisecond}
	_, err := c.Send(context.Background(), ts.URL, NewRequest(route(), "", now), payloads())
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("got %v, want a certificate error", err)
	}
	if handshakes.Load() != 1 || calls.Load() != 0 {
		t.Errorf("%d connections, %d requests; want 1 and 0", handshakes.Load(), calls.Load())
	}
}
