package build

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"io"
)

// writeOutput writes the message to standard output, or to -o FILE through
// a temporary file renamed into place: never half a message in FILE.
func writeOutput(opts *Options, data []byte) error {
	if opts.Output == "" {
		_, err := opts.Factory.IOStreams.Out.Write(data)
		return err
	}
	return cmdutil.WriteFileAtomic(opts.Output, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
