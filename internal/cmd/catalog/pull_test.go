package catalog

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/regrep/regreptest"
)

// verifyAt pins signature checks inside the validity of the captured
// signer certificate (2025-10-23 to 2027-10-23).
const verifyAt = "2026-06-01T00:00:00Z"

type pullRun struct {
	out, errOut string
	err         error
	store       string
}

// pullEnv is a test server with the shared captures and the trust anchor
// taken from their signature.
type pullEnv struct {
	t     *testing.T
	srv   *regreptest.Server
	trust string
	dir   string
}

func newPullEnv(t *testing.T, routes func(spec string) []regreptest.Route) *pullEnv {
	t.Helper()
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared corpus not found (set OOTS_SPEC)")
	}
	if routes == nil {
		routes = regreptest.SampleRoutes
	}
	srv, err := regreptest.NewServer(routes(spec))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	trust := filepath.Join(dir, "root.pem")
	if err := regreptest.WriteSampleRoot(spec, trust); err != nil {
		t.Fatal(err)
	}
	return &pullEnv{t: t, srv: srv, trust: trust, dir: dir}
}

// run runs `oots catalog pull` against the server with args after the
// base URLs, the trust anchor, the pinned time and a fresh store.
func (e *pullEnv) run(args ...string) pullRun {
	e.t.Helper()
	store := filepath.Join(e.t.TempDir(), "catalog.json")
	base := []string{"--eb", e.srv.URL + "/eb", "--dsd", e.srv.URL + "/dsd", "--trust", e.trust, "--verify-at", verifyAt, "--catalog", store}
	return runPullCmd(e.t, nil, append(base, args...)...).withStore(store)
}

func (r pullRun) withStore(s string) pullRun { r.store = s; return r }

func runPullCmd(t *testing.T, setup func(*PullOptions), args ...string) pullRun {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	cmd := NewCmdCatalogPull(f, func(ctx context.Context, o *PullOptions) error {
		if setup != nil {
			setup(o)
		}
		return runPull(ctx, o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.ExecuteContext(context.Background())
	return pullRun{out: out.String(), errOut: errOut.String(), err: err}
}

var chain = []string{"--procedure", "00", "--procedure-country", "fr", "--country", "FI"}

func TestPullImportsSignedAnswers(t *testing.T) {
	e := newPullEnv(t, nil)
	r := e.run(chain...)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	if !strings.Contains(r.out, "pulled 3 answers: 1 requirement, 1 evidence type in 1 country, 1 data service") {
		t.Errorf("summary:\n%s", r.out)
	}
	c, err := catalog.Open(r.store)
	if err != nil {
		t.Fatal(err)
	}
	if c.Requirement(regreptest.SampleRequirement) == nil || c.EvidenceType(regreptest.SampleEvidenceTypeFI) == nil {
		t.Errorf("the store lacks the pulled requirement or evidence type:\n%s", r.out)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 3 || reqs[0].Path != "/eb/rest/search" || reqs[2].Path != "/dsd/rest/search" {
		t.Fatalf("requests: %+v", reqs)
	}
	if reqs[0].Query.Get("country-code") != "FR" || reqs[1].Query.Get("requirement-id") != regreptest.SampleRequirement {
		t.Errorf("queries: %s | %s", reqs[0].RawQuery, reqs[1].RawQuery)
	}
	for _, q := range reqs {
		if q.Header.Get("Accept-Version") != regrep.DefaultAcceptVersion {
			t.Errorf("Accept-Version %q", q.Header.Get("Accept-Version"))
		}
	}
	if strings.Contains(r.errOut, "warning") {
		t.Errorf("unexpected warning: %s", r.errOut)
	}
}

func TestPullRefusesTamperedAnswers(t *testing.T) {
	for name, fault := range map[string]regreptest.Fault{
		"one byte of the body": regreptest.FaultTamperBody,
		"signature value":      regreptest.FaultTamperSignature,
		"no signature":         regreptest.FaultStripSignature,
	} {
		t.Run(name, func(t *testing.T) {
			e := newPullEnv(t, nil)
			e.srv.SetFault(regrep.QueryDataServices, fault)
			r := e.run(chain...)
			if !errors.Is(r.err, cmdutil.ErrInvalid) {
				t.Fatalf("want exit 2, got %v", r.err)
			}
			if !strings.Contains(r.errOut, e.srv.URL+"/dsd/rest/search?") || !strings.Contains(r.errOut, "response signature refused") || !strings.Contains(r.errOut, "nothing imported") {
				t.Errorf("stderr should name the URL and the reason:\n%s", r.errOut)
			}
			if _, err := os.Stat(r.store); !os.IsNotExist(err) {
				t.Error("the store was written although an answer was refused")
			}
		})
	}
}

func TestPullRefusesAnotherTrustAnchor(t *testing.T) {
	e := newPullEnv(t, nil)
	e.trust = filepath.Join(e.dir, "other.pem")
	writeSelfSigned(t, e.trust)
	r := e.run(chain...)
	if !errors.Is(r.err, cmdutil.ErrInvalid) || !strings.Contains(r.errOut, e.srv.URL+"/eb/rest/search?") {
		t.Fatalf("want exit 2 naming the EB URL, got %v\n%s", r.err, r.errOut)
	}
}

// writeSelfSigned writes a fresh self-signed CA certificate the captured
// signatures do not chain to.
func writeSelfSigned(t *testing.T, out string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Unrelated test root"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPullReportsFailureStatusAndImportsTheRest(t *testing.T) {
	// The DSD answers the Finnish query with its signed DSD:ERR:0001 capture.
	e := newPullEnv(t, func(spec string) []regreptest.Route {
		rs := regreptest.SampleRoutes(spec)
		for i := range rs {
			if rs[i].QueryID == regrep.QueryDataServices {
				rs[i].Body = filepath.Join(spec, "samples", "dsd", "fr-acc-dsd_aucun_service_fr.xml")
			}
		}
		return rs
	})
	r := e.run(chain...)
	if r.err != nil {
		t.Fatalf("a Failure answer beside good ones is a partial pull, not an error: %v\n%s", r.err, r.errOut)
	}
	if !strings.Contains(r.errOut, "/dsd/rest/search?") || !strings.Contains(r.errOut, "status Failure: DSD:ERR:0001: No Data Services were found based on the given parameters") {
		t.Errorf("stderr should report the URL, code and message:\n%s", r.errOut)
	}
	if !strings.Contains(r.out, "pulled 2 answers") || !strings.Contains(r.out, "1 answer with status Failure") {
		t.Errorf("summary:\n%s", r.out)
	}
	if c, err := catalog.Open(r.store); err != nil || c.Requirement(regreptest.SampleRequirement) == nil {
		t.Errorf("the good answers were not imported: %v", err)
	}
}

func TestPullNothingPulled(t *testing.T) {
	e := newPullEnv(t, nil)
	e.srv.SetFault("", regreptest.FaultFailure)
	r := e.run(append(chain, "--insecure-skip-signature")...)
	if !errors.Is(r.err, cmdutil.ErrInvalid) {
		t.Fatalf("want exit 2, got %v", r.err)
	}
	if !strings.Contains(r.errOut, "EB:ERR:0001") || !strings.Contains(r.errOut, "nothing pulled") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
	if _, err := os.Stat(r.store); !os.IsNotExist(err) {
		t.Error("the store was written although nothing was pulled")
	}
}

func TestPullInsecureSkipSignatureWarns(t *testing.T) {
	e := newPullEnv(t, nil)
	e.srv.SetFault("", regreptest.FaultTamperSignature)
	r := runPullCmd(t, nil, append([]string{"--eb", e.srv.URL + "/eb", "--dsd", e.srv.URL + "/dsd", "--insecure-skip-signature", "--catalog", filepath.Join(e.dir, "c.json")}, chain...)...)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	if !strings.Contains(r.errOut, "warning: --insecure-skip-signature") {
		t.Errorf("no warning:\n%s", r.errOut)
	}
	if !strings.Contains(r.out, "pulled 3 answers") {
		t.Errorf("summary:\n%s", r.out)
	}
}

func TestPullServerErrorIsAToolError(t *testing.T) {
	e := newPullEnv(t, nil)
	e.srv.SetFault(regrep.QueryEvidenceTypes, regreptest.FaultServerError)
	r := e.run(chain...)
	if r.err == nil || errors.Is(r.err, cmdutil.ErrInvalid) || !strings.Contains(r.err.Error(), "HTTP 500") || !strings.Contains(r.err.Error(), "nothing imported") {
		t.Fatalf("want an exit-1 error naming HTTP 500, got %v", r.err)
	}
	if _, err := os.Stat(r.store); !os.IsNotExist(err) {
		t.Error("the store was written after a server error")
	}
}

func TestPullWholeRequirementsCatalogue(t *testing.T) {
	e := newPullEnv(t, nil)
	r := e.run()
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	if !strings.Contains(r.out, "pulled 1 answer: ") || strings.Contains(r.out, ": 0 requirements") || !strings.Contains(r.out, "no --country") {
		t.Errorf("summary:\n%s", r.out)
	}
	if q := e.srv.Requests()[0].Query; len(q) != 1 {
		t.Errorf("the catalogue query should carry queryId only: %v", q)
	}
}

// fakeResolver answers discovery names from a table.
type fakeResolver map[string]string

func (f fakeResolver) LookupNAPTR(_ context.Context, name string) ([]regrep.NAPTR, error) {
	if u, ok := f[name]; ok {
		return []regrep.NAPTR{{Order: 100, Preference: 10, Flags: "U", Regexp: "!^.*$!" + u + "!"}}, nil
	}
	return nil, regrep.ErrNoRecord
}

func TestPullDiscoversBaseURLs(t *testing.T) {
	e := newPullEnv(t, nil)
	resolver := fakeResolver{
		"fr.eb.v1.cs.acc.oots.tech.ec.europa.eu":  e.srv.URL + "/eb-fr",
		"fi.eb.v1.cs.acc.oots.tech.ec.europa.eu":  e.srv.URL + "/eb-fi",
		"fi.dsd.v1.cs.acc.oots.tech.ec.europa.eu": e.srv.URL + "/dsd-fi",
	}
	args := append([]string{"--discover", "--trust", e.trust, "--verify-at", verifyAt, "--catalog", filepath.Join(e.dir, "c.json")}, chain...)
	r := runPullCmd(t, func(o *PullOptions) { o.Resolver = resolver }, args...)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	var paths []string
	for _, q := range e.srv.Requests() {
		paths = append(paths, q.Path)
	}
	if strings.Join(paths, " ") != "/eb-fr/rest/search /eb-fi/rest/search /dsd-fi/rest/search" {
		t.Errorf("paths %v", paths)
	}
	if !strings.Contains(r.errOut, "discovered the DSD of FI: "+e.srv.URL+"/dsd-fi") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
}

func TestPullDiscoveryFailure(t *testing.T) {
	e := newPullEnv(t, nil)
	args := append([]string{"--discover", "--env", "prod", "--insecure-skip-signature", "--catalog", filepath.Join(e.dir, "c.json")}, chain...)
	r := runPullCmd(t, func(o *PullOptions) { o.Resolver = fakeResolver{} }, args...)
	if r.err == nil || !strings.Contains(r.err.Error(), "fr.eb.v1.cs.prod.oots.tech.ec.europa.eu") {
		t.Fatalf("want an error naming the DNS name, got %v", r.err)
	}
}

func TestPullFlagErrors(t *testing.T) {
	cases := map[string][]string{
		"no EB":            {"--trust", "x.pem"},
		"no DSD":           {"--eb", "http://x", "--country", "FI", "--trust", "x.pem"},
		"no trust":         {"--eb", "http://x"},
		"bad country":      {"--eb", "http://x", "--dsd", "http://y", "--country", "FIN", "--trust", "x.pem"},
		"bad proc country": {"--eb", "http://x", "--procedure-country", "France", "--trust", "x.pem"},
		"bad time":         {"--eb", "http://x", "--trust", "x.pem", "--verify-at", "tomorrow"},
		"discover nowhere": {"--discover", "--trust", "x.pem"},
	}
	for name, args := range cases {
		r := runPullCmd(t, func(*PullOptions) { t.Errorf("%s: ran", name) }, args...)
		var fe *cmdutil.FlagError
		if !errors.As(r.err, &fe) {
			t.Errorf("%s: want a usage error, got %v", name, r.err)
		}
	}
}

// BenchmarkPull runs the three-query chain with signature verification and
// the store write, against a local server.
func BenchmarkPull(b *testing.B) {
	spec, ok := conformance.SpecDir()
	if !ok {
		b.Skip("shared corpus not found (set OOTS_SPEC)")
	}
	srv, err := regreptest.NewServer(regreptest.SampleRoutes(spec))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	dir := b.TempDir()
	trust := filepath.Join(dir, "root.pem")
	if err := regreptest.WriteSampleRoot(spec, trust); err != nil {
		b.Fatal(err)
	}
	args := append([]string{"--eb", srv.URL + "/eb", "--dsd", srv.URL + "/dsd", "--trust", trust, "--verify-at", verifyAt, "--catalog", filepath.Join(dir, "c.json")}, chain...)
	for b.Loop() {
		ios, _, _, errOut := iostreams.Test()
		cmd := NewCmdCatalogPull(&cmdutil.Factory{IOStreams: ios}, nil)
		cmd.SetArgs(args)
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			b.Fatalf("%v: %s", err, errOut)
		}
	}
}
