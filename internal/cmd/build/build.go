// Package build implements `oots build`: evidence requests, evidence
// responses and evidence error responses from a YAML/JSON description and
// flags, validated before they are written.
package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/spf13/cobra"
)

// Message kinds built.
const (
	KindRequest  = "request"
	KindResponse = "response"
	KindError    = "error"
)

// Options are the inputs of `oots build`.
type Options struct {
	Factory *cmdutil.Factory

	Kind       string
	From       string
	Request    string
	Output     string
	EDMVersion string

	// Shortcuts for the values most often changed between two messages; the
	// rest belongs in the description.
	ID              string
	Procedure       string
	Code            string
	PreviewLocation string

	// Evidence files (response): each becomes one evidence's attachment.
	// Package writes message and attachments into a folder, MIME writes one
	// multipart/related package to Output.
	Evidence []string
	Package  string
	MIME     bool
}

// NewCmdBuild builds `oots build` for registration in the root command.
func NewCmdBuild(f *cmdutil.Factory) *cobra.Command { return newCmdBuild(f, nil) }

// newCmdBuild is NewCmdBuild; runF replaces the run function in tests.
func newCmdBuild(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "build request|response|error [flags]",
		Short: "Build OOTS evidence requests, responses and error responses",
		Long: `Build an OOTS EDM v1.0 evidence request, evidence response or evidence error
response from a YAML or JSON description (--from, see docs/build.md) and flags.

A response or error response can answer a request given with --request: its
requestId, specification, requester and provider (and for a response the
person and the evidence type) are read from that request, and the description
only adds the rest. Ids and times left out are generated (UUID v4, now).

Every message is validated with the embedded rules before it is written; an
invalid one is never written, and its errors are listed on standard error.

With --evidence FILE (response, repeatable) each file becomes the attachment
of one evidence: a generated cid: reference, the media type from the
extension (.pdf, .xml, .json, .png, .jpg/.jpeg). --package DIR writes the
message (response.xml) and the attachments into DIR; --mime writes one
multipart/related package. Otherwise only the message is written.

Exit status: 0 built, 2 the built message is invalid, 1 usage or input error.`,
		Example: `  oots build request --from request.yaml -o request.xml
  oots build response --request request.xml --from response.yaml
  oots build response --request request.xml --evidence birth.pdf --package out/
  oots build response --request request.xml --evidence birth.pdf --mime -o response.mime
  oots build error --request request.xml --code EDM:ERR:0005
  oots build error --from error-preview.yaml --preview-location https://preview.example/s/1`,
		ValidArgs: []string{KindRequest, KindResponse, KindError},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give the message kind: request, response or error")
			}
			opts.Kind = args[0]
			if err := checkOptions(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "", "YAML or JSON description of the message (- for standard input)")
	fl.StringVar(&opts.Request, "request", "", "response, error: the evidence request answered")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the message to this file instead of standard output")
	fl.StringVar(&opts.EDMVersion, "edm-version", "v1.0", "EDM version of the message (only v1.0 so far)")
	fl.StringVar(&opts.ID, "id", "", "request: message id (urn:uuid:...); response, error: EvidenceResponseIdentifier")
	fl.StringVar(&opts.Procedure, "procedure", "", "request: procedure code (code list Procedures, e.g. R1)")
	fl.StringVar(&opts.Code, "code", "", "error: EDM error code, EDM:ERR:0001 to EDM:ERR:0008")
	fl.StringVar(&opts.PreviewLocation, "preview-location", "", "error: where the user previews the evidence; request: the preview done")
	fl.StringArrayVar(&opts.Evidence, "evidence", nil, "response: a file attached as one evidence (repeatable; .pdf, .xml, .json, .png, .jpg)")
	fl.StringVar(&opts.Package, "package", "", "response with --evidence: write response.xml and the attachments into this new or empty folder")
	fl.BoolVar(&opts.MIME, "mime", false, "response with --evidence: write one multipart/related MIME package (message and attachments)")
	return cmd
}

func checkOptions(opts *Options) error {
	switch opts.Kind {
	case KindRequest, KindResponse, KindError:
	default:
		return cmdutil.FlagErrorf("unknown message kind %q: use request, response or error", opts.Kind)
	}
	if opts.EDMVersion != "v1.0" && opts.EDMVersion != "1.0" {
		return cmdutil.FlagErrorf("--edm-version %s: only EDM v1.0 messages can be built so far", opts.EDMVersion)
	}
	if opts.Kind == KindRequest && opts.Request != "" {
		return cmdutil.FlagErrorf("--request is for response and error: a request answers nothing")
	}
	if opts.Kind != KindRequest && opts.Procedure != "" {
		return cmdutil.FlagErrorf("--procedure is for request only")
	}
	if opts.Kind != KindError && opts.Code != "" {
		return cmdutil.FlagErrorf("--code is for error only")
	}
	if opts.Kind == KindResponse && opts.PreviewLocation != "" {
		return cmdutil.FlagErrorf("--preview-location is for request and error only")
	}
	if opts.From == "-" && opts.Request == "-" {
		return cmdutil.FlagErrorf("--from and --request cannot both read standard input")
	}
	if err := checkEvidenceOptions(opts); err != nil {
		return err
	}
	if opts.From == "" && opts.Request == "" {
		return cmdutil.FlagErrorf("give a description with --from (or --request for a response or error)")
	}
	return nil
}

func run(ctx context.Context, opts *Options) error {
	atts, err := readEvidence(opts)
	if err != nil {
		return err
	}
	data, err := buildMessage(ctx, opts, atts)
	var invalid *edm.InvalidError
	if errors.As(err, &invalid) {
		// Listed like a validation report; the message itself is dropped.
		_, _ = fmt.Fprintln(opts.Factory.IOStreams.ErrOut, invalid.Error())
		return cmdutil.ErrInvalid
	}
	if err != nil {
		return err
	}
	return writeMessage(opts, data, atts)
}

// buildMessage assembles the message of opts.Kind: the description, then
// what --request gives (see edm.Response.Answer: its requestId always, the
// agents, subject and evidence type where the description has none), then
// the flags over both.
func buildMessage(ctx context.Context, opts *Options, atts []edm.Attachment) ([]byte, error) {
	reqXML, err := readInput(opts, opts.Request)
	if err != nil {
		return nil, err
	}
	desc, err := readInput(opts, opts.From)
	if err != nil {
		return nil, err
	}
	switch opts.Kind {
	case KindRequest:
		return buildRequest(ctx, opts, desc)
	case KindResponse:
		return buildResponse(ctx, opts, reqXML, desc, atts)
	default:
		return buildError(ctx, opts, reqXML, desc)
	}
}

func buildRequest(ctx context.Context, opts *Options, desc []byte) ([]byte, error) {
	r := &edm.Request{}
	if err := decode(opts, desc, r); err != nil {
		return nil, err
	}
	set(&r.ID, opts.ID)
	set(&r.Procedure, opts.Procedure)
	set(&r.PreviewLocation, opts.PreviewLocation)
	return r.Build(ctx)
}

func buildResponse(ctx context.Context, opts *Options, reqXML, desc []byte, atts []edm.Attachment) ([]byte, error) {
	r := &edm.Response{}
	if err := decode(opts, desc, r); err != nil {
		return nil, err
	}
	if reqXML != nil {
		info, err := readRequest(opts, reqXML)
		if err != nil {
			return nil, err
		}
		r.Answer(info)
	}
	set(&r.ResponseID, opts.ID)
	if err := r.Attach(atts); err != nil {
		return nil, err
	}
	return r.Build(ctx)
}

func buildError(ctx context.Context, opts *Options, reqXML, desc []byte) ([]byte, error) {
	r := &edm.ErrorResponse{}
	if err := decode(opts, desc, r); err != nil {
		return nil, err
	}
	if reqXML != nil {
		info, err := readRequest(opts, reqXML)
		if err != nil {
			return nil, err
		}
		r.Answer(info)
	}
	set(&r.ResponseID, opts.ID)
	set(&r.Exception.Code, opts.Code)
	set(&r.Exception.PreviewLocation, opts.PreviewLocation)
	return r.Build(ctx)
}

func readRequest(opts *Options, reqXML []byte) (*edm.RequestInfo, error) {
	info, err := edm.ReadRequest(reqXML)
	if err != nil {
		return nil, fmt.Errorf("--request %s: %w", opts.Request, err)
	}
	return info, nil
}

// set lets a flag given on the command line win over the description.
func set(field *string, flag string) {
	if flag != "" {
		*field = flag
	}
}

func decode(opts *Options, desc []byte, v any) error {
	if desc == nil {
		return nil
	}
	if err := edm.Decode(desc, v); err != nil {
		return fmt.Errorf("--from %s: %w", opts.From, err)
	}
	return nil
}

// readInput reads a file, or standard input for "-"; nil for no file.
func readInput(opts *Options, path string) ([]byte, error) {
	switch path {
	case "":
		return nil, nil
	case "-":
		return io.ReadAll(opts.Factory.IOStreams.In)
	}
	return os.ReadFile(path)
}
