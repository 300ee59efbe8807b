package xmldoc_test

import (
	"context"
	"testing"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// TestRawTextIsDirect: RawText reads helium's own bytes, without a copy,
// and gives what Content gives, for text and CDATA; other nodes are not text.
func TestRawTextIsDirect(t *testing.T) {
	doc, err := xmldoc.Parse(context.Background(), []byte("<a>x &amp; y<![CDATA[<z>]]><!--c--></a>"), xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Free()
	root := doc.DocumentElement()
	var kinds []string
	for c := root.FirstChild(); c != nil; c = c.NextSibling() {
		raw, ok := xmldoc.RawText(c)
		if c.Type() == helium.CommentNode {
			if ok {
				t.Errorf("a comment read as text: %q", raw)
			}
			continue
		}
		if !ok || string(raw) != string(c.Content()) {
			t.Fatalf("RawText = %q, %v; Content %q", raw, ok, c.Content())
		}
		if &raw[0] != &rawAgain(t, c)[0] {
			t.Errorf("RawText of %s copied the bytes: helium's layout changed, the direct path is off", c.Name())
		}
		kinds = append(kinds, string(raw))
	}
	if len(kinds) != 2 {
		t.Fatalf("read %q", kinds)
	}
}

// rawAgain reads the node twice: two direct reads share storage.
func rawAgain(t *testing.T, n helium.Node) []byte {
	t.Helper()
	raw, _ := xmldoc.RawText(n)
	return raw
}

// TestAttrLookups: attributes found by qualified name (prefixed or not) and
// by namespace, values read in place, as helium's own look-ups give them.
func TestAttrLookups(t *testing.T) {
	doc, err := xmldoc.Parse(context.Background(), []byte(`<a xmlns:p="urn:p" p:name="x" name="y z" other="w"><b>t</b><c/></a>`), xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Free()
	e := doc.DocumentElement()
	for _, name := range []string{"name", "p:name", "other", "missing", "p:other"} {
		want, wantOK := e.GetAttribute(name)
		a := xmldoc.AttrNode(e, name)
		if (a != nil) != wantOK || (a != nil && string(xmldoc.RawValue(a)) != want) {
			t.Errorf("AttrNode(%q) = %v, want %q %v", name, a, want, wantOK)
		}
		if got, ok := xmldoc.Attr(e, name); ok != wantOK || got != want {
			t.Errorf("Attr(%q) = %q %v, want %q %v", name, got, ok, want, wantOK)
		}
	}
	if a := xmldoc.AttrNodeNS(e, "urn:p", "name"); a == nil || string(xmldoc.RawValue(a)) != "x" {
		t.Errorf("AttrNodeNS {urn:p}name = %v", a)
	}
	if !xmldoc.AttrIs(e, "name", "y z") || xmldoc.AttrIs(e, "name", "y") || xmldoc.AttrIs(e, "nope", "") {
		t.Error("AttrIs compares the whole value of an existing attribute")
	}
	b := e.FirstChild()
	if got := string(xmldoc.RawValue(b)); got != "t" {
		t.Errorf("RawValue of <b> = %q", got)
	}
	if got := xmldoc.RawValue(b.NextSibling()); len(got) != 0 {
		t.Errorf("RawValue of <c/> = %q", got)
	}
}
