package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/pki"
)

// runPKI runs `oots pki` with args and returns stdout, stderr and the error.
func runPKI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	streams, _, out, errOut := iostreams.Test()
	cmd := NewCmdPKI(&cmdutil.Factory{IOStreams: streams})
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// initPKI makes a test PKI with the cheap algorithms only.
func initPKI(t *testing.T, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "testpki")
	if _, stderr, err := runPKI(t, append([]string{"init", dir, "--alg", "p256,ed25519"}, args...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	return dir
}

func verifyNode(t *testing.T, dir, file string) error {
	t.Helper()
	ca, err := pki.LoadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := pki.LoadCertificates(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	_, err = pki.VerifyChain(certs[0], pki.ChainOptions{Roots: []*x509.Certificate{ca.Certificate}})
	return err
}

func TestInitWritesTheLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "testpki")
	out, stderr, err := runPKI(t, "init", dir, "--password", "changeit")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr with a password: %q", stderr)
	}
	want := []string{"ca.pem", "ca-key.pem",
		"node-rsa.pem", "node-rsa-key.pem", "node-rsa.p12",
		"node-p256.pem", "node-p256-key.pem", "node-p256.p12",
		"node-ed25519.pem", "node-ed25519-key.pem", "node-ed25519.p12"}
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		listed = append(listed, filepath.Base(line))
	}
	if strings.Join(listed, " ") != strings.Join(want, " ") {
		t.Errorf("listed %v, want %v", listed, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("%d files in the folder, want %d (no temporary files)", len(entries), len(want))
	}
	for _, name := range want {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		private := strings.HasSuffix(name, "-key.pem") || strings.HasSuffix(name, ".p12")
		if wantPerm := map[bool]os.FileMode{true: 0o600, false: 0o644}[private]; st.Mode().Perm() != wantPerm {
			t.Errorf("%s: mode %v, want %v", name, st.Mode().Perm(), wantPerm)
		}
	}
	for _, alg := range pki.Algorithms() {
		names := pki.NodeFileNames("node", alg)
		if err := verifyNode(t, dir, names.Cert); err != nil {
			t.Errorf("%s: %v", names.Cert, err)
		}
		id, err := pki.LoadIdentity(filepath.Join(dir, names.PKCS12), "", "changeit")
		if err != nil {
			t.Fatalf("%s: %v", names.PKCS12, err)
		}
		if id.Certificate.Subject.CommonName != "node (TEST)" || len(id.Chain) != 1 {
			t.Errorf("%s: %s with %d chain certificates", names.PKCS12, id.Certificate.Subject, len(id.Chain))
		}
		if _, err := pki.LoadIdentity(filepath.Join(dir, names.Key), filepath.Join(dir, names.Cert), ""); err != nil {
			t.Errorf("%s: %v", names.Key, err)
		}
	}
}

func TestInitWarnsAboutAnEmptyPassword(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "testpki")
	_, stderr, err := runPKI(t, "init", dir, "--alg", "ed25519")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "warning: the PKCS#12 files have no password") {
		t.Errorf("stderr %q", stderr)
	}
	if _, err := pki.LoadIdentity(filepath.Join(dir, "node-ed25519.p12"), "", ""); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node-rsa.pem")); !errors.Is(err, os.ErrNotExist) {
		t.Error("--alg ed25519 wrote an RSA certificate")
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := initPKI(t)
	caFile := filepath.Join(dir, pki.CACertFile)
	before, _ := os.ReadFile(caFile)
	_, _, err := runPKI(t, "init", dir, "--alg", "p256")
	if err == nil || !strings.Contains(err.Error(), "already exist") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second init: %v", err)
	}
	if after, _ := os.ReadFile(caFile); !bytes.Equal(before, after) {
		t.Fatal("a refused init changed ca.pem")
	}
	if _, stderr, err := runPKI(t, "init", dir, "--alg", "p256", "--force"); err != nil {
		t.Fatalf("--force: %v\n%s", err, stderr)
	}
	if after, _ := os.ReadFile(caFile); bytes.Equal(before, after) {
		t.Fatal("--force kept the old CA")
	}
}

func TestIssue(t *testing.T) {
	dir := initPKI(t)
	out, stderr, err := runPKI(t, "issue", dir, "--name", "member-b", "--alg", "ed25519", "--password", "pw")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(out, "member-b-ed25519.p12") {
		t.Errorf("stdout %q", out)
	}
	if err := verifyNode(t, dir, "member-b-ed25519.pem"); err != nil {
		t.Error(err)
	}
	if _, _, err := runPKI(t, "issue", dir, "--name", "member-b", "--alg", "ed25519"); err == nil || !strings.Contains(err.Error(), "already exist") {
		t.Errorf("second issue: %v", err)
	}
}

func TestIssueOutOfValidity(t *testing.T) {
	dir := initPKI(t)
	tests := []struct {
		name string
		args []string
		want error
	}{
		{"expired", []string{"--not-before", "2020-01-01T00:00:00Z", "--not-after", "2021-01-01T00:00:00Z"}, pki.ErrExpired},
		{"future", []string{"--not-before", "2099-01-01T00:00:00Z"}, pki.ErrNotYetValid},
		{"short", []string{"--not-before", "2020-01-01T00:00:00Z", "--days", "1"}, pki.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"issue", dir, "--name", tt.name, "--alg", "p256"}, tt.args...)
			if _, stderr, err := runPKI(t, args...); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if err := verifyNode(t, dir, tt.name+"-p256.pem"); !errors.Is(err, tt.want) {
				t.Errorf("VerifyChain: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestIssueWarnsWhenTheNodeOutlivesTheCA(t *testing.T) {
	dir := initPKI(t)
	_, stderr, err := runPKI(t, "issue", dir, "--name", "long", "--alg", "p256", "--days", "5000", "--password", "x")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "after its CA") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestIssueWritesNothingOnError(t *testing.T) {
	dir := initPKI(t)
	// A CA key that does not belong to ca.pem.
	other := initPKI(t)
	key, _ := os.ReadFile(filepath.Join(other, pki.CAKeyFile))
	if err := os.WriteFile(filepath.Join(dir, pki.CAKeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(dir)
	if _, _, err := runPKI(t, "issue", dir, "--name", "late"); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Fatalf("issue with a wrong CA key: %v", err)
	}
	if after, _ := os.ReadDir(dir); len(after) != len(before) {
		t.Errorf("files written: %d, then %d", len(before), len(after))
	}
	if _, _, err := runPKI(t, "issue", t.TempDir(), "--name", "x"); err == nil || !strings.Contains(err.Error(), "oots pki init") {
		t.Errorf("issue without a CA: %v", err)
	}
}

func TestWriteSetIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	files := []outputFile{
		{path: filepath.Join(dir, "a.pem"), data: []byte("a"), perm: 0o644},
		{path: filepath.Join(dir, "missing", "b.pem"), data: []byte("b"), perm: 0o600},
	}
	if err := writeSet(files); err == nil || !strings.Contains(err.Error(), "b.pem") {
		t.Fatalf("writeSet: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"init"}, "give the folder"},
		{[]string{"init", dir, "--alg", "dsa"}, `unknown key algorithm "dsa"`},
		{[]string{"init", dir, "--alg", ""}, "give at least one"},
		{[]string{"init", dir, "--name", "../evil"}, "node name"},
		{[]string{"init", dir, "--days", "0"}, "--days must be a positive"},
		{[]string{"init", dir, "--ca-alg", "dsa"}, "--ca-alg"},
		{[]string{"issue", dir}, "--name"},
		{[]string{"issue", dir, "--name", "n", "--not-before", "yesterday"}, "RFC 3339"},
		{[]string{"issue", dir, "--name", "n", "--not-after", "2030-01-01T00:00:00Z", "--days", "3"}, "not both"},
		{[]string{"issue", dir, "--name", "n", "--not-before", "2030-01-01T00:00:00Z", "--not-after", "2029-01-01T00:00:00Z"}, "later than"},
		{[]string{"show"}, "give one certificate file"},
		{[]string{"show", "x.pem", "--format", "xml"}, `unknown --format "xml"`},
	}
	for _, tt := range tests {
		_, _, err := runPKI(t, tt.args...)
		var flagErr *cmdutil.FlagError
		if !errors.As(err, &flagErr) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want a usage error with %q", tt.args, err, tt.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors wrote %v", entries)
	}
}

func TestShow(t *testing.T) {
	dir := initPKI(t, "--password", "pw")
	out, _, err := runPKI(t, "show", filepath.Join(dir, "node-p256.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"certificate 1 of 2", "CN=node (TEST),O=oots TEST PKI - not for production",
		"ECDSA P-256 (256 bits)", "digitalSignature, contentCommitment", "(valid now)", "localhost, 127.0.0.1, ::1", "CA             yes"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}

	out, _, err = runPKI(t, "show", "--format", "json", "--password", "pw", filepath.Join(dir, "node-ed25519.p12"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		File         string                `json:"file"`
		Certificates []pki.CertificateInfo `json:"certificates"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Certificates) != 2 || doc.Certificates[0].KeyAlgorithm != "Ed25519" || !doc.Certificates[1].CA {
		t.Errorf("json: %+v", doc)
	}

	_, _, err = runPKI(t, "show", "--password", "wrong", filepath.Join(dir, "node-ed25519.p12"))
	if !errors.Is(err, pki.ErrPassword) {
		t.Errorf("wrong password: %v", err)
	}
}

func TestShowExpired(t *testing.T) {
	dir := initPKI(t)
	if _, _, err := runPKI(t, "issue", dir, "--name", "old", "--alg", "p256", "--not-before", "2020-01-01T00:00:00Z", "--not-after", "2021-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runPKI(t, "show", filepath.Join(dir, "old-p256.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z (expired)") {
		t.Errorf("show:\n%s", out)
	}
}
