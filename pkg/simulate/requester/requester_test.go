package requester

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/regrep"
)

func birthJourney(country string) Journey {
	return Journey{Procedure: "R1", Country: country, Subject: subject()}
}

func run(t *testing.T, r *Requester, j Journey) *Result {
	t.Helper()
	res, err := r.Run(context.Background(), j)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func stepNames(res *Result) []string {
	var out []string
	for _, s := range res.Steps {
		out = append(out, s.Step+":"+s.Status)
	}
	return out
}

func wantStats(t *testing.T, r *Requester, want Stats) {
	t.Helper()
	if got := r.Stats(); got != want {
		t.Errorf("stats = %+v, want %+v", got, want)
	}
}

func TestEvidence(t *testing.T) {
	r, n, _ := setup(t, answersWithEvidence(t), nil)
	j := birthJourney("AT")
	res := run(t, r, j)
	if res.Outcome != OutcomeEvidence {
		t.Fatalf("outcome %s (%s), steps %v", res.Outcome, res.Failure, res.Steps)
	}
	want := []string{"eb-requirements:ok", "eb-evidence-types:ok", "dsd:ok", "request:ok", "response:ok"}
	if diff := cmp.Diff(want, stepNames(res)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	sum := sha256.Sum256(testPDF)
	if len(res.Evidences) != 1 {
		t.Fatalf("evidences = %+v", res.Evidences)
	}
	ev := res.Evidences[0]
	if ev.Provider != vienna.id || ev.EvidenceType != clsAT || ev.MediaType != "application/pdf" ||
		ev.Bytes != len(testPDF) || ev.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("evidence = %+v", ev)
	}
	if res.Requirement != requirementBirth || !cmp.Equal(res.EvidenceTypes, []string{clsAT}) {
		t.Errorf("requirement %s, evidence types %v", res.Requirement, res.EvidenceTypes)
	}
	reqs := n.sent()
	if len(reqs) != 1 || reqs[0].accessService != vienna.accessService {
		t.Fatalf("requests = %+v", reqs)
	}
	info := reqs[0].info
	if info.Provider.Identifier != vienna.id || info.Requester.Identifier != portal.Identifier ||
		info.EvidenceType.Classification != clsAT || info.Subject.NaturalPerson.FamilyName != "Exemplar" {
		t.Errorf("request names provider %+v, requester %+v, type %+v, subject %+v",
			info.Provider, info.Requester, info.EvidenceType, info.Subject.NaturalPerson)
	}
	for _, want := range []string{"<sdg:LevelOfAssurance>Substantial<", "PossibilityForPreview", requirementBirth} {
		if !bytes.Contains(reqs[0].raw, []byte(want)) {
			t.Errorf("the request lacks %q", want)
		}
	}
	var kinds []string
	for _, m := range res.Messages {
		if !m.Valid {
			t.Errorf("message %+v is not valid", m)
		}
		kinds = append(kinds, m.Direction+":"+m.Kind)
	}
	wantKinds := []string{"received:eb-requirements", "received:eb-evidence-types", "received:dsd-response",
		"sent:evidence-request", "received:evidence-response"}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if errs := n.errors(); len(errs) != 1 || errs[0] != nil {
		t.Errorf("Deliver returned %v", errs)
	}
	wantStats(t, r, Stats{Requests: 1, Answered: 1})
}

func TestProviderError(t *testing.T) {
	r, _, _ := setup(t, func(s sent) []reply { return []reply{errorReply(t, s.raw, "EDM:ERR:0004", "")} }, nil)
	j := birthJourney("AT")
	res := run(t, r, j)
	if res.Outcome != OutcomeError || len(res.Errors) != 1 {
		t.Fatalf("outcome %s, errors %+v, failure %s", res.Outcome, res.Errors, res.Failure)
	}
	e := res.Errors[0]
	if e.Provider != vienna.id || e.Code != "EDM:ERR:0004" || e.EvidenceType != clsAT || e.Message == "" {
		t.Errorf("error = %+v", e)
	}
	if last := res.Steps[len(res.Steps)-1]; last.Step != StepResponse || last.Status != StatusError || !strings.Contains(last.Detail, "EDM:ERR:0004") {
		t.Errorf("last step = %+v", last)
	}
	wantStats(t, r, Stats{Requests: 1, Answered: 1})
}

// TestTwoProvidersConcurrently: the DE answer names two registry offices;
// the fake provider answers only once both requests are in, which works
// only if they are sent at the same time.
func TestTwoProvidersConcurrently(t *testing.T) {
	var mu sync.Mutex
	arrived := 0
	both := make(chan struct{})
	behave := func(s sent) []reply {
		mu.Lock()
		arrived++
		if arrived == 2 {
			close(both)
		}
		mu.Unlock()
		select {
		case <-both:
			return []reply{evidenceReply(t, s.raw)}
		case <-time.After(10 * time.Second):
			return nil
		}
	}
	r, n, _ := setup(t, behave, nil)
	res := run(t, r, birthJourney("DE"))
	if res.Outcome != OutcomeEvidence || len(res.Evidences) != 2 {
		t.Fatalf("outcome %s (%s), evidences %+v", res.Outcome, res.Failure, res.Evidences)
	}
	got := []string{res.Evidences[0].Provider, res.Evidences[1].Provider}
	if diff := cmp.Diff([]string{"DE-EXAMPLE-STA-BERLIN", "DE-EXAMPLE-STA-HAMBURG"}, got); diff != "" {
		t.Errorf("providers in DSD order (-want +got):\n%s", diff)
	}
	if len(n.sent()) != 2 {
		t.Errorf("%d requests sent", len(n.sent()))
	}
	wantStats(t, r, Stats{Requests: 2, Answered: 2})
}

func TestDSDDialogueJurisdiction(t *testing.T) {
	r, n, cs := setup(t, answersWithEvidence(t), nil)
	j := birthJourney("PT")
	j.Jurisdiction = "1106"
	res := run(t, r, j)
	if res.Outcome != OutcomeEvidence {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Failure)
	}
	qs := cs.dsdQueries()
	if len(qs) != 2 {
		t.Fatalf("%d DSD queries", len(qs))
	}
	if got := qs[1].Get(regrep.ParamJurisdictionAdminL3); got != "1106" {
		t.Errorf("second DSD query jurisdiction-admin-l3 = %q", got)
	}
	if got := qs[1].Get(regrep.ParamJurisdictionContextID); got != "53422990-d6bc-52b9-bbb3-94a897958346" {
		t.Errorf("second DSD query jurisdiction-context-id = %q", got)
	}
	// A LAU code is for the DSD: the EB declares lists by country or NUTS region.
	if eb := cs.ebQueries(); len(eb) != 2 || eb[1].Has(regrep.ParamJurisdictionAdminL3) || eb[1].Has(regrep.ParamJurisdictionAdminL2) {
		t.Errorf("EB queries = %v", eb)
	}
	dsd := res.Steps[2]
	if dsd.Step != StepDSD || !strings.Contains(dsd.Detail, "DSD:ERR:0005") || !strings.Contains(dsd.Detail, "Place of birth (LAU)") {
		t.Errorf("first DSD step = %+v", dsd)
	}
	if reqs := n.sent(); len(reqs) != 1 || reqs[0].accessService != lisboa.accessService {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestNUTSJurisdictionNarrowsTheEB(t *testing.T) {
	r, _, cs := setup(t, answersWithEvidence(t), nil)
	j := birthJourney("AT")
	j.Jurisdiction = "AT130"
	if res := run(t, r, j); res.Outcome != OutcomeEvidence || res.EvidenceTypes[0] != clsAT {
		t.Fatalf("outcome %s (%s), evidence types %v", res.Outcome, res.Failure, res.EvidenceTypes)
	}
	eb := cs.ebQueries()
	if len(eb) != 2 || eb[1].Get(regrep.ParamJurisdictionAdminL2) != "AT130" {
		t.Errorf("EB queries = %v", eb)
	}
	// The Tyrol list does not cover Vienna: with the Tyrolean place the
	// second list is chosen.
	j.Jurisdiction = "AT33"
	if res := run(t, r, j); !strings.HasSuffix(res.EvidenceTypes[0], "0e000000-0000-4000-8000-000000000109") {
		t.Errorf("evidence types for AT33 = %v", res.EvidenceTypes)
	}
}

func TestDSDDialogueAttribute(t *testing.T) {
	r, n, cs := setup(t, answersWithEvidence(t), nil)
	j := birthJourney("ES")
	j.Attributes = map[string]string{conceptRegistryType: "Consular"}
	res := run(t, r, j)
	if res.Outcome != OutcomeEvidence {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Failure)
	}
	qs := cs.dsdQueries()
	if len(qs) != 2 || qs[1].Get(conceptRegistryType) != "Consular" {
		t.Fatalf("DSD queries = %v", qs)
	}
	reqs := n.sent()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	// The value the user chose travels in the request, as the EDM asks.
	for _, want := range []string{"EvidenceProviderClassification", conceptRegistryType, "<sdg:StringValue>Consular<"} {
		if !bytes.Contains(reqs[0].raw, []byte(want)) {
			t.Errorf("the request lacks %q", want)
		}
	}
}

func TestDSDDialogueUnanswered(t *testing.T) {
	r, n, _ := setup(t, answersWithEvidence(t), nil)
	res := run(t, r, birthJourney("ES"))
	if res.Outcome != OutcomeFailed {
		t.Fatalf("outcome %s", res.Outcome)
	}
	for _, want := range []string{"DSD:ERR:0005", "Type of civil registry where the birth was recorded", "attributes[" + conceptRegistryType + "]"} {
		if !strings.Contains(res.Failure, want) {
			t.Errorf("failure %q lacks %q", res.Failure, want)
		}
	}
	if len(n.sent()) != 0 {
		t.Errorf("requests were sent without a provider")
	}
	wantStats(t, r, Stats{})
}

func TestCommonServicesErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		journey  Journey
		provider string
		code     string
	}{
		{"dsd no provider", birthJourney("FR"), "DSD", "DSD:ERR:0001"},
		{"eb empty", Journey{Procedure: "X9", Country: "DE", Subject: subject()}, "EB", "EB:ERR:0001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, n, _ := setup(t, answersWithEvidence(t), nil)
			res := run(t, r, tc.journey)
			if res.Outcome != OutcomeError || len(res.Errors) != 1 {
				t.Fatalf("outcome %s (%s), errors %+v", res.Outcome, res.Failure, res.Errors)
			}
			if e := res.Errors[0]; e.Provider != tc.provider || e.Code != tc.code {
				t.Errorf("error = %+v", e)
			}
			if len(n.sent()) != 0 {
				t.Errorf("requests were sent")
			}
		})
	}
}

func TestPreview(t *testing.T) {
	for _, tc := range []struct {
		name       string
		preview    string
		reauth     bool
		identifier string
		outcome    string
		code       string
		decided    string
		status     string // of the preview step
	}{
		{"confirm", PreviewConfirm, false, "", OutcomeEvidence, "", PreviewConfirm, StatusOK},
		{"refuse", PreviewRefuse, false, "", OutcomeError, "EDM:ERR:0004", PreviewRefuse, StatusOK},
		{"ignore", PreviewIgnore, false, "", OutcomeError, "EDM:ERR:0005", "", StatusOK},
		{"reauth", PreviewConfirm, true, "", OutcomeEvidence, "", PreviewConfirm, StatusOK},
		{"reauth wrong identifier", PreviewConfirm, true, "PT/DE/SOMEONE-ELSE", OutcomeError, "EDM:ERR:0005", "", StatusError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := newPreviewSite(t, tc.reauth)
			r, n, _ := setup(t, site.behaviour, site.srv.Client())
			j := birthJourney("AT")
			j.Preview, j.Identifier = tc.preview, tc.identifier
			j.PreviewWait = Duration(10 * time.Millisecond)
			res := run(t, r, j)
			if res.Outcome != tc.outcome {
				t.Fatalf("outcome %s (%s), steps %+v", res.Outcome, res.Failure, res.Steps)
			}
			if tc.code != "" && (len(res.Errors) != 1 || res.Errors[0].Code != tc.code) {
				t.Errorf("errors = %+v, want %s", res.Errors, tc.code)
			}
			want := []string{"eb-requirements:ok", "eb-evidence-types:ok", "dsd:ok", "request:ok",
				"preview:" + tc.status, "second-request:ok"}
			if got := stepNames(res); len(got) != 7 || !cmp.Equal(got[:6], want) {
				t.Errorf("steps = %v", got)
			}
			if len(res.Previews) != 1 {
				t.Fatalf("previews = %+v", res.Previews)
			}
			pv := res.Previews[0]
			if pv.Provider != vienna.id || !strings.HasPrefix(pv.Location, site.srv.URL+"/preview/") ||
				pv.Decision != tc.preview || pv.Reauth != tc.reauth {
				t.Errorf("preview = %+v", pv)
			}
			decisions := site.decided()
			if got := decisions["tok1"]; got != tc.decided {
				t.Errorf("decision at the page = %q, want %q", got, tc.decided)
			}
			reqs := n.sent()
			if len(reqs) != 2 || bytes.Contains(reqs[0].raw, []byte("PreviewLocation")) ||
				!bytes.Contains(reqs[1].raw, []byte(pv.Location)) || reqs[0].info.ID == reqs[1].info.ID {
				t.Errorf("the second request must be a new request with the PreviewLocation slot")
			}
			wantStats(t, r, Stats{Requests: 2, Answered: 2})
		})
	}
}

func TestInvalidAnswer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply func(raw []byte) reply
		rule  string
	}{
		{"rule broken", func(raw []byte) reply {
			rep := evidenceReply(t, raw)
			rep.message = bytes.Replace(rep.message, []byte("oots-edm:v1.0"), []byte("oots-edm:v0.9"), 1)
			return rep
		}, "R-EDM-RESP-C002"},
		{"other evidence type", func(raw []byte) reply {
			return evidenceReply(t, raw, func(r *edm.Response) {
				typ := *r.EvidenceType
				typ.Classification = clsFR
				r.EvidenceType = &typ
			})
		}, "OOTS-X-005"},
		{"attachment missing", func(raw []byte) reply {
			rep := evidenceReply(t, raw)
			rep.atts = nil
			return rep
		}, ruleAttachment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, n, _ := setup(t, func(s sent) []reply { return []reply{tc.reply(s.raw)} }, nil)
			j := birthJourney("AT")
			res := run(t, r, j)
			if res.Outcome != OutcomeFailed || !strings.Contains(res.Failure, tc.rule) {
				t.Fatalf("outcome %s, failure %q, want rule %s", res.Outcome, res.Failure, tc.rule)
			}
			last := res.Messages[len(res.Messages)-1]
			if last.Valid || !containsString(last.Rules, tc.rule) {
				t.Errorf("received message = %+v", last)
			}
			errs := n.errors()
			if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), tc.rule) {
				t.Errorf("Deliver returned %v, want an error naming %s", errs, tc.rule)
			}
			wantStats(t, r, Stats{Requests: 1, Failed: 1, Invalid: 1})
		})
	}
}

func TestDuplicateAnswer(t *testing.T) {
	r, n, _ := setup(t, func(s sent) []reply {
		rep := evidenceReply(t, s.raw)
		return []reply{rep, rep}
	}, nil)
	j := birthJourney("AT")
	res := run(t, r, j)
	if res.Outcome != OutcomeEvidence {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Failure)
	}
	if errs := n.errors(); len(errs) != 2 || errs[0] != nil || errs[1] != nil {
		t.Errorf("Deliver returned %v; a duplicate is ignored, not refused", errs)
	}
	wantStats(t, r, Stats{Requests: 1, Answered: 1, Duplicates: 1})
}

func TestTimeoutThenLateAnswer(t *testing.T) {
	r, n, _ := setup(t, func(sent) []reply { return nil }, nil)
	j := birthJourney("AT")
	j.Timeout = Duration(50 * time.Millisecond)
	res := run(t, r, j)
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Failure, "timeout") {
		t.Fatalf("outcome %s, failure %q", res.Outcome, res.Failure)
	}
	wantStats(t, r, Stats{Requests: 1, Failed: 1})
	late := evidenceReply(t, n.sent()[0].raw)
	if err := r.Deliver(context.Background(), late.message, late.atts); err != nil {
		t.Errorf("a late answer is ignored, got %v", err)
	}
	wantStats(t, r, Stats{Requests: 1, Failed: 1, Duplicates: 1})
}

func TestTransportError(t *testing.T) {
	r, n, _ := setup(t, answersWithEvidence(t), nil)
	n.sendErr = errors.New("message m1 refused: EBMS:0101 FailedAuthentication: signature does not verify")
	j := birthJourney("AT")
	res := run(t, r, j)
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Failure, "EBMS:0101") || !strings.Contains(res.Failure, "transport") {
		t.Fatalf("outcome %s, failure %q", res.Outcome, res.Failure)
	}
	wantStats(t, r, Stats{Requests: 1, Failed: 1})
}

func TestCancelledJourney(t *testing.T) {
	r, _, _ := setup(t, func(sent) []reply { return nil }, nil)
	ctx, cancel := context.WithCancel(context.Background())
	j := birthJourney("AT")
	done := make(chan *Result)
	go func() {
		res, _ := r.Run(ctx, j)
		done <- res
	}()
	for deadline := time.Now().Add(10 * time.Second); r.Stats().Requests == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no request was sent")
		}
	}
	cancel()
	res := <-done
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Failure, "canceled") {
		t.Errorf("outcome %s, failure %q", res.Outcome, res.Failure)
	}
	wantStats(t, r, Stats{Requests: 1, Failed: 1})
}

func TestDeliverRefusesWhatAnswersNothing(t *testing.T) {
	r := New(Config{Validator: testValidator(t), Send: func(context.Context, string, []byte) error { return nil }})
	if err := r.Deliver(context.Background(), []byte("<not-xml"), nil); err == nil || !strings.Contains(err.Error(), "not well-formed") {
		t.Errorf("malformed: %v", err)
	}
	req := &edm.Request{Procedure: "R1", Requester: &portal, Provider: &edm.Agent{Identifier: vienna.id, Scheme: "0204"},
		NaturalPerson: subject().NaturalPerson, EvidenceType: &edm.EvidenceType{Classification: clsAT}}
	raw, err := req.XML()
	if err != nil {
		t.Fatal(err)
	}
	unknown := evidenceReply(t, raw)
	if err := r.Deliver(context.Background(), unknown.message, unknown.atts); err != nil {
		t.Errorf("an answer to no request is ignored, got %v", err)
	}
	wantStats(t, r, Stats{Duplicates: 1, Invalid: 1})
}

func TestRunRefusesIncompleteJourneys(t *testing.T) {
	r := New(Config{Validator: testValidator(t), Send: func(context.Context, string, []byte) error { return nil }})
	for _, tc := range []struct {
		journey Journey
		want    string
	}{
		{Journey{Country: "DE", Subject: subject()}, "procedure"},
		{Journey{Procedure: "R1", Subject: subject()}, "country"},
		{Journey{Procedure: "R1", Country: "DE"}, "subject"},
		{Journey{Procedure: "R1", Country: "DE", Subject: subject(), Preview: "maybe"}, "preview"},
	} {
		if _, err := r.Run(context.Background(), tc.journey); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Run(%+v) = %v, want an error naming %s", tc.journey, err, tc.want)
		}
	}
	if _, err := New(Config{}).Run(context.Background(), birthJourney("DE")); !errors.Is(err, errNoSend) {
		t.Errorf("without Send: %v", err)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
