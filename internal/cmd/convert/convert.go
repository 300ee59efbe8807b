// Package convert implements `oots convert`: OOTS messages between XML and
// the JSON form of pkg/edmjson, and genericode code lists to CSV or JSON.
package convert

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/edmjson"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/spf13/cobra"
)

// Options are the inputs of `oots convert`.
type Options struct {
	Factory *cmdutil.Factory

	Input      string
	To         string
	Output     string
	NoValidate bool
	// KeepWhitespace selects the strict JSON form that also keeps indentation.
	KeepWhitespace bool
	// Lang is the preferred language of an HTML page.
	Lang string
}

// NewCmdConvert builds `oots convert` with its codelist subcommand.
func NewCmdConvert(f *cmdutil.Factory) *cobra.Command {
	cmd := newCmdConvert(f, nil)
	cmd.AddCommand(newCmdCodelist(f, nil))
	return cmd
}

// newCmdConvert builds the command; runF replaces the run function in tests.
func newCmdConvert(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "convert [--to json|xml] FILE|- [-o OUT]",
		Short: "Convert OOTS messages between XML and JSON",
		Long: `Convert an OOTS message (any EDM message kind, ebMS3 header, or any other XML
document) to its JSON form, or JSON back to XML. The JSON form is documented in
docs/edm-json.md: slots by name, SDG content as nested objects, languages and
namespace prefixes kept. XML -> JSON -> XML gives the same document after
exclusive canonicalisation, comments and indentation aside; --keep-whitespace
keeps the indentation too, in a less compact form.

The direction follows the input (XML becomes JSON, JSON becomes XML); --to
states it. XML made from JSON is validated with the embedded rules before it is
written: when it is invalid the findings are shown and nothing is written,
unless --no-validate.

Exit status: 0 converted, 2 the XML made from JSON is invalid, 1 unreadable or
malformed input, or a usage error.`,
		Example: `  oots convert request.xml -o request.json
  oots convert request.json -o request.xml
  cat response.xml | oots convert --to json -
  oots convert --to html --lang de response.xml -o response.html
  oots convert codelist EBErrorCodes-CodeList.gc --to csv`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give one file to convert, or - for standard input")
			}
			opts.Input = args[0]
			if opts.To != "" && opts.To != "json" && opts.To != "xml" && opts.To != "html" {
				return cmdutil.FlagErrorf("unknown --to %q; use json, xml or html", opts.To)
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "output format: json, xml or html (default: the other one of json and xml)")
	fl.StringVar(&opts.Lang, "lang", "", "html: the language to show texts in, where the message has several (default: the message's)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (atomically) instead of standard output")
	fl.BoolVar(&opts.NoValidate, "no-validate", false, "write XML made from JSON even when it is invalid")
	fl.BoolVar(&opts.KeepWhitespace, "keep-whitespace", false, "XML to JSON: keep indentation too (a less compact form, see docs/edm-json.md)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	data, name, err := readInput(opts.Factory, opts.Input)
	if err != nil {
		return err
	}
	from := sniff(data, name)
	if from == "" {
		return fmt.Errorf("%s: neither XML nor JSON (the first character is neither '<' nor '{')", name)
	}
	to := opts.To
	if to == "" {
		to = other(from)
	}
	if to == from {
		return fmt.Errorf("%s is already %s; --to %s converts nothing", name, strings.ToUpper(from), to)
	}
	var out []byte
	switch {
	case to == "html":
		out, err = toHTML(ctx, name, from, data, opts.Lang)
	case from == "xml":
		out, err = xmlToJSON(ctx, name, data, edmjson.Options{KeepWhitespace: opts.KeepWhitespace})
	default:
		out, err = jsonToXML(ctx, opts, name, data)
	}
	if err != nil {
		return err
	}
	return writeOutput(opts.Factory, opts.Output, out)
}

func other(format string) string {
	if format == "xml" {
		return "json"
	}
	return "xml"
}

// sniff tells the input format from its first significant character, which
// is reliable for both formats, and from the file extension otherwise.
func sniff(data []byte, name string) string {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(trimmed) > 0 && trimmed[0] == '<':
		return "xml"
	case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		return "json"
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xml":
		return "xml"
	case ".json":
		return "json"
	}
	return ""
}

// readInput reads a file or standard input; name is what messages call it.
func readInput(f *cmdutil.Factory, path string) (data []byte, name string, err error) {
	return cmdutil.ReadInput(f.IOStreams.In, path, 0)
}

func xmlToJSON(ctx context.Context, name string, data []byte, jopts edmjson.Options) ([]byte, error) {
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		return nil, positionedError(name, err)
	}
	return edmjson.ToJSONWith(doc, jopts)
}

func jsonToXML(ctx context.Context, opts *Options, name string, data []byte) ([]byte, error) {
	out, err := edmjson.FromJSON(data)
	if err != nil {
		return nil, positionedError(name, err)
	}
	if opts.NoValidate {
		return out, nil
	}
	return out, checkXML(ctx, opts.Factory, name, out)
}

// positionedError names the file and, when known, the line and column in
// the FILE:LINE:COL form editors jump to.
func positionedError(name string, err error) error {
	var xe *xmldoc.Error
	var se *edmjson.SyntaxError
	switch {
	case errors.As(err, &xe) && xe.Line > 0:
		return fmt.Errorf("%s:%d:%d: %s", name, xe.Line, xe.Column, xe.Msg)
	case errors.As(err, &se):
		return fmt.Errorf("%s:%d:%d: %s", name, se.Line, se.Column, se.Msg)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// checkXML validates XML made from JSON with the embedded rules. Documents
// that are not OOTS messages have no rules and pass; invalid ones are
// reported on stderr and not written.
func checkXML(ctx context.Context, f *cmdutil.Factory, name string, xml []byte) error {
	rs, err := validate.Embedded(ctx)
	if err != nil {
		return fmt.Errorf("loading the embedded rules: %w", err)
	}
	res := validate.New(rs, validate.Options{}).Validate(ctx, name, xml)
	if res.Valid || res.Kind == string(validate.Unknown) {
		return nil
	}
	writeFindings(f.IOStreams.ErrOut, name, res)
	return cmdutil.ErrInvalid
}

func writeFindings(w io.Writer, name string, res report.FileResult) {
	_, _ = fmt.Fprintf(w, "%s: the XML made from it is an invalid %s; nothing written (--no-validate writes it anyway)\n", name, res.Kind)
	for _, fd := range res.Findings {
		if fd.Severity != "error" {
			continue
		}
		rule := fd.Rule
		if rule == "" {
			rule = "-"
		}
		_, _ = fmt.Fprintf(w, "  xml line %d  %s  %s  %s  (%s)\n", fd.Line, fd.Severity, rule, fd.Message, fd.Layer)
	}
}

// writeOutput writes to standard output or, with -o, atomically to a file.
func writeOutput(f *cmdutil.Factory, path string, data []byte) error {
	if path == "" {
		_, err := f.IOStreams.Out.Write(data)
		return err
	}
	return cmdutil.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
