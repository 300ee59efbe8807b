package simulate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/simulate/runner"
	"github.com/oots-tools/oots/pkg/simulate/scenarios"
	"github.com/spf13/cobra"
)

// RunOptions are the inputs of `oots simulate run`.
type RunOptions struct {
	Factory *cmdutil.Factory

	Scenarios []string
	Format    string
	Output    string

	Exchanges   int
	Concurrency int
	External    []string
	Listen      []string
	Keep        bool
	WorkDir     string
	KeyAlg      string
	CA          string
	Progress    bool

	ReadyTimeout   time.Duration
	JourneyTimeout time.Duration

	// Command replaces the node command (tests); nil runs this executable.
	Command runner.CommandFunc
}

// NewCmdRun builds `oots simulate run`; runF replaces the run function in tests.
func NewCmdRun(f *cmdutil.Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "run SCENARIO... [flags]",
		Short: "Run simulation scenarios: start their nodes, drive the journeys, report",
		Long: `Run scenarios: a built-in one by its id (TC01 ... TC10, or all of them with
"all"; see 'oots simulate list') or a scenario file (format in
docs/simulate.md). For each scenario the runner makes a test PKI, starts the
nodes it declares as child processes on loopback ports (with fault proxies on
the links that have faults), runs its steps, checks the expectations, stops
every node and reports.

--exchanges N --concurrency C turns the run into a load run: the scenario's
first journey is run N times by C workers; the report gives throughput,
latency percentiles and the counts: answered, failed (by reason), lost and
answered twice (the last two must be 0).

--external NODE=URL runs the scenario against your own node: NODE is not
started and the other nodes are pointed at URL (integration-tester mode).
Your node must trust the run's CA: give it with --ca DIR (a folder made by
'oots pki init') and trust DIR/ca.pem on your side.

Exit status: 0 every scenario passed, 2 an expectation failed, 1 a scenario
could not run (a node did not start, a bad scenario file) or a usage error.`,
		Example: `  oots simulate list
  oots simulate run TC07
  oots simulate run all -f junit -o simulate.xml
  oots simulate run my-scenario.yaml --keep
  oots simulate run TC01 --exchanges 1000 --concurrency 16
  oots simulate run TC01 --external provider=https://my-node:8443 --ca ./pki`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.FlagErrorf("give a scenario: a built-in id (TC01 ... TC10, all) or a scenario file")
			}
			opts.Scenarios = args
			if err := checkRunOptions(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runScenarios(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Format, "format", "f", "text", "report format: text, json or junit")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the report to this file (atomically) instead of standard output")
	fl.IntVar(&opts.Exchanges, "exchanges", 0, "load run: repeat the scenario's first journey this many times")
	fl.IntVar(&opts.Concurrency, "concurrency", 8, "load run: journeys at once")
	fl.StringArrayVar(&opts.External, "external", nil, "NODE=URL: use your own node at URL instead of starting NODE (repeatable)")
	fl.StringArrayVar(&opts.Listen, "listen", nil, "NODE=HOST:PORT: start NODE on this address, e.g. where your own node sends its answers (repeatable)")
	fl.BoolVar(&opts.Keep, "keep", false, "keep each scenario's work folder (PKI, node configurations, logs)")
	fl.StringVar(&opts.WorkDir, "work-dir", "", "where work folders are made (default: the temporary folder)")
	fl.StringVar(&opts.KeyAlg, "key-alg", "rsa", "key algorithm of the nodes: rsa (RSA-3072, the eDelivery RSA profile), p256 or ed25519")
	fl.StringVar(&opts.CA, "ca", "", "issue the nodes' certificates with the CA of this test PKI folder (oots pki init)")
	fl.BoolVar(&opts.Progress, "progress", false, "print each scenario and step to standard error as it runs")
	fl.DurationVar(&opts.ReadyTimeout, "ready-timeout", readyTimeout, "how long a node may take to start")
	fl.DurationVar(&opts.JourneyTimeout, "journey-timeout", 2*time.Minute, "how long one journey may take")
	return cmd
}

func checkRunOptions(opts *RunOptions) error {
	switch opts.Format {
	case "text", "json", "junit":
	default:
		return cmdutil.FlagErrorf("unknown --format %q; use text, json or junit", opts.Format)
	}
	if opts.Exchanges < 0 || opts.Concurrency < 1 {
		return cmdutil.FlagErrorf("--exchanges must be positive and --concurrency at least 1")
	}
	if _, err := pki.ParseAlgorithm(opts.KeyAlg); err != nil {
		return cmdutil.FlagErrorf("--key-alg: %v", err)
	}
	for _, e := range opts.External {
		name, u, ok := strings.Cut(e, "=")
		if !ok || name == "" || !isHTTPURL(u) {
			return cmdutil.FlagErrorf("--external %q: write NODE=URL, e.g. provider=https://my-node:8443", e)
		}
	}
	for _, l := range opts.Listen {
		name, addr, ok := strings.Cut(l, "=")
		if !ok || name == "" || runner.CheckListen(addr) != nil || addr == "" {
			return cmdutil.FlagErrorf("--listen %q: write NODE=HOST:PORT, e.g. requester=127.0.0.1:8444", l)
		}
	}
	return nil
}

// scenarioArgs expands "all" into every built-in scenario.
func scenarioArgs(args []string) []string {
	var out []string
	for _, a := range args {
		if strings.EqualFold(a, "all") {
			out = append(out, scenarios.IDs()...)
			continue
		}
		out = append(out, a)
	}
	return out
}

func runScenarios(ctx context.Context, opts *RunOptions) error {
	var list []*runner.Scenario
	for _, arg := range scenarioArgs(opts.Scenarios) {
		sc, err := runner.Load(arg)
		if err != nil {
			return err
		}
		list = append(list, sc)
	}
	r, err := newRunner(opts)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	report := &runner.Report{}
	for _, sc := range list {
		report.Add(r.Run(ctx, sc))
		if ctx.Err() != nil {
			break
		}
	}
	report.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	if err := writeReport(opts, report); err != nil {
		return err
	}
	switch {
	case report.Errors > 0:
		return cmdutil.ErrSilent
	case report.Failed > 0:
		return cmdutil.ErrInvalid
	}
	return nil
}

func newRunner(opts *RunOptions) (*runner.Runner, error) {
	alg, _ := pki.ParseAlgorithm(opts.KeyAlg)
	ro := runner.Options{
		Command: opts.Command, WorkDir: opts.WorkDir, Keep: opts.Keep, KeyAlg: alg,
		Exchanges: opts.Exchanges, Concurrency: opts.Concurrency,
		ReadyTimeout: opts.ReadyTimeout, JourneyTimeout: opts.JourneyTimeout,
		External: map[string]string{}, Listen: map[string]string{},
	}
	for _, e := range opts.External {
		name, u, _ := strings.Cut(e, "=")
		ro.External[name] = u
	}
	for _, l := range opts.Listen {
		name, addr, _ := strings.Cut(l, "=")
		ro.Listen[name] = addr
	}
	if opts.CA != "" {
		ca, err := pki.LoadCA(opts.CA)
		if err != nil {
			return nil, err
		}
		ro.CA = ca
	}
	if opts.Progress {
		ro.Progress = opts.Factory.IOStreams.ErrOut
	}
	return runner.New(ro), nil
}

func writeReport(opts *RunOptions, report *runner.Report) error {
	var buf bytes.Buffer
	var err error
	switch opts.Format {
	case "json":
		err = report.WriteJSON(&buf)
	case "junit":
		err = report.WriteJUnit(&buf)
	default:
		err = report.WriteText(&buf)
	}
	if err != nil {
		return err
	}
	if opts.Output == "" {
		_, err = opts.Factory.IOStreams.Out.Write(buf.Bytes())
		return err
	}
	if err := cmdutil.WriteFileAtomic(opts.Output, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}); err != nil {
		return err
	}
	// The summary still goes to the terminal when the report goes to a file.
	_, err = fmt.Fprintf(opts.Factory.IOStreams.ErrOut, "%d scenario(s): %d passed, %d failed, %d errors; report in %s\n",
		len(report.Scenarios), report.Passed, report.Failed, report.Errors, opts.Output)
	return err
}
