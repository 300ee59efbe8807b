package validate

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	return writeFileAtomic(opts.Output, func(w io.Writer) error { return report.Write(w, opts.Format, rep, textOpts) })
}

func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// After the rename the temporary name no longer exists; before it, this cleans up.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := write(tmp); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
