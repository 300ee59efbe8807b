package validate

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"io"

	"github.com/oots-tools/oots/pkg/report"
)

// writeReport writes to standard output, or to -o FILE through a temporary
// file renamed into place, so a failed run never leaves half a report.
func writeReport(opts *Options, rep *report.Report) error {
	streams := opts.Factory.IOStreams
	textOpts := report.TextOptions{Quiet: opts.Quiet, Verbose: opts.Verbose}
	if opts.Output == "" {
		textOpts.Color = streams.ColorEnabled() && !opts.NoColor
		return report.Write(streams.Out, opts.Format, rep, textOpts)
	}
	return cmdutil.WriteFileAtomic(opts.Output, func(w io.Writer) error { return report.Write(w, opts.Format, rep, textOpts) })
}
