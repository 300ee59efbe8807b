package verify

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/spf13/cobra"
)

// CSResponseOptions are the inputs of `oots verify cs-response`.
type CSResponseOptions struct {
	Factory *cmdutil.Factory

	Body    string
	Headers string
	Trust   []string
	At      string
	Format  string
}

// NewCmdVerifyCSResponse builds `oots verify cs-response`.
func NewCmdVerifyCSResponse(f *cmdutil.Factory, runF func(context.Context, *CSResponseOptions) error) *cobra.Command {
	opts := &CSResponseOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "cs-response BODY --headers FILE.headers --trust CA.pem [--at TIME]",
		Short: "Verify a Common Services response signature",
		Long: `Verify the signature of an Evidence Broker or Data Service Directory answer:
the oots-response-sig header is a detached JAdES JWS whose sigD (mechanism
HttpHeaders) covers the digest header, and the digest header
("SHA-256=<base64>") covers the body. The signing input is
BASE64URL(protected) "." "digest: " <digest header value>.

--headers is the response's header lines ("name: value", as stored next to
captured answers; default: BODY with its extension replaced by .headers).
Header names match whatever their case; values must be exact.

The signer (the first x5c certificate) must chain to a --trust anchor and be
valid at --at (default: now). The same refusals as 'oots verify jws' apply,
and: a missing or repeated digest header, a digest algorithm other than
SHA-256 or SHA-512, a body that does not match its digest.

Exit status: 0 valid, 2 the signature is refused (the reason is printed),
1 unreadable files or a usage error.`,
		Example: `  oots verify cs-response eb-answer.xml --headers eb-answer.headers --trust ec-root.pem
  oots verify cs-response dsd-answer.xml --trust ec-root.pem --at 2026-06-01 --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give the response body file")
			}
			opts.Body = args[0]
			if opts.Headers == "" {
				if opts.Body == "-" {
					return cmdutil.FlagErrorf("--headers is required when the body comes from standard input")
				}
				opts.Headers = strings.TrimSuffix(opts.Body, filepath.Ext(opts.Body)) + ".headers"
			}
			if err := checkSignatureFlags(opts.Trust, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVerifyCSResponse(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Headers, "headers", "", "the response's header lines (default: BODY with the extension .headers)")
	addSignatureFlags(cmd, &opts.Trust, &opts.At, &opts.Format)
	return cmd
}

func runVerifyCSResponse(opts *CSResponseOptions) error {
	f := opts.Factory
	body, name, err := readSignatureInput(f, opts.Body)
	if err != nil {
		return err
	}
	headerData, headersName, err := readSignatureInput(f, opts.Headers)
	if err != nil {
		return err
	}
	header, err := jades.ReadHeaders(bytes.NewReader(headerData))
	if err != nil {
		// A capture that cannot be read as headers is a broken document: exit 2.
		_, _ = fmt.Fprintf(f.IOStreams.ErrOut, "%s: %v\n", headersName, err) // the verdict is the exit status
		return cmdutil.ErrInvalid
	}
	vopts, err := signatureVerifyOptions(opts.Trust, opts.At)
	if err != nil {
		return err
	}
	rep := signatureReport{File: name, Body: name, Headers: headersName, CheckedAt: checkedAt(vopts)}
	res, verr := jades.VerifyCSResponse(header, body, vopts)
	if verr == nil {
		covers := fmt.Sprintf("the %s header, and through its digest the body (%d bytes)", strings.Join(res.Covered, ", "), res.BodySize)
		rep.fill(res.Algorithm, res.Signer, res.Chain, res.Header, covers)
		rep.CoveredHeaders, rep.Digest = res.Covered, res.Digest
	}
	return writeSignatureReport(f, opts.Format, &rep, verr)
}
