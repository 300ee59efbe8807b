package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/simulate/requester"
	"github.com/oots-tools/oots/pkg/simulate/scenarios"
)

func TestParseErrorsNameFileAndLine(t *testing.T) {
	base := "id: X\nnodes:\n  - {name: r, role: requester, party: R}\n  - {name: p, role: provider, party: P}\n"
	cases := []struct{ name, src, want string }{
		{"unknown top key", "id: X\nnodez: []\n", "s.yaml:2: field nodez not found"},
		{"unknown node key", "id: X\nnodes:\n  - name: r\n    rol: requester\n", "s.yaml:4: unknown key \"rol\""},
		{"unknown role", "id: X\nnodes:\n  - {name: r, role: broker}\nsteps: [{wait: 1s}]\n", "s.yaml:3: node \"r\": unknown role \"broker\""},
		{"missing party", "id: X\nnodes:\n  - {name: r, role: requester}\nsteps: [{wait: 1s}]\n", "s.yaml:3: node \"r\" (requester) needs a party"},
		{"duplicate node", base + "  - {name: p, role: eb}\nsteps: [{wait: 1s}]\n", "s.yaml:5: node \"p\" is declared twice"},
		{"link to nobody", base + "links:\n  - {from: r, to: q}\nsteps: [{wait: 1s}]\n", "s.yaml:6: link r -> q: no node \"q\""},
		{"drop rate", base + "links:\n  - {from: r, to: p, drop: 2}\nsteps: [{wait: 1s}]\n", "drop 2 must be between 0 and 1"},
		{"bad duration", base + "steps:\n  - wait: soon\n", "s.yaml:6: \"soon\" is not a duration"},
		{"two actions", base + "steps:\n  - {wait: 1s, kill: p}\n", "s.yaml:6: a step takes exactly one of"},
		{"kill nobody", base + "steps:\n  - kill: q\n", "s.yaml:6: kill: no node \"q\""},
		{"bad outcome", base + "steps:\n  - journey: {}\n    expect: {outcome: success}\n", "expect outcome \"success\""},
		{"unknown expect key", base + "steps:\n  - journey: {}\n    expect: {outcomes: evidence}\n", "s.yaml:7: unknown key \"outcomes\""},
		{"load in parallel", base + "steps:\n  - parallel:\n      - load: {exchanges: 1, concurrency: 1, journey: {}}\n", "s.yaml:7: load: cannot run inside parallel"},
		{"during journey", base + "steps:\n  - load:\n      exchanges: 1\n      concurrency: 1\n      journey: {}\n      during:\n        - journey: {}\n", "s.yaml:11: load during: only kill, restart and wait"},
		{"no steps", base, "the scenario has no steps"},
		{"external kill", "id: X\nnodes:\n  - {name: p, role: provider, party: P, external: \"https://x:1\"}\nsteps:\n  - kill: p\n", "node \"p\" is external"},
		{"bad external", "id: X\nnodes:\n  - {name: p, role: provider, party: P, external: \"ftp://x\"}\nsteps: [{wait: 1s}]\n", "is not an http(s) URL"},
		{"listen without port", "id: X\nnodes:\n  - {name: r, role: requester, party: R, listen: \"127.0.0.1\"}\nsteps: [{wait: 1s}]\n", "s.yaml:3: node \"r\": listen \"127.0.0.1\": write host:port"},
		{"unknown preview key", base + "steps:\n  - journey: {}\n    expect:\n      preview:\n        count: 1\n        reauth: true\n", "s.yaml:10: unknown key \"reauth\"; expected one of count, decision, location, reauthentication, rendering"},
		{"preview decision", base + "steps:\n  - journey: {}\n    expect:\n      preview: {decision: confirm}\n", "s.yaml:8: expect preview decision \"confirm\": use confirmed, refused, timeout, authentication-failed or undecided"},
		{"preview location", base + "steps:\n  - journey: {}\n    expect:\n      preview: {location: \"https://(\"}\n", "s.yaml:8: expect preview location \"https://(\" is not a regular expression"},
		{"preview count 0 and more", base + "steps:\n  - journey: {}\n    expect:\n      preview: {count: 0, rendering: true}\n", "s.yaml:8: expect preview: count 0 leaves no preview for rendering to check"},
		{"unknown link key", base + "links:\n  - {from: r, to: p, expiredCert: true}\nsteps: [{wait: 1s}]\n", "s.yaml:6: unknown key \"expiredCert\""},
		{"listen on an external node", "id: X\nnodes:\n  - {name: p, role: provider, party: P, external: \"https://x:1\", listen: \"127.0.0.1:9\"}\nsteps: [{wait: 1s}]\n", "an external node is not started"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseScenario(t *testing.T) {
	sc, err := Parse("s.yaml", []byte(`id: X
title: t
nodes:
  - {name: r, role: requester, party: R}
  - {name: p, role: provider, party: P, previewTimeout: 1.5s, faults: {invalidPayload: true, expiredCertificate: true}}
links:
  - {from: r, to: p, latency: 20ms, jitter: 5ms, drop: 0.25, corruptSignature: true, expiredCertificate: true}
steps:
  - journey: {procedure: R1, country: FR}
    expect: {outcome: evidence, evidences: 0, preview: {count: 1, location: "^https://", reauthentication: false, decision: timeout, rendering: true}}
  - wait: 2s
`))
	if err != nil {
		t.Fatal(err)
	}
	p := sc.node("p")
	if time.Duration(p.PreviewTimeout) != 1500*time.Millisecond || !p.Faults.InvalidPayload || !p.Faults.ExpiredCertificate || p.Line != 5 {
		t.Errorf("node %+v", p)
	}
	l := sc.Links[0]
	if time.Duration(l.Latency) != 20*time.Millisecond || time.Duration(l.Jitter) != 5*time.Millisecond || l.Drop != 0.25 || !l.CorruptSignature || !l.ExpiredCertificate {
		t.Errorf("link %+v", l)
	}
	pv := sc.Steps[0].Expect.Preview
	if pv == nil || pv.Count == nil || *pv.Count != 1 || pv.Location != "^https://" || pv.Reauthentication == nil || *pv.Reauthentication ||
		pv.Decision != requester.EndedTimeout || pv.Rendering == nil || !*pv.Rendering || pv.Line != 10 {
		t.Errorf("preview expectation %+v", pv)
	}
	if sc.Steps[0].Expect.Evidences == nil || *sc.Steps[0].Expect.Evidences != 0 {
		t.Error("evidences: 0 is an expectation, not an absent one")
	}
	if sc.Steps[1].Title() != "wait 2s" || sc.Steps[0].Title() != "journey" || sc.Steps[1].Line != 11 {
		t.Errorf("titles %q %q, line %d", sc.Steps[0].Title(), sc.Steps[1].Title(), sc.Steps[1].Line)
	}
	if sc.requesterFor("") != "r" {
		t.Error("the only requester runs journeys")
	}
}

// Every built-in scenario parses, and its files exist.
func TestBuiltinScenariosParse(t *testing.T) {
	ids := scenarios.IDs()
	if len(ids) != 10 || ids[0] != "TC01" || ids[9] != "TC10" {
		t.Fatalf("built-ins %v, want TC01 … TC10", ids)
	}
	for _, id := range ids {
		sc, err := Load(strings.ToLower(id))
		if err != nil {
			t.Fatal(err)
		}
		if sc.ID != id || sc.Title == "" || sc.Description == "" {
			t.Errorf("%s: id %q, title %q, description %q", id, sc.ID, sc.Title, sc.Description)
		}
		for _, n := range sc.Nodes {
			if n.Dataset != "" && !isBuiltinData(n.Dataset) {
				if _, err := scenarios.Files.Open(n.Dataset); err != nil {
					t.Errorf("%s: node %s: %v", id, n.Name, err)
				}
			}
		}
	}
	if _, err := Load("TC99"); err == nil || !strings.Contains(err.Error(), "not a built-in scenario") {
		t.Errorf("unknown scenario: %v", err)
	}
}
