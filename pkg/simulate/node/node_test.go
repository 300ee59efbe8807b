package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"github.com/oots-tools/oots/pkg/simulate/requester"
)

// network is a set of nodes running in this process on loopback.
type network struct {
	t      testing.TB
	dir    string
	pki    *pkitest.PKI
	ca     string
	urls   map[string]string
	cancel map[string]context.CancelFunc
	done   map[string]chan error
	mu     sync.Mutex
}

func newNetwork(t testing.TB) *network {
	t.Helper()
	return &network{t: t, dir: t.TempDir(), pki: pkitest.New(t), urls: map[string]string{},
		cancel: map[string]context.CancelFunc{}, done: map[string]chan error{}}
}

// loopbackListener opens a socket on a free loopback port for a node
// started later: the port is the node's from now on, no other program can
// take it before the node starts.
func loopbackListener(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() }) // Run closes it too, if the node started
	return ln
}

// config returns a node configuration with a fresh identity of the test PKI
// and its own listening socket.
func (n *network) config(name, role string, alg pki.Algorithm) Config {
	id := n.pki.Identity(n.t, alg)
	cert, key := n.pki.WriteFiles(n.t, n.dir, name, id)
	n.ca = filepath.Join(n.dir, name+"-ca.pem")
	ln := loopbackListener(n.t)
	return Config{Name: name, Role: role, Key: key, Cert: cert, Trust: []string{n.ca}, Listen: ln.Addr().String(), Listener: ln,
		AS4: AS4Config{Retries: 3, Backoff: 10 * time.Millisecond}}
}

// start runs a node and waits until it listens.
func (n *network) start(cfg Config) string {
	n.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, func(u string) { ready <- u }) }()
	select {
	case u := <-ready:
		n.mu.Lock()
		n.urls[cfg.Name], n.cancel[cfg.Name], n.done[cfg.Name] = u, cancel, done
		n.mu.Unlock()
		n.t.Cleanup(func() { n.stop(cfg.Name) })
		return u
	case err := <-done:
		cancel()
		n.t.Fatalf("node %s: %v", cfg.Name, err)
	case <-time.After(10 * time.Second):
		cancel()
		n.t.Fatalf("node %s did not start", cfg.Name)
	}
	return ""
}

func (n *network) stop(name string) {
	n.mu.Lock()
	cancel, done := n.cancel[name], n.done[name]
	delete(n.cancel, name)
	n.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		n.t.Errorf("node %s stopped with %v", name, err)
	}
}

// client trusts the network's test CA.
func (n *network) client() *http.Client {
	cfg := n.config("client", RoleEB, pki.P256)
	nd, err := newNode(Config{Name: "client", Key: cfg.Key, Cert: cfg.Cert, Trust: cfg.Trust})
	if err != nil {
		n.t.Fatal(err)
	}
	return nd.client
}

// exampleNetwork starts EB, DSD, a provider for the example catalogue's
// German access point and a requester, signing with alg.
func exampleNetwork(t *testing.T, alg pki.Algorithm, tweak func(*Config)) (*network, string) {
	return exampleNetworkWith(t, alg, tweak)
}

func exampleNetworkTB(tb testing.TB, alg pki.Algorithm) (*network, string) {
	return exampleNetworkWith(tb, alg, nil)
}

func exampleNetworkWith(t testing.TB, alg pki.Algorithm, tweak func(*Config)) (*network, string) {
	n := newNetwork(t)
	eb := n.config("eb", RoleEB, pki.P256)
	eb.Catalog = "example"
	dsd := n.config("dsd", RoleDSD, pki.P256)
	dsd.Catalog = "example"
	ebURL, dsdURL := n.start(eb), n.start(dsd)

	prov := n.config("provider-de", RoleProvider, alg)
	prov.Party, prov.Dataset, prov.PreviewTimeout = "DE-EXAMPLE-AP-1", "example", 2*time.Second
	req := n.config("requester-fr", RoleRequester, alg)
	req.Party, req.EB, req.DSD, req.RequestTimeout = "FR-EXAMPLE-PORTAL-AP", ebURL, dsdURL, 20*time.Second
	// One provider node plays the access points of every example country.
	req.Peers = map[string]string{}
	for _, ap := range []string{"DE-EXAMPLE-AP-1", "FR-EXAMPLE-AP-1", "ES-EXAMPLE-AP-1", "PT-EXAMPLE-AP-1"} {
		req.Peers[ap] = "https://" + prov.Listen
	}
	prov.Peers = map[string]string{req.Party: "https://" + req.Listen}
	for _, c := range []*Config{&prov, &req} {
		if tweak != nil {
			tweak(c)
		}
	}
	n.start(prov)
	return n, n.start(req)
}

func postJourney(t *testing.T, c *http.Client, base string, j any) *requester.Result {
	t.Helper()
	body, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Post(base+"/journeys", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read below
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /journeys: %d %s", resp.StatusCode, data)
	}
	var res requester.Result
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return &res
}

func describe(res *requester.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "outcome %s, failure %q, errors %+v\n", res.Outcome, res.Failure, res.Errors)
	for _, s := range res.Steps {
		fmt.Fprintf(&b, "  %+v\n", s)
	}
	return b.String()
}

func TestHealthz(t *testing.T) {
	n := newNetwork(t)
	cfg := n.config("eb", RoleEB, pki.P256)
	cfg.Catalog = "example"
	n.checkHealthz(t, n.start(cfg), "ok eb eb\n")
}

// checkHealthz asks the node at base whether it is up; it must say want.
func (n *network) checkHealthz(t *testing.T, base, want string) {
	t.Helper()
	resp, err := n.client().Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read below
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != want {
		t.Errorf("%s/healthz: %d %q, want %q", base, resp.StatusCode, body, want)
	}
}

// TestRunOnAnInheritedSocket: a node given a listener serves on it and
// binds nothing. The socket reaches the node as `oots simulate run` hands
// it to a node process, a copy of a file descriptor, while the original
// stays bound to the address, so that binding Listen again would fail.
func TestRunOnAnInheritedSocket(t *testing.T) {
	n := newNetwork(t)
	cfg := n.config("eb", RoleEB, pki.P256)
	cfg.Catalog = "example"
	held := cfg.Listener.(*net.TCPListener)
	f, err := held.File()
	if err != nil {
		t.Skipf("no file descriptor of a socket here: %v", err)
	}
	inherited, err := net.FileListener(f)
	_ = f.Close()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listener = inherited
	if _, err := net.Listen("tcp", cfg.Listen); err == nil {
		t.Fatalf("%s could be bound again while it is held", cfg.Listen)
	}
	base := n.start(cfg)
	if base != "https://"+cfg.Listen {
		t.Errorf("ready at %s, want the inherited socket's https://%s", base, cfg.Listen)
	}
	n.checkHealthz(t, "https://"+held.Addr().String(), "ok eb eb\n")
}

// TestRunBindsListen: without a listener the node binds Listen (a free
// port for 127.0.0.1:0) and tells the address it got.
func TestRunBindsListen(t *testing.T) {
	n := newNetwork(t)
	cfg := n.config("dsd", RoleDSD, pki.P256)
	cfg.Catalog, cfg.Listen, cfg.Listener = "example", "127.0.0.1:0", nil
	base := n.start(cfg)
	if !strings.HasPrefix(base, "https://127.0.0.1:") || strings.HasSuffix(base, ":0") {
		t.Fatalf("ready at %s", base)
	}
	n.checkHealthz(t, base, "ok dsd dsd\n")
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Name: "x"}, "role missing"},
		{Config{Name: "x", Role: "broker"}, `unknown node role "broker"`},
		{Config{Name: "x", Role: RoleRequester, Key: "k"}, "party, eb, dsd missing"},
		{Config{Name: "x", Role: RoleProvider, Key: "k", Party: "p"}, "dataset missing"},
	} {
		err := Run(context.Background(), c.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.cfg, err, c.want)
		}
	}
}
