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
