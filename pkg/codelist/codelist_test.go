package codelist_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/codelist"
	"github.com/oots-tools/oots/schemas"
)

func TestPlainList(t *testing.T) {
	fsys := fstest.MapFS{"lists/Colours.txt": {Data: []byte("# Colours 1.0\n\nred\n green \nred\n")}}
	set := codelist.NewSet(fsys, "lists")
	l, err := set.List("Colours")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(l.Codes, ",") != "red,green" || !l.Contains("green") || l.Contains("gre") || l.Contains("# Colours 1.0") {
		t.Fatalf("got %v", l.Codes)
	}
	if _, err := set.List("Missing"); err == nil {
		t.Fatal("a missing list was found")
	}
}

// TestEmbeddedListsMatchOfficial compares every embedded code list with the
// genericode list of the same name in the official artefacts.
func TestEmbeddedListsMatchOfficial(t *testing.T) {
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared oots-spec corpus not found")
	}
	embedded := codelist.NewSet(schemas.Codelists, "codelists")
	official, err := codelist.LoadGenericode(os.DirFS(spec), "codelists", nil)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../schemas/codelists/*.txt")
	compared := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		want, err := official.Codes(name)
		if err != nil {
			t.Logf("%s: no readable official list (%v)", name, err)
			continue
		}
		got, err := embedded.Codes(name)
		if err != nil {
			t.Fatal(err)
		}
		if sorted(got) != sorted(want) {
			t.Errorf("%s: embedded list differs from the official one", name)
		}
		compared++
	}
	if compared < 10 {
		t.Fatalf("only %d lists compared", compared)
	}
}

func sorted(codes []string) string {
	c := append([]string(nil), codes...)
	sort.Strings(c)
	return strings.Join(c, "\n")
}
