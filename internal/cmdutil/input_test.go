package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.xml")
	if err := os.WriteFile(file, []byte("<a/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, name, err := ReadInput(nil, file, 0); err != nil || string(data) != "<a/>" || name != file {
		t.Errorf("file: %q %q %v", data, name, err)
	}
	if data, name, err := ReadInput(strings.NewReader("<b/>"), "-", 0); err != nil || string(data) != "<b/>" || name != "<stdin>" {
		t.Errorf("stdin: %q %q %v", data, name, err)
	}
	if _, _, err := ReadInput(nil, filepath.Join(dir, "none.xml"), 0); err == nil || !strings.HasSuffix(err.Error(), "none.xml: no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, _, err := ReadInput(nil, file, 3); err == nil || !strings.Contains(err.Error(), "larger than the limit of 3 bytes") {
		t.Errorf("limit: %v", err)
	}
	if data, _, err := ReadInput(strings.NewReader("abc"), "-", 3); err != nil || string(data) != "abc" {
		t.Errorf("exactly the limit: %q %v", data, err)
	}
}
