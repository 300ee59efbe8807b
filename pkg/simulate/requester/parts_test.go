package requester

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oots-tools/oots/pkg/regrep"
	"go.yaml.in/yaml/v3"
)

func TestJourneyFromJSONAndYAML(t *testing.T) {
	const js = `{"procedure":"R1","country":"PT","jurisdiction":"1106","subject":{"naturalPerson":{"id":"PT/DE/1","familyName":"X","givenName":"Y","dateOfBirth":"1990-01-01"}},
		"attributes":{"c1":"v1"},"preview":"refuse","possibilityForPreview":false,"timeout":"1.5s","previewWait":250000000}`
	var fromJSON Journey
	if err := json.Unmarshal([]byte(js), &fromJSON); err != nil {
		t.Fatal(err)
	}
	const ym = `
procedure: R1
country: PT
jurisdiction: "1106"
subject:
  naturalPerson: {id: PT/DE/1, familyName: X, givenName: Y, dateOfBirth: "1990-01-01"}
attributes: {c1: v1}
preview: refuse
possibilityForPreview: false
timeout: 1.5s
previewWait: 250ms
`
	var fromYAML Journey
	if err := yaml.Unmarshal([]byte(ym), &fromYAML); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromJSON, fromYAML); diff != "" {
		t.Errorf("JSON and YAML differ (-json +yaml):\n%s", diff)
	}
	if fromJSON.Timeout != Duration(1500*time.Millisecond) || fromJSON.PreviewWait != Duration(250*time.Millisecond) ||
		fromJSON.possibilityForPreview() || fromJSON.previewAction() != PreviewRefuse {
		t.Errorf("journey = %+v", fromJSON)
	}
	out, err := json.Marshal(fromJSON)
	if err != nil || !strings.Contains(string(out), `"timeout":"1.5s"`) {
		t.Errorf("marshalled %s, %v", out, err)
	}
	var bad Journey
	if err := json.Unmarshal([]byte(`{"timeout":"soon"}`), &bad); err == nil || !strings.Contains(err.Error(), "2s") {
		t.Errorf("a bad duration: %v", err)
	}
}

func TestJourneyDefaults(t *testing.T) {
	j := Journey{Subject: subject()}
	if !j.possibilityForPreview() || j.previewAction() != PreviewConfirm || j.previewWait() != 0 ||
		j.reauthIdentifier() != subject().NaturalPerson.Identifier {
		t.Errorf("defaults of %+v", j)
	}
	j.Preview = PreviewIgnore
	if j.previewWait() != DefaultPreviewWait {
		t.Errorf("ignore waits %s", j.previewWait())
	}
	r := New(Config{Timeout: time.Second})
	if got := r.timeout(&j); got != time.Second {
		t.Errorf("timeout from the config = %s", got)
	}
	j.Timeout = Duration(time.Minute)
	if got := r.timeout(&j); got != time.Minute {
		t.Errorf("timeout from the journey = %s", got)
	}
	if got := New(Config{}).timeout(&Journey{}); got != DefaultTimeout {
		t.Errorf("default timeout = %s", got)
	}
}

func TestJurisdictionParams(t *testing.T) {
	for _, tc := range []struct{ code, level, want string }{
		{"DE3", "", regrep.ParamJurisdictionAdminL2},
		{"11000000", "", regrep.ParamJurisdictionAdminL3},
		{"1106", "LAU", regrep.ParamJurisdictionAdminL3},
		{"DE300", "NUTS1", regrep.ParamJurisdictionAdminL2},
		{"PT17", "lau", regrep.ParamJurisdictionAdminL3},
	} {
		got := jurisdictionParams(tc.code, tc.level)
		if len(got) != 1 || got[0].Name != tc.want || got[0].Value != tc.code {
			t.Errorf("jurisdictionParams(%q, %q) = %v, want %s", tc.code, tc.level, got, tc.want)
		}
	}
	if got := jurisdictionParams("", "LAU"); got != nil {
		t.Errorf("no code gives %v", got)
	}
}

// A page shaped like the provider's: a nonce, a text field, buttons
// without names, attributes in every quoting style, entities.
const reauthPage = `<!DOCTYPE html><html><body>
<form method="get" action="/search"><input name="q"></form>
<FORM Method=POST>
<input type="hidden" name="nonce" value="a&amp;b">
<label for="identifier">Your personal identifier</label>
<input type="text" id="identifier" name='identifier' autocomplete="off" required>
<input type=checkbox name=remember value=yes>
<button type="submit">Continue</button>
</FORM></body></html>`

func TestFindForm(t *testing.T) {
	f := findForm(reauthPage)
	if f == nil {
		t.Fatal("no form found")
	}
	if f.action != "" || !f.has(fieldIdentifier) || f.has(fieldDecision) {
		t.Errorf("form = %+v", f)
	}
	if got := f.values().Encode(); got != "nonce=a%26b" {
		t.Errorf("preset values = %s", got)
	}
	decision := findForm(`<form method="post" action="/preview/x"><input type="hidden" name="nonce" value="n">
		<button name="decision" value="confirm">Yes</button><button name="decision" value="refuse">No</button></form>`)
	if decision == nil || decision.action != "/preview/x" || !decision.has(fieldDecision) || decision.values().Has(fieldDecision) {
		t.Errorf("decision form = %+v", decision)
	}
	if findForm(`<form method="get"><input name="decision"></form>`) != nil {
		t.Error("a GET form is not the preview form")
	}
}

func TestPreviewPageFailures(t *testing.T) {
	noForm := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<p>Nothing to decide here.</p>"))
	}))
	defer noForm.Close()
	r := New(Config{HTTP: noForm.Client(), Validator: testValidator(t)})
	j := birthJourney("AT")
	for _, tc := range []struct{ location, want string }{
		{noForm.URL + "/preview/x", "has no form"},
		{"https://127.0.0.1:1/preview/x", "preview page of P"},
	} {
		rec := &record{}
		if r.preview(context.Background(), rec, &j, "P", tc.location) {
			t.Errorf("%s: the preview must fail", tc.location)
		}
		if len(rec.failures) != 1 || !strings.Contains(rec.failures[0], tc.want) {
			t.Errorf("%s: failures = %v, want %q", tc.location, rec.failures, tc.want)
		}
		if len(rec.previews) != 1 || len(rec.steps) != 1 || rec.steps[0].Status != StatusFailed {
			t.Errorf("%s: previews %+v, steps %+v", tc.location, rec.previews, rec.steps)
		}
	}
}

func FuzzFindForm(f *testing.F) {
	f.Add(reauthPage)
	f.Add(`<form method=post><button name=decision value=confirm></form>`)
	f.Add(`<form method="post" action='x'><input name="a" value="<>"`)
	f.Fuzz(func(t *testing.T, page string) {
		form := findForm(page)
		if form == nil {
			return
		}
		for _, x := range form.fields {
			if x.name == "" {
				t.Errorf("a field without a name was kept: %+v", x)
			}
		}
		_ = form.values().Encode()
	})
}

// FuzzDeliver: whatever arrives over AS4, Deliver neither panics nor takes
// an answer for a request that is not waiting.
func FuzzDeliver(f *testing.F) {
	f.Add([]byte(`<query:QueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" requestId="urn:uuid:1"/>`))
	f.Add([]byte(`<x requestId="">`))
	f.Add([]byte("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"))
	r := New(Config{Validator: testValidator(f)})
	f.Fuzz(func(t *testing.T, message []byte) {
		_ = r.Deliver(context.Background(), message, []Attachment{{ContentID: "a@b", Data: message}})
		if s := r.Stats(); s.Answered != 0 || s.Failed != 0 {
			t.Errorf("stats %+v: an answer was taken with nothing waiting", s)
		}
	})
}
