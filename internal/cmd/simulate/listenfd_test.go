package simulate_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
)

// TestNodeServesAnInheritedSocket runs `oots simulate node --listen-fd 3`
// as `oots simulate run` does: the test holds the listening socket, bound
// all along, and the node process serves on the copy it inherits. The ready
// line is the usual one, and the port is still held after the node ends.
func TestNodeServesAnInheritedSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node process; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("no inherited sockets on Windows")
	}
	dir := t.TempDir()
	ca := writeCA(t, dir)
	certFile, keyFile := writeIdentity(t, dir, ca, "eb")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() //nolint:errcheck // held to the end
	addr := ln.Addr().String()
	socket, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer socket.Close() //nolint:errcheck // held to the end
	config := filepath.Join(dir, "eb.yaml")
	write(t, config, []byte("name: eb\nrole: eb\ncatalog: example\nlisten: "+addr+"\nkey: "+keyFile+"\ncert: "+certFile+
		"\ntrust: ["+filepath.Join(dir, pki.CACertFile)+"]\n"))

	cmd := nodeCommand("simulate", "node", "--config", config, "--listen-fd", "3")
	cmd.ExtraFiles = []*os.File{socket}
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	defer func() {
		_ = cmd.Process.Kill()
		if err := <-ended; err != nil {
			t.Logf("node: %v", err)
		}
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		ended <- cmd.Wait()
	}()
	select {
	case line := <-lines:
		if want := "oots simulate node eb (eb) listening on https://" + addr; line != want {
			t.Fatalf("ready line %q, want %q", line, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the node did not say it was ready")
	}

	pool := x509.NewCertPool()
	pool.AddCert(ca.Certificate)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://"+addr+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok eb eb\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}
	client.CloseIdleConnections()

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ended:
		ended <- err // for the deferred kill
		if err != nil {
			t.Errorf("the node stopped with %v, want exit status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the node did not stop")
	}
	if l, err := net.Listen("tcp", addr); err == nil {
		_ = l.Close()
		t.Errorf("%s was free once the node ended: its socket was closed, not only the node's copy", addr)
	}
}

// writeIdentity writes a key and a certificate issued by ca for name.
func writeIdentity(t *testing.T, dir string, ca *pki.CA, name string) (certFile, keyFile string) {
	t.Helper()
	key, err := pki.GenerateKey(pki.P256)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ca.Issue(name, key, pki.Period{})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	write(t, certFile, pki.EncodeCertificatesPEM(append([]*x509.Certificate{id.Certificate}, id.Chain...)...))
	write(t, keyFile, keyPEM)
	return certFile, keyFile
}
