package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/simulate/requester"
	"go.yaml.in/yaml/v3"
)

const fakeNodes = `
nodes:
  - {name: eb, role: eb}
  - {name: dsd, role: dsd}
  - {name: requester, role: requester, party: REQ-AP}
  - {name: provider, role: provider, party: PROV-AP, accessServices: [PROV-AP-2], dataset: data/set.yaml}
`

// sharedRunner keeps one test PKI for every test (P-256: quick to make).
var sharedRunner = func(opts Options) *Runner {
	opts.Command = fakeCommand
	opts.KeyAlg = pki.P256
	return New(opts)
}

func runYAML(t *testing.T, r *Runner, src string) *ScenarioReport {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "scenario.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return r.Run(context.Background(), sc)
}

func TestRunJourneysKillRestartParallel(t *testing.T) {
	r := sharedRunner(Options{})
	rep := runYAML(t, r, "id: T1\ntitle: fake\n"+fakeNodes+`
links:
  - {from: requester, to: provider, latency: 1ms}
steps:
  - journey: {name: evidence}
    expect: {outcome: evidence, evidences: 1, mediaTypes: [application/pdf], steps: [request]}
  - journey: {name: error}
    expect: {outcome: error, errorCodes: [EDM:ERR:0004], noSteps: [preview]}
  - kill: provider
  - restart: provider
  - wait: 10ms
  - parallel:
      - journey: {name: evidence}
        expect: {outcome: evidence}
      - journey: {name: error}
        expect: {outcome: evidence}
`)
	if rep.Error != "" {
		t.Fatalf("tool error: %s", rep.Error)
	}
	if rep.Passed || rep.Status() != StatusFail {
		t.Fatalf("status %s, want fail (one parallel journey expects the wrong outcome)", rep.Status())
	}
	want := []bool{true, true, true, true, true, false}
	if len(rep.Steps) != len(want) {
		t.Fatalf("%d step reports, want %d", len(rep.Steps), len(want))
	}
	for i, w := range want {
		if rep.Steps[i].Passed != w {
			t.Errorf("step %d (%s) passed=%v, want %v: %v", i, rep.Steps[i].Name, rep.Steps[i].Passed, w, rep.Steps[i].Failures)
		}
	}
	par := rep.Steps[5]
	if len(par.Steps) != 2 || !par.Steps[0].Passed || par.Steps[1].Passed {
		t.Fatalf("parallel sub-steps wrong: %+v", par.Steps)
	}
	if got := par.Steps[1].Failures[0]; got != "outcome error, expected evidence" {
		t.Errorf("failure text %q", got)
	}
	if len(rep.Logs) == 0 {
		t.Error("a failed scenario reports the nodes' log tails")
	}
	if rep.WorkDir != "" {
		t.Error("work dir reported without Keep")
	}
}

func TestNodeConfiguration(t *testing.T) {
	r := sharedRunner(Options{Keep: true})
	rep := runYAML(t, r, "id: T2\n"+fakeNodes+`
links:
  - {from: requester, to: provider, drop: 0.5}
steps:
  - journey: {name: config}
`)
	if rep.Error != "" {
		t.Fatal(rep.Error)
	}
	defer func() { _ = os.RemoveAll(rep.WorkDir) }()
	var cfg nodeFile
	if err := json.Unmarshal([]byte(rep.Steps[0].Result.Failure), &cfg); err != nil {
		t.Fatalf("fake requester did not echo its configuration: %v", err)
	}
	if cfg.Role != RoleRequester || cfg.Party != "REQ-AP" || len(cfg.Trust) != 1 {
		t.Errorf("requester configuration: %+v", cfg)
	}
	if !strings.HasPrefix(cfg.EB, "https://127.0.0.1:") || !strings.HasPrefix(cfg.DSD, "https://127.0.0.1:") || cfg.EB == cfg.DSD {
		t.Errorf("EB %q and DSD %q", cfg.EB, cfg.DSD)
	}
	prov, prov2 := cfg.Peers["PROV-AP"], cfg.Peers["PROV-AP-2"]
	if prov == "" || prov != prov2 {
		t.Errorf("peers %v: the provider's party and access service go to one URL", cfg.Peers)
	}
	provCfg := readNodeFile(t, filepath.Join(rep.WorkDir, "nodes", "provider.yaml"))
	if prov == "https://"+provCfg.Listen {
		t.Errorf("the requester reaches the provider at %s, its own address: the faulty link's proxy was skipped", prov)
	}
	if provCfg.Peers["REQ-AP"] == "" || provCfg.Peers["REQ-AP"] != "https://"+cfg.Listen {
		t.Errorf("the provider answers the requester directly (no link that way): %v, requester at %s", provCfg.Peers, cfg.Listen)
	}
	if want := filepath.Join(filepath.Dir(rep.File), "data", "set.yaml"); provCfg.Dataset != want {
		t.Errorf("dataset %q, want %q (relative to the scenario file)", provCfg.Dataset, want)
	}
	ebCfg := readNodeFile(t, filepath.Join(rep.WorkDir, "nodes", "eb.yaml"))
	if ebCfg.Catalog != "example" {
		t.Errorf("eb catalog %q, want the example", ebCfg.Catalog)
	}
	for _, f := range []string{"pki/ca.pem", "pki/provider-p256.pem", "pki/provider-p256-key.pem", "logs/provider.log"} {
		if _, err := os.Stat(filepath.Join(rep.WorkDir, f)); err != nil {
			t.Errorf("work dir: %v", err)
		}
	}
}

func readNodeFile(t *testing.T, path string) nodeFile {
	t.Helper()
	var cfg nodeFile
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestNodeThatDoesNotStart(t *testing.T) {
	r := sharedRunner(Options{})
	rep := runYAML(t, r, `id: T3
nodes:
  - {name: requester, role: requester, party: REQ-AP}
  - {name: provider, role: provider, party: FAIL-AT-START}
steps:
  - journey: {name: evidence}
`)
	if rep.Status() != StatusError {
		t.Fatalf("status %s, want error", rep.Status())
	}
	if !strings.Contains(rep.Error, "node provider ended before it was ready") || !strings.Contains(rep.Error, "told to fail at start") {
		t.Errorf("error %q should name the node and quote its log", rep.Error)
	}
	if len(rep.Steps) != 0 {
		t.Error("no step runs when a node does not start")
	}
}

func TestLoadWithKillAndRestart(t *testing.T) {
	r := sharedRunner(Options{})
	rep := runYAML(t, r, "id: T4\n"+fakeNodes+`
steps:
  - load:
      exchanges: 60
      concurrency: 4
      minAnswered: 60
      journey: {name: evidence}
      during:
        - kill: provider
        - restart: provider
`)
	if rep.Error != "" || !rep.Passed {
		t.Fatalf("status %s: %s %+v", rep.Status(), rep.Error, rep.Steps[0])
	}
	st := rep.Steps[0].Load
	if st.Answered != 60 || st.Failed != 0 || st.Lost != 0 || st.AnsweredTwice != 0 || st.Requests != 60 {
		t.Errorf("load stats %+v", st)
	}
	if st.Outcomes[requester.OutcomeEvidence] != 60 || st.Latency.P99 <= 0 || st.Latency.P50 > st.Latency.P99 || st.Throughput <= 0 {
		t.Errorf("load numbers %+v", st)
	}
	if len(rep.Steps[0].Steps) != 2 || !rep.Steps[0].Steps[1].Passed {
		t.Errorf("during steps %+v", rep.Steps[0].Steps)
	}
}

func TestLoadCountsFailuresAndLost(t *testing.T) {
	r := sharedRunner(Options{})
	rep := runYAML(t, r, "id: T5\n"+fakeNodes+`
steps:
  - load: {exchanges: 5, concurrency: 2, journey: {name: slow}}
  - load: {exchanges: 3, concurrency: 3, journey: {name: pending}}
`)
	failed, lost := rep.Steps[0], rep.Steps[1]
	if !failed.Passed || failed.Load.Failed != 5 || failed.Load.Lost != 0 {
		t.Errorf("failed journeys are reported, not lost: %+v %v", failed.Load, failed.Failures)
	}
	if reasons := failed.Load.FailedBy; len(reasons) != 1 || reasons["timeout waiting for urn:uuid:…"] != 5 {
		t.Errorf("failures are grouped by reason without message ids: %v", reasons)
	}
	if lost.Passed || lost.Load.Lost != 3 || !strings.Contains(strings.Join(lost.Failures, ";"), "3 exchange(s) lost") {
		t.Errorf("requests left pending at the requester are lost: %+v %v", lost.Load, lost.Failures)
	}
}

func TestExchangesOptionMakesALoadRun(t *testing.T) {
	r := sharedRunner(Options{Exchanges: 7, Concurrency: 3})
	rep := runYAML(t, r, "id: T6\n"+fakeNodes+`
steps:
  - kill: provider
  - journey: {name: evidence}
`)
	if len(rep.Steps) != 1 || rep.Steps[0].Load == nil || rep.Steps[0].Load.Answered != 7 || rep.Steps[0].Load.Concurrency != 3 {
		t.Fatalf("--exchanges repeats the first journey: %+v", rep.Steps)
	}
}

// TestLoadAsksForOutcomesOnly: a load run asks the requester for each
// journey's outcome alone; a journey step asks for the whole result.
func TestLoadAsksForOutcomesOnly(t *testing.T) {
	rep := runYAML(t, sharedRunner(Options{Exchanges: 3, Concurrency: 2}), "id: T6m\n"+fakeNodes+`
steps:
  - journey: {name: minimal}
`)
	if load := rep.Steps[0].Load; load == nil || load.Answered != 3 {
		t.Errorf("load run: %+v %v", load, rep.Steps[0].Failures)
	}
	rep = runYAML(t, sharedRunner(Options{}), "id: T6n\n"+fakeNodes+`
steps:
  - journey: {name: minimal}
`)
	if res := rep.Steps[0].Result; res == nil || res.Failure != "the whole result was asked for" {
		t.Errorf("journey step: %+v", res)
	}
}

// TestExchangesOptionNeedsEveryAnswer: a load run made of a journey that
// expects an answer fails when exchanges fail; one made of a journey
// expected to fail (as TC04) does not.
func TestExchangesOptionNeedsEveryAnswer(t *testing.T) {
	r := sharedRunner(Options{Exchanges: 4, Concurrency: 2})
	rep := runYAML(t, r, "id: T6b\n"+fakeNodes+`
steps:
  - journey: {name: slow}
`)
	load := rep.Steps[0]
	if load.Passed || load.Load.Failed != 4 || !strings.Contains(strings.Join(load.Failures, ";"), "0 exchange(s) answered, expected at least 4") {
		t.Errorf("every exchange failed, yet: passed %v %+v %v", load.Passed, load.Load, load.Failures)
	}
	rep = runYAML(t, r, "id: T6c\n"+fakeNodes+`
steps:
  - journey: {name: slow}
    expect: {outcome: failed}
`)
	if load := rep.Steps[0]; !load.Passed || load.Load.Failed != 4 {
		t.Errorf("failures expected by the journey: passed %v %+v %v", load.Passed, load.Load, load.Failures)
	}
}

func TestExternalNode(t *testing.T) {
	r := sharedRunner(Options{External: map[string]string{"provider": "http://192.0.2.10:8443"}})
	rep := runYAML(t, r, "id: T7\n"+fakeNodes+`
steps:
  - journey: {name: config}
`)
	var cfg nodeFile
	if err := json.Unmarshal([]byte(rep.Steps[0].Result.Failure), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Peers["PROV-AP"] != "http://192.0.2.10:8443" {
		t.Errorf("peers %v: the user's node replaces the provider", cfg.Peers)
	}
	bad := sharedRunner(Options{External: map[string]string{"nobody": "https://x"}}).Run(context.Background(), mustParse(t, "id: T8\n"+fakeNodes+"steps:\n  - wait: 1ms\n"))
	if !strings.Contains(bad.Error, `has no node "nobody"`) {
		t.Errorf("unknown external node: %q", bad.Error)
	}
}

func mustParse(t *testing.T, src string) *Scenario {
	t.Helper()
	sc, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestPreviewExpectations(t *testing.T) {
	r := sharedRunner(Options{})
	rep := runYAML(t, r, "id: T9\n"+fakeNodes+`
steps:
  - name: as the page went
    journey: {name: preview}
    expect:
      preview:
        count: 1
        location: "^https://127\\.0\\.0\\.1:[0-9]+/preview/"
        reauthentication: true
        decision: confirmed
        rendering: false
  - name: all wrong
    journey: {name: preview}
    expect:
      preview: {count: 2, location: "/other/", reauthentication: false, decision: refused, rendering: true}
  - name: no preview at all
    journey: {name: evidence}
    expect:
      preview: {decision: confirmed}
  - name: none expected
    journey: {name: evidence}
    expect:
      preview: {count: 0}
`)
	if rep.Error != "" {
		t.Fatalf("tool error: %s", rep.Error)
	}
	right, wrong, missing, none := rep.Steps[0], rep.Steps[1], rep.Steps[2], rep.Steps[3]
	if !right.Passed || !none.Passed {
		t.Errorf("expectations the previews meet failed: %v %v", right.Failures, none.Failures)
	}
	want := []string{
		"preview count 1, expected 2",
		`preview at P: location "https://127.0.0.1:8443/preview/tok", expected a match of /other/`,
		"preview at P: reauthentication true, expected false",
		"preview at P: decision confirmed, expected refused",
		"preview at P: rendering false, expected true",
	}
	if wrong.Passed || strings.Join(wrong.Failures, "\n") != strings.Join(want, "\n") {
		t.Errorf("failures of the wrong expectations:\n%s\nwant:\n%s", strings.Join(wrong.Failures, "\n"), strings.Join(want, "\n"))
	}
	if missing.Passed || len(missing.Failures) != 1 || missing.Failures[0] != "preview: the journey went through no preview; expected one to check decision" {
		t.Errorf("a preview expectation without a preview: %v", missing.Failures)
	}
	if !strings.Contains(strings.Join(right.Details, "\n"), "preview at P: confirm, ended confirmed, re-authentication asked (https://127.0.0.1:8443/preview/tok)") {
		t.Errorf("the step details describe the preview: %v", right.Details)
	}
	report := &Report{}
	report.Add(rep)
	var b strings.Builder
	if err := report.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "FAIL all wrong") || !strings.Contains(b.String(), "failed: preview at P: decision confirmed, expected refused") {
		t.Errorf("the text report names the failed preview assertion:\n%s", b.String())
	}
}

const twoRequesters = `
nodes:
  - {name: requester, role: requester, party: REQ-AP}
  - {name: requester2, role: requester, party: REQ-AP-2}
  - {name: provider, role: provider, party: peer}
`

func TestLinkWithAnExpiredCertificate(t *testing.T) {
	r := sharedRunner(Options{})
	rep := runYAML(t, r, "id: T10\n"+twoRequesters+`
links:
  - {from: requester, to: provider, expiredCertificate: true}
  - {from: requester2, to: provider, latency: 1ms}
steps:
  - name: over the expired link
    requester: requester
    journey: {name: peer, peer: peer}
    expect: {outcome: failed, failure: "certificate has expired"}
  - name: over the other link
    requester: requester2
    journey: {name: peer, peer: peer}
    expect: {outcome: evidence}
`)
	if rep.Error != "" || !rep.Passed {
		t.Fatalf("status %s: %s %+v %+v", rep.Status(), rep.Error, rep.Steps[0], rep.Steps[1])
	}
	if got := rep.Steps[0].Result.Failure; !strings.Contains(got, "certificate of "+pki.NodeCommonName("provider")) {
		t.Errorf("the expired certificate is not the receiver's: %s", got)
	}
	expired, other := rep.Links["requester->provider"], rep.Links["requester2->provider"]
	if expired.ExpiredCertificate != 1 || expired.Forwarded != 0 {
		t.Errorf("expired link %+v: one handshake, nothing forwarded", expired)
	}
	if other.ExpiredCertificate != 0 || other.Forwarded != 1 {
		t.Errorf("other link to the same receiver %+v: forwards with a valid certificate", other)
	}
}

// TestNodeKeepsItsSocketAcrossRestarts: the runner holds a node's socket
// and hands it to every process of the node (the fake node serves only on
// the socket it inherits). The port stays taken while the node is down,
// connections made then are refused at once, and the restarted node serves
// on the same socket.
func TestNodeKeepsItsSocketAcrossRestarts(t *testing.T) {
	if !passSockets {
		t.Skip("sockets are not passed to nodes here")
	}
	p, err := sharedRunner(Options{}).testPKI()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	caPath, err := p.writeCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := p.writeIdentity(dir, "provider", false)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	socket, err := ln.(*net.TCPListener).File()
	_ = ln.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer socket.Close() //nolint:errcheck // the run's socket, closed last
	data, err := yaml.Marshal(nodeFile{Name: "provider", Role: RoleProvider, Listen: addr, Key: files.Key, Cert: files.Cert, Trust: []string{caPath}})
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "provider.yaml")
	if err := os.WriteFile(config, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c := &child{name: "provider", config: config, logPath: filepath.Join(dir, "provider.log"), socket: socket}
	defer c.release()
	defer c.stop(StopGrace)
	client := newClient(p.ca.Certificate, false)
	defer client.CloseIdleConnections()
	healthz := func() error {
		client.CloseIdleConnections() // a new connection each time
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("healthz: HTTP %d", resp.StatusCode)
		}
		return nil
	}
	bound := func() bool {
		l, err := net.Listen("tcp", addr)
		if err == nil {
			_ = l.Close()
		}
		return err == nil
	}

	for round := 1; round <= 2; round++ {
		if err := c.start(context.Background(), fakeCommand, 10*time.Second); err != nil {
			t.Fatalf("start %d: %v", round, err)
		}
		if err := healthz(); err != nil {
			t.Fatalf("start %d: the node does not serve on its socket: %v", round, err)
		}
		c.kill()
		if bound() {
			t.Fatalf("kill %d: %s was free while the node was down", round, addr)
		}
		start := time.Now()
		if err := healthz(); err == nil {
			t.Fatalf("kill %d: a request was answered while the node was down", round)
		} else if took := time.Since(start); took > 2*time.Second {
			t.Errorf("kill %d: a request to the node down failed after %s, not at once: %v", round, took, err)
		}
	}
	if err := c.start(context.Background(), fakeCommand, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := healthz(); err != nil {
		t.Fatalf("after the restarts: %v", err)
	}
	c.stop(StopGrace)
	c.release()
	if bound() {
		t.Fatalf("%s was free before the run closed its socket", addr)
	}
	_ = socket.Close()
	if !bound() {
		t.Errorf("%s still taken after the run closed its socket", addr)
	}
}
