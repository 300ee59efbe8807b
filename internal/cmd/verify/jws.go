package verify

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// JWSOptions are the inputs of `oots verify jws`.
type JWSOptions struct {
	Factory *cmdutil.Factory

	Input   string
	Payload string
	Trust   []string
	At      string
	Format  string
}

// NewCmdVerifyJWS builds `oots verify jws`.
func NewCmdVerifyJWS(f *cmdutil.Factory, runF func(context.Context, *JWSOptions) error) *cobra.Command {
	opts := &JWSOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "jws SIG --trust CA.pem [--payload FILE] [--at TIME]",
		Short: "Verify a JWS / JAdES signature",
		Long: `Verify a compact JWS (RFC 7515), attached or detached, with the unencoded
payload option (RFC 7797) when it says b64:false. The signer is the first
x5c certificate; it must chain to a --trust anchor (a root inside x5c is never
trusted by itself) and be valid at --at (default: now).

Refused: alg none, HMAC and SHA-1 algorithms and anything but ES256, PS256,
RS256 and EdDSA; crit names this tool does not process, or that are absent;
b64 outside crit; repeated header names; an x5c leaf that does not match
x5t#S256 or x5t#o; the SHA-1 thumbprint x5t. See docs/jws.md.

Exit status: 0 valid, 2 the signature is refused (the reason is printed),
1 unreadable files or a usage error.`,
		Example: `  oots verify jws response.jws --trust ca.pem
  oots verify jws response.xml.jws --payload response.xml --trust ca.pem --at 2026-06-01
  oots verify jws response.jws --trust ca.pem --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give one JWS file, or - for standard input")
			}
			opts.Input = args[0]
			if err := checkSignatureFlags(opts.Trust, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVerifyJWS(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Payload, "payload", "", "the detached payload (for a JWS of the form header..signature)")
	addSignatureFlags(cmd, &opts.Trust, &opts.At, &opts.Format)
	return cmd
}

func runVerifyJWS(opts *JWSOptions) error {
	f := opts.Factory
	token, name, err := readSignatureInput(f, opts.Input)
	if err != nil {
		return err
	}
	var payload []byte
	if opts.Payload != "" {
		if payload, _, err = readSignatureInput(f, opts.Payload); err != nil {
			return err
		}
	}
	vopts, err := signatureVerifyOptions(opts.Trust, opts.At)
	if err != nil {
		return err
	}
	rep := signatureReport{File: name, CheckedAt: checkedAt(vopts)}
	j, verr := jades.Parse(string(token))
	if verr == nil {
		if err := checkPayloadFlag(j, name, opts.Payload); err != nil {
			return err
		}
		var res *jades.Result
		if res, verr = j.Verify(payload, vopts); verr == nil {
			rep.fill(res.Algorithm, res.Signer, res.Chain, res.Header, res.Covers)
		}
	}
	return writeSignatureReport(f, opts.Format, &rep, verr)
}

// checkPayloadFlag makes --payload a usage matter: a detached JWS needs
// it, one that carries its payload must not get another.
func checkPayloadFlag(j *jades.JWS, name, payload string) error {
	switch {
	case j.Detached && payload == "":
		return cmdutil.FlagErrorf("%s is a detached JWS (header..signature); give its payload with --payload", name)
	case !j.Detached && payload != "":
		return cmdutil.FlagErrorf("%s carries its own payload; leave out --payload", name)
	}
	return nil
}

// addSignatureFlags adds the flags verify jws and verify cs-response share.
func addSignatureFlags(cmd *cobra.Command, trust *[]string, at, format *string) {
	fl := cmd.Flags()
	fl.StringSliceVar(trust, "trust", nil, "trust anchor certificates (PEM or DER; repeat or separate with commas)")
	fl.StringVar(at, "at", "", "check the certificates at this time (RFC 3339 or YYYY-MM-DD; default: now)")
	fl.StringVarP(format, "format", "f", "text", "report format: text or json")
}

func checkSignatureFlags(trust []string, format string) error {
	if len(trust) == 0 {
		return cmdutil.FlagErrorf("--trust is required: the CA certificates the signer must chain to")
	}
	if format != "text" && format != "json" {
		return cmdutil.FlagErrorf("unknown --format %q; use text or json", format)
	}
	return nil
}

// signatureVerifyOptions loads the trust anchors and reads --at.
func signatureVerifyOptions(trust []string, at string) (jades.VerifyOptions, error) {
	roots, err := pki.LoadCertificates(trust...)
	if err != nil {
		return jades.VerifyOptions{}, fmt.Errorf("--trust: %w", err)
	}
	t, err := cmdutil.ParseTimeFlag("at", at)
	if err != nil {
		return jades.VerifyOptions{}, err
	}
	return jades.VerifyOptions{Roots: roots, At: t}, nil
}

func checkedAt(o jades.VerifyOptions) time.Time {
	if o.At.IsZero() {
		return time.Now().UTC().Truncate(time.Second)
	}
	return o.At.UTC()
}

// readSignatureInput reads a file or standard input; name is what messages call it.
func readSignatureInput(f *cmdutil.Factory, path string) (data []byte, name string, err error) {
	return cmdutil.ReadInput(f.IOStreams.In, path, jades.MaxCompact)
}

// signatureReport is the JSON report of verify jws and verify cs-response
// (documented in docs/jws.md).
type signatureReport struct {
	File      string               `json:"file"`
	Valid     bool                 `json:"valid"`
	Reason    string               `json:"reason,omitempty"`
	Error     string               `json:"error,omitempty"`
	Algorithm string               `json:"algorithm,omitempty"`
	Signer    *pki.CertificateInfo `json:"signer,omitempty"`
	Chain     []string             `json:"chain,omitempty"`
	SignedAt  *time.Time           `json:"signedAt,omitempty"`
	// SignedAtFrom says which header gave SignedAt: sigT or iat.
	SignedAtFrom string    `json:"signedAtFrom,omitempty"`
	CheckedAt    time.Time `json:"checkedAt"`
	Covers       string    `json:"covers,omitempty"`
	// Body, Headers, CoveredHeaders and Digest are set by verify cs-response.
	Body           string   `json:"body,omitempty"`
	Headers        string   `json:"headers,omitempty"`
	CoveredHeaders []string `json:"coveredHeaders,omitempty"`
	Digest         string   `json:"digest,omitempty"`
}

func (r *signatureReport) fill(alg string, signer *x509.Certificate, chain []*x509.Certificate, h *jades.Header, covers string) {
	r.Valid, r.Algorithm, r.Covers = true, alg, covers
	info := pki.Describe(signer)
	r.Signer = &info
	for _, c := range chain {
		r.Chain = append(r.Chain, c.Subject.String())
	}
	if t := h.SigningTime(); !t.IsZero() {
		r.SignedAt, r.SignedAtFrom = &t, "iat"
		if !h.SigT.IsZero() {
			r.SignedAtFrom = "sigT"
		}
	}
}

// writeSignatureReport prints the verdict; a refused signature prints its
// reason and returns ErrInvalid (exit status 2).
func writeSignatureReport(f *cmdutil.Factory, format string, rep *signatureReport, verr error) error {
	if verr != nil {
		rep.Reason, rep.Error = reasonCode(verr), verr.Error()
	}
	var err error
	if format == "json" {
		enc := json.NewEncoder(f.IOStreams.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = writeSignatureText(f, rep)
	}
	if err != nil {
		return err
	}
	if verr != nil {
		return cmdutil.ErrInvalid
	}
	return nil
}

func writeSignatureText(f *cmdutil.Factory, rep *signatureReport) error {
	if !rep.Valid {
		_, err := fmt.Fprintf(f.IOStreams.ErrOut, "%s: signature refused: %s\n", rep.File, rep.Error)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: signature valid\n", rep.File)
	line := func(k, v string) { fmt.Fprintf(&b, "  %-10s %s\n", k, v) }
	line("algorithm", rep.Algorithm)
	line("signer", rep.Signer.Subject)
	line("issuer", rep.Signer.Issuer)
	line("chain", strings.Join(rep.Chain, " > ")+" (trust anchor)")
	if rep.SignedAt != nil {
		line("signed at", rep.SignedAt.UTC().Format(time.RFC3339)+" ("+rep.SignedAtFrom+", claimed by the signer)")
	}
	line("checked at", rep.CheckedAt.Format(time.RFC3339))
	line("covers", rep.Covers)
	_, err := io.WriteString(f.IOStreams.Out, b.String())
	return err
}

// reasonCode names the kind of refusal for scripts (the "reason" of the
// JSON report).
func reasonCode(err error) string {
	codes := []struct {
		target error
		code   string
	}{
		{jades.ErrMalformed, "malformed"}, {jades.ErrAlgorithm, "algorithm"}, {jades.ErrCritical, "critical"},
		{jades.ErrCertificate, "certificate"}, {jades.ErrSignature, "signature"}, {jades.ErrSignedData, "signed-data"},
		{jades.ErrDigest, "digest"}, {pki.ErrExpired, "expired"}, {pki.ErrNotYetValid, "not-yet-valid"},
		{pki.ErrUntrusted, "untrusted"}, {pki.ErrKeyUsage, "key-usage"},
	}
	for _, c := range codes {
		if errors.Is(err, c.target) {
			return c.code
		}
	}
	return "refused"
}
