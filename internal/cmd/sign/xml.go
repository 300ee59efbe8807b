package sign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// XMLOptions are the inputs of `oots sign xml`.
type XMLOptions struct {
	Factory *cmdutil.Factory

	// Inputs are the document to sign (a path or "-"), or with Detached the files.
	Inputs   []string
	Key      string
	Cert     string
	Password string
	XAdES    bool
	Detached bool
	Output   string
}

// NewCmdSignXML builds `oots sign xml`.
func NewCmdSignXML(f *cmdutil.Factory, runF func(context.Context, *XMLOptions) error) *cobra.Command {
	opts := &XMLOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "xml FILE|- --key KEY [--cert CERT] [--xades] [--detached] [-o OUT]",
		Short: "Sign an XML message (XML-DSig / XAdES baseline B)",
		Long: `Sign an XML message with an enveloped XML signature: the signature becomes the
last child of the document element and covers the whole document (Reference
URI="", enveloped-signature and exclusive C14N transforms, SHA-256). The
algorithm follows the key: RSA-SHA256, ECDSA-SHA256 (P-256) or Ed25519. The
signer's certificate (and its intermediates) go into KeyInfo. Every byte of
the message outside the signature is kept as it was.

--xades adds the XAdES baseline B signed properties: SigningTime and
SigningCertificateV2, covered by a second Reference.

--detached signs files instead: the output is a standalone signature document
whose References name the files by their path relative to the signature's
folder (the folder of -o, or the current one), where 'oots verify xml' looks
for them.

The key is a PEM private key with --cert, or a PKCS#12 file (.p12) with
--password. See docs/xml-signatures.md.`,
		Example: `  oots sign xml request.xml --key node-p256-key.pem --cert node-p256.pem -o signed.xml
  oots sign xml --xades request.xml --key node.p12 --password secret -o signed.xml
  cat request.xml | oots sign xml - --key key.pem --cert cert.pem > signed.xml
  oots sign xml --detached invoice.pdf evidence.xml --key key.pem --cert cert.pem -o bundle.sig.xml`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
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
	fl.StringVar(&opts.Key, "key", "", "signing key: PEM private key, or PKCS#12 file (.p12/.pfx)")
	fl.StringVar(&opts.Cert, "cert", "", "PEM certificate of the key, followed by its chain (optional with PKCS#12)")
	fl.StringVar(&opts.Password, "password", "", "password of the PKCS#12 file (or OOTS_PASSWORD)")
	fl.BoolVar(&opts.XAdES, "xades", false, "add XAdES baseline B signed properties (SigningTime, SigningCertificateV2)")
	fl.BoolVar(&opts.Detached, "detached", false, "sign the given files; write a standalone signature document")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (atomically) instead of standard output")
	return cmd
}

func (o *XMLOptions) check() error {
	switch {
	case o.Key == "":
		return cmdutil.FlagErrorf("give the signing key with --key")
	case len(o.Inputs) == 0:
		return cmdutil.FlagErrorf("give the file to sign, or - for standard input")
	case !o.Detached && len(o.Inputs) > 1:
		return cmdutil.FlagErrorf("give one document to sign (several files need --detached)")
	}
	if o.Detached {
		for _, in := range o.Inputs {
			if in == "-" {
				return cmdutil.FlagErrorf("--detached signs files by name; standard input has none")
			}
		}
	}
	return nil
}

func runXML(ctx context.Context, opts *XMLOptions) error {
	id, err := pki.LoadIdentity(opts.Key, opts.Cert, opts.Password)
	if err != nil {
		return err
	}
	signOpts := dsig.SignOptions{XAdES: opts.XAdES}
	var out []byte
	if opts.Detached {
		out, err = signDetachedXML(ctx, opts, id, signOpts)
	} else {
		out, err = signEnvelopedXML(ctx, opts, id, signOpts)
	}
	if err != nil {
		return err
	}
	return writeXMLOutput(opts.Factory, opts.Output, out)
}

func signEnvelopedXML(ctx context.Context, opts *XMLOptions, id *pki.Identity, signOpts dsig.SignOptions) ([]byte, error) {
	data, name, err := cmdutil.ReadInput(opts.Factory.IOStreams.In, opts.Inputs[0], 0)
	if err != nil {
		return nil, err
	}
	out, err := dsig.SignEnveloped(ctx, data, id, signOpts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// signDetachedXML names every file by its path relative to the folder the
// signature is written to, where verification will look for it.
func signDetachedXML(ctx context.Context, opts *XMLOptions, id *pki.Identity, signOpts dsig.SignOptions) ([]byte, error) {
	base := "."
	if opts.Output != "" {
		base = filepath.Dir(opts.Output)
	}
	var files []dsig.DetachedFile
	for _, path := range opts.Inputs {
		uri, err := detachedFileURI(base, path)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, xmlReadError(path, err)
		}
		defer func() { _ = f.Close() }() // read-only: a close error changes nothing
		files = append(files, dsig.DetachedFile{URI: uri, Content: f})
	}
	return dsig.SignDetached(ctx, files, id, signOpts)
}

func detachedFileURI(base, path string) (string, error) {
	absBase, err := filepath.Abs(base)
	if err != nil {
		return "", err
	}
	absPath, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absBase, absPath)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is not in or below %s, the folder of the signature; write the signature (-o) beside the files it signs", path, absBase)
	}
	return dsig.FileURI(filepath.ToSlash(rel))
}

func xmlReadError(name string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: no such file", name)
	}
	return fmt.Errorf("reading %s: %w", name, err)
}

func writeXMLOutput(f *cmdutil.Factory, path string, data []byte) error {
	if path == "" {
		_, err := f.IOStreams.Out.Write(data)
		return err
	}
	return cmdutil.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
