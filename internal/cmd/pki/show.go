package pki

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// ShowOptions are the inputs of `oots pki show`.
type ShowOptions struct {
	Factory *cmdutil.Factory

	File     string
	Format   string
	Password string
}

// NewCmdShow builds `oots pki show`; runF replaces the run function in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "show FILE [--format text|json]",
		Short: "Show the certificates of a PEM, DER or PKCS#12 file",
		Long: `Show every certificate of FILE: subject, issuer, serial number, validity,
key algorithm and size, key usage, names and SHA-256 fingerprint. FILE is PEM
(any number of certificates), one DER certificate, or PKCS#12 (.p12, .pfx;
give its password with --password or OOTS_PASSWORD).

With --format json the output is one JSON object: {"file": ..., "certificates":
[...]}, the fields of each certificate as described in docs/pki.md.`,
		Example: `  oots pki show testpki/node-p256.pem
  oots pki show testpki/node-rsa.p12 --password changeit --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give one certificate file to show")
			}
			opts.File = args[0]
			if opts.Format != "text" && opts.Format != "json" {
				return cmdutil.FlagErrorf("unknown --format %q; use text or json", opts.Format)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runShow(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	fl.StringVar(&opts.Password, "password", "", "password of a PKCS#12 file (also OOTS_PASSWORD)")
	return cmd
}

func runShow(opts *ShowOptions) error {
	certs, err := readCertificates(opts.File, opts.Password)
	if err != nil {
		return err
	}
	out := opts.Factory.IOStreams.Out
	if opts.Format == "json" {
		return writeShowJSON(out, opts.File, certs)
	}
	return writeShowText(out, certs, time.Now())
}

// readCertificates reads a PKCS#12 file's certificate and chain, or every
// certificate of a PEM or DER file.
func readCertificates(path, password string) ([]*x509.Certificate, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".p12", ".pfx":
		id, err := pki.LoadIdentity(path, "", password)
		if err != nil {
			return nil, err
		}
		return append([]*x509.Certificate{id.Certificate}, id.Chain...), nil
	}
	return pki.LoadCertificates(path)
}

type showJSON struct {
	File         string                `json:"file"`
	Certificates []pki.CertificateInfo `json:"certificates"`
}

func writeShowJSON(out io.Writer, file string, certs []*x509.Certificate) error {
	doc := showJSON{File: file, Certificates: make([]pki.CertificateInfo, 0, len(certs))}
	for _, c := range certs {
		doc.Certificates = append(doc.Certificates, pki.Describe(c))
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func writeShowText(out io.Writer, certs []*x509.Certificate, now time.Time) error {
	var b strings.Builder
	for i, c := range certs {
		if i > 0 {
			b.WriteString("\n")
		}
		if len(certs) > 1 {
			fmt.Fprintf(&b, "certificate %d of %d\n", i+1, len(certs))
		}
		writeInfo(&b, pki.Describe(c), now)
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func writeInfo(b *strings.Builder, info pki.CertificateInfo, now time.Time) {
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(b, "  %-14s %s\n", label, value)
		}
	}
	line("subject", info.Subject)
	line("issuer", info.Issuer)
	line("serial", info.Serial)
	line("valid", fmt.Sprintf("%s to %s (%s)", info.NotBefore.Format(time.RFC3339), info.NotAfter.Format(time.RFC3339), validityStatus(info, now)))
	line("key", keyText(info))
	line("key usage", strings.Join(info.KeyUsage, ", "))
	line("ext key usage", strings.Join(info.ExtKeyUsage, ", "))
	line("CA", map[bool]string{true: "yes", false: "no"}[info.CA])
	line("names", strings.Join(append(append([]string{}, info.DNSNames...), info.IPAddresses...), ", "))
	line("SHA-256", info.SHA256)
}

func validityStatus(info pki.CertificateInfo, now time.Time) string {
	switch {
	case now.Before(info.NotBefore):
		return "not yet valid"
	case now.After(info.NotAfter):
		return "expired"
	}
	return "valid now"
}

func keyText(info pki.CertificateInfo) string {
	if info.Curve != "" {
		return fmt.Sprintf("%s %s (%d bits)", info.KeyAlgorithm, info.Curve, info.KeySize)
	}
	if info.KeySize > 0 {
		return fmt.Sprintf("%s %d bits", info.KeyAlgorithm, info.KeySize)
	}
	return info.KeyAlgorithm
}
