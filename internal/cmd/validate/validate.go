// Package validate implements `oots validate`.
package validate

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/jsonvalidate"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/spf13/cobra"
)

// Options are the inputs of `oots validate`.
type Options struct {
	Factory *cmdutil.Factory

	Inputs   []string
	Kind     string
	Rules    string
	Format   string
	Output   string
	Request  string
	Schema   string
	Jobs     int
	FailFast bool
	Strict   bool
	Quiet    bool
	Verbose  bool
	NoColor  bool
	Progress bool
}

// NewCmdValidate builds `oots validate`. runF replaces the run function in tests.
func NewCmdValidate(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "validate [FILE|DIR|GLOB|-]...",
		Short: "Validate OOTS messages: XML Schema, business rules, code lists",
		Long: `Validate OOTS evidence exchange messages, Evidence Broker and Data Service Directory
responses, LCM messages and ebMS3 headers.

Each document passes through every layer and each layer reports separately:
  wellformed  the document parses (no DTDs, size and depth limits)
  xsd         the XML Schema structure (RegRep 4 + OOTS SDG profile, or ebMS3)
  schematron  the OOTS business rules for the message kind (R-EDM-REQ-S001 ...)
  codelist    exact code list membership (OOTS-CL-...)
  cross       with --request: the response answers the request (OOTS-X-...)

The message kind is detected from the document; --kind forces it. By default the
rules embedded in oots are used; --rules DIR runs the official artefacts of an
OOTS release folder (xsd/, sch/, codelists/) instead.

With --schema, JSON documents are validated against that JSON Schema (offline).

Exit status: 0 all valid, 2 some document invalid, 1 usage or tool error.`,
		Example: `  oots validate request.xml
  oots validate --format json -o report.json messages/
  oots validate 'captures/**/*.xml' --strict
  cat response.xml | oots validate - --request request.xml
  oots validate --rules ./OOTS-EDM response.xml
  oots validate --schema diploma.schema.json diploma.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if len(opts.Inputs) == 0 {
				return cmdutil.FlagErrorf("give at least one file, folder, glob, or - for standard input")
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Kind, "kind", "", "force the message kind (see 'oots rules list')")
	fl.StringVar(&opts.Rules, "rules", "", "validate with the official artefacts in this folder (xsd/, sch/, codelists/)")
	fl.StringVarP(&opts.Format, "format", "f", "text", "report format: text, json, junit, svrl")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&opts.Request, "request", "", "check that each response answers this evidence request")
	fl.StringVar(&opts.Schema, "schema", "", "JSON Schema for JSON documents")
	fl.IntVarP(&opts.Jobs, "jobs", "j", 0, "documents validated in parallel (0: one per core)")
	fl.BoolVar(&opts.FailFast, "fail-fast", false, "stop checking a document after its first failing layer")
	fl.BoolVar(&opts.Strict, "strict", false, "warnings and info findings fail the document too")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "text report: show only invalid documents")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "text report: show the location and test of each finding")
	fl.BoolVar(&opts.NoColor, "no-color", false, "never colour the text report")
	fl.BoolVar(&opts.Progress, "progress", true, "show a progress bar on a terminal for large batches")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	if err := checkOptions(opts); err != nil {
		return err
	}
	start := time.Now()
	inputs, err := expandInputs(opts.Inputs)
	if err != nil {
		return err
	}
	b, err := newBatch(ctx, opts)
	if err != nil {
		return err
	}
	rep := &report.Report{Files: b.run(ctx, inputs)}
	rep.Summarize(time.Since(start))
	if err := writeReport(opts, rep); err != nil {
		return err
	}
	return exitStatus(rep)
}

func checkOptions(opts *Options) error {
	if !contains(report.Formats(), opts.Format) {
		return cmdutil.FlagErrorf("unknown --format %q; use one of %v", opts.Format, report.Formats())
	}
	if opts.Kind != "" {
		if _, err := validate.ParseKind(opts.Kind); err != nil {
			return cmdutil.FlagErrorf("--kind: %v", err)
		}
	}
	if opts.Jobs < 0 {
		return cmdutil.FlagErrorf("--jobs must not be negative")
	}
	if opts.Jobs == 0 {
		opts.Jobs = runtime.NumCPU()
	}
	return nil
}

// exitStatus turns the report into the command's outcome: unreadable inputs
// are tool errors (1), invalid documents exit 2.
func exitStatus(rep *report.Report) error {
	invalid := false
	for _, f := range rep.Files {
		if f.Error != "" {
			return cmdutil.ErrSilent
		}
		if !f.Valid {
			invalid = true
		}
	}
	if invalid {
		return cmdutil.ErrInvalid
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonSchema compiles --schema once for the batch.
func jsonSchema(opts *Options) (*jsonvalidate.Schema, error) {
	if opts.Schema == "" {
		return nil, nil
	}
	s, err := jsonvalidate.Compile(opts.Schema)
	if err != nil {
		return nil, fmt.Errorf("--schema %s: %w", opts.Schema, err)
	}
	return s, nil
}
