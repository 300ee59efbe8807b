package edmjson

import (
	"context"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/c14n"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Canonical gives the form in which a document and its round trip through
// JSON are equal: exclusive C14N 1.0 without comments, after dropping the
// whitespace-only text of elements that have element children (indentation,
// which the JSON form does not keep).
func Canonical(ctx context.Context, data []byte) ([]byte, error) {
	return canonical(ctx, data, true)
}

// ExclusiveC14N gives the plain exclusive C14N 1.0 of data, comments
// dropped: the equality that ToJSONWith(doc, Options{KeepWhitespace: true})
// keeps.
func ExclusiveC14N(ctx context.Context, data []byte) ([]byte, error) {
	return canonical(ctx, data, false)
}

func canonical(ctx context.Context, data []byte, dropIndent bool) ([]byte, error) {
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		return nil, err
	}
	if dropIndent {
		dropIndentation(doc.DocumentElement())
	}
	return c14n.NewCanonicalizer(c14n.ExclusiveC14N10).CanonicalizeTo(doc)
}

func dropIndentation(e *helium.Element) {
	hasElem := false
	for n := e.FirstChild(); n != nil; n = n.NextSibling() {
		if c, ok := n.(*helium.Element); ok {
			hasElem = true
			dropIndentation(c)
		}
	}
	if !hasElem {
		return
	}
	var drop []helium.MutableNode
	for n := e.FirstChild(); n != nil; n = n.NextSibling() {
		if t, ok := n.(*helium.Text); ok && strings.TrimLeft(string(t.Content()), " \t\r\n") == "" {
			drop = append(drop, t)
		}
	}
	for _, n := range drop {
		helium.UnlinkNode(n)
	}
}
