package verify

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// XMLOptions are the inputs of `oots verify xml`.
type XMLOptions struct {
	Factory *cmdutil.Factory

	Input     string
	Trust     []string
	At        string
	AllowSHA1 bool
	Signature string
	Format    string
}

// NewCmdVerifyXML builds `oots verify xml`.
func NewCmdVerifyXML(f *cmdutil.Factory, runF func(context.Context, *XMLOptions) error) *cobra.Command {
	opts := &XMLOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "xml FILE|- --trust CA.pem [--at TIME] [--format text|json]",
		Short: "Verify an XML signature (XML-DSig / XAdES)",
		Long: `Verify the XML signature of a message (enveloped) or a standalone signature
document (detached, over files beside it), and say who signed, when, and
exactly what the signature covers.

Checked: the signature value over SignedInfo, the digest of every Reference,
the signer's certificate chain to a --trust anchor, its validity (at the XAdES
SigningTime when there is one, else now; --at sets the time) and its key usage.
Refused: a Reference that covers anything but the whole document, the XAdES
SignedProperties or a file beside the signature (signature wrapping); duplicate
IDs; transforms other than enveloped-signature and C14N; unknown algorithms;
SHA-1 unless --allow-sha1; absolute URLs; several signatures unless --signature
names one.

Exit status: 0 valid, 2 the signature is refused (the reason is printed), 1
usage error or unreadable file. See docs/xml-signatures.md.`,
		Example: `  oots verify xml signed.xml --trust ca.pem
  oots verify xml signed.xml --trust ca.pem --at 2026-03-01T12:00:00Z
  oots verify xml bundle.sig.xml --trust ca.pem --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give one signed file to verify, or - for standard input")
			}
			opts.Input = args[0]
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runXML(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Trust, "trust", nil, "trust anchors: PEM or DER certificate files (repeat, or separate with commas)")
	fl.StringVar(&opts.At, "at", "", "check the certificates at this time (RFC 3339) instead of the signing time or now")
	fl.BoolVar(&opts.AllowSHA1, "allow-sha1", false, "accept SHA-1 digests and signature methods (old signatures)")
	fl.StringVar(&opts.Signature, "signature", "", "the Id of the ds:Signature to verify when the document holds several")
	fl.StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	return cmd
}

func (o *XMLOptions) check() error {
	switch {
	case len(o.Trust) == 0:
		return cmdutil.FlagErrorf("give the trust anchors with --trust CA.pem (for a test PKI: the ca.pem of 'oots pki init')")
	case o.Format != "text" && o.Format != "json":
		return cmdutil.FlagErrorf("unknown --format %q; use text or json", o.Format)
	}
	_, err := cmdutil.ParseTimeFlag("at", o.At)
	return err
}

func runXML(ctx context.Context, opts *XMLOptions) error {
	roots, err := pki.LoadCertificates(opts.Trust...)
	if err != nil {
		return err
	}
	data, name, files, err := readSignedXML(opts)
	if err != nil {
		return err
	}
	vopts := dsig.VerifyOptions{Roots: roots, AllowSHA1: opts.AllowSHA1, SignatureID: opts.Signature, Files: files}
	vopts.At, _ = cmdutil.ParseTimeFlag("at", opts.At) // checked with the flags
	res, verr := dsig.Verify(ctx, data, vopts)
	if verr != nil && !dsig.IsRefusal(verr) {
		return fmt.Errorf("%s: %w", name, verr)
	}
	if err := writeXMLVerdict(opts, name, res, verr); err != nil {
		return err
	}
	if verr != nil {
		return cmdutil.ErrInvalid
	}
	return nil
}

// readSignedXML reads the signed document; files resolves the References of a
// detached signature, relative to its folder (none for standard input).
func readSignedXML(opts *XMLOptions) (data []byte, name string, files fs.FS, err error) {
	data, name, err = cmdutil.ReadInput(opts.Factory.IOStreams.In, opts.Input, 0)
	if err != nil || opts.Input == "-" {
		return data, name, nil, err
	}
	return data, name, os.DirFS(filepath.Dir(opts.Input)), nil
}

func writeXMLVerdict(opts *XMLOptions, name string, res *dsig.Result, verr error) error {
	streams := opts.Factory.IOStreams
	if opts.Format == "json" {
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(xmlVerdictJSON(name, res, verr))
	}
	if verr != nil {
		_, err := fmt.Fprintf(streams.ErrOut, "%s: signature INVALID: %v\n", name, verr)
		return err
	}
	_, err := streams.Out.Write([]byte(xmlVerdictText(name, res)))
	return err
}

func xmlVerdictText(name string, res *dsig.Result) string {
	var b strings.Builder
	kind := "enveloped XML signature"
	if res.Detached {
		kind = "detached XML signature"
	}
	if res.XAdES {
		kind += ", XAdES baseline B"
	}
	fmt.Fprintf(&b, "%s: valid signature (%s)\n", name, kind)
	fmt.Fprintf(&b, "  signed by   %s\n", res.Signer.Subject)
	fmt.Fprintf(&b, "              serial %X, valid %s to %s\n", res.Signer.SerialNumber, xmlDay(res.Signer.NotBefore), xmlDay(res.Signer.NotAfter))
	for _, c := range res.Chain[1:] {
		fmt.Fprintf(&b, "  issued by   %s\n", c.Subject)
	}
	if res.SigningTime.IsZero() {
		b.WriteString("  signed at   not stated (no XAdES SigningTime)\n")
	} else {
		fmt.Fprintf(&b, "  signed at   %s (XAdES SigningTime)\n", res.SigningTime.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "  checked at  %s\n", res.CheckedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "  algorithm   %s\n", res.Algorithm)
	for i, r := range res.References {
		label := "  covers    "
		if i > 0 {
			label = "            "
		}
		fmt.Fprintf(&b, "%s  %s  (URI %q, %s)\n", label, r.Covers, r.URI, r.Digest)
	}
	return b.String()
}

func xmlDay(t time.Time) string { return t.UTC().Format("2006-01-02") }

// xmlVerdict is the JSON form of a verification.
type xmlVerdict struct {
	File         string             `json:"file"`
	Valid        bool               `json:"valid"`
	Reason       string             `json:"reason,omitempty"`
	Error        string             `json:"error,omitempty"`
	Signer       *xmlCertJSON       `json:"signer,omitempty"`
	Chain        []string           `json:"chain,omitempty"`
	SigningTime  string             `json:"signingTime,omitempty"`
	CheckedAt    string             `json:"checkedAt,omitempty"`
	Algorithm    string             `json:"algorithm,omitempty"`
	AlgorithmURI string             `json:"algorithmUri,omitempty"`
	SignatureID  string             `json:"signatureId,omitempty"`
	Detached     bool               `json:"detached,omitempty"`
	XAdES        bool               `json:"xades,omitempty"`
	References   []xmlReferenceJSON `json:"references,omitempty"`
}

type xmlCertJSON struct {
	Subject   string `json:"subject"`
	Issuer    string `json:"issuer"`
	Serial    string `json:"serial"`
	NotBefore string `json:"notBefore"`
	NotAfter  string `json:"notAfter"`
}

type xmlReferenceJSON struct {
	URI    string `json:"uri"`
	Covers string `json:"covers"`
	Kind   string `json:"kind"`
	Digest string `json:"digest"`
}

func xmlVerdictJSON(name string, res *dsig.Result, verr error) xmlVerdict {
	if verr != nil {
		return xmlVerdict{File: name, Reason: dsig.Reason(verr), Error: verr.Error()}
	}
	v := xmlVerdict{
		File: name, Valid: true, Signer: xmlCertInfo(res.Signer), CheckedAt: res.CheckedAt.UTC().Format(time.RFC3339),
		Algorithm: res.Algorithm, AlgorithmURI: res.AlgorithmURI, SignatureID: res.SignatureID,
		Detached: res.Detached, XAdES: res.XAdES,
	}
	for _, c := range res.Chain {
		v.Chain = append(v.Chain, c.Subject.String())
	}
	if !res.SigningTime.IsZero() {
		v.SigningTime = res.SigningTime.UTC().Format(time.RFC3339)
	}
	for _, r := range res.References {
		v.References = append(v.References, xmlReferenceJSON{URI: r.URI, Covers: r.Covers, Kind: string(r.Kind), Digest: r.Digest})
	}
	return v
}

func xmlCertInfo(c *x509.Certificate) *xmlCertJSON {
	return &xmlCertJSON{
		Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: fmt.Sprintf("%X", c.SerialNumber),
		NotBefore: c.NotBefore.UTC().Format(time.RFC3339), NotAfter: c.NotAfter.UTC().Format(time.RFC3339),
	}
}
