package provider

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/report"
)

func TestAnswerEvidence(t *testing.T) {
	p := newProvider(t, Config{})
	req := build(t, request(erika(), typeBirthDE))
	reply := answer(t, p, req, "")
	if len(reply.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(reply.Attachments))
	}
	a := reply.Attachments[0]
	if a.MediaType != "application/pdf" || !bytes.HasPrefix(a.Data, []byte("%PDF-1.4")) {
		t.Errorf("attachment %s starts %q, want a PDF", a.MediaType, a.Data[:min(len(a.Data), 8)])
	}
	for _, want := range []string{"Erika", "PT/DE/EX0000001", typeBirthDE, "<sdg:Format>application/pdf</sdg:Format>"} {
		if !bytes.Contains(reply.Message, []byte(want)) && !bytes.Contains(a.Data, []byte(want)) {
			t.Errorf("neither the message nor the document mentions %q", want)
		}
	}
}

func TestAnswerGivesFreshContentIDs(t *testing.T) {
	p := newProvider(t, Config{})
	req := build(t, request(erika(), typeBirthDE))
	first := answer(t, p, req, "")
	second := answer(t, p, req, "")
	if first.Attachments[0].ContentID == second.Attachments[0].ContentID {
		t.Errorf("two answers share Content-ID %s", first.Attachments[0].ContentID)
	}
}

func TestAnswerStructuredEvidence(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "dataset.yaml", `
subjects:
  - naturalPerson: {id: "PT/DE/EX0000001", familyName: Muster, givenName: Erika, dateOfBirth: "1980-01-31"}
    evidences:
      - evidenceType: `+typeBirthDE+`
        conformsTo: https://sr.oots.tech.europa.eu/distributions/0e000000-0000-4000-8000-000000000399
        xml: <Birth xmlns="urn:example:birth"><Name>Erika Muster</Name></Birth>
`)
	d, err := LoadDataset(filepath.Join(dir, "dataset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := newProvider(t, Config{Dataset: d})
	ask := func(r *edm.Request) {
		r.EvidenceType.DistributedAs = &edm.Distribution{Format: "application/xml",
			ConformsTo: "https://sr.oots.tech.europa.eu/distributions/0e000000-0000-4000-8000-000000000399"}
	}
	reply := answer(t, p, build(t, request(erika(), typeBirthDE, ask)), "")
	if got := reply.Attachments[0].MediaType; got != "application/xml" {
		t.Errorf("media type %s, want application/xml", got)
	}
	if !bytes.Contains(reply.Message, []byte("distributions/0e000000-0000-4000-8000-000000000399</sdg:ConformsTo>")) {
		t.Errorf("the response does not name the data model:\n%s", reply.Message)
	}
}

func TestAnswerPrefersRequestedFormat(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "birth.xml", `<Birth xmlns="urn:example:birth"/>`)
	writeFile(t, dir, "dataset.yaml", `
subjects:
  - naturalPerson: {id: "PT/DE/EX0000001", familyName: Muster, givenName: Erika}
    evidences:
      - evidenceType: `+typeBirthDE+`
        file: birth.xml
        conformsTo: https://sr.oots.tech.europa.eu/distributions/0e000000-0000-4000-8000-000000000399
      - evidenceType: `+typeBirthDE+`
`)
	d, err := LoadDataset(filepath.Join(dir, "dataset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := newProvider(t, Config{Dataset: d})
	reply := answer(t, p, build(t, request(erika(), typeBirthDE)), "")
	if got := reply.Attachments[0].MediaType; got != "application/pdf" {
		t.Errorf("the request asks for a PDF and the subject has one, got %s", got)
	}
}

func TestAnswerLegalPerson(t *testing.T) {
	p := newProvider(t, Config{})
	answer(t, p, build(t, request(nil, typeResidenceDE, forCompany, noPreview)), "EDM:ERR:0007")
	first := request(nil, typeResidenceDE, forCompany)
	loc := previewLocation(t, answer(t, p, build(t, first), edm.CodePreview))
	if rec := (browser{t, p.PreviewHandler()}).submit(loc, map[string]string{"decision": "confirm"}); pageState(rec.Body.String()) != "confirmed" {
		t.Fatalf("confirm: %d", rec.Code)
	}
	reply := answer(t, p, build(t, secondRequest(first, loc)), "")
	if !bytes.Contains(reply.Message, []byte("<sdg:LegalName>Beispielhandel GmbH (example)</sdg:LegalName>")) {
		t.Errorf("the evidence is not about the company:\n%s", reply.Message)
	}
}

// TestAnswerErrors covers the business failures and the codes chosen for
// them (docs/simulate-provider.md).
func TestAnswerErrors(t *testing.T) {
	p := newProvider(t, Config{})
	otherName := erika()
	otherName.FamilyName = "Mustermann"
	otherBirth := erika()
	otherBirth.DateOfBirth = "1981-01-31"
	stranger := erika()
	stranger.Identifier = "PT/DE/EX9999999"
	otherCompany := func(r *edm.Request) { forCompany(r); r.LegalPerson.LegalName = "Other GmbH" }
	cases := []struct {
		name, code, detail string
		req                *edm.Request
	}{
		{"unknown subject", "EDM:ERR:0004", "no record of Erika Muster (PT/DE/EX9999999)", request(stranger, typeBirthDE)},
		{"family name differs", "EDM:ERR:0001", "the family name of", request(otherName, typeBirthDE)},
		{"date of birth differs", "EDM:ERR:0001", "the date of birth of", request(otherBirth, typeBirthDE)},
		{"legal name differs", "EDM:ERR:0001", "the legal name of", request(nil, typeResidenceDE, otherCompany)},
		{"natural person with a company's identifier", "EDM:ERR:0004", "no record", request(&edm.NaturalPerson{
			LevelOfAssurance: "High", Identifier: "PT/DE/EXHRB0000006", FamilyName: "X", GivenName: "Y", DateOfBirth: "1990-01-01"}, typeResidenceDE)},
		{"evidence type not held", "EDM:ERR:0004", "no evidence of type " + typeBirthFR, request(erika(), typeBirthFR)},
		{"base registry error", "EDM:ERR:0008", "base registry reported an error", request(erika(), typeEducationDE)},
		{"base registry timeout", "EDM:ERR:0005", "did not answer within the timeout", request(jean(), typeEducationFR)},
		{"preview impossible", "EDM:ERR:0007", "PossibilityForPreview is false", request(erika(), typeResidenceDE, noPreview)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reply := answer(t, p, build(t, c.req), c.code)
			if got := detail(reply.Message); !strings.Contains(got, c.detail) {
				t.Errorf("detail %q does not contain %q", got, c.detail)
			}
			if len(reply.Attachments) != 0 {
				t.Errorf("an error reply has %d attachments", len(reply.Attachments))
			}
		})
	}
}

func TestAnswerDelay(t *testing.T) {
	p := newProvider(t, Config{})
	// The example dataset's proof of address takes 300ms: it is answered.
	answer(t, p, build(t, request(jean(), typeAddressFR)), "")

	d := parseTestDataset(t, `
subjects:
  - naturalPerson: {id: "PT/DE/EX0000001"}
    evidences:
      - {evidenceType: `+typeBirthDE+`, delay: 1h}
`)
	slow := newProvider(t, Config{Dataset: d})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := slow.Answer(ctx, build(t, request(erika(), typeBirthDE)))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // most likely inside the delay by now; cancelling works anywhere
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Answer during a delay of an hour, cancelled: err %v, want context.Canceled", err)
	}
}

func TestAnswerInvalidRequest(t *testing.T) {
	p := newProvider(t, Config{})
	v := testValidator(t)
	cases := []struct {
		name     string
		old, new string
	}{
		{"unknown procedure code", `value="R1"`, `value="ZZ9"`},
		{"wrong specification (the answer cannot repeat it)", "<rim:Value>oots-edm:v1.0</rim:Value>", "<rim:Value>oots-edm:v9.9</rim:Value>"},
		{"no evidence type", `<sdg:EvidenceTypeClassification>` + typeBirthDE, `<sdg:EvidenceTypeClassification>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			good := build(t, request(erika(), typeBirthDE))
			if !bytes.Contains(good, []byte(c.old)) {
				t.Fatalf("the request has no %q to change", c.old)
			}
			bad := bytes.Replace(good, []byte(c.old), []byte(c.new), 1)
			res := v.Validate(context.Background(), "bad", bad)
			if res.Valid {
				t.Fatal("the edited request is still valid")
			}
			reply, err := p.Answer(context.Background(), bad)
			if err != nil {
				t.Fatal(err)
			}
			if reply.ErrorCode != "EDM:ERR:0003" {
				t.Fatalf("code %q, want EDM:ERR:0003", reply.ErrorCode)
			}
			got := detail(reply.Message)
			for _, f := range res.Findings {
				if f.Severity == report.SeverityError && f.Rule != "" && !strings.Contains(got, f.Rule) {
					t.Errorf("detail %q does not name the failed rule %s", got, f.Rule)
				}
			}
			assertValid(t, reply.Message)
			if !bytes.Contains(reply.Message, []byte(requestID(t, good))) {
				t.Errorf("the error response does not answer request %s", requestID(t, good))
			}
		})
	}
}

func TestAnswerUnanswerable(t *testing.T) {
	p := newProvider(t, Config{})
	evidence := answer(t, p, build(t, request(erika(), typeBirthDE)), "")
	for name, msg := range map[string][]byte{
		"not XML":              []byte("hello"),
		"a response":           evidence.Message,
		"DTD (refused safely)": []byte(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`),
	} {
		t.Run(name, func(t *testing.T) {
			reply, err := p.Answer(context.Background(), msg)
			if !errors.Is(err, ErrUnanswerable) || reply != nil {
				t.Fatalf("reply %v, err %v: want ErrUnanswerable", reply, err)
			}
		})
	}
}

// TestAnswerConcurrently answers many requests at once (run with -race).
func TestAnswerConcurrently(t *testing.T) {
	p := newProvider(t, Config{})
	reqs := []struct {
		req  []byte
		code string
	}{
		{build(t, request(erika(), typeBirthDE)), ""},
		{build(t, request(erika(), typeEducationDE)), "EDM:ERR:0008"},
		{build(t, request(erika(), typeResidenceDE)), edm.CodePreview},
		{build(t, request(jean(), typeBirthDE)), "EDM:ERR:0004"},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := reqs[i%len(reqs)]
			reply, err := p.Answer(context.Background(), r.req)
			switch {
			case err != nil:
				errs <- err
			case reply.ErrorCode != r.code:
				errs <- errors.New("code " + reply.ErrorCode + ", want " + r.code)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without a dataset: no error")
	}
	d := exampleDataset(t)
	for _, base := range []string{"", "http://127.0.0.1:8080/preview/", "https:///preview/"} {
		if _, err := New(Config{Dataset: d, PreviewBaseURL: base, Validator: testValidator(t)}); err == nil {
			t.Errorf("PreviewBaseURL %q with previews in the dataset: no error", base)
		}
	}
	noPreviews := parseTestDataset(t, "subjects:\n  - naturalPerson: {id: X}\n    evidences: [{evidenceType: "+typeBirthDE+"}]\n")
	if _, err := New(Config{Dataset: noPreviews, Validator: testValidator(t)}); err != nil {
		t.Errorf("a dataset without previews needs no PreviewBaseURL: %v", err)
	}
}

func parseTestDataset(t *testing.T, yaml string) *Dataset {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "dataset.yaml", yaml)
	d, err := LoadDataset(filepath.Join(dir, "dataset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func assertValid(t *testing.T, msg []byte) {
	t.Helper()
	res := testValidator(t).Validate(context.Background(), "reply", msg)
	for _, f := range res.Findings {
		if f.Severity == report.SeverityError {
			t.Errorf("reply: %s %s %s", f.Rule, f.Layer, f.Message)
		}
	}
}

func requestID(t *testing.T, req []byte) string {
	t.Helper()
	info, err := edm.ReadRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	return info.ID
}

// TestAnswerIssuesAfterRequest: replies are never dated before the request.
func TestAnswerIssuesAfterRequest(t *testing.T) {
	c := newClock()
	p := newProvider(t, Config{Now: c.Now})
	req := request(erika(), typeBirthDE)
	req.IssueDateTime = c.Now().Add(-time.Second)
	answer(t, p, build(t, req), "")
}
