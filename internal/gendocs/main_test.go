package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReferenceIsCurrent fails when docs/reference differs from what the
// commands say about themselves: run `make docs` after changing a command.
func TestReferenceIsCurrent(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("nothing generated: %v", err)
	}
	for _, f := range files {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Join("../../docs/reference", filepath.Base(f)))
		if err != nil || string(got) != string(want) {
			t.Errorf("docs/reference/%s is out of date: run `make docs`", filepath.Base(f))
		}
	}
}
