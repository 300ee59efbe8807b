package sign

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

const edmResponse = "../../../examples/messages/evidence-response.xml"

// runSignJWSCmd runs `oots sign jws args...` on test streams.
func runSignJWSCmd(t *testing.T, stdin string, runF func(context.Context, *JWSOptions) error, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	streams, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	cmd := NewCmdSignJWS(&cmdutil.Factory{IOStreams: streams}, runF)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestSignJWSFlags(t *testing.T) {
	var got *JWSOptions
	capture := func(_ context.Context, o *JWSOptions) error { got = o; return nil }
	_, _, err := runSignJWSCmd(t, "", capture, "m.xml", "--key", "k.p12", "--password", "pw", "--detached", "--alg", "RS256", "--content-type", "application/xml", "-o", "m.jws")
	if err != nil {
		t.Fatal(err)
	}
	want := JWSOptions{Factory: got.Factory, Input: "m.xml", Key: "k.p12", Password: "pw", Detached: true, Alg: "RS256", ContentType: "application/xml", Output: "m.jws"}
	if *got != want {
		t.Errorf("options %+v", got)
	}
	for args, text := range map[string]string{
		"m.xml":                         "--key is required",
		"--key k.pem":                   "give one file to sign",
		"m.xml --key k.pem --alg HS256": `unknown --alg "HS256"`,
	} {
		_, _, err := runSignJWSCmd(t, "", capture, strings.Fields(args)...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), text) {
			t.Errorf("%s: error %v, want a usage error saying %q", args, err, text)
		}
	}
}

func TestSignJWS(t *testing.T) {
	p := pkitest.New(t)
	dir := t.TempDir()
	payload, err := os.ReadFile(edmResponse)
	if err != nil {
		t.Fatal(err)
	}
	roots := jades.VerifyOptions{Roots: []*x509.Certificate{p.Root}}
	for key, alg := range map[pki.Algorithm]string{pki.P256: "ES256", pki.RSA3072: "PS256", pki.Ed25519: "EdDSA"} {
		cert, keyFile := p.WriteFiles(t, dir, string(key), p.Identity(t, key))
		out := filepath.Join(dir, string(key)+".jws")
		if _, _, err := runSignJWSCmd(t, "", nil, edmResponse, "--key", keyFile, "--cert", cert, "--content-type", "application/xml", "-o", out); err != nil {
			t.Fatal(err)
		}
		token, _ := os.ReadFile(out)
		res, err := jades.Verify(string(token), nil, roots)
		if err != nil || res.Algorithm != alg || res.Header.Cty != "application/xml" {
			t.Errorf("%s: %v %+v", key, err, res)
		}
		stdout, _, err := runSignJWSCmd(t, string(payload), nil, "-", "--key", keyFile, "--cert", cert, "--detached")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jades.Verify(stdout, payload, roots); err != nil || !strings.Contains(stdout, "..") {
			t.Errorf("%s detached: %v", key, err)
		}
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(entries) != 0 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestSignJWSErrors(t *testing.T) {
	p := pkitest.New(t)
	dir := t.TempDir()
	cert, keyFile := p.WriteFiles(t, dir, "ec", p.Identity(t, pki.P256))
	_, _, err := runSignJWSCmd(t, "", nil, edmResponse, "--key", keyFile, "--cert", cert, "--alg", "RS256")
	if err == nil || errors.Is(err, cmdutil.ErrInvalid) || !strings.Contains(err.Error(), "does not fit the signer's ECDSA P-256 key") {
		t.Errorf("alg mismatch: %v", err)
	}
	_, _, err = runSignJWSCmd(t, "", nil, filepath.Join(dir, "absent.xml"), "--key", keyFile, "--cert", cert)
	if err == nil || !strings.Contains(err.Error(), "absent.xml: no such file") {
		t.Errorf("missing input: %v", err)
	}
	_, _, err = runSignJWSCmd(t, "", nil, edmResponse, "--key", keyFile)
	if err == nil || !strings.Contains(err.Error(), "--cert") {
		t.Errorf("PEM key without certificate: %v", err)
	}
}
