package build

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes the message to standard output, or to -o FILE through
// a temporary file renamed into place: never half a message in FILE.
func writeOutput(opts *Options, data []byte) error {
	if opts.Output == "" {
		_, err := opts.Factory.IOStreams.Out.Write(data)
		return err
	}
	return writeFileAtomic(opts.Output, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileAtomic is the one of `oots validate` (internal/cmd/validate).
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
