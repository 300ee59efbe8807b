package catalog

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/spf13/cobra"
)

// PullOptions are the inputs of `oots catalog pull`.
type PullOptions struct {
	Factory *cmdutil.Factory

	EB  string // base URL of the Evidence Broker (before /rest/search)
	DSD string // base URL of the Data Service Directory

	Discover  bool   // find missing base URLs by DNS NAPTR
	Env       string // discovery environment: acc, prod
	CSMajor   int    // discovery: major version of the Common Services interface
	DNSServer string // discovery: HOST:PORT instead of the system resolver

	Procedures       []string // procedure codes; none means the whole requirements catalogue
	ProcedureCountry string   // country the procedures are implemented in
	Countries        []string // countries whose evidence types and data services are pulled

	Trust                 []string  // PEM/DER files of trust anchors for the response signatures
	InsecureSkipSignature bool      // accept answers without checking their signature
	VerifyAt              time.Time // time signer certificates must be valid at; zero is now

	Catalog       string
	AcceptVersion string
	Timeout       time.Duration

	// HTTPClient and Resolver replace the network in tests; nil means the
	// real ones.
	HTTPClient *http.Client
	Resolver   regrep.Resolver
}

// NewCmdCatalogPull builds `oots catalog pull`; runF replaces the run function in tests.
func NewCmdCatalogPull(f *cmdutil.Factory, runF func(context.Context, *PullOptions) error) *cobra.Command {
	opts := &PullOptions{Factory: f}
	var verifyAt string
	cmd := &cobra.Command{
		Use:   "pull (--eb URL --dsd URL | --discover) [--procedure P]... [--country CC]...",
		Short: "Pull the catalogue from an Evidence Broker and a DSD",
		Long: `Query the OOTS Common Services over their RegRep REST binding and merge the
answers into the local catalogue (the store 'oots catalog import' writes).

The Evidence Broker is asked for the requirements of each --procedure (in
--procedure-country when given; without --procedure, for the whole
requirements catalogue), then for the evidence types of each requirement in
each --country; the Data Service Directory is asked for the data services of
each evidence type in that country. Without --country only the requirements
are pulled. The queries are listed in docs/catalog-pull.md.

--eb and --dsd are the addresses before /rest/search. With --discover, the
missing ones are found by DNS: the NAPTR record of
<cc>.<eb|dsd>.v<major>.cs.<env>.oots.tech.ec.europa.eu.

Every answer must carry a valid oots-response-sig signature by a certificate
chaining to a --trust anchor; an unsigned or mis-signed answer stops the pull
and nothing is imported. --insecure-skip-signature accepts answers unchecked,
with a warning. An answer with status Failure (EB:ERR:0001, DSD:ERR:0001, ...)
is reported and the rest is imported. The store is written once, after every
answer was fetched and verified.

Exit status: 0 pulled (possibly with Failure answers, listed on standard
error), 2 a signature was refused or every answer was a Failure, 1 usage,
network or store error.`,
		Example: `  oots catalog pull --eb https://query.cs.acc.oots.tech.ec.europa.eu/eb \
    --dsd https://query.cs.acc.oots.tech.ec.europa.eu/dsd \
    --procedure T2 --procedure-country FR --country FI --trust ec-root.pem
  oots catalog pull --discover --env acc --country FI --procedure-country FR --procedure 00 --trust ec-root.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := finishPullOptions(opts, verifyAt); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPull(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.EB, "eb", "", "Evidence Broker base URL (the address before /rest/search)")
	fl.StringVar(&opts.DSD, "dsd", "", "Data Service Directory base URL (the address before /rest/search)")
	fl.BoolVar(&opts.Discover, "discover", false, "find the base URLs not given by DNS NAPTR")
	fl.StringVar(&opts.Env, "env", "acc", "discovery: Common Services environment (acc or prod)")
	fl.IntVar(&opts.CSMajor, "cs-major", 1, "discovery: major version of the Common Services interface in the DNS name")
	fl.StringVar(&opts.DNSServer, "dns-server", "", "discovery: ask this DNS server (HOST:PORT) instead of the system's")
	fl.StringSliceVar(&opts.Procedures, "procedure", nil, "procedure code to pull the requirements of (repeatable; none: the whole catalogue)")
	fl.StringVar(&opts.ProcedureCountry, "procedure-country", "", "country the procedures are implemented in (country-code of the requirements query)")
	fl.StringSliceVar(&opts.Countries, "country", nil, "country to pull evidence types and data services for (repeatable)")
	fl.StringSliceVar(&opts.Trust, "trust", nil, "trust anchor certificate (PEM or DER) for the response signatures (repeatable)")
	fl.BoolVar(&opts.InsecureSkipSignature, "insecure-skip-signature", false, "accept answers without verifying their signature")
	fl.StringVar(&verifyAt, "verify-at", "", "check signer certificates as of this time (RFC 3339 or YYYY-MM-DD) instead of now")
	fl.StringVar(&opts.Catalog, "catalog", "", "catalogue store to merge into (default $XDG_DATA_HOME/oots/catalog.json)")
	fl.StringVar(&opts.AcceptVersion, "accept-version", regrep.DefaultAcceptVersion, "Accept-Version header sent")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "time limit of each query")
	return cmd
}

// finishPullOptions checks the flags and normalises country codes.
func finishPullOptions(opts *PullOptions, verifyAt string) error {
	if opts.EB == "" && !opts.Discover {
		return cmdutil.FlagErrorf("give the Evidence Broker with --eb URL, or --discover")
	}
	if opts.DSD == "" && !opts.Discover && len(opts.Countries) > 0 {
		return cmdutil.FlagErrorf("give the Data Service Directory with --dsd URL, or --discover")
	}
	if opts.Discover && len(opts.Countries) == 0 && opts.ProcedureCountry == "" {
		return cmdutil.FlagErrorf("--discover needs a country to discover for: --country or --procedure-country")
	}
	if !opts.InsecureSkipSignature && len(opts.Trust) == 0 {
		return cmdutil.FlagErrorf("give the trust anchor of the response signatures with --trust CA.pem (or --insecure-skip-signature)")
	}
	if opts.Timeout <= 0 {
		return cmdutil.FlagErrorf("--timeout must be positive")
	}
	t, err := cmdutil.ParseTimeFlag("verify-at", verifyAt)
	if err != nil {
		return err
	}
	opts.VerifyAt = t
	opts.ProcedureCountry = strings.ToUpper(strings.TrimSpace(opts.ProcedureCountry))
	if opts.ProcedureCountry != "" && len(opts.ProcedureCountry) != 2 {
		return cmdutil.FlagErrorf("--procedure-country %q: want a two-letter country code such as FR", opts.ProcedureCountry)
	}
	for i, c := range opts.Countries {
		opts.Countries[i] = strings.ToUpper(strings.TrimSpace(c))
		if len(opts.Countries[i]) != 2 {
			return cmdutil.FlagErrorf("--country %q: want a two-letter country code such as FI", c)
		}
	}
	return nil
}

func runPull(ctx context.Context, opts *PullOptions) error {
	errOut := opts.Factory.IOStreams.ErrOut
	verify, err := signatureCheck(opts)
	if err != nil {
		return err
	}
	if verify == nil {
		_, _ = fmt.Fprintln(errOut, "warning: --insecure-skip-signature: the answers are not verified; anyone between here and the server could have changed them")
	}
	storePath, err := storePath(opts.Catalog)
	if err != nil {
		return err
	}
	p := newPuller(opts, verify)
	res, err := p.pull(ctx)
	p.progress.done()
	if err != nil {
		return p.refusal(err)
	}
	reportFailures(errOut, res.failures)
	if len(res.answers) == 0 {
		_, _ = fmt.Fprintf(errOut, "nothing pulled: every answer had status Failure (%d); the catalogue %s is unchanged\n", len(res.failures), storePath)
		return cmdutil.ErrInvalid
	}
	added, changed, err := importAnswers(storePath, res)
	if err != nil {
		return err
	}
	res.summary(opts.Factory.IOStreams.Out, len(opts.Countries))
	_, _ = fmt.Fprintf(opts.Factory.IOStreams.Out, "catalogue %s: %d added, %d changed\n", storePath, added, changed)
	return nil
}

// signatureCheck builds the response verification; nil means none.
func signatureCheck(opts *PullOptions) (func(http.Header, []byte) error, error) {
	if opts.InsecureSkipSignature {
		return nil, nil
	}
	roots, err := pki.LoadCertificates(opts.Trust...)
	if err != nil {
		return nil, fmt.Errorf("reading --trust: %w", err)
	}
	return csVerifier(roots, opts.VerifyAt), nil
}

func csVerifier(roots []*x509.Certificate, at time.Time) func(http.Header, []byte) error {
	return func(h http.Header, body []byte) error {
		if h.Get(jades.SignatureHeader) == "" {
			return errors.New("the answer is not signed (no oots-response-sig header)")
		}
		_, err := jades.VerifyCSResponse(h, body, jades.VerifyOptions{Roots: roots, At: at})
		return err
	}
}

func storePath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	p, err := catalog.DefaultPath()
	if err != nil {
		return "", fmt.Errorf("finding the catalogue store (give --catalog FILE): %w", err)
	}
	return p, nil
}

// importAnswers merges the answers into the store and writes it once, so a
// failure leaves the store as it was. Failure answers are offered too: a
// DSD:ERR:0005 answer names the extra attributes a data service needs, which
// the catalogue keeps; answers with nothing to keep are passed over.
func importAnswers(path string, res *pullResult) (added, changed int, err error) {
	c, err := catalog.Open(path)
	if err != nil {
		return 0, 0, err
	}
	answers := append([]*regrep.Response(nil), res.answers...)
	for _, f := range res.failures {
		answers = append(answers, f.Response)
	}
	for _, a := range answers {
		st, err := c.ImportXML(a.URL, a.Body)
		var nothing *catalog.NotCatalogError
		if errors.As(err, &nothing) {
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("importing the answer of %s: %w; the catalogue %s is unchanged", a.URL, err, path)
		}
		added += st.Added
		changed += st.Changed
	}
	if err := c.Save(path); err != nil {
		return 0, 0, err
	}
	return added, changed, nil
}

func reportFailures(w io.Writer, failures []*regrep.QueryError) {
	for _, f := range failures {
		_, _ = fmt.Fprintf(w, "%s\n", f.Error())
	}
}

// puller walks the queries: requirements, then evidence types per
// requirement and country, then data services per evidence type.
type puller struct {
	opts     *PullOptions
	verify   func(http.Header, []byte) error
	http     *http.Client
	resolver regrep.Resolver
	bases    map[string]string // service/country → base URL
	progress *progress
}

// pullResult is everything fetched and verified.
type pullResult struct {
	answers  []*regrep.Response
	failures []*regrep.QueryError

	requirements  int
	evidenceTypes int
	countries     int
	dataServices  int
}

func newPuller(opts *PullOptions, verify func(http.Header, []byte) error) *puller {
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: opts.Timeout}
	}
	resolver := opts.Resolver
	if resolver == nil {
		dns := &regrep.DNSClient{}
		if opts.DNSServer != "" {
			dns.Servers = []string{opts.DNSServer}
		}
		resolver = dns
	}
	return &puller{
		opts: opts, verify: verify, http: hc, resolver: resolver,
		bases:    map[string]string{},
		progress: &progress{w: opts.Factory.IOStreams.ErrOut, on: opts.Factory.IOStreams.IsStderrTTY()},
	}
}

func (p *puller) pull(ctx context.Context) (*pullResult, error) {
	res := &pullResult{}
	reqIDs, err := p.requirements(ctx, res)
	if err != nil {
		return nil, err
	}
	res.requirements = len(reqIDs)
	for _, cc := range p.opts.Countries {
		types, err := p.evidenceTypes(ctx, res, reqIDs, cc)
		if err != nil {
			return nil, err
		}
		if len(types) > 0 {
			res.countries++
		}
		res.evidenceTypes += len(types)
		for _, t := range types {
			resp, err := p.search(ctx, res, regrep.ServiceDSD, cc, regrep.DataServicesQuery(t, cc))
			if err != nil {
				return nil, err
			}
			if resp != nil {
				res.dataServices += resp.Objects
			}
		}
	}
	return res, nil
}

// requirements asks for the requirements of each procedure, or for the
// whole catalogue when no procedure is given.
func (p *puller) requirements(ctx context.Context, res *pullResult) ([]string, error) {
	procedures := p.opts.Procedures
	if len(procedures) == 0 {
		procedures = []string{""}
	}
	var ids []string
	seen := map[string]bool{}
	for _, proc := range procedures {
		resp, err := p.search(ctx, res, regrep.ServiceEB, p.procedureCountry(), regrep.RequirementsQuery(proc, p.opts.ProcedureCountry))
		if err != nil {
			return nil, err
		}
		for _, id := range resp.RequirementIDs() {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

// procedureCountry is the country whose EB is discovered for the
// requirements: the procedures' own, else the first --country (the
// Commission instance holds the requirements of every country).
func (p *puller) procedureCountry() string {
	if p.opts.ProcedureCountry != "" || len(p.opts.Countries) == 0 {
		return p.opts.ProcedureCountry
	}
	return p.opts.Countries[0]
}

func (p *puller) evidenceTypes(ctx context.Context, res *pullResult, reqIDs []string, cc string) ([]string, error) {
	var types []string
	seen := map[string]bool{}
	for _, id := range reqIDs {
		resp, err := p.search(ctx, res, regrep.ServiceEB, cc, regrep.EvidenceTypesQuery(id, cc))
		if err != nil {
			return nil, err
		}
		for _, t := range resp.EvidenceTypeClassifications() {
			if !seen[t] {
				seen[t] = true
				types = append(types, t)
			}
		}
	}
	return types, nil
}

// search sends one query. A Failure answer is kept in res.failures and
// yields a nil response (whose accessors return nothing); any other error
// stops the pull.
func (p *puller) search(ctx context.Context, res *pullResult, service, country string, q regrep.Query) (*regrep.Response, error) {
	base, err := p.base(ctx, service, country)
	if err != nil {
		return nil, err
	}
	client := &regrep.Client{BaseURL: base, HTTP: p.http, AcceptVersion: p.opts.AcceptVersion, Verify: p.verify}
	p.progress.step(len(res.answers)+len(res.failures)+1, q)
	resp, err := client.Search(ctx, q)
	var qe *regrep.QueryError
	if errors.As(err, &qe) {
		res.failures = append(res.failures, qe)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if resp.Status == regrep.StatusPartialSuccess {
		for _, x := range resp.Exceptions {
			p.progress.note(fmt.Sprintf("%s: status PartialSuccess: %s", resp.URL, x))
		}
	}
	res.answers = append(res.answers, resp)
	return resp, nil
}

// base is the base URL of service for country: the flag, else discovered
// (once per service and country).
func (p *puller) base(ctx context.Context, service, country string) (string, error) {
	if service == regrep.ServiceEB && p.opts.EB != "" {
		return p.opts.EB, nil
	}
	if service == regrep.ServiceDSD && p.opts.DSD != "" {
		return p.opts.DSD, nil
	}
	key := service + "/" + country
	if b, ok := p.bases[key]; ok {
		return b, nil
	}
	b, err := regrep.Discover(ctx, country, service, p.opts.CSMajor, p.opts.Env, p.resolver)
	if err != nil {
		return "", err
	}
	p.progress.note(fmt.Sprintf("discovered the %s of %s: %s", strings.ToUpper(service), country, b))
	p.bases[key] = b
	return b, nil
}

// refusal turns a pull error into the command's error: a refused signature
// is a verification failure (exit 2), the rest tool errors (exit 1).
func (p *puller) refusal(err error) error {
	var se *regrep.SignatureError
	if errors.As(err, &se) {
		_, _ = fmt.Fprintf(p.opts.Factory.IOStreams.ErrOut, "%v\nnothing imported: every answer must carry a valid oots-response-sig by a certificate chaining to --trust\n", err)
		return cmdutil.ErrInvalid
	}
	return fmt.Errorf("%w (nothing imported)", err)
}

func (r *pullResult) summary(w io.Writer, countries int) {
	line := fmt.Sprintf("pulled %s: %s", plural(len(r.answers), "answer"), plural(r.requirements, "requirement"))
	if countries > 0 {
		line += fmt.Sprintf(", %s in %s, %s", plural(r.evidenceTypes, "evidence type"), plural(r.countries, "country"), plural(r.dataServices, "data service"))
	} else {
		line += " (no --country: no evidence types or data services asked for)"
	}
	_, _ = fmt.Fprintln(w, line)
	if len(r.failures) > 0 {
		_, _ = fmt.Fprintf(w, "%s with status Failure (listed on standard error)\n", plural(len(r.failures), "answer"))
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// progress shows the query under way on a terminal; notes always go out.
type progress struct {
	w     io.Writer
	on    bool
	shown bool
}

func (pr *progress) step(n int, q regrep.Query) {
	if !pr.on {
		return
	}
	line := fmt.Sprintf("query %d: %s", n, q)
	if len(line) > 100 {
		line = line[:99] + "…"
	}
	_, _ = fmt.Fprintf(pr.w, "\r\033[K%s", line)
	pr.shown = true
}

func (pr *progress) note(msg string) {
	pr.done()
	_, _ = fmt.Fprintln(pr.w, msg)
}

func (pr *progress) done() {
	if pr.shown {
		_, _ = fmt.Fprint(pr.w, "\r\033[K")
		pr.shown = false
	}
}
