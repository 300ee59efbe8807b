package pki

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// IssueOptions are the inputs of `oots pki issue`.
type IssueOptions struct {
	Factory *cmdutil.Factory

	Dir       string
	NotBefore string
	NotAfter  string
	nodeFlags
	// algs and period are the parsed flags.
	algs   []pki.Algorithm
	period pki.Period
}

// NewCmdIssue builds `oots pki issue`; runF replaces the run function in tests.
func NewCmdIssue(f *cmdutil.Factory, runF func(context.Context, *IssueOptions) error) *cobra.Command {
	opts := &IssueOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "issue DIR --name NODE [--alg rsa,p256,ed25519] [--days N | --not-before T --not-after T]",
		Short: "Add a node certificate signed by the test CA in DIR",
		Long: `Issue certificates for another node with the CA of a test PKI made by
'oots pki init': DIR/<name>-<alg>.pem, -key.pem and .p12 for each algorithm
of --alg.

--not-before and --not-after (RFC 3339 times) set the validity period
exactly, for instance to make expired or not-yet-valid certificates on
purpose; otherwise the certificate is valid from 5 minutes ago for --days
days. This is test material only: never use it in production.`,
		Example: `  oots pki issue testpki --name member-state-b
  oots pki issue testpki --name expired --alg p256 --not-before 2020-01-01T00:00:00Z --not-after 2021-01-01T00:00:00Z
  oots pki issue testpki --name future --not-before 2099-01-01T00:00:00Z`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give the folder of the test PKI: oots pki issue DIR --name NODE")
			}
			opts.Dir = args[0]
			algs, err := opts.check()
			if err != nil {
				return err
			}
			opts.algs = algs
			if opts.period, err = opts.validity(cmd.Flags().Changed("days")); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runIssue(cmd.Context(), opts)
		},
	}
	opts.register(cmd, "")
	fl := cmd.Flags()
	fl.StringVar(&opts.NotBefore, "not-before", "", "start of validity, RFC 3339 (default: 5 minutes ago)")
	fl.StringVar(&opts.NotAfter, "not-after", "", "end of validity, RFC 3339 (default: --days after the start)")
	return cmd
}

// validity reads --not-before, --not-after and --days into a period.
func (opts *IssueOptions) validity(daysGiven bool) (pki.Period, error) {
	period := pki.Period{Lifetime: time.Duration(opts.Days) * 24 * time.Hour}
	var err error
	if period.NotBefore, err = parseTime("--not-before", opts.NotBefore); err != nil {
		return pki.Period{}, err
	}
	if period.NotAfter, err = parseTime("--not-after", opts.NotAfter); err != nil {
		return pki.Period{}, err
	}
	if !period.NotAfter.IsZero() && daysGiven {
		return pki.Period{}, cmdutil.FlagErrorf("give --days or --not-after, not both")
	}
	if !period.NotBefore.IsZero() && !period.NotAfter.IsZero() && !period.NotAfter.After(period.NotBefore) {
		return pki.Period{}, cmdutil.FlagErrorf("--not-after (%s) must be later than --not-before (%s)", opts.NotAfter, opts.NotBefore)
	}
	return period, nil
}

func parseTime(flag, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, cmdutil.FlagErrorf("%s %q: give an RFC 3339 time such as 2030-01-31T00:00:00Z", flag, value)
	}
	return t, nil
}

func runIssue(ctx context.Context, opts *IssueOptions) error {
	if !opts.Force {
		if err := refuseExisting(nodePaths(opts.Dir, opts.Name, opts.algs)); err != nil {
			return err
		}
	}
	ca, err := pki.LoadCA(opts.Dir)
	if err != nil {
		return err
	}
	files, ids, err := issueNodes(ctx, ca, opts.Dir, opts.Name, opts.algs, opts.period, opts.Password)
	if err != nil {
		return err
	}
	if err := writeSet(files); err != nil {
		return err
	}
	errOut := opts.Factory.IOStreams.ErrOut
	warnEmptyPassword(errOut, opts.Password)
	warnOutlivesCA(errOut, ca, ids)
	return listWritten(opts.Factory.IOStreams.Out, files)
}

// warnOutlivesCA says when the node certificates end after the CA's, as they
// will not verify once the CA has expired.
func warnOutlivesCA(errOut io.Writer, ca *pki.CA, ids []*pki.Identity) {
	for _, id := range ids {
		if id.Certificate.NotAfter.After(ca.Certificate.NotAfter) {
			_, _ = fmt.Fprintf(errOut, "oots: warning: %q is valid until %s, after its CA (%s); it will not verify after that\n",
				id.Certificate.Subject.CommonName, id.Certificate.NotAfter.Format(time.RFC3339), ca.Certificate.NotAfter.Format(time.RFC3339))
			return
		}
	}
}
