package sign

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// JWSOptions are the inputs of `oots sign jws`.
type JWSOptions struct {
	Factory *cmdutil.Factory

	Input       string
	Key         string
	Cert        string
	Password    string
	Detached    bool
	Alg         string
	ContentType string
	Output      string
}

// NewCmdSignJWS builds `oots sign jws`.
func NewCmdSignJWS(f *cmdutil.Factory, runF func(context.Context, *JWSOptions) error) *cobra.Command {
	opts := &JWSOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "jws FILE|- --key KEY [--cert CERT] [--detached] [-o OUT]",
		Short: "Sign a payload as JWS / JAdES baseline B",
		Long: `Sign FILE (or standard input) as a compact JWS (RFC 7515) with the JAdES
baseline B headers: x5c (the signer's certificate and chain), x5t#S256 and
sigT, the signing time, listed in crit.

--detached makes a detached JWS with the unencoded payload option (RFC 7797,
b64:false): the output is "header..signature" and the payload travels apart,
byte for byte as signed.

The key is a PKCS#12 file (.p12, .pfx; --password) or a PEM private key with
its certificate in --cert (the certificate first, then its chain). The
algorithm follows the key (ES256 for P-256, PS256 for RSA, EdDSA for
Ed25519) unless --alg chooses another that fits it (RS256 for RSA).

Exit status: 0 signed, 1 unreadable input or key, or a usage error.`,
		Example: `  oots sign jws response.xml --key node-key.pem --cert node.pem -o response.jws
  oots sign jws response.xml --key node.p12 --password secret --detached -o response.xml.jws
  oots verify jws response.jws --trust ca.pem`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give one file to sign, or - for standard input")
			}
			opts.Input = args[0]
			if opts.Key == "" {
				return cmdutil.FlagErrorf("--key is required: a PKCS#12 file or a PEM private key")
			}
			if opts.Alg != "" && !slices.Contains(jades.Algorithms, opts.Alg) {
				return cmdutil.FlagErrorf("unknown --alg %q; use %s", opts.Alg, strings.Join(jades.Algorithms, ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSignJWS(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Key, "key", "", "private key: PKCS#12 (.p12, .pfx) or PEM")
	fl.StringVar(&opts.Cert, "cert", "", "PEM certificate of the key, followed by its chain (optional with PKCS#12)")
	fl.StringVar(&opts.Password, "password", "", "password of the PKCS#12 file")
	fl.BoolVar(&opts.Detached, "detached", false, "leave the payload out (RFC 7797 b64:false, detached)")
	fl.StringVar(&opts.Alg, "alg", "", "ES256, PS256, RS256 or EdDSA (default: from the key)")
	fl.StringVar(&opts.ContentType, "content-type", "", "cty header: the media type of the payload")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the JWS to this file (atomically) instead of standard output")
	return cmd
}

func runSignJWS(opts *JWSOptions) error {
	payload, name, err := cmdutil.ReadInput(opts.Factory.IOStreams.In, opts.Input, jades.MaxPayload)
	if err != nil {
		return err
	}
	id, err := pki.LoadIdentity(opts.Key, opts.Cert, opts.Password)
	if err != nil {
		return err
	}
	sopts := jades.SignOptions{Identity: id, Alg: opts.Alg, ContentType: opts.ContentType}
	sign := jades.SignCompact
	if opts.Detached {
		sign = jades.SignDetached
	}
	token, err := sign(payload, sopts)
	if err != nil {
		return fmt.Errorf("signing %s: %w", name, err)
	}
	write := func(w io.Writer) error {
		_, err := io.WriteString(w, token+"\n")
		return err
	}
	if opts.Output == "" {
		return write(opts.Factory.IOStreams.Out)
	}
	return cmdutil.WriteFileAtomic(opts.Output, write)
}
