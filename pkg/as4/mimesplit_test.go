package as4

import (
	"bytes"
	"fmt"
	"maps"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"
)

// sameSplit checks that the fast path, whenever it takes raw, splits it as
// mime/multipart does: same parts, same envelope, same refusal.
func sameSplit(t *testing.T, raw []byte, boundary, start string, lim Limits) (plain bool) {
	t.Helper()
	fast := partSink{start: start, lim: lim}
	ok, ferr := splitPlain(raw, boundary, &fast)
	if !ok {
		return false
	}
	slow := partSink{start: start, lim: lim}
	serr := splitMultipart(raw, boundary, &slow)
	if fmt.Sprint(ferr) != fmt.Sprint(serr) {
		t.Fatalf("%q: fast error %v, multipart error %v", raw, ferr, serr)
	}
	if ferr != nil {
		return true
	}
	if !bytes.Equal(fast.envelope, slow.envelope) || (fast.envelope == nil) != (slow.envelope == nil) ||
		!maps.EqualFunc(fast.parts, slow.parts, bytes.Equal) || fast.n != slow.n {
		t.Fatalf("%q: fast %q %q, multipart %q %q", raw, fast.envelope, fast.parts, slow.envelope, slow.parts)
	}
	return true
}

func TestSplitPlainAgreesWithMultipart(t *testing.T) {
	var b bytes.Buffer
	ct, err := Encode(&b, NewRequest(route(), "", now), payloads())
	if err != nil {
		t.Fatal(err)
	}
	boundary := boundaryOf(t, ct)
	if !sameSplit(t, b.Bytes(), boundary, "", DefaultLimits) {
		t.Fatal("the fast path refuses what Encode writes")
	}
	for _, raw := range []string{
		"--b\r\nContent-Id: <x>\r\n\r\nbody\r\n--b--",
		"--b\r\nContent-ID:<x> \r\ncontent-id: <y>\r\n\r\n\r\n--b\r\nX: 1\r\n\r\n--b-x\r\n--b--\r\nepilogue",
		"--b\r\n\r\n--b\r\n\r\n--b--\r\n",
		"--b\r\nContent-Id: <a>\r\n\r\n1\r\n--b\r\nContent-Id: <a>\r\n\r\n2\r\n--b--\r\n",
		"--b\r\nContent-Id: <a>\r\n\r\n1\r\n--b\r\nContent-Id: <c>\r\n\r\n2\r\n--b\r\nContent-Id: <d>\r\n\r\n3\r\n--b--\r\n",
		"preamble\r\n--b\r\n\r\nx\r\n--b--",
		"--b \r\n\r\nx\r\n--b--",
		"--b\r\n folded: x\r\n\r\nx\r\n--b--",
		"--b\r\nA: x\r\n\r\n--b\r\n--b--",
		"--b\nA: x\n\nx\n--b--",
	} {
		sameSplit(t, []byte(raw), "b", "a", Limits{MaxBytes: 1 << 20, MaxParts: 2})
	}
}

func boundaryOf(t *testing.T, ct string) string {
	t.Helper()
	_, b, ok := bytes.Cut([]byte(ct), []byte(`boundary=`))
	if !ok {
		t.Fatalf("no boundary in %s", ct)
	}
	b, _, _ = bytes.Cut(b, []byte(";"))
	return string(bytes.Trim(b, `"`))
}

func FuzzSplitPlain(f *testing.F) {
	f.Add([]byte("--b\r\nContent-Id: <x>\r\n\r\nbody\r\n--b--"), "x")
	f.Add([]byte("--b\r\nContent-Id: <a>\r\n\r\n1\r\n--b\r\nContent-Id: <c>\r\n\r\n\r\n--b-\r\n--b--\r\n"), "")
	f.Fuzz(func(t *testing.T, raw []byte, start string) {
		sameSplit(t, raw, "b", start, Limits{MaxBytes: 1 << 20, MaxParts: 3})
	})
}

// TestEncodePartsAsMultipartWriter checks encodeParts against
// mime/multipart's Writer with the same boundary: same bytes, same
// Content-Type.
func TestEncodePartsAsMultipartWriter(t *testing.T) {
	parts, err := wireParts(append(payloads(), Payload{ContentID: "empty@x", MediaType: "text/plain"}))
	if err != nil {
		t.Fatal(err)
	}
	envelope := EnvelopeXML(NewRequest(route(), "", now))
	var got bytes.Buffer
	ct, err := encodeParts(&got, envelope, parts)
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	mw := multipart.NewWriter(&want)
	if err := mw.SetBoundary(params["boundary"]); err != nil {
		t.Fatal(err)
	}
	add := func(id, contentType string, data []byte) {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", contentType)
		h.Set("Content-Transfer-Encoding", "binary")
		h.Set("Content-ID", "<"+id+">")
		pw, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	add(strings.Trim(params["start"], "<>"), `application/soap+xml; charset=UTF-8`, envelope)
	for _, p := range parts {
		add(p.id, p.contentType, p.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("encodeParts wrote\n%q\nmime/multipart writes\n%q", got.Bytes(), want.Bytes())
	}
	wantCT := mime.FormatMediaType("multipart/related", map[string]string{
		"type": "application/soap+xml", "boundary": mw.Boundary(), "start": params["start"],
	})
	if ct != wantCT || len(params["boundary"]) != 60 {
		t.Errorf("Content-Type %s, want %s", ct, wantCT)
	}
}
