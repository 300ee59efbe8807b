package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/simulate/requester"
	"go.yaml.in/yaml/v3"
)

// The test binary doubles as a fake node: with fakeNodeEnv set it reads a
// node configuration the way `oots simulate node` does and serves the
// endpoints a runner uses, with canned answers.
const fakeNodeEnv = "OOTS_RUNNER_FAKE_NODE"

func TestMain(m *testing.M) {
	if os.Getenv(fakeNodeEnv) == "1" {
		os.Exit(fakeNode(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeCommand runs the test binary as a fake node.
func fakeCommand(args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), fakeNodeEnv+"=1")
	return cmd
}

// fakeNode serves on the socket it inherits (--listen-fd 3), which the
// runner must pass where it can; elsewhere it binds its configured address.
func fakeNode(args []string) int {
	want := []string{"simulate", "node", "--config", "FILE"}
	if passSockets {
		want = append(want, "--listen-fd", strconv.Itoa(listenFD))
	}
	if len(args) != len(want) || args[0] != want[0] || args[1] != want[1] || args[2] != want[2] || !slices.Equal(args[4:], want[4:]) {
		fmt.Fprintf(os.Stderr, "fake node: arguments %q, want %q\n", args, want)
		return 1
	}
	data, err := os.ReadFile(args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var cfg nodeFile
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if cfg.Party == "FAIL-AT-START" {
		fmt.Fprintln(os.Stderr, "fake node: told to fail at start")
		return 1
	}
	id, err := pki.LoadIdentity(cfg.Key, cfg.Cert, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var ln net.Listener
	if passSockets {
		f := os.NewFile(listenFD, "listen-fd")
		ln, err = net.FileListener(f)
		_ = f.Close()
	} else {
		ln, err = net.Listen("tcp", cfg.Listen)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	chain := [][]byte{id.Certificate.Raw}
	for _, c := range id.Chain {
		chain = append(chain, c.Raw)
	}
	srv := &http.Server{
		Handler:           fakeHandler(&cfg, id.Certificate),
		ReadHeaderTimeout: 5 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: id.Signer}}, MinVersion: tls.VersionTLS12},
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	fmt.Printf("oots simulate node %s (%s)%shttps://%s\n", cfg.Name, cfg.Role, ReadyMarker, ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	_ = srv.Close()
	return 0
}

// fakeHandler answers journeys by their name: "evidence", "error",
// "failed"; "minimal" has evidence only for a client that asked for the
// outcome alone (Prefer: return=minimal); "config" echoes the node's configuration in the failure text;
// "preview" went through a preview (fakePreview); "peer" connects to the
// node's peer of party "peer" (its /healthz) trusting the node's trust
// anchors, and fails with the TLS error, naming the certificate refused.
func fakeHandler(cfg *nodeFile, _ *x509.Certificate) http.Handler {
	var mu sync.Mutex
	var st requesterStats
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		_ = json.NewEncoder(w).Encode(st)
	})
	mux.HandleFunc("POST /journeys", func(w http.ResponseWriter, r *http.Request) {
		var j map[string]any
		if err := json.NewDecoder(r.Body).Decode(&j); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res := requester.Result{Steps: []requester.Step{{Step: "eb-requirements", Status: "ok"}, {Step: "request", Status: "ok"}}}
		mu.Lock()
		st.Requests++
		switch j["name"] {
		case "evidence":
			res.Outcome = requester.OutcomeEvidence
			res.Evidences = []requester.Evidence{{Provider: "P", MediaType: "application/pdf", Bytes: 10}}
			st.Answered++
		case "error":
			res.Outcome = requester.OutcomeError
			res.Errors = []requester.Error{{Provider: "P", Code: "EDM:ERR:0004"}}
			st.Answered++
		case "config":
			res.Outcome = requester.OutcomeFailed
			data, _ := json.Marshal(cfg)
			res.Failure = string(data)
			st.Failed++
		case "minimal": // answered only when the outcome alone was asked for
			if r.Header.Get("Prefer") == "return=minimal" {
				res.Outcome, res.Steps = requester.OutcomeEvidence, []requester.Step{}
				st.Answered++
			} else {
				res.Outcome, res.Failure = requester.OutcomeFailed, "the whole result was asked for"
				st.Failed++
			}
		case "pending":
			res.Outcome = requester.OutcomeFailed
			res.Failure = "left pending"
		case "preview":
			res.Outcome = requester.OutcomeEvidence
			res.Evidences = []requester.Evidence{{Provider: "P", MediaType: "application/pdf", Bytes: 10}}
			res.Previews = []requester.Preview{fakePreview}
			st.Answered++
		case "peer":
			mu.Unlock()
			err := getPeer(r.Context(), cfg, fmt.Sprint(j["peer"]))
			mu.Lock()
			if err != nil {
				res.Outcome, res.Failure = requester.OutcomeFailed, err.Error()
				st.Failed++
			} else {
				res.Outcome = requester.OutcomeEvidence
				res.Evidences = []requester.Evidence{{Provider: "P", MediaType: "application/pdf", Bytes: 10}}
				st.Answered++
			}
		default:
			res.Outcome = requester.OutcomeFailed
			res.Failure = "timeout waiting for urn:uuid:0b3f6e4c-1111-4222-8333-944455556666"
			st.Failed++
		}
		mu.Unlock()
		_ = json.NewEncoder(w).Encode(res)
	})
	return mux
}

// fakePreview is the preview of the "preview" journey.
var fakePreview = requester.Preview{Provider: "P", Location: "https://127.0.0.1:8443/preview/tok", Decision: "confirm",
	Reauth: true, Ended: requester.EndedConfirmed, Rendering: false, Status: 200}

// getPeer asks the peer of a party for /healthz over TLS, trusting the
// node's trust anchors.
func getPeer(ctx context.Context, cfg *nodeFile, party string) error {
	base, ok := cfg.Peers[party]
	if !ok {
		return fmt.Errorf("no peer %q", party)
	}
	pool := x509.NewCertPool()
	for _, path := range cfg.Trust {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pool.AppendCertsFromPEM(data)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		var verify *tls.CertificateVerificationError
		if errors.As(err, &verify) && len(verify.UnverifiedCertificates) > 0 {
			return fmt.Errorf("%w (certificate of %s)", err, verify.UnverifiedCertificates[0].Subject.CommonName)
		}
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("peer %s: HTTP %d", party, resp.StatusCode)
	}
	return nil
}
