package verify

import (
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
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/jades/jadestest"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"github.com/spf13/cobra"
)

const edmResponse = "../../../examples/messages/evidence-response.xml"

// runSigCmd runs a verify subcommand built by newCmd on test streams.
func runSigCmd(t *testing.T, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	streams, _, out, errOut := iostreams.Test()
	cmd := newCmd(&cmdutil.Factory{IOStreams: streams})
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func verifyJWSCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdVerifyJWS(f, nil) }

func verifyCSCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdVerifyCSResponse(f, nil) }

func writeTestFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeRoots(t *testing.T, dir string, roots []*x509.Certificate) string {
	t.Helper()
	return writeTestFile(t, filepath.Join(dir, "trust.pem"), pki.EncodeCertificatesPEM(roots...))
}

func TestVerifyJWSFlags(t *testing.T) {
	var got *JWSOptions
	capture := func(_ context.Context, o *JWSOptions) error { got = o; return nil }
	run := func(args ...string) error {
		_, _, err := runSigCmd(t, func(f *cmdutil.Factory) *cobra.Command { return NewCmdVerifyJWS(f, capture) }, args...)
		return err
	}
	if err := run("sig.jws", "--trust", "a.pem,b.pem", "--trust", "c.pem", "--payload", "p.xml", "--at", "2026-06-01", "-f", "json"); err != nil {
		t.Fatal(err)
	}
	if got.Input != "sig.jws" || len(got.Trust) != 3 || got.Payload != "p.xml" || got.At != "2026-06-01" || got.Format != "json" {
		t.Errorf("options %+v", got)
	}
	for args, text := range map[string]string{
		"sig.jws":                    "--trust is required",
		"sig.jws --trust a -f xml":   `unknown --format "xml"`,
		"--trust a":                  "give one JWS file",
		"a.jws b.jws --trust ca.pem": "give one JWS file",
	} {
		err := run(strings.Fields(args)...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), text) {
			t.Errorf("%s: error %v, want a usage error saying %q", args, err, text)
		}
	}
}

func TestVerifyJWSValid(t *testing.T) {
	p := pkitest.New(t)
	id := p.Identity(t, pki.P256)
	payload, err := os.ReadFile(edmResponse)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	trust := writeRoots(t, dir, []*x509.Certificate{p.Root})
	compact, _ := jades.SignCompact(payload, jades.SignOptions{Identity: id})
	detached, _ := jades.SignDetached(payload, jades.SignOptions{Identity: id})
	cfile := writeTestFile(t, filepath.Join(dir, "c.jws"), []byte(compact+"\n"))
	dfile := writeTestFile(t, filepath.Join(dir, "d.jws"), []byte(detached))

	out, _, err := runSigCmd(t, verifyJWSCmd, cfile, "--trust", trust)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"c.jws: signature valid", "algorithm  ES256", "signer     CN=node-", "(sigT, claimed by the signer)", "covers     the payload carried in the JWS (6079 bytes)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runSigCmd(t, verifyJWSCmd, dfile, "--payload", edmResponse, "--trust", trust, "-f", "json")
	if err != nil {
		t.Fatal(err)
	}
	var rep signatureReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Valid || rep.Algorithm != "ES256" || len(rep.Chain) != 2 || rep.SignedAtFrom != "sigT" || !strings.Contains(rep.Covers, "detached") {
		t.Errorf("report %+v", rep)
	}
	_, _, err = runSigCmd(t, verifyJWSCmd, dfile, "--trust", trust)
	if fe := (*cmdutil.FlagError)(nil); !errors.As(err, &fe) || !strings.Contains(err.Error(), "--payload") {
		t.Errorf("detached without --payload: %v", err)
	}
}

// TestNegativeCorpusThroughCommands runs every refused signature of the
// negative corpus through `oots verify jws` or `oots verify cs-response`:
// each ends in ErrInvalid (exit status 2) with its reason on standard error,
// and in the JSON report.
func TestNegativeCorpusThroughCommands(t *testing.T) {
	body, err := os.ReadFile(edmResponse)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range jadestest.Corpus(t, body) {
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			args := caseFiles(t, dir, c)
			_, stderr, err := runSigCmd(t, caseCmd(c), args...)
			if !errors.Is(err, cmdutil.ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
			if !strings.Contains(stderr, "signature refused: ") || !strings.Contains(stderr, c.Text) {
				t.Errorf("stderr %q does not say %q", stderr, c.Text)
			}
			out, _, _ := runSigCmd(t, caseCmd(c), append(args, "-f", "json")...)
			var rep signatureReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Valid || rep.Reason == "refused" || !strings.Contains(rep.Error, c.Text) {
				t.Errorf("JSON report %+v (%v)", rep, err)
			}
		})
	}
}

func caseCmd(c jadestest.Case) func(*cmdutil.Factory) *cobra.Command {
	if c.IsCSResponse() {
		return verifyCSCmd
	}
	return verifyJWSCmd
}

// caseFiles writes a corpus case as the files a user would have and
// returns the command arguments.
func caseFiles(t *testing.T, dir string, c jadestest.Case) []string {
	t.Helper()
	args := []string{"--trust", writeRoots(t, dir, c.Roots)}
	if c.IsCSResponse() {
		var h strings.Builder
		if err := jades.WriteHeaders(&h, c.Header); err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, filepath.Join(dir, "answer.headers"), []byte(h.String()))
		return append(args, writeTestFile(t, filepath.Join(dir, "answer.xml"), c.Body))
	}
	args = append(args, writeTestFile(t, filepath.Join(dir, "sig.jws"), []byte(c.Token)))
	if c.Payload != nil {
		args = append(args, "--payload", writeTestFile(t, filepath.Join(dir, "payload"), c.Payload))
	}
	return args
}
