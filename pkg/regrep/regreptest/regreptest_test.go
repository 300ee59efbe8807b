package regreptest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

const body = `<?xml version="1.0"?>
<query:QueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"><x>value</x></query:QueryResponse>`

const jws = "eyJhbGciOiJFUzI1NiJ9..c2lnbmF0dXJlLXZhbHVlLW9mLXRoZS1yZXNwb25zZQ"

func start(t *testing.T) *Server {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.xml"), body)
	write(t, filepath.Join(dir, "a.headers"), "content-type: application/x-ebrs+xml\noots-response-sig: "+jws+"\ndigest: SHA-256=abc\n")
	write(t, filepath.Join(dir, "routes.json"), `{"routes": [{"queryId": "urn:q:eb:x", "params": {"a": "1", "b": "two words"}, "body": "a.xml"}]}`)
	rs, err := LoadRoutes(filepath.Join(dir, "routes.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(rs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s *Server, rawQuery string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(s.URL + "/any/prefix/rest/search?" + rawQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

const matching = "queryId=urn%3Aq%3Aeb%3Ax&b=two+words&a=1"

func TestServesRouteWithStoredHeaders(t *testing.T) {
	s := start(t)
	res, b := get(t, s, matching)
	if res.StatusCode != 200 || string(b) != body {
		t.Fatalf("%d %s", res.StatusCode, b)
	}
	if res.Header.Get("Oots-Response-Sig") != jws || res.Header.Get("Digest") != "SHA-256=abc" || res.Header.Get("Content-Type") != "application/x-ebrs+xml" {
		t.Errorf("headers %v", res.Header)
	}
	if len(s.Requests()) != 1 || s.Requests()[0].Query.Get("b") != "two words" {
		t.Errorf("requests %+v", s.Requests())
	}
}

func TestMatchIsExact(t *testing.T) {
	s := start(t)
	for _, q := range []string{"queryId=urn%3Aq%3Aeb%3Ax&a=1", matching + "&c=3", matching + "&a=1", "queryId=other&a=1&b=two+words"} {
		if res, b := get(t, s, q); res.StatusCode != 404 || !strings.Contains(string(b), "no route") {
			t.Errorf("%s: %d %s", q, res.StatusCode, b)
		}
	}
}

func TestFaults(t *testing.T) {
	s := start(t)
	s.SetFault("urn:q:eb:x", FaultTamperBody)
	_, b := get(t, s, matching)
	if diff := countDiff([]byte(body), b); diff != 1 {
		t.Errorf("tampered body differs in %d bytes, want 1", diff)
	}
	if _, err := xmldoc.Parse(context.Background(), b, xmldoc.DefaultLimits); err != nil {
		t.Errorf("tampered body no longer well-formed: %v", err)
	}

	s.SetFault("urn:q:eb:x", FaultTamperSignature)
	res, b := get(t, s, matching)
	sig := res.Header.Get("Oots-Response-Sig")
	if string(b) != body || sig == jws || len(sig) != len(jws) || !strings.HasPrefix(sig, "eyJhbGciOiJFUzI1NiJ9..") {
		t.Errorf("tampered signature %q", sig)
	}

	s.SetFault("urn:q:eb:x", FaultStripSignature)
	if res, _ := get(t, s, matching); res.Header.Get("Oots-Response-Sig") != "" || res.Header.Get("Digest") == "" {
		t.Errorf("stripped: %v", res.Header)
	}

	s.SetFault("urn:q:eb:x", FaultNone)
	s.SetFault("", FaultFailure) // applies to queries without their own fault
	_, b = get(t, s, "queryId=urn%3Afdc%3Aoots%3Adsd%3Ax")
	r, err := regrep.ParseResponse(context.Background(), b, xmldoc.DefaultLimits)
	if err != nil || r.Status != regrep.StatusFailure || r.Exceptions[0].Code != "DSD:ERR:0001" {
		t.Fatalf("failure answer: %+v, %v", r, err)
	}

	s.SetFault("", FaultServerError)
	if res, b := get(t, s, matching); res.StatusCode != 500 || bytes.HasPrefix(b, []byte("<")) {
		t.Errorf("server error: %d %s", res.StatusCode, b)
	}
}

func countDiff(a, b []byte) int {
	if len(a) != len(b) {
		return -1
	}
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func TestLoadRoutesErrors(t *testing.T) {
	dir := t.TempDir()
	for name, table := range map[string]string{
		"unknown-field.json": `{"routes": [{"queryId": "q", "body": "a.xml", "bodyFile": "x"}]}`,
		"no-body.json":       `{"routes": [{"queryId": "q"}]}`,
		"not-json.json":      `routes: []`,
	} {
		write(t, filepath.Join(dir, name), table)
		if _, err := LoadRoutes(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := NewServer([]Route{{QueryID: "q", Body: filepath.Join(dir, "missing.xml")}}); err == nil {
		t.Error("a route to a missing file accepted")
	}
	write(t, filepath.Join(dir, "b.xml"), body)
	if _, err := NewServer([]Route{{QueryID: "q", Body: filepath.Join(dir, "b.xml"), Headers: filepath.Join(dir, "none.headers")}}); err == nil {
		t.Error("a missing explicit headers file accepted")
	}
}
