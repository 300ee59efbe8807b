package xmldoc

import (
	"context"
	"testing"
)

func TestFindersMatchNamespaceNotPrefix(t *testing.T) {
	doc, err := Parse(context.Background(), []byte(`<r xmlns:a="urn:a" xmlns="urn:d">
  <a:x>1</a:x><x xmlns="urn:a">2</x><a:y><a:x>3</a:x></a:y><b:x xmlns:b="urn:b">4</b:x>
</r>`), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	root := doc.DocumentElement()
	if !Is(root, "urn:d", "r") || Is(root, "", "r") {
		t.Error("Is must compare the namespace URI")
	}
	if got := len(Children(root, "urn:a", "x")); got != 2 {
		t.Errorf("Children: %d, want 2", got)
	}
	if got := Text(Child(root, "urn:a", "x")); got != "1" {
		t.Errorf("Child: %q", got)
	}
	var texts []string
	for _, d := range Descendants(root, "urn:a", "x") {
		texts = append(texts, Text(d))
	}
	if len(texts) != 3 || texts[2] != "3" {
		t.Errorf("Descendants: %v", texts)
	}
	if Descendant(root, "urn:b", "x") == nil || Descendant(root, "urn:c", "x") != nil || Child(nil, "", "x") != nil {
		t.Error("Descendant / nil handling")
	}
}
