// Package testdocs parses the repository's example messages for the tests
// and benchmarks of the libraries that read them.
package testdocs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Example parses examples/messages/name of the repository; the document is
// freed when the test ends.
func Example(tb testing.TB, name string) *helium.Document {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "examples", "messages", name))
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	tb.Cleanup(doc.Free)
	return doc
}

// repoRoot is the nearest folder above the working directory (a test's
// package folder) that holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
