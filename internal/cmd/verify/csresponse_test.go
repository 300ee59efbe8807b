package verify

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// vectorAt lies inside the validity of the fr-acc signer certificate
// (2025-10-23 to 2027-10-23).
const vectorAt = "2026-06-01"

// frAccVectors lists the signed Common Services answers of the shared
// corpus (body paths; the .headers files lie beside them).
func frAccVectors(t *testing.T) []string {
	t.Helper()
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared OOTS corpus not found (set OOTS_SPEC)")
	}
	var bodies []string
	for _, dir := range []string{"eb", "dsd"} {
		m, _ := filepath.Glob(filepath.Join(spec, "samples", dir, "fr-acc-*.xml"))
		bodies = append(bodies, m...)
	}
	if len(bodies) == 0 {
		t.Fatal("no fr-acc vectors in the corpus")
	}
	return bodies
}

// vectorTrust writes the root certificate at the end of a vector's x5c, the
// test root of the Commission, as the trust anchor.
func vectorTrust(t *testing.T, body string) string {
	t.Helper()
	data, err := os.ReadFile(strings.TrimSuffix(body, ".xml") + ".headers")
	if err != nil {
		t.Fatal(err)
	}
	h, err := jades.ReadHeaders(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	j, err := jades.Parse(h.Get(jades.SignatureHeader))
	if err != nil {
		t.Fatal(err)
	}
	x5c := j.Header.X5c
	return writeTestFile(t, filepath.Join(t.TempDir(), "root.pem"), pki.EncodeCertificatesPEM(x5c[len(x5c)-1]))
}

func TestVerifyCSResponseVectors(t *testing.T) {
	for _, body := range frAccVectors(t) {
		trust := vectorTrust(t, body)
		out, stderr, err := runSigCmd(t, verifyCSCmd, body, "--trust", trust, "--at", vectorAt)
		if err != nil {
			t.Fatalf("%s: %v\n%s", body, err, stderr)
		}
		for _, want := range []string{"signature valid", "signer     CN=EC-OOTS-CS-ACC", "issuer     CN=CommisSign - 2 test", "(iat, claimed by the signer)", "covers     the digest header, and through its digest the body"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", body, want, out)
			}
		}
	}
}

func TestVerifyCSResponseTamperedVector(t *testing.T) {
	body := frAccVectors(t)[0]
	trust := vectorTrust(t, body)
	data, _ := os.ReadFile(body)
	data[len(data)/2] ^= 1
	dir := t.TempDir()
	tampered := writeTestFile(t, filepath.Join(dir, "body.xml"), data)
	headers := strings.TrimSuffix(body, ".xml") + ".headers"
	_, stderr, err := runSigCmd(t, verifyCSCmd, tampered, "--headers", headers, "--trust", trust, "--at", vectorAt)
	if !errors.Is(err, cmdutil.ErrInvalid) || !strings.Contains(stderr, "does not match the digest header: expected SHA-256=") {
		t.Errorf("error %v, stderr %q", err, stderr)
	}
	// Without --headers the command looks beside the body, where there is none.
	_, _, err = runSigCmd(t, verifyCSCmd, tampered, "--trust", trust)
	if err == nil || !strings.Contains(err.Error(), "body.headers: no such file") {
		t.Errorf("missing headers file: %v", err)
	}
	broken := writeTestFile(t, filepath.Join(dir, "broken.headers"), []byte("digest SHA-256=x\n"))
	_, stderr, err = runSigCmd(t, verifyCSCmd, tampered, "--headers", broken, "--trust", trust)
	if !errors.Is(err, cmdutil.ErrInvalid) || !strings.Contains(stderr, "broken.headers: line 1") {
		t.Errorf("unreadable headers: %v %q", err, stderr)
	}
}

func TestVerifyCSResponseFlags(t *testing.T) {
	var got *CSResponseOptions
	capture := func(_ context.Context, o *CSResponseOptions) error { got = o; return nil }
	newCmd := func(f *cmdutil.Factory) *cobra.Command { return NewCmdVerifyCSResponse(f, capture) }
	if _, _, err := runSigCmd(t, newCmd, "dir/answer.xml", "--trust", "ca.pem"); err != nil {
		t.Fatal(err)
	}
	if got.Headers != "dir/answer.headers" || got.Format != "text" {
		t.Errorf("options %+v", got)
	}
	_, _, err := runSigCmd(t, newCmd, "-", "--trust", "ca.pem")
	if fe := (*cmdutil.FlagError)(nil); !errors.As(err, &fe) {
		t.Errorf("body on stdin without --headers: %v", err)
	}
}
