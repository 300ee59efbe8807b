package as4

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/oots-tools/oots/pkg/xmlschema"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 123e6, time.UTC)

func route() Route {
	return Route{
		From: "AP_FR_01", To: "AP_DE_01",
		OriginalSender: "00000000000002", SenderType: "urn:cef.eu:names:identifier:EAS:0009",
		FinalRecipient: "DE73524311", RecipType: "urn:cef.eu:names:identifier:EAS:9930",
	}
}

func payloads() []Payload {
	return []Payload{
		{ContentID: "msg@oots.eu", MediaType: MediaTypeEbRS, Data: []byte("<query:QueryRequest/>")},
		{ContentID: "pdf@oots.eu", MediaType: "application/pdf", Compress: true, Data: bytes.Repeat([]byte("%PDF-1.7 "), 500),
			Properties: []Property{{Name: "PayloadName", Value: "birth.pdf"}}},
	}
}

// structureViolations validates a document with the embedded ebMS3 / SOAP model.
func structureViolations(t *testing.T, data []byte) []xmlschema.Violation {
	t.Helper()
	s, err := xmlschema.EmbeddedEbMS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(context.Background(), doc)
}

func TestBuiltHeadersFollowTheEbMSSchema(t *testing.T) {
	req, err := WithPayloads(NewRequest(route(), "oots-edm:v1.0", now), payloads())
	if err != nil {
		t.Fatal(err)
	}
	reply := NewReply(req, ActionResponse, now)
	reply.Parts = req.Parts[:1]
	msg := &Message{Header: &Header{User: req}, Envelope: EnvelopeXML(req), Payloads: payloads()}
	docs := map[string][]byte{
		"request header":   HeaderXML(req),
		"request envelope": EnvelopeXML(req),
		"reply envelope":   EnvelopeXML(reply),
		"receipt":          EnvelopeXML(nil, NewReceipt(msg, now)),
		"error":            EnvelopeXML(nil, NewErrorSignal(req.MessageID, now, ErrMimeInconsistency.With(req.MessageID, "no part"))),
	}
	for name, data := range docs {
		if v := structureViolations(t, data); len(v) > 0 {
			t.Errorf("%s: %v\n%s", name, v, data)
		}
	}
	xmllintAgrees(t, docs)
}

// xmllintAgrees validates the standalone header with the official ebMS
// header XSD and the envelopes with the SOAP 1.2 XSD through xmllint.
func xmllintAgrees(t *testing.T, docs map[string][]byte) {
	bin, err := exec.LookPath("xmllint")
	spec, _ := conformance.SpecDir()
	if err != nil || spec == "" {
		t.Log("xmllint or the shared corpus absent: differential check skipped")
		return
	}
	dir := t.TempDir()
	for name, data := range docs {
		schema := "ebms3/soap12.xsd"
		if name == "request header" {
			schema = "ebms3/ebms-header-3_0-200704.xsd"
		}
		f := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".xml")
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "--nonet", "--noout", "--schema", filepath.Join(spec, "xsd", schema), f).CombinedOutput()
		if err != nil {
			t.Errorf("xmllint refuses the %s: %s", name, out)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	req := NewRequest(route(), "oots-edm:v1.0", now)
	var b bytes.Buffer
	ct, err := Encode(&b, req, payloads())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ct, "multipart/related;") || !strings.Contains(ct, `type="application/soap+xml"`) {
		t.Errorf("content type %q", ct)
	}
	msg, err := Decode(context.Background(), ct, &b, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	got := msg.Header.User
	if got.MessageID != req.MessageID || got.Action != ActionRequest || got.From.ID != "AP_FR_01" ||
		got.Property(PropFinalRecipient) != "DE73524311" || !got.Timestamp.Equal(now) || got.MPC != DefaultMPC {
		t.Errorf("header changed in transit: %+v", got)
	}
	want := payloads()
	if len(msg.Payloads) != len(want) {
		t.Fatalf("%d payloads, want %d", len(msg.Payloads), len(want))
	}
	for i, p := range msg.Payloads {
		if p.ContentID != want[i].ContentID || p.MediaType != want[i].MediaType || !bytes.Equal(p.Data, want[i].Data) || p.Compress != want[i].Compress {
			t.Errorf("payload %d: %+v", i, p)
		}
	}
	if p, ok := msg.Payload("cid:pdf@oots.eu"); !ok || len(p.Properties) != 1 || p.Properties[0].Value != "birth.pdf" {
		t.Errorf("payload lookup by cid: %+v %v", p, ok)
	}
}

func TestReplySwapsTheSides(t *testing.T) {
	req := NewRequest(route(), "oots-edm:v1.0", now)
	r := NewReply(req, ActionException, now)
	if r.From != req.To || r.To != req.From || r.RefToMessageID != req.MessageID || r.ConversationID != req.ConversationID {
		t.Errorf("reply header: %+v", r)
	}
	if r.Property(PropOriginalSender) != "DE73524311" || r.Property(PropFinalRecipient) != "00000000000002" ||
		r.Property(PropExchangeID) != req.Property(PropExchangeID) {
		t.Errorf("reply properties: %+v", r.Properties)
	}
	for _, p := range r.Properties {
		if p.Name == PropOriginalSender && p.Type != "urn:cef.eu:names:identifier:EAS:9930" {
			t.Errorf("original sender keeps the scheme of the request's final recipient, got %q", p.Type)
		}
	}
}

func TestReceiptAndErrorSignalsRoundTrip(t *testing.T) {
	req := NewRequest(route(), "", now)
	var b bytes.Buffer
	ct, err := Encode(&b, req, payloads())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Decode(context.Background(), ct, &b, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var sb bytes.Buffer
	sct, err := EncodeSignal(&sb, NewReceipt(msg, now), NewErrorSignal(req.MessageID, now, ErrOther.With(req.MessageID, "late")))
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(context.Background(), sct, &sb, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	sigs := back.Header.Signals
	if len(sigs) != 2 || sigs[0].Receipt == nil || sigs[0].RefToMessageID != req.MessageID {
		t.Fatalf("signals: %+v", sigs)
	}
	if got := len(sigs[0].Receipt.Parts); got != 3 || sigs[0].Receipt.Parts[2].URI != "cid:pdf@oots.eu" || sigs[0].Receipt.Parts[2].Digest != digest(payloads()[1].Data) {
		t.Errorf("receipt digests: %+v", sigs[0].Receipt.Parts)
	}
	if e := sigs[1].Errors; len(e) != 1 || e[0].Code != "EBMS:0004" || e[0].Detail != "late" || e[0].RefToMessageID != req.MessageID {
		t.Errorf("error signal: %+v", e)
	}
}

func TestDecodeRefusesInconsistentMessages(t *testing.T) {
	encode := func(edit func(*UserMessage, []Payload) []Payload) (string, []byte) {
		req := NewRequest(route(), "", now)
		ps := payloads()
		var b bytes.Buffer
		ct, err := Encode(&b, req, ps)
		if err != nil {
			t.Fatal(err)
		}
		if edit == nil {
			return ct, b.Bytes()
		}
		// Re-encode with a header that no longer matches the parts.
		req, err = WithPayloads(req, ps)
		if err != nil {
			t.Fatal(err)
		}
		ps = edit(req, ps)
		b.Reset()
		parts, err := wireParts(ps)
		if err != nil {
			t.Fatal(err)
		}
		ct, err = encodeParts(&b, EnvelopeXML(req), parts)
		if err != nil {
			t.Fatal(err)
		}
		return ct, b.Bytes()
	}
	cases := map[string]struct {
		ct   func() (string, []byte)
		code string
	}{
		"part missing": {func() (string, []byte) {
			return encode(func(_ *UserMessage, ps []Payload) []Payload { return ps[:1] })
		}, "EBMS:0007"},
		"part not listed": {func() (string, []byte) {
			return encode(func(m *UserMessage, ps []Payload) []Payload { m.Parts = m.Parts[:1]; return ps })
		}, "EBMS:0007"},
		"not gzip": {func() (string, []byte) {
			return encode(func(_ *UserMessage, ps []Payload) []Payload { ps[1].Compress = false; return ps })
		}, "EBMS:0303"},
		"wrong content type": {func() (string, []byte) { _, b := encode(nil); return "text/plain", b }, "EBMS:0007"},
		"no messaging header": {func() (string, []byte) {
			return "application/soap+xml", []byte(`<s:Envelope xmlns:s="` + NSSOAP12 + `"><s:Header/><s:Body/></s:Envelope>`)
		}, ""},
		"header without action": {func() (string, []byte) {
			return encode(func(m *UserMessage, ps []Payload) []Payload { m.Action = ""; return ps })
		}, "EBMS:0009"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			ct, body := c.ct()
			_, err := Decode(context.Background(), ct, bytes.NewReader(body), DefaultLimits)
			if err == nil {
				t.Fatal("accepted")
			}
			var e Error
			switch {
			case c.code == "":
				if !errors.Is(err, ErrNoMessaging) {
					t.Errorf("got %v, want ErrNoMessaging", err)
				}
			case !errors.As(err, &e) || e.Code != c.code:
				t.Errorf("got %v, want %s", err, c.code)
			}
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	req := NewRequest(route(), "", now)
	bomb := Payload{ContentID: "z@oots.eu", MediaType: "application/pdf", Compress: true, Data: make([]byte, 4<<20)}
	var b bytes.Buffer
	ct, err := Encode(&b, req, []Payload{bomb})
	if err != nil {
		t.Fatal(err)
	}
	lim := Limits{MaxBytes: 1 << 20, MaxParts: 4}
	if b.Len() > int(lim.MaxBytes) {
		t.Fatalf("compressed test message too large: %d", b.Len())
	}
	_, err = Decode(context.Background(), ct, bytes.NewReader(b.Bytes()), lim)
	var e Error
	if !errors.As(err, &e) || e.Code != "EBMS:0303" {
		t.Errorf("a payload inflating beyond the limit: got %v", err)
	}
	_, err = Decode(context.Background(), ct, bytes.NewReader(b.Bytes()), Limits{MaxBytes: 100})
	if err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("a body beyond the limit: got %v", err)
	}
}

// TestSharedHeaders reads every eb:Messaging header and captured envelope of
// the shared corpus.
func TestSharedHeaders(t *testing.T) {
	spec, _ := conformance.SpecDir()
	if spec == "" {
		t.Skip("shared corpus absent")
	}
	files, _ := filepath.Glob(filepath.Join(spec, "samples", "as4", "*.xml"))
	more, _ := filepath.Glob(filepath.Join(spec, "samples", "as4", "domibus-ws-plugin", "*.xml"))
	files = append(files, more...)
	if len(files) < 10 {
		t.Fatalf("only %d AS4 samples found", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h, err := ParseHeader(context.Background(), data)
		if !bytes.Contains(data, []byte("MessageInfo>")) {
			// A back-end submission to an access point (Domibus
			// submitRequest): no MessageInfo yet, so not a wire message.
			var e Error
			if !errors.As(err, &e) || e.Code != "EBMS:0009" {
				t.Errorf("%s: a header without MessageInfo must be refused as EBMS:0009, got %v", filepath.Base(f), err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		u := h.User
		if u == nil || u.Service != ServiceQuery || u.ServiceType != ServiceType || u.From.Role != RoleGateway ||
			!strings.HasPrefix(u.Action, "Execute") && u.Action != ActionException || len(u.Parts) == 0 {
			t.Errorf("%s: unexpected header %+v", filepath.Base(f), u)
		}
		if u != nil && (u.Property(PropOriginalSender) == "" || u.Property(PropFinalRecipient) == "") {
			t.Errorf("%s: originalSender / finalRecipient not read", filepath.Base(f))
		}
	}
}

func FuzzDecode(f *testing.F) {
	req := NewRequest(route(), "", now)
	var b bytes.Buffer
	ct, err := Encode(&b, req, payloads())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ct, b.Bytes())
	f.Add("application/soap+xml", EnvelopeXML(req))
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write([]byte("x"))
	_ = zw.Close()
	f.Add("multipart/related; boundary=x", z.Bytes())
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		msg, err := Decode(context.Background(), contentType, bytes.NewReader(body), Limits{MaxBytes: 1 << 20, MaxParts: 8})
		if err == nil && msg.Header == nil {
			t.Fatal("no header and no error")
		}
	})
}
