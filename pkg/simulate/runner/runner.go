package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"go.yaml.in/yaml/v3"
)

// Options configure a Runner.
type Options struct {
	// Command runs one node; nil runs this executable with
	// "simulate node --config FILE --listen-fd 3" (see CommandFunc).
	Command CommandFunc
	// WorkDir is where run folders are made (the system's temporary folder
	// when empty).
	WorkDir string
	// Keep keeps each scenario's run folder (PKI, node configurations, logs).
	Keep bool
	// KeyAlg is the key algorithm of the test PKI (RSA-3072 when empty, as
	// the eDelivery RSA profile).
	KeyAlg pki.Algorithm
	// CA issues the nodes' certificates; nil makes a new CA for the run.
	CA *pki.CA
	// External replaces nodes by the user's own: node name → base URL.
	External map[string]string
	// Listen fixes the address of started nodes: node name → host:port.
	Listen map[string]string
	// Exchanges and Concurrency turn a run into a load run: the scenario's
	// first journey is repeated Exchanges times by Concurrency workers.
	Exchanges, Concurrency int
	// ReadyTimeout bounds the start of each node (30 s when zero).
	ReadyTimeout time.Duration
	// JourneyTimeout bounds each journey (2 min when zero).
	JourneyTimeout time.Duration
	// Progress receives one line per scenario and step as they run (may be nil).
	Progress io.Writer
}

// Runner runs scenarios. The test PKI is made once and shared by every
// scenario it runs.
type Runner struct {
	opts Options

	pkiOnce sync.Once
	pki     *testPKI
	pkiErr  error
}

// New returns a Runner.
func New(opts Options) *Runner {
	if opts.KeyAlg == "" {
		opts.KeyAlg = pki.RSA3072
	}
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 30 * time.Second
	}
	if opts.JourneyTimeout == 0 {
		opts.JourneyTimeout = 2 * time.Minute
	}
	if opts.Command == nil {
		opts.Command = SelfCommand
	}
	return &Runner{opts: opts}
}

// SelfCommand runs this executable with args.
func SelfCommand(args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exec.Command(exe, args...) //nolint:gosec // our own binary
}

func (r *Runner) testPKI() (*testPKI, error) {
	r.pkiOnce.Do(func() { r.pki, r.pkiErr = newTestPKI(r.opts.KeyAlg, r.opts.CA) })
	return r.pki, r.pkiErr
}

func (r *Runner) progress(format string, args ...any) {
	if r.opts.Progress != nil {
		_, _ = fmt.Fprintf(r.opts.Progress, format+"\n", args...)
	}
}

// run is one scenario being run.
type run struct {
	r        *Runner
	sc       *Scenario
	dir      string
	pki      *testPKI
	urls     map[string]string // node name → base URL
	children map[string]*child
	proxies  map[string]*Proxy // "from->to"
	servers  []*http.Server
	client   *http.Client // the runner's own client: trusts the run's CA
	// sockets are the listening sockets of the nodes the run starts, held
	// from allocate to stopAll; listeners those of the fault proxies.
	sockets   map[string]*os.File
	listeners map[string]net.Listener
}

// Run runs one scenario and reports. Problems of the tool (a node that does
// not start) are in the report's Error; failed expectations in its steps.
func (r *Runner) Run(ctx context.Context, sc *Scenario) *ScenarioReport {
	start := time.Now()
	rep := &ScenarioReport{ID: sc.ID, Title: sc.Title, File: sc.File}
	r.progress("scenario %s: %s", sc.ID, sc.Title)
	sc, err := r.prepare(sc)
	if err == nil {
		err = r.runPrepared(ctx, sc, rep)
	}
	if err != nil {
		rep.Error = err.Error()
	}
	rep.Passed = rep.Error == "" && allPassed(rep.Steps)
	rep.DurationMS = msSince(start)
	return rep
}

// prepare applies the runner's options to a copy of the scenario.
func (r *Runner) prepare(orig *Scenario) (*Scenario, error) {
	sc := *orig
	sc.Nodes = append([]NodeSpec(nil), orig.Nodes...)
	for name, u := range r.opts.External {
		n := sc.node(name)
		if n == nil {
			return nil, fmt.Errorf("--external %s=%s: scenario %s has no node %q", name, u, sc.ID, name)
		}
		n.External = u
	}
	for name, addr := range r.opts.Listen {
		n := sc.node(name)
		if n == nil {
			return nil, fmt.Errorf("--listen %s=%s: scenario %s has no node %q", name, addr, sc.ID, name)
		}
		if n.External != "" {
			return nil, fmt.Errorf("--listen %s=%s: node %q is external, not started by the run", name, addr, name)
		}
		n.Listen = addr
	}
	if r.opts.Exchanges > 0 {
		load, err := loadStepFrom(&sc, r.opts.Exchanges, max(r.opts.Concurrency, 1))
		if err != nil {
			return nil, err
		}
		sc.Steps = []StepSpec{load}
	}
	if err := sc.Check(); err != nil {
		return nil, fmt.Errorf("%s:%w", sc.File, err)
	}
	return &sc, nil
}

// loadStepFrom makes the load step of --exchanges from the scenario's first journey.
func loadStepFrom(sc *Scenario, exchanges, concurrency int) (StepSpec, error) {
	for _, s := range sc.Steps {
		if s.Journey != nil {
			return StepSpec{Line: s.Line, Load: &LoadSpec{
				Exchanges: exchanges, Concurrency: concurrency, Journey: s.Journey, Requester: s.Requester,
				MinAnswered: answersExpected(s.Expect, exchanges),
			}}, nil
		}
		if s.Load != nil {
			l := *s.Load
			l.Exchanges, l.Concurrency = exchanges, concurrency
			return StepSpec{Line: s.Line, Load: &l}, nil
		}
	}
	return StepSpec{}, fmt.Errorf("scenario %s has no journey to repeat with --exchanges", sc.ID)
}

func (r *Runner) runPrepared(ctx context.Context, sc *Scenario, rep *ScenarioReport) (err error) {
	ru := &run{r: r, sc: sc, urls: map[string]string{}, children: map[string]*child{}, proxies: map[string]*Proxy{},
		sockets: map[string]*os.File{}, listeners: map[string]net.Listener{}}
	if ru.pki, err = r.testPKI(); err != nil {
		return err
	}
	if ru.dir, err = os.MkdirTemp(r.opts.WorkDir, "oots-simulate-"+safeName(sc.ID)+"-"); err != nil {
		return err
	}
	defer func() {
		ru.stopAll()
		rep.Links = ru.linkCounts()
		if !rep.Passed && (err != nil || !allPassed(rep.Steps)) {
			rep.Logs = ru.logTails()
		}
		if r.opts.Keep {
			rep.WorkDir = ru.dir
		} else {
			_ = os.RemoveAll(ru.dir)
		}
	}()
	if err := ru.setUp(ctx); err != nil {
		return err
	}
	for i := range sc.Steps {
		step := ru.runStep(ctx, &sc.Steps[i])
		rep.Steps = append(rep.Steps, step)
		r.progress("  %s %s", passWord(step.Passed), step.Name)
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %w", ctx.Err())
		}
	}
	return nil
}

func passWord(ok bool) string {
	if ok {
		return "ok  "
	}
	return "FAIL"
}

// setUp writes the PKI and the configurations, starts the fault proxies
// and the nodes.
func (ru *run) setUp(ctx context.Context) error {
	for _, sub := range []string{"pki", "nodes", "logs", "data"} {
		if err := os.MkdirAll(filepath.Join(ru.dir, sub), 0o700); err != nil {
			return err
		}
	}
	caPath, err := ru.pki.writeCA(filepath.Join(ru.dir, "pki"))
	if err != nil {
		return err
	}
	ru.client = newClient(ru.pki.ca.Certificate, hasExternal(ru.sc))
	ports, err := ru.allocate()
	if err != nil {
		return err
	}
	if err := ru.startProxies(ports); err != nil {
		return err
	}
	configs, err := ru.writeConfigs(caPath, ports)
	if err != nil {
		return err
	}
	return ru.startNodes(ctx, configs)
}

// allocate takes a loopback port for every node the run starts and every
// faulty link: the port is fixed before anything starts, so that peers can
// be told it and a restarted node gets it again. The run listens on every
// port itself and keeps the sockets until it ends: a node is handed its
// socket (child.socket) each time it starts, so no other program can take
// the port between allocate and the node's start, nor while the node is
// down (the run then refuses its connections, see child.down).
func (ru *run) allocate() (map[string]string, error) {
	addrs := map[string]string{}
	var keys []string
	for _, n := range ru.sc.Nodes {
		if n.External == "" {
			keys = append(keys, n.Name)
		} else {
			ru.urls[n.Name] = n.External
		}
	}
	for _, l := range ru.sc.Links {
		keys = append(keys, linkKey(l.From, l.To))
	}
	for _, k := range keys {
		n := ru.sc.node(k) // nil for a link
		addr := "127.0.0.1:0"
		if n != nil && n.Listen != "" {
			addr = n.Listen
		}
		if n != nil && !passSockets {
			if n.Listen == "" {
				var err error
				if addr, err = freeLoopbackAddr(); err != nil {
					return nil, err
				}
			}
			addrs[k] = addr
			continue
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", describeKey(k, n), err)
		}
		addrs[k] = ln.Addr().String()
		if n != nil && n.Listen != "" {
			addrs[k] = n.Listen // as written: the URL the peers are given
		}
		if n == nil {
			ru.listeners[k] = ln
			continue
		}
		f, err := ln.(*net.TCPListener).File()
		_ = ln.Close() // f is a copy of the socket: it stays open
		if err != nil {
			return nil, fmt.Errorf("%s: %w", describeKey(k, n), err)
		}
		ru.sockets[k] = f
	}
	for _, n := range ru.sc.Nodes {
		if n.External == "" {
			ru.urls[n.Name] = "https://" + addrs[n.Name]
		}
	}
	return addrs, nil
}

func describeKey(k string, n *NodeSpec) string {
	if n == nil {
		return "link " + k
	}
	return "node " + k
}

func linkKey(from, to string) string { return from + "->" + to }

// freeLoopbackAddr asks the system for a free port on 127.0.0.1 (for a node
// that binds it itself, where sockets are not passed).
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// startProxies serves one fault proxy per link, HTTPS with a certificate of
// the run's CA; a link with an expired certificate presents instead the
// receiver's certificate that expired yesterday, also of the run's CA.
func (ru *run) startProxies(addrs map[string]string) error {
	if len(ru.sc.Links) == 0 {
		return nil
	}
	id, err := ru.pki.identity("fault-proxy", false)
	if err != nil {
		return err
	}
	cert := tlsCertificate(id)
	for _, l := range ru.sc.Links {
		var expired *tls.Certificate
		if l.ExpiredCertificate {
			old, err := ru.pki.identity(l.To, true)
			if err != nil {
				return fmt.Errorf("link %s: making the expired certificate of %s: %w", linkKey(l.From, l.To), l.To, err)
			}
			c := tlsCertificate(old)
			expired = &c
		}
		target, err := url.Parse(ru.urls[l.To])
		if err != nil {
			return err
		}
		p := &Proxy{
			Target: target,
			Client: newClient(ru.pki.ca.Certificate, ru.sc.node(l.To).External != ""),
			Faults: Faults{Latency: time.Duration(l.Latency), Jitter: time.Duration(l.Jitter), Drop: l.Drop, CorruptSignature: l.CorruptSignature},
		}
		key := linkKey(l.From, l.To)
		ln := ru.listeners[key]
		srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, TLSConfig: p.serverTLS(cert, expired)}
		if expired != nil {
			srv.ErrorLog = log.New(io.Discard, "", 0) // the handshakes the sender refuses are the point: no log line each
		}
		go func() { _ = srv.ServeTLS(ln, "", "") }()
		ru.servers = append(ru.servers, srv)
		ru.proxies[key] = p
	}
	return nil
}

func tlsCertificate(id *pki.Identity) tls.Certificate {
	chain := [][]byte{id.Certificate.Raw}
	for _, c := range id.Chain {
		chain = append(chain, c.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: id.Signer, Leaf: id.Certificate}
}

// newClient is an HTTPS client trusting the run's CA (and the system's
// roots too when it talks to the user's own node).
func newClient(ca *x509.Certificate, withSystemRoots bool) *http.Client {
	pool := x509.NewCertPool()
	if withSystemRoots {
		if sys, err := x509.SystemCertPool(); err == nil {
			pool = sys
		}
	}
	pool.AddCert(ca)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: tr}
}

// via is the URL node from uses to reach node to: the link's proxy when the
// link has faults, the node itself otherwise.
func (ru *run) via(from, to string, addrs map[string]string) string {
	if _, ok := ru.proxies[linkKey(from, to)]; ok {
		return "https://" + addrs[linkKey(from, to)]
	}
	return ru.urls[to]
}

// writeConfigs writes each started node's configuration file.
func (ru *run) writeConfigs(caPath string, addrs map[string]string) (map[string]string, error) {
	paths := map[string]string{}
	for _, n := range ru.sc.Nodes {
		if n.External != "" {
			continue
		}
		cfg, err := ru.nodeConfig(n, caPath, addrs)
		if err != nil {
			return nil, err
		}
		data, err := yaml.Marshal(cfg)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(ru.dir, "nodes", n.Name+".yaml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
		paths[n.Name] = path
	}
	return paths, nil
}

// nodeFile is the configuration file of one node, as `oots simulate node
// --config` reads it (node.Config of pkg/simulate/node).
type nodeFile struct {
	Name           string            `yaml:"name"`
	Role           string            `yaml:"role"`
	Listen         string            `yaml:"listen"`
	Party          string            `yaml:"party,omitempty"`
	Key            string            `yaml:"key"`
	Cert           string            `yaml:"cert"`
	Trust          []string          `yaml:"trust"`
	Peers          map[string]string `yaml:"peers,omitempty"`
	EB             string            `yaml:"eb,omitempty"`
	DSD            string            `yaml:"dsd,omitempty"`
	Catalog        string            `yaml:"catalog,omitempty"`
	Dataset        string            `yaml:"dataset,omitempty"`
	DataDir        string            `yaml:"dataDir,omitempty"`
	PreviewTimeout Duration          `yaml:"previewTimeout,omitempty"`
	Faults         nodeFileFaults    `yaml:"faults,omitempty"`
}

type nodeFileFaults struct {
	InvalidPayload bool `yaml:"invalidPayload,omitempty"`
}

func (ru *run) nodeConfig(n NodeSpec, caPath string, addrs map[string]string) (*nodeFile, error) {
	files, err := ru.pki.writeIdentity(filepath.Join(ru.dir, "pki"), n.Name, n.Faults.ExpiredCertificate)
	if err != nil {
		return nil, err
	}
	cfg := &nodeFile{
		Name: n.Name, Role: n.Role, Listen: addrs[n.Name], Party: n.Party,
		Key: files.Key, Cert: files.Cert, Trust: []string{caPath},
		DataDir:        filepath.Join(ru.dir, "data", n.Name),
		PreviewTimeout: n.PreviewTimeout,
		Faults:         nodeFileFaults{InvalidPayload: n.Faults.InvalidPayload},
	}
	switch n.Role {
	case RoleEB, RoleDSD:
		if cfg.Catalog, err = ru.resolveFile(orDefault(n.Catalog, "example")); err != nil {
			return nil, err
		}
	case RoleProvider:
		if cfg.Dataset, err = ru.resolveFile(orDefault(n.Dataset, "example")); err != nil {
			return nil, err
		}
	}
	if n.Role == RoleRequester || n.Role == RoleProvider {
		cfg.Peers = ru.peers(n.Name, addrs)
	}
	if n.Role == RoleRequester {
		for _, other := range ru.sc.Nodes {
			switch other.Role {
			case RoleEB:
				cfg.EB = ru.via(n.Name, other.Name, addrs)
			case RoleDSD:
				cfg.DSD = ru.via(n.Name, other.Name, addrs)
			}
		}
	}
	return cfg, nil
}

// peers maps every other requester's and provider's party and access
// services to the URL node from reaches it at.
func (ru *run) peers(from string, addrs map[string]string) map[string]string {
	peers := map[string]string{}
	for _, other := range ru.sc.Nodes {
		if other.Name == from || (other.Role != RoleRequester && other.Role != RoleProvider) {
			continue
		}
		u := ru.via(from, other.Name, addrs)
		peers[other.Party] = u
		for _, id := range other.AccessServices {
			peers[id] = u
		}
	}
	return peers
}

func hasExternal(sc *Scenario) bool {
	for _, n := range sc.Nodes {
		if n.External != "" {
			return true
		}
	}
	return false
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// startNodes starts every node at once and waits until all are ready.
func (ru *run) startNodes(ctx context.Context, configs map[string]string) error {
	for _, n := range ru.sc.Nodes {
		if path, ok := configs[n.Name]; ok {
			ru.children[n.Name] = &child{name: n.Name, config: path, logPath: filepath.Join(ru.dir, "logs", n.Name+".log"),
				socket: ru.sockets[n.Name]}
		}
	}
	errs := make(chan error, len(ru.children))
	for _, c := range ru.children {
		go func() { errs <- c.start(ctx, ru.r.opts.Command, ru.r.opts.ReadyTimeout) }()
	}
	var all []error
	for range ru.children {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// stopAll stops the nodes (SIGTERM, then SIGKILL after StopGrace) and the
// proxies, and closes the sockets the run held.
func (ru *run) stopAll() {
	var wg sync.WaitGroup
	for _, c := range ru.children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.stop(StopGrace)
			c.release()
		}()
	}
	wg.Wait()
	for _, srv := range ru.servers {
		_ = srv.Close()
	}
	for _, f := range ru.sockets {
		_ = f.Close()
	}
	for _, ln := range ru.listeners {
		_ = ln.Close() // the proxies' servers closed those they served
	}
	if ru.client != nil {
		ru.client.CloseIdleConnections()
	}
}

func (ru *run) linkCounts() map[string]ProxyCounts {
	if len(ru.proxies) == 0 {
		return nil
	}
	counts := map[string]ProxyCounts{}
	for k, p := range ru.proxies {
		counts[k] = p.Counts()
	}
	return counts
}

// logTails are the last lines of every node's log.
func (ru *run) logTails() map[string]string {
	tails := map[string]string{}
	for name, c := range ru.children {
		if t := tailFile(c.logPath, 20); t != "" {
			tails[name] = t
		}
	}
	return tails
}

func allPassed(steps []*StepReport) bool {
	for _, s := range steps {
		if !s.Passed {
			return false
		}
	}
	return true
}

func msSince(t time.Time) float64 {
	return round3(float64(time.Since(t)) / float64(time.Millisecond))
}

func safeName(s string) string {
	out := []byte(s)
	for i, c := range out {
		if !isNameChar(c) {
			out[i] = '_'
		}
	}
	return string(out)
}
