package simulate_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmd/simulate"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/simulate/runner"
	"github.com/oots-tools/oots/pkg/simulate/scenarios"
	"github.com/spf13/cobra"
)

// The test binary doubles as the node program: with nodeEnv set it runs
// `oots simulate node` with its arguments, the real node code.
const nodeEnv = "OOTS_SIMULATE_TEST_NODE"

func TestMain(m *testing.M) {
	if os.Getenv(nodeEnv) == "1" {
		os.Exit(runAsOots(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func runAsOots(args []string) int {
	f := &cmdutil.Factory{IOStreams: iostreams.System()}
	root := &cobra.Command{Use: "oots", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(simulate.NewCmdSimulate(f))
	root.SetArgs(args)
	if err := root.ExecuteContext(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "oots:", err)
		return 1
	}
	return 0
}

// nodeCommand starts the test binary as a node.
func nodeCommand(args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), nodeEnv+"=1")
	return cmd
}

// catalogueRunner shares one PKI between the scenarios of a test. Keys are
// P-256 to keep the test quick; the RSA default is the same code path.
func catalogueRunner(opts runner.Options) *runner.Runner {
	opts.Command = nodeCommand
	if opts.KeyAlg == "" {
		opts.KeyAlg = pki.P256
	}
	return runner.New(opts)
}

func reportFailure(t *testing.T, rep *runner.ScenarioReport) {
	t.Helper()
	r := &runner.Report{}
	r.Add(rep)
	var b testWriter
	_ = r.WriteText(&b)
	t.Errorf("%s %s:\n%s", rep.ID, rep.Status(), b)
}

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
func (w testWriter) String() string               { return string(w) }

// TestCatalogue runs every built-in scenario through real node processes.
func TestCatalogue(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes; skipped with -short")
	}
	r := catalogueRunner(runner.Options{})
	for _, id := range scenarios.IDs() {
		t.Run(id, func(t *testing.T) {
			sc, err := runner.Load(id)
			if err != nil {
				t.Fatal(err)
			}
			if rep := r.Run(context.Background(), sc); !rep.Passed {
				reportFailure(t, rep)
			}
		})
	}
}

// TestFaultScenarios runs the example scenarios with faults: a slow, lossy
// link and a provider killed and restarted (faults.yaml); a provider with an
// expired certificate and one answering with an invalid message
// (node-faults.yaml); one requester's link to a provider presenting an
// expired certificate while another requester's link to it is clean
// (expired-link.yaml). TC04 (a corrupted AS4 signature) is in the catalogue.
func TestFaultScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes; skipped with -short")
	}
	for _, name := range []string{"faults.yaml", "node-faults.yaml", "expired-link.yaml"} {
		t.Run(name, func(t *testing.T) {
			sc, err := runner.Load(filepath.Join("..", "..", "..", "examples", "simulate", name))
			if err != nil {
				t.Fatal(err)
			}
			if rep := catalogueRunner(runner.Options{}).Run(context.Background(), sc); !rep.Passed {
				reportFailure(t, rep)
			}
		})
	}
}

// TestExpiredCertificateOnALink checks what expired-link.yaml cannot say in
// its expectations: the requester refused the link's certificate once per
// journey (no retries) and nothing crossed that link.
func TestExpiredCertificateOnALink(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes; skipped with -short")
	}
	sc, err := runner.Load(filepath.Join("..", "..", "..", "examples", "simulate", "expired-link.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep := catalogueRunner(runner.Options{}).Run(context.Background(), sc)
	if !rep.Passed {
		reportFailure(t, rep)
		return
	}
	link := rep.Links["portal-a->provider-de"]
	if link.ExpiredCertificate != 2 || link.Forwarded != 0 {
		t.Errorf("link portal-a->provider-de %+v: two journeys, one refused handshake each, nothing forwarded", link)
	}
	if len(rep.Links) != 1 {
		t.Errorf("links %v: portal-b reaches the provider directly", rep.Links)
	}
}

// TestLoadWithProviderRestart runs examples/simulate/load-restart.yaml:
// 1,000 exchanges while the provider is killed and restarted. Every
// exchange must end answered or failed with a reason: none lost, none
// answered twice.
func TestLoadWithProviderRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes; skipped with -short")
	}
	sc, err := runner.Load(filepath.Join("..", "..", "..", "examples", "simulate", "load-restart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep := catalogueRunner(runner.Options{}).Run(context.Background(), sc)
	if rep.Error != "" || len(rep.Steps) != 1 || rep.Steps[0].Load == nil {
		reportFailure(t, rep)
		return
	}
	step := rep.Steps[0]
	st := step.Load
	t.Logf("%s", strings.Join(step.Details, "\n"))
	if st.Lost != 0 || st.AnsweredTwice != 0 {
		t.Errorf("lost %d, answered twice %d: both must be 0", st.Lost, st.AnsweredTwice)
	}
	if st.Answered+st.Failed != st.Exchanges || st.Exchanges != 1000 {
		t.Errorf("%d answered + %d failed, want all %d exchanges accounted for", st.Answered, st.Failed, st.Exchanges)
	}
	if len(step.Steps) != 4 || !step.Steps[1].Passed || !step.Steps[3].Passed {
		t.Errorf("the provider was not killed and restarted: %+v", step.Steps)
	}
	if !rep.Passed {
		reportFailure(t, rep)
	}
}

// BenchmarkExchanges runs TC01's no-preview journey b.N times over 16
// workers through real, signing nodes (RSA-3072, the default) and reports
// journeys per second and the p99 latency of the load phase.
func BenchmarkExchanges(b *testing.B) {
	sc, err := runner.Load("TC01")
	if err != nil {
		b.Fatal(err)
	}
	r := catalogueRunner(runner.Options{KeyAlg: pki.RSA3072, Exchanges: max(b.N, 16), Concurrency: 16})
	rep := r.Run(context.Background(), sc)
	if rep.Error != "" || len(rep.Steps) == 0 || rep.Steps[0].Load == nil {
		b.Fatalf("%s: %s", rep.Status(), rep.Error)
	}
	st := rep.Steps[0].Load
	if st.Failed > 0 || st.Lost > 0 {
		b.Fatalf("%d failed, %d lost: %v", st.Failed, st.Lost, st.FailedBy)
	}
	b.ReportMetric(st.Throughput, "exchanges/s")
	b.ReportMetric(st.Latency.P99, "p99-ms")
	b.ReportMetric(st.Latency.P50, "p50-ms")
}
