package pki

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// InitOptions are the inputs of `oots pki init`.
type InitOptions struct {
	Factory *cmdutil.Factory

	Dir   string
	CAAlg string
	nodeFlags
	// algs are the parsed --alg values.
	algs []pki.Algorithm
}

// NewCmdInit builds `oots pki init`; runF replaces the run function in tests.
func NewCmdInit(f *cmdutil.Factory, runF func(context.Context, *InitOptions) error) *cobra.Command {
	opts := &InitOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "init DIR [--name NODE] [--alg rsa,p256,ed25519] [--password P]",
		Short: "Create a test root CA and node certificates in DIR",
		Long: `Create a test PKI in DIR (made if missing): a self-signed root CA valid for
10 years and, for each algorithm of --alg, a node certificate valid for --days
days (2 years by default) with its key, as PEM and as PKCS#12.

Files (see docs/pki.md):
  ca.pem, ca-key.pem                     root CA certificate and key
  <name>-<alg>.pem                       node certificate, then the CA certificate
  <name>-<alg>-key.pem                   node key (PKCS#8, readable by the owner only)
  <name>-<alg>.p12                       node key and certificates (PKCS#12, --password)

Existing files are never replaced without --force, and nothing is written
unless every file can be. This is test material only: never use it in
production.`,
		Example: `  oots pki init testpki
  oots pki init testpki --name member-state-a --alg p256 --password changeit
  OOTS_PASSWORD=changeit oots pki init testpki --force`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give the folder to create the PKI in: oots pki init DIR")
			}
			opts.Dir = args[0]
			if _, err := pki.ParseAlgorithm(opts.CAAlg); err != nil {
				return cmdutil.FlagErrorf("--ca-alg: %v", err)
			}
			algs, err := opts.check()
			if err != nil {
				return err
			}
			opts.algs = algs
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInit(cmd.Context(), opts)
		},
	}
	opts.register(cmd, "node")
	cmd.Flags().StringVar(&opts.CAAlg, "ca-alg", string(pki.P256), "key algorithm of the root CA: rsa, p256 or ed25519")
	return cmd
}

func runInit(ctx context.Context, opts *InitOptions) error {
	caPaths := []string{filepath.Join(opts.Dir, pki.CACertFile), filepath.Join(opts.Dir, pki.CAKeyFile)}
	if !opts.Force {
		if err := refuseExisting(append(caPaths, nodePaths(opts.Dir, opts.Name, opts.algs)...)); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return err
	}
	ca, caFiles, err := newCA(opts)
	if err != nil {
		return err
	}
	nodeDays := time.Duration(opts.Days) * 24 * time.Hour
	nodes, _, err := issueNodes(ctx, ca, opts.Dir, opts.Name, opts.algs, pki.Period{Lifetime: nodeDays}, opts.Password)
	if err != nil {
		return err
	}
	files := append(caFiles, nodes...)
	if err := writeSet(files); err != nil {
		return err
	}
	warnEmptyPassword(opts.Factory.IOStreams.ErrOut, opts.Password)
	return listWritten(opts.Factory.IOStreams.Out, files)
}

// newCA makes the root CA. It lives at least as long as the node
// certificates, so that a long --days does not outlive the CA.
func newCA(opts *InitOptions) (*pki.CA, []outputFile, error) {
	key, err := pki.GenerateKey(pki.Algorithm(opts.CAAlg))
	if err != nil {
		return nil, nil, err
	}
	lifetime := max(pki.DefaultCAValidity, time.Duration(opts.Days)*24*time.Hour)
	ca, err := pki.NewCA(key, pki.Period{Lifetime: lifetime})
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		return nil, nil, err
	}
	return ca, []outputFile{
		{path: filepath.Join(opts.Dir, pki.CACertFile), data: pki.EncodeCertificatesPEM(ca.Certificate), perm: 0o644},
		{path: filepath.Join(opts.Dir, pki.CAKeyFile), data: keyPEM, perm: 0o600},
	}, nil
}
