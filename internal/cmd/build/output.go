package build

import (
	"io"

	"github.com/oots-tools/oots/internal/cmdutil"
)

// writeOutput writes the message to standard output, or to -o FILE through
// a temporary file renamed into place: never half a message in FILE.
func writeOutput(opts *Options, data []byte) error {
	return writeTo(opts, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeTo runs write on standard output, or on -o FILE atomically.
func writeTo(opts *Options, write func(io.Writer) error) error {
	if opts.Output == "" {
		return write(opts.Factory.IOStreams.Out)
	}
	return cmdutil.WriteFileAtomic(opts.Output, write)
}
