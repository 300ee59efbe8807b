package pki

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// outputFile is one file of a set written together.
type outputFile struct {
	path string
	data []byte
	perm os.FileMode
}

// refuseExisting fails when any of the paths exists, naming them all.
func refuseExisting(paths []string) error {
	var existing []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			existing = append(existing, p)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	switch n := len(existing); {
	case n == 0:
		return nil
	case n == 1:
		return fmt.Errorf("%s already exists; give --force to replace it", existing[0])
	case n <= 3:
		return fmt.Errorf("%s already exist; give --force to replace them", strings.Join(existing, ", "))
	default:
		return fmt.Errorf("%s and %d more files already exist; give --force to replace them", existing[0], n-1)
	}
}

// writeSet writes every file through a temporary file in its folder and
// renames them into place only once all are complete, so a failure leaves no
// partial set behind. cmdutil.WriteFileAtomic writes one file at a time and
// always as 0644, which private keys must not be even briefly.
func writeSet(files []outputFile) (err error) {
	staged := make([]string, 0, len(files))
	defer func() {
		for _, tmp := range staged {
			_ = os.Remove(tmp) // gone after a successful rename; cleanup otherwise
		}
	}()
	for _, f := range files {
		tmp, err := stage(f)
		if err != nil {
			return err
		}
		staged = append(staged, tmp)
	}
	for i, f := range files {
		if err := os.Rename(staged[i], f.path); err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	return nil
}

// stage writes f to a new private temporary file, then gives it f's mode.
func stage(f outputFile) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", f.path, err)
	}
	_, err = tmp.Write(f.data)
	if err == nil {
		err = tmp.Chmod(f.perm)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("writing %s: %w", f.path, err)
	}
	return tmp.Name(), nil
}
