package xmldoc

import (
	"context"
	"strings"
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

func TestAttrValueMatchesHelium(t *testing.T) {
	doc, err := Parse(context.Background(), []byte(`<r a="plain" b="" c="x &amp; &lt;y&gt; &#x41;" d="  spaced  " xmlns:p="urn:p" p:e="ns"/>`), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	attrs := doc.DocumentElement().Attributes()
	if len(attrs) != 5 {
		t.Fatalf("%d attributes, want 5", len(attrs))
	}
	for _, a := range attrs {
		if got, want := AttrValue(a), a.Value(); got != want {
			t.Errorf("AttrValue(%s) = %q, want %q", a.Name(), got, want)
		}
	}
	if v, ok := Attr(doc.DocumentElement(), "d"); !ok || v != "spaced" {
		t.Errorf("Attr(d) = %q, %v", v, ok)
	}
	if _, ok := Attr(doc.DocumentElement(), "missing"); ok {
		t.Error("Attr(missing) found")
	}
}

// Text gathers the character data below an element, in document order, and
// leaves out comments and processing instructions, one text node or many.
func TestText(t *testing.T) {
	doc, err := Parse(context.Background(), []byte(`<r>
  <one> single </one>
  <mixed>a<!-- note -->b<?pi x?><i>c<j>d</j></i><![CDATA[<e>]]> </mixed>
  <empty/><comment><!-- only --></comment>
</r>`), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	root := doc.DocumentElement()
	for local, want := range map[string]string{"one": "single", "mixed": "abcd<e>", "empty": "", "comment": ""} {
		if got := Text(Child(root, "", local)); got != want {
			t.Errorf("Text(<%s>) = %q, want %q", local, got, want)
		}
	}
	if Text(nil) != "" {
		t.Error("Text(nil)")
	}
	var names []string
	for c := range ChildElements(root) {
		names = append(names, c.LocalName())
	}
	if strings.Join(names, ",") != "one,mixed,empty,comment" {
		t.Errorf("ChildElements: %v", names)
	}
	for range ChildElements(nil) {
		t.Error("ChildElements(nil) yields")
	}
	if d := Descendants(root, "", "j"); len(d) != 1 || Text(d[0]) != "d" {
		t.Errorf("Descendants(j): %v", d)
	}
}
