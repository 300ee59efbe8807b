package node

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/oots-tools/oots/pkg/as4"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/validate"
)

// shutdownGrace is how long a stopping node lets requests in flight finish.
const shutdownGrace = 2 * time.Second

// node is what every role shares: identity, trust and the HTTP client.
type node struct {
	cfg      Config
	id       *pki.Identity
	roots    []*x509.Certificate
	client   *http.Client
	security *as4.Security
	baseURL  string
}

// Run serves the node until ctx ends, on cfg.Listener when it is set, else
// on a socket bound to cfg.Listen. ready is called with the base URL
// (https://127.0.0.1:PORT) once the node accepts connections.
func Run(ctx context.Context, cfg Config, ready func(baseURL string)) error {
	if cfg.Listener != nil {
		defer func() { _ = cfg.Listener.Close() }() // also when the node does not start
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	n, err := newNode(cfg)
	if err != nil {
		return err
	}
	ln := cfg.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.listenAddr()); err != nil {
			return fmt.Errorf("node %s: %w", cfg.Name, err)
		}
	}
	n.baseURL = "https://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprintf(w, "ok %s %s\n", cfg.Name, cfg.Role)
	})
	stop, err := n.mount(ctx, mux)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stop()
	srv := &http.Server{
		Handler:           mux,
		TLSConfig:         n.serverTLS(),
		ReadHeaderTimeout: 10 * time.Second,
		// HTTP/1.1 only: the nodes keep pools of connections to each other,
		// and an HTTP/2 server holds every graceful shutdown for a second.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	if ready != nil {
		ready(n.baseURL)
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// as4WriteBuffer is the size of each outgoing connection's write buffer.
const as4WriteBuffer = 64 << 10

func newNode(cfg Config) (*node, error) {
	id, err := pki.LoadIdentity(cfg.Key, cfg.Cert, cfg.Password)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", cfg.Name, err)
	}
	roots, err := pki.LoadCertificates(cfg.Trust...)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", cfg.Name, err)
	}
	n := &node{cfg: cfg, id: id, roots: roots}
	n.client = &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig:     n.clientTLS(),
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 128,
			IdleConnTimeout:     90 * time.Second,
			// An AS4 message fits the buffer whole: it leaves in one write,
			// without the 32 kB copy buffer each larger body would take.
			WriteBufferSize: as4WriteBuffer,
		},
	}
	n.security = &as4.Security{Identity: id, Roots: roots}
	return n, nil
}

// serverTLS serves the node's certificate (leaf and chain).
func (n *node) serverTLS() *tls.Config {
	chain := [][]byte{n.id.Certificate.Raw}
	for _, c := range n.id.Chain {
		chain = append(chain, c.Raw)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: n.id.Signer, Leaf: n.id.Certificate}},
	}
}

// clientTLS trusts exactly the configured anchors for https peers.
func (n *node) clientTLS() *tls.Config {
	pool := x509.NewCertPool()
	for _, c := range n.roots {
		pool.AddCert(c)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
}

// validator is shared by every request the node handles.
func newValidator(ctx context.Context) (*validate.Validator, error) {
	rules, err := validate.Embedded(ctx)
	if err != nil {
		return nil, err
	}
	return validate.New(rules, validate.Options{}), nil
}

// mount adds the role's endpoints; stop releases what they hold.
func (n *node) mount(ctx context.Context, mux *http.ServeMux) (stop func(), err error) {
	switch n.cfg.Role {
	case RoleEB, RoleDSD:
		return n.mountCommonServices(mux)
	case RoleProvider:
		return n.mountProvider(ctx, mux)
	case RoleRequester:
		return n.mountRequester(ctx, mux)
	}
	return nil, fmt.Errorf("unknown role %q", n.cfg.Role)
}

// peerURL is the AS4 endpoint of the node behind an access service id or
// party id.
func (n *node) peerURL(id string) (string, error) {
	base, ok := n.cfg.Peers[id]
	if !ok {
		return "", as4.ErrValueInconsistent.With("", fmt.Sprintf("node %s knows no access point for %q (peers in its configuration)", n.cfg.Name, id))
	}
	return base + "/as4", nil
}

func (n *node) as4Client() *as4.Client {
	retries, backoff := n.cfg.AS4.Retries, n.cfg.AS4.Backoff
	if retries == 0 {
		retries = 5
	}
	if backoff == 0 {
		backoff = 200 * time.Millisecond
	}
	return &as4.Client{HTTP: n.client, Retries: retries, Backoff: backoff, Security: n.security}
}
