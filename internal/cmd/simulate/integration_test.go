package simulate_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/simulate/node"
	"github.com/oots-tools/oots/pkg/simulate/runner"
)

// TestIntegrationTesterMode: "your" provider runs on its own (here in the
// test process, signing with a key of your CA); the run starts only the
// nodes you lack, on the address your provider answers to, and a journey
// gets the evidence from your provider.
func TestIntegrationTesterMode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes; skipped with -short")
	}
	dir := t.TempDir()
	ca := writeCA(t, dir)
	// The requester's address is given to the run, which binds it; the
	// provider serves on a socket opened here, so its port is taken at once.
	requesterAddr := freeAddr(t)
	providerLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	providerAddr := providerLn.Addr().String()
	startOwnProvider(t, dir, ca, providerLn, requesterAddr)

	sc, err := runner.Parse("mine.yaml", []byte(`id: mine
title: my provider
nodes:
  - {name: eb, role: eb, catalog: example}
  - {name: dsd, role: dsd, catalog: example}
  - {name: requester, role: requester, party: EXAMPLE-PORTAL-AP, listen: "`+requesterAddr+`"}
  - {name: my-provider, role: provider, party: DE-EXAMPLE-AP-1, external: "https://`+providerAddr+`"}
steps:
  - name: birth certificate from my provider
    journey:
      procedure: R1
      country: DE
      jurisdiction: DE300
      evidenceTypes: [0e000000-0000-4000-8000-000000000102]
      subject:
        naturalPerson: {id: PT/DE/EX0000001, familyName: Muster, givenName: Erika, dateOfBirth: "1980-01-31"}
    expect: {outcome: evidence, evidences: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	if rep := catalogueRunner(runner.Options{CA: ca}).Run(context.Background(), sc); !rep.Passed {
		reportFailure(t, rep)
	}
}

func writeCA(t *testing.T, dir string) *pki.CA {
	t.Helper()
	key, err := pki.GenerateKey(pki.P256)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.NewCA(key, pki.Period{})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, pki.CACertFile), pki.EncodeCertificatesPEM(ca.Certificate))
	write(t, filepath.Join(dir, pki.CAKeyFile), keyPEM)
	return ca
}

// startOwnProvider runs a provider node on ln that sends its answers to
// the requester's fixed address.
func startOwnProvider(t *testing.T, dir string, ca *pki.CA, ln net.Listener, requesterAddr string) {
	t.Helper()
	certFile, keyFile := writeIdentity(t, dir, ca, "my-provider")
	cfg := node.Config{
		Name: "my-provider", Role: node.RoleProvider, Listener: ln, Party: "DE-EXAMPLE-AP-1",
		Key: keyFile, Cert: certFile, Trust: []string{filepath.Join(dir, pki.CACertFile)},
		Dataset: "example", Peers: map[string]string{"EXAMPLE-PORTAL-AP": "https://" + requesterAddr},
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() { done <- node.Run(ctx, cfg, func(string) { close(ready) }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("provider stopped with %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("provider: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("provider did not start")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() //nolint:errcheck // only the number is wanted
	return ln.Addr().String()
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
