package sign

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// runSignXML runs `oots sign xml` with args and returns stdout, stderr and the error.
func runSignXML(t *testing.T, stdin []byte, args ...string) (string, string, error) {
	t.Helper()
	streams, in, out, errOut := iostreams.Test()
	in.Write(stdin)
	cmd := NewCmdSignXML(&cmdutil.Factory{IOStreams: streams}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// testKey writes a P-256 identity of a new test PKI into dir.
func testKey(t *testing.T, dir string) (p *pkitest.PKI, cert, key string) {
	t.Helper()
	p = pkitest.New(t)
	cert, key = p.WriteFiles(t, dir, "node", p.Identity(t, pki.P256))
	return p, cert, key
}

var message = filepath.Join("..", "..", "..", "examples", "messages", "evidence-request.xml")

func TestSignXMLToFileAndStdout(t *testing.T) {
	dir := t.TempDir()
	p, cert, key := testKey(t, dir)
	opts := dsig.VerifyOptions{Roots: []*x509.Certificate{p.Root}}
	outFile := filepath.Join(dir, "signed.xml")
	stdout, _, err := runSignXML(t, nil, message, "--key", key, "--cert", cert, "--xades", "-o", outFile)
	if err != nil || stdout != "" {
		t.Fatalf("err %v, stdout %q", err, stdout)
	}
	signed, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := dsig.Verify(context.Background(), signed, opts); err != nil || !res.XAdES {
		t.Fatalf("verify: %v", err)
	}
	msg, err := os.ReadFile(message)
	if err != nil {
		t.Fatal(err)
	}
	stdout, _, err = runSignXML(t, msg, "-", "--key", key, "--cert", cert)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dsig.Verify(context.Background(), []byte(stdout), opts); err != nil {
		t.Fatalf("verify stdout: %v", err)
	}
}

func TestSignXMLDetachedURIs(t *testing.T) {
	dir := t.TempDir()
	p, cert, key := testKey(t, dir)
	if err := os.MkdirAll(filepath.Join(dir, "sub dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "sub dir", "a.pdf")
	if err := os.WriteFile(file, []byte("%PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	sig := filepath.Join(dir, "a.sig.xml")
	if _, _, err := runSignXML(t, nil, "--detached", file, "--key", key, "--cert", cert, "-o", sig); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sig)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`URI="sub%20dir/a.pdf"`)) {
		t.Fatalf("the Reference does not name the file relative to the signature:\n%s", data)
	}
	res, err := dsig.Verify(context.Background(), data, dsig.VerifyOptions{Roots: []*x509.Certificate{p.Root}, Files: os.DirFS(dir)})
	if err != nil || res.References[0].Covers != "file sub dir/a.pdf" {
		t.Fatalf("verify: %v %+v", err, res)
	}
}

func TestSignXMLUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no key":         {message},
		"no file":        {"--key", "k.pem"},
		"two files":      {"a.xml", "b.xml", "--key", "k.pem"},
		"detached stdin": {"--detached", "-", "--key", "k.pem"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := runSignXML(t, nil, args...)
			var flagErr *cmdutil.FlagError
			if !errors.As(err, &flagErr) {
				t.Fatalf("err = %v, want a usage error", err)
			}
		})
	}
}

func TestSignXMLRunF(t *testing.T) {
	streams, _, _, _ := iostreams.Test()
	var got *XMLOptions
	cmd := NewCmdSignXML(&cmdutil.Factory{IOStreams: streams}, func(_ context.Context, o *XMLOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"--detached", "--xades", "a", "b", "--key", "k.p12", "--password", "pw", "-o", "out.xml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Detached || !got.XAdES || len(got.Inputs) != 2 || got.Key != "k.p12" || got.Password != "pw" || got.Output != "out.xml" {
		t.Fatalf("options: %+v", got)
	}
}
