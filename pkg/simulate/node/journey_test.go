package node

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/simulate/requester"
)

func erika() edm.Subject {
	return edm.Subject{NaturalPerson: &edm.NaturalPerson{
		Identifier: "PT/DE/EX0000001", FamilyName: "Muster", GivenName: "Erika", DateOfBirth: "1980-01-31",
	}}
}

// TestJourneyOverSignedAS4 runs a whole journey through four nodes: EB and
// DSD answers signed and verified, the request and the answer over signed
// AS4 with signed receipts, the DSD dialogue answered with a jurisdiction.
func TestJourneyOverSignedAS4(t *testing.T) {
	for _, alg := range []pki.Algorithm{pki.P256, pki.Ed25519} {
		t.Run(string(alg), func(t *testing.T) {
			n, requesterURL := exampleNetwork(t, alg, nil)
			res := postJourney(t, n.client(), requesterURL, requester.Journey{
				Procedure: "R1", Country: "DE", Jurisdiction: "DE3", Subject: erika(),
			})
			if res.Outcome != "evidence" || len(res.Evidences) != 1 {
				t.Fatalf("journey:\n%s", describe(res))
			}
		})
	}
}

// TestMinimalJourneyResult: with "Prefer: return=minimal" the requester
// answers a journey with its outcome alone, and says so.
func TestMinimalJourneyResult(t *testing.T) {
	n, requesterURL := exampleNetwork(t, pki.Ed25519, nil)
	body, err := json.Marshal(requester.Journey{Procedure: "R1", Country: "DE", Jurisdiction: "DE3", Subject: erika()})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, requesterURL+"/journeys", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Prefer", "handling=strict, return=minimal")
	resp, err := n.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read below
	data, _ := io.ReadAll(resp.Body)
	var res map[string]any
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	if resp.Header.Get("Preference-Applied") != "return=minimal" || res["outcome"] != "evidence" {
		t.Fatalf("minimal result: %s %q", resp.Header.Get("Preference-Applied"), data)
	}
	for _, field := range []string{"evidences", "messages", "evidenceTypes"} {
		if _, ok := res[field]; ok {
			t.Errorf("a minimal result has no %s: %s", field, data)
		}
	}
}

// TestPreviewJourney: the evidence needs a preview; the simulated user
// confirms at the provider's page and the second request gets it.
func TestPreviewJourney(t *testing.T) {
	n, requesterURL := exampleNetwork(t, pki.P256, nil)
	jean := edm.Subject{NaturalPerson: &edm.NaturalPerson{
		Identifier: "DE/FR/EX0000002", FamilyName: "Exemple", GivenName: "Jean", DateOfBirth: "1975-06-14",
	}}
	res := postJourney(t, n.client(), requesterURL, requester.Journey{
		Procedure: "R1", Country: "FR", Subject: jean, Preview: "confirm",
	})
	if res.Outcome != "evidence" || len(res.Previews) != 1 {
		t.Fatalf("journey:\n%s", describe(res))
	}
}

// TestInvalidAnswerIsRefused: a provider answering with a message that
// breaks an EDM rule makes the journey fail with the rule named.
func TestInvalidAnswerIsRefused(t *testing.T) {
	n, requesterURL := exampleNetwork(t, pki.P256, func(c *Config) {
		if c.Role == RoleProvider {
			c.Faults.InvalidPayload = true
		}
	})
	res := postJourney(t, n.client(), requesterURL, requester.Journey{
		Procedure: "R1", Country: "DE", Jurisdiction: "DE3", Subject: erika(),
	})
	if res.Outcome != "failed" || !strings.Contains(res.Failure, "R-EDM-RESP-C002") {
		t.Fatalf("journey:\n%s", describe(res))
	}
}
