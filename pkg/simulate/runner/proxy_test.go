package runner

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// signedMessage is the shape of a signed AS4 message: a multipart body whose
// SOAP part carries a ds:SignatureValue.
const signedMessage = "--b\r\nContent-Type: application/soap+xml\r\n\r\n" +
	`<S12:Envelope xmlns:S12="http://www.w3.org/2003/05/soap-envelope"><S12:Header><wsse:Security>` +
	`<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/>` +
	`<ds:SignatureValue Id="sv">QUJDREVGR0hJSktMTU5PUA==</ds:SignatureValue></ds:Signature>` +
	"</wsse:Security></S12:Header><S12:Body/></S12:Envelope>\r\n--b--\r\n"

// fakeAS4 records what reaches the receiving side.
type fakeAS4 struct {
	mu     sync.Mutex
	bodies [][]byte
	paths  []string
}

func (f *fakeAS4) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.paths = append(f.paths, r.URL.RequestURI())
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/soap+xml")
	w.Header().Set("X-Receiver", "yes")
	_, _ = io.WriteString(w, "receipt")
}

func proxyTo(t *testing.T, faults Faults) (*Proxy, *fakeAS4, string) {
	t.Helper()
	recv := &fakeAS4{}
	target := httptest.NewTLSServer(recv)
	t.Cleanup(target.Close)
	u, _ := url.Parse(target.URL + "/base")
	p := &Proxy{Target: u, Client: target.Client(), Faults: faults}
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	return p, recv, front.URL
}

func post(t *testing.T, u, body string) (*http.Response, error) {
	t.Helper()
	resp, err := http.Post(u, "multipart/related; boundary=b", strings.NewReader(body)) //nolint:noctx // test
	if err == nil {
		_, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
	return resp, err
}

func TestProxyForwards(t *testing.T) {
	p, recv, front := proxyTo(t, Faults{})
	resp, err := post(t, front+"/as4?x=1", signedMessage)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("X-Receiver") != "yes" {
		t.Errorf("answer %d %v", resp.StatusCode, resp.Header)
	}
	if recv.paths[0] != "/base/as4?x=1" || string(recv.bodies[0]) != signedMessage {
		t.Errorf("forwarded %q %q", recv.paths[0], recv.bodies[0])
	}
	if c := p.Counts(); c != (ProxyCounts{Forwarded: 1}) {
		t.Errorf("counts %+v", c)
	}
}

func TestProxyCorruptsTheSignatureValue(t *testing.T) {
	p, recv, front := proxyTo(t, Faults{CorruptSignature: true})
	if _, err := post(t, front+"/as4", signedMessage); err != nil {
		t.Fatal(err)
	}
	got := recv.bodies[0]
	if len(got) != len(signedMessage) || bytes.Equal(got, []byte(signedMessage)) {
		t.Fatalf("the message should change in place: %q", got)
	}
	diff := 0
	start := strings.Index(signedMessage, "QUJD")
	end := strings.Index(signedMessage, "</ds:SignatureValue>")
	for i := range got {
		if got[i] == signedMessage[i] {
			continue
		}
		diff++
		if i < start || i >= end {
			t.Errorf("byte %d outside the SignatureValue text changed", i)
		}
	}
	if diff != 1 || p.Counts().Corrupted != 1 {
		t.Errorf("%d bytes changed, %d corrupted", diff, p.Counts().Corrupted)
	}
	// Messages without a signature pass unchanged.
	if _, err := post(t, front+"/as4", "no signature here"); err != nil {
		t.Fatal(err)
	}
	if string(recv.bodies[1]) != "no signature here" || p.Counts().Corrupted != 1 {
		t.Error("an unsigned message was changed")
	}
}

func TestCorruptSignatureValueForms(t *testing.T) {
	for _, msg := range []string{
		`<SignatureValue>AAAA</SignatureValue>`,
		`<x:SignatureValue a="1">zzzz</x:SignatureValue>`,
		`<ds:SignatureMethod/><SignatureValueX/><ds:SignatureValue>0000</ds:SignatureValue>`,
	} {
		out, ok := CorruptSignatureValue([]byte(msg))
		if !ok || string(out) == msg || len(out) != len(msg) {
			t.Errorf("%s: not corrupted (%s)", msg, out)
		}
	}
	for _, msg := range []string{`<SignatureValue/>`, `<SignatureValue>==</SignatureValue>`, `SignatureValue`, `<mySignatureValue>AAAA</mySignatureValue>`} {
		if _, ok := CorruptSignatureValue([]byte(msg)); ok {
			t.Errorf("%s: corrupted, but has no signature value to corrupt", msg)
		}
	}
}

func TestProxyDropsConnections(t *testing.T) {
	p, recv, front := proxyTo(t, Faults{Drop: 1})
	if _, err := post(t, front+"/as4", signedMessage); err == nil {
		t.Fatal("a dropped request should end without an answer")
	}
	if len(recv.bodies) != 0 || p.Counts().Dropped != 1 || p.Counts().Forwarded != 0 {
		t.Errorf("dropped request reached the receiver: %+v", p.Counts())
	}
}

func TestProxyLatency(t *testing.T) {
	_, _, front := proxyTo(t, Faults{Latency: 150 * time.Millisecond, Jitter: 10 * time.Millisecond})
	start := time.Now()
	if _, err := post(t, front+"/as4", "x"); err != nil {
		t.Fatal(err)
	}
	// A lower bound only: the link waits at least its latency.
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("answered after %s, before the link's latency", took)
	}
}
