package as4

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/oots-tools/oots/pkg/pki"
)

// TestXmlsec1VerifiesOurSignatures has xmlsec1 check the signature of
// signed envelopes without payloads (xmlsec1 cannot resolve cid: parts): an
// independent check of the canonical forms and signature values.
func TestXmlsec1VerifiesOurSignatures(t *testing.T) {
	bin, err := exec.LookPath("xmlsec1")
	if err != nil {
		t.Skip("xmlsec1 absent: differential check skipped")
	}
	for _, alg := range []pki.Algorithm{pki.RSA3072, pki.P256} {
		t.Run(string(alg), func(t *testing.T) {
			sec := security(t, alg)
			request, _, err := sec.envelope(NewRequest(route(), "oots-edm:v1.0", now), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			receipt, err := sec.SignalEnvelope(NewErrorSignal("x@oots.eu", now, ErrOther.With("x@oots.eu", `<late & "odd">`)))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cert := filepath.Join(dir, "cert.pem")
			if err := os.WriteFile(cert, pki.EncodeCertificatesPEM(sec.Identity.Certificate), 0o600); err != nil {
				t.Fatal(err)
			}
			for name, data := range map[string][]byte{"request": request, "signal": receipt} {
				f := filepath.Join(dir, name+".xml")
				if err := os.WriteFile(f, data, 0o600); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(bin, "--verify", "--pubkey-cert-pem", cert,
					"--id-attr:Id", NSSOAP12+":Body", "--id-attr:Id", NSEbMS+":Messaging", f).CombinedOutput()
				if err != nil {
					t.Errorf("xmlsec1 refuses the signed %s: %s", name, out)
				}
			}
		})
	}
}
