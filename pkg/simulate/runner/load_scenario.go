package runner

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/oots-tools/oots/pkg/simulate/scenarios"
)

// Load reads a scenario: a built-in by its id (TC01 ...) or a YAML file.
func Load(arg string) (*Scenario, error) {
	if scenarios.IsID(arg) {
		data, err := scenarios.Get(arg)
		if err != nil {
			return nil, err
		}
		sc, err := Parse(arg, data)
		if err != nil {
			return nil, err
		}
		sc.files = scenarios.Files
		return sc, nil
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s: no such scenario file, and not a built-in scenario (see 'oots simulate list')", arg)
		}
		return nil, err
	}
	sc, err := Parse(arg, data)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return nil, err
	}
	sc.dir = filepath.Dir(abs)
	return sc, nil
}

// isBuiltinData tells whether a dataset or catalogue reference is the
// built-in one rather than a file.
func isBuiltinData(ref string) bool { return ref == "" || ref == "example" }

// resolveFile makes a dataset or catalogue reference usable by a node: a
// path relative to the scenario file becomes absolute, a file of a built-in
// scenario is copied into the run's folder.
func (ru *run) resolveFile(ref string) (string, error) {
	if isBuiltinData(ref) || filepath.IsAbs(ref) {
		return ref, nil
	}
	if ru.sc.files == nil {
		return filepath.Join(ru.sc.dir, ref), nil
	}
	data, err := fs.ReadFile(ru.sc.files, path.Clean(filepath.ToSlash(ref)))
	if err != nil {
		return "", fmt.Errorf("scenario %s: %w", ru.sc.ID, err)
	}
	dst := filepath.Join(ru.dir, "files", filepath.FromSlash(path.Clean(filepath.ToSlash(ref))))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", err
	}
	return dst, os.WriteFile(dst, data, 0o600)
}
