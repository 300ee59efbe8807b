package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxInput bounds what a command reads from one file or from standard input
// when the caller gives no smaller limit: the largest OOTS documents are a
// few MiB, and nothing is read without a bound.
const MaxInput = 64 << 20

// ReadInput reads the file at path, or in for "-", refusing more than limit
// bytes (MaxInput when limit <= 0). name is what messages call the input:
// the path, or "<stdin>".
func ReadInput(in io.Reader, path string, limit int64) (data []byte, name string, err error) {
	if limit <= 0 {
		limit = MaxInput
	}
	name = path
	r := in
	if path == "-" {
		name = "<stdin>"
	} else {
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, name, fmt.Errorf("%s: no such file", name)
			}
			return nil, name, fmt.Errorf("reading %s: %w", name, err)
		}
		defer f.Close() //nolint:errcheck // read only
		r = f
	}
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, name, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, name, fmt.Errorf("%s: larger than the limit of %d bytes", name, limit)
	}
	return data, name, nil
}
