// Package scenarios holds the built-in `oots simulate` scenarios TC01–TC10
// (one YAML file each, in the format of docs/simulate.md) and the dataset
// their providers answer from (data/dataset.yaml). They run on the example
// catalogue of examples/catalog.
package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Files are the scenario files (TC*.yaml) and the data they refer to
// (data/...), by paths relative to the scenarios.
//
//go:embed *.yaml data
var Files embed.FS

// IDs lists the built-in scenarios in order: TC01, TC02, ...
func IDs() []string {
	names, _ := fs.Glob(Files, "TC*.yaml")
	ids := make([]string, 0, len(names))
	for _, n := range names {
		ids = append(ids, strings.TrimSuffix(n, path.Ext(n)))
	}
	sort.Strings(ids)
	return ids
}

// Get returns the YAML of built-in scenario id (case-insensitive: tc07 is TC07).
func Get(id string) ([]byte, error) {
	want := strings.ToUpper(strings.TrimSpace(id))
	for _, known := range IDs() {
		if known == want {
			return Files.ReadFile(known + ".yaml")
		}
	}
	return nil, fmt.Errorf("no built-in scenario %q; the built-ins are %s", id, strings.Join(IDs(), ", "))
}

// IsID tells whether s names a built-in scenario.
func IsID(s string) bool {
	_, err := Get(s)
	return err == nil
}
