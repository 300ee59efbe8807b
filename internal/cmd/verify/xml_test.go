package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmd/verify"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/internal/ootscmd"
	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/dsig/dsigtest"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

func readMessage(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "messages", "evidence-request.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// oots runs the whole program and returns the exit code, stdout and stderr.
func oots(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	streams, _, out, errOut := iostreams.Test()
	code := ootscmd.Run(context.Background(), streams, args)
	return code, out.String(), errOut.String()
}

// Every case of the negative corpus, through the command: exit code 2, the
// specific reason on stderr and as the JSON reason code.
func TestVerifyXMLNegativeCorpus(t *testing.T) {
	dir := t.TempDir()
	for _, c := range dsigtest.NegativeCorpus(t, pkitest.New(t), readMessage(t)) {
		t.Run(c.Name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(c.Name, " ", "-")+".xml")
			ca := filepath.Join(dir, strings.ReplaceAll(c.Name, " ", "-")+"-ca.pem")
			if err := os.WriteFile(file, c.Doc, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(ca, pki.EncodeCertificatesPEM(c.Roots...), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := oots(t, "verify", "xml", file, "--trust", ca)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q, want exit 2 and nothing on stdout", code, stdout)
			}
			if !strings.Contains(stderr, file+": signature INVALID: ") || !strings.Contains(stderr, c.Message) {
				t.Fatalf("stderr %q, want the file and %q", stderr, c.Message)
			}
			code, stdout, _ = oots(t, "verify", "xml", file, "--trust", ca, "--format", "json")
			var v struct {
				Valid  bool
				Reason string
				Error  string
			}
			if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 2 || v.Valid || v.Reason != dsig.Reason(c.Want) {
				t.Fatalf("json: exit %d, %+v (%v), want reason %q", code, v, err, dsig.Reason(c.Want))
			}
		})
	}
}

func TestVerifyXMLValid(t *testing.T) {
	dir := t.TempDir()
	p := pkitest.New(t)
	id := p.Identity(t, pki.RSA3072)
	p.WriteFiles(t, dir, "node", id)
	file := filepath.Join(dir, "signed.xml")
	if err := os.WriteFile(file, dsigtest.Sign(t, readMessage(t), id, dsig.SignOptions{XAdES: true}), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := oots(t, "verify", "xml", file, "--trust", filepath.Join(dir, "node-ca.pem"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"valid signature (enveloped XML signature, XAdES baseline B)",
		"signed by   " + id.Certificate.Subject.String(),
		"issued by   " + p.Root.Subject.String(),
		"(XAdES SigningTime)",
		"algorithm   RSA-SHA256",
		`covers      the whole document: query:QueryRequest  (URI "", SHA-256)`,
		"xades:SignedProperties  (URI \"#xades-",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

// The SHA-1 case verifies with --allow-sha1.
func TestVerifyXMLAllowSHA1(t *testing.T) {
	dir := t.TempDir()
	for _, c := range dsigtest.NegativeCorpus(t, pkitest.New(t), readMessage(t)) {
		if c.Name != "SHA-1" {
			continue
		}
		file, ca := filepath.Join(dir, "sha1.xml"), filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(file, c.Doc, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(ca, pki.EncodeCertificatesPEM(c.Roots...), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := oots(t, "verify", "xml", file, "--trust", ca, "--allow-sha1")
		if code != 0 || !strings.Contains(stdout, "RSA-SHA1") {
			t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
		}
	}
}

func TestVerifyXMLRunF(t *testing.T) {
	streams, _, _, _ := iostreams.Test()
	var got *verify.XMLOptions
	cmd := verify.NewCmdVerifyXML(&cmdutil.Factory{IOStreams: streams}, func(_ context.Context, o *verify.XMLOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"s.xml", "--trust", "a.pem,b.pem", "--at", "2026-01-02T03:04:05Z", "--allow-sha1", "--signature", "sig-1", "-f", "json"})
	cmd.SetOut(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Input != "s.xml" || len(got.Trust) != 2 || !got.AllowSHA1 || got.Signature != "sig-1" || got.Format != "json" || got.At == "" {
		t.Fatalf("options: %+v", got)
	}
}
