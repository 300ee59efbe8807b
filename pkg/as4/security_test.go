package as4

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// testPKI is one CA for the whole test binary, so that every identity of
// security() trusts every other.
var testPKI = sync.OnceValues(pkitest.NewRoot)

func security(t testing.TB, alg pki.Algorithm, opts ...pkitest.Option) *Security {
	t.Helper()
	p, err := testPKI()
	if err != nil {
		t.Fatal(err)
	}
	return &Security{Identity: p.Identity(t, alg, opts...), Roots: []*x509.Certificate{p.Root}}
}

// signed encodes a request with the payloads, signed by sec.
func signed(t testing.TB, sec *Security, ps []Payload) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	ct, err := sec.Encode(&b, NewRequest(route(), "oots-edm:v1.0", now), ps)
	if err != nil {
		t.Fatal(err)
	}
	return ct, b.Bytes()
}

func decodeAndVerify(t testing.TB, sec *Security, ct string, body []byte) (*Message, error) {
	t.Helper()
	msg, err := Decode(context.Background(), ct, bytes.NewReader(body), DefaultLimits)
	if err != nil {
		return nil, err
	}
	return msg, sec.Verify(msg)
}

func TestSignedRoundTrip(t *testing.T) {
	for _, alg := range pki.Algorithms() {
		t.Run(string(alg), func(t *testing.T) {
			sec := security(t, alg)
			ct, body := signed(t, sec, payloads())
			msg, err := decodeAndVerify(t, sec, ct, body)
			if err != nil {
				t.Fatal(err)
			}
			if !msg.Signer().Equal(sec.Identity.Certificate) {
				t.Errorf("signer %v", msg.Signer())
			}
			for i, p := range msg.Payloads {
				if !bytes.Equal(p.Data, payloads()[i].Data) {
					t.Errorf("payload %d changed", i)
				}
			}
			want, _ := dsig.SignatureMethodFor(sec.Identity.Signer.Public())
			if !bytes.Contains(msg.Envelope, []byte(`<ds:SignatureMethod Algorithm="`+want+`">`)) {
				t.Errorf("signature method is not %s", want)
			}
			// Three References: body, eb:Messaging, two parts; the receipt repeats them.
			receipt := NewReceipt(msg, now).Receipt
			if len(receipt.Parts) != 4 || receipt.Parts[2].URI != "cid:msg@oots.eu" || receipt.Parts[2].Transforms[0] != AttachmentCST {
				t.Errorf("receipt references: %+v", receipt.Parts)
			}
		})
	}
}

// TestCanonicalWriterAgreesWithHelium: what the signer digests (its own
// serialisation) is what helium's exclusive C14N makes of the parsed
// envelope, also for values that need escaping.
func TestCanonicalWriterAgreesWithHelium(t *testing.T) {
	sec := security(t, pki.Ed25519)
	req := NewRequest(route(), "oots-edm:v1.0", now)
	req.SetProperty("odd", "t&<>\"'", "a&b <c> \"d\" 'e'\tf\ng\rh \x01 é 𝄞")
	req.AgreementRef = "x]]>y"
	env, refs, err := sec.envelope(req, []SignalMessage{NewErrorSignal("id", now, ErrOther.With("id", "<&>\r\n"))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Decode(context.Background(), "application/soap+xml", bytes.NewReader(env), DefaultLimits)
	if err != nil {
		t.Fatalf("%v\n%s", err, env)
	}
	if err := sec.Verify(msg); err != nil {
		t.Fatalf("%v\n%s", err, env)
	}
	if got := msg.Header.User.Property("odd"); got != "a&b <c> \"d\" 'e'\tf\ng\rh \ufffd é 𝄞" {
		t.Errorf("property value read back as %q", got)
	}
	if len(refs) != 2 {
		t.Errorf("references %+v", refs)
	}
}

func TestSignedEnvelopesFollowTheSchemas(t *testing.T) {
	sec := security(t, pki.P256)
	req, err := WithPayloads(NewRequest(route(), "oots-edm:v1.0", now), payloads())
	if err != nil {
		t.Fatal(err)
	}
	parts, err := wireParts(payloads())
	if err != nil {
		t.Fatal(err)
	}
	envelope, _, err := sec.envelope(req, nil, parts)
	if err != nil {
		t.Fatal(err)
	}
	msg := &Message{Header: &Header{User: req}, Envelope: envelope, Payloads: payloads()}
	receipt, err := sec.SignalEnvelope(NewReceipt(msg, now))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{"signed request envelope": envelope, "signed receipt": receipt}
	for name, data := range docs {
		if v := structureViolations(t, data); len(v) > 0 {
			t.Errorf("%s: %v\n%s", name, v, data)
		}
	}
	xmllintAgrees(t, docs)
}

// tamper edits the raw multipart message.
type tamper func(t *testing.T, ct string, body []byte) (string, []byte)

func replace(old, new string) tamper {
	return func(t *testing.T, ct string, body []byte) (string, []byte) {
		if !bytes.Contains(body, []byte(old)) {
			t.Fatalf("%q not in the message", old)
		}
		return ct, bytes.Replace(body, []byte(old), []byte(new), 1)
	}
}

func replaceRegexp(pattern, repl string) tamper {
	re := regexp.MustCompile(pattern)
	return func(t *testing.T, ct string, body []byte) (string, []byte) {
		if !re.Match(body) {
			t.Fatalf("%s not in the message", pattern)
		}
		return ct, re.ReplaceAll(body, []byte(repl))
	}
}

func TestTamperedMessagesAreRefused(t *testing.T) {
	sec := security(t, pki.P256)
	other := pkitest.New(t)
	cases := map[string]struct {
		edit   tamper
		verify *Security
		want   string
	}{
		"payload byte changed": {edit: replace("<query:QueryRequest/>", "<query:QueryRequesT/>"),
			want: `digest mismatch on Reference URI="cid:msg@oots.eu": payload cid:msg@oots.eu changed`},
		"eb:Messaging changed": {edit: replace("AP_DE_01", "AP_DE_02"),
			want: "eb:Messaging changed after signing"},
		"soap:Body changed": {edit: replace("></soap:Body>", "><x:Query xmlns:x=\"urn:x\"></x:Query></soap:Body>"),
			want: "soap:Body changed after signing"},
		"signature value changed": {edit: replaceRegexp(`<ds:SignatureValue>[A-Za-z0-9+/]{4}`, "<ds:SignatureValue>AAAA"),
			want: "signature value does not verify"},
		"unsigned payload added": {edit: addUnsignedPart,
			want: "payload cid:evil@oots.eu is not covered by the signature"},
		"reference to another element": {edit: replaceRegexp(`URI="#_body-[^"]+"`, `URI="#_token-x"`),
			want: "no element of the envelope has this ID"},
		"reference wrapped to the token": {edit: retargetBodyReference,
			want: "which is neither soap:Body nor eb:Messaging"},
		"duplicate ID": {edit: replaceRegexp(`wsu:Id="(_body-[^"]+)">`, `wsu:Id="$1"><x:Query xmlns:x="urn:x" Id="$1"></x:Query>`),
			want: "is used twice"},
		"SHA-1 digest": {edit: replace(`<ds:DigestMethod Algorithm="`+dsig.AlgSHA256, `<ds:DigestMethod Algorithm="`+dsig.AlgSHA1),
			want: "SHA-1 is refused"},
		"SHA-1 signature method": {edit: replace(dsig.AlgECDSASHA256, dsig.AlgECDSASHA1),
			want: "uses SHA-1"},
		"signature removed": {edit: replaceRegexp(`(?s)<wsse:Security .*</wsse:Security>`, ""),
			want: "not signed"},
		"wrong trust anchor": {verify: &Security{Roots: []*x509.Certificate{other.Root}},
			want: "does not chain to a trust anchor"},
		"no trust anchor": {verify: &Security{},
			want: "no trust anchors"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			ct, body := signed(t, sec, payloads()[:1])
			if c.edit != nil {
				ct, body = c.edit(t, ct, body)
			}
			verifier := sec
			if c.verify != nil {
				verifier = c.verify
			}
			_, err := decodeAndVerify(t, verifier, ct, body)
			var e Error
			if !errors.As(err, &e) || e.Code != "EBMS:0101" || !strings.Contains(e.Detail, c.want) {
				t.Errorf("got %v, want EBMS:0101 with %q", err, c.want)
			}
		})
	}
}

// addUnsignedPart adds a payload (and its eb:PartInfo) that the signature
// does not cover.
func addUnsignedPart(t *testing.T, _ string, body []byte) (string, []byte) {
	env := bytes.Replace(envelopeOf(t, body), []byte("</eb:PayloadInfo>"),
		[]byte(`<eb:PartInfo href="cid:evil@oots.eu"></eb:PartInfo></eb:PayloadInfo>`), 1)
	parts := []wirePart{
		{id: "msg@oots.eu", contentType: MediaTypeEbRS, data: []byte("<query:QueryRequest/>")},
		{id: "evil@oots.eu", contentType: "application/pdf", data: []byte("%PDF forged")},
	}
	var b bytes.Buffer
	ct, err := encodeParts(&b, env, parts)
	if err != nil {
		t.Fatal(err)
	}
	return ct, b.Bytes()
}

// retargetBodyReference gives the token the Body's ID and the Body another:
// the Reference now points at the token.
func retargetBodyReference(t *testing.T, ct string, body []byte) (string, []byte) {
	id := regexp.MustCompile(`wsu:Id="(_body-[^"]+)"`).FindSubmatch(body)[1]
	body = bytes.Replace(body, []byte(`wsu:Id="`+string(id)+`"`), []byte(`wsu:Id="moved"`), 1)
	return replaceRegexp(`wsu:Id="_token-[^"]+"`, `wsu:Id="`+string(id)+`"`)(t, ct, body)
}

// envelopeOf extracts the SOAP envelope part of a multipart message.
func envelopeOf(t *testing.T, body []byte) []byte {
	start := bytes.Index(body, []byte("<?xml"))
	end := bytes.Index(body, []byte("</soap:Envelope>"))
	if start < 0 || end < 0 {
		t.Fatal("no envelope in the message")
	}
	return body[start : end+len("</soap:Envelope>")]
}

func TestCertificateValidity(t *testing.T) {
	expired := security(t, pki.Ed25519, pkitest.Validity(now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0)))
	ct, body := signed(t, expired, payloads())
	_, err := decodeAndVerify(t, &Security{Roots: expired.Roots, At: func() time.Time { return now }}, ct, body)
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired signer: got %v", err)
	}
	// Valid then: the cache of verified chains must not outlive the validity.
	valid := security(t, pki.Ed25519, pkitest.Validity(now.Add(-time.Hour), now.Add(time.Hour)))
	at := now
	verifier := &Security{Roots: valid.Roots, At: func() time.Time { return at }}
	ct, body = signed(t, valid, payloads())
	if _, err := decodeAndVerify(t, verifier, ct, body); err != nil {
		t.Fatal(err)
	}
	at = now.Add(2 * time.Hour)
	if _, err := decodeAndVerify(t, verifier, ct, body); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("a cached chain past its validity: got %v", err)
	}
}

// signedServer is an AS4 server with sec that counts deliveries.
func signedServer(t *testing.T, sec *Security, journal Journal) (*httptest.Server, *int) {
	t.Helper()
	var mu sync.Mutex
	n := new(int)
	srv := &Server{Security: sec, Journal: journal, Deliver: func(context.Context, *Message) error {
		mu.Lock()
		defer mu.Unlock()
		*n++
		return nil
	}}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, n
}

func TestSignedExchangeWithSignedReceipt(t *testing.T) {
	for _, alg := range pki.Algorithms() {
		t.Run(string(alg), func(t *testing.T) {
			ts, delivered := signedServer(t, security(t, alg), nil)
			c := &Client{HTTP: ts.Client(), Security: security(t, alg)}
			r, err := c.Send(context.Background(), ts.URL, NewRequest(route(), "", now), payloads())
			if err != nil {
				t.Fatal(err)
			}
			if *delivered != 1 || len(r.Parts) != 4 || r.Parts[3].URI != "cid:pdf@oots.eu" {
				t.Errorf("%d deliveries, receipt %+v", *delivered, r.Parts)
			}
		})
	}
}

func TestServerRefusesWithFailedAuthentication(t *testing.T) {
	ts, delivered := signedServer(t, security(t, pki.P256), nil)
	for name, c := range map[string]struct {
		client *Security
		want   string
	}{
		"unsigned":  {nil, "not signed"},
		"untrusted": {&Security{Identity: pkitest.New(t).Identity(t, pki.P256)}, "does not chain"},
	} {
		t.Run(name, func(t *testing.T) {
			client := &Client{HTTP: ts.Client(), Security: c.client}
			_, err := client.Send(context.Background(), ts.URL, NewRequest(route(), "", now), payloads())
			var se *SendError
			if !errors.As(err, &se) || se.Errors[0].Code != "EBMS:0101" || !strings.Contains(se.Errors[0].Detail, c.want) {
				t.Errorf("got %v, want EBMS:0101 %s", err, c.want)
			}
		})
	}
	if *delivered != 0 {
		t.Errorf("%d refused messages delivered", *delivered)
	}
}

func TestClientRefusesBadReceipts(t *testing.T) {
	server := security(t, pki.Ed25519)
	lying := func(edit func(*Receipt)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			msg, err := Decode(r.Context(), r.Header.Get("Content-Type"), r.Body, DefaultLimits)
			if err != nil || server.Verify(msg) != nil {
				t.Errorf("test server: %v", err)
				return
			}
			sig := NewReceipt(msg, now)
			edit(sig.Receipt)
			env, err := server.SignalEnvelope(sig)
			if err != nil {
				t.Error(err)
			}
			writeEnvelope(w, http.StatusOK, env)
		})
	}
	unsignedServer, _ := signedServer(t, nil, nil)
	cases := map[string]struct {
		url  string
		want string
	}{
		"digest changed": {serve(t, lying(func(r *Receipt) { r.Parts[2].Digest = r.Parts[3].Digest })),
			`non-repudiation information for Reference URI="cid:msg@oots.eu" has digest`},
		"reference left out": {serve(t, lying(func(r *Receipt) { r.Parts = r.Parts[:3] })),
			"has 3 references, the message signed 4"},
		"unsigned receipt": {unsignedServer.URL, "not signed"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			client := &Client{Security: security(t, pki.Ed25519)}
			_, err := client.Send(context.Background(), c.url, NewRequest(route(), "", now), payloads())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

func serve(t *testing.T, h http.Handler) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

func FuzzDecodeVerify(f *testing.F) {
	sec := security(f, pki.Ed25519)
	ct, body := signed(f, sec, payloads())
	f.Add(ct, body)
	_, one := signed(f, sec, payloads()[:1])
	f.Add(ct, one)
	env, _, err := sec.envelope(NewRequest(route(), "", now), nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("application/soap+xml", env)
	f.Fuzz(func(t *testing.T, contentType string, data []byte) {
		msg, err := Decode(context.Background(), contentType, bytes.NewReader(data), Limits{MaxBytes: 1 << 20, MaxParts: 8})
		if err != nil {
			return
		}
		if err := sec.Verify(msg); err != nil {
			var e Error
			if !errors.As(err, &e) || e.Code != "EBMS:0101" {
				t.Fatalf("a refusal that is not EBMS:0101: %v", err)
			}
			return
		}
		if msg.Signer() == nil {
			t.Fatal("verified without a signer")
		}
		// Whatever verifies must be what was signed: the header as sent.
		if _, err := xmldoc.Parse(context.Background(), msg.Envelope, xmldoc.DefaultLimits); err != nil {
			t.Fatal(err)
		}
	})
}
