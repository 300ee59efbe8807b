package validate_test

import (
	"context"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"github.com/oots-tools/oots/pkg/validate"
)

// AsParsed says whether a validated tree can stand for a fresh parse of the
// bytes: the native structure model leaves it alone, an enveloped signature
// set aside and helium's schema engine (which adds default attributes)
// change it.
func TestDocumentAsParsed(t *testing.T) {
	ctx := context.Background()
	data := example(t, "messages/evidence-request.xml")
	v := validate.New(embedded(t), validate.Options{})

	res, doc := v.ValidateDocument(ctx, "request.xml", data)
	if !res.Valid || doc == nil || !doc.AsParsed {
		t.Fatalf("embedded rules on a plain request: valid=%v doc=%v", res.Valid, doc)
	}
	doc.Free()

	signed, err := dsig.SignEnveloped(ctx, data, pkitest.New(t).Identity(t, pki.P256), dsig.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, doc := v.ValidateDocument(ctx, "signed.xml", signed); doc == nil || doc.AsParsed {
		t.Error("a tree whose enveloped signature was set aside is not as parsed")
	}

	if _, doc := v.ValidateDocument(ctx, "broken.xml", []byte("<a>")); doc != nil {
		t.Error("a document that is not well-formed has no tree")
	}

	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared corpus not found: the official rules are not checked")
	}
	official, err := validate.LoadOfficial(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, doc := validate.New(official, validate.Options{}).ValidateDocument(ctx, "request.xml", data); doc == nil || doc.AsParsed {
		t.Error("helium's XML Schema engine may add default attributes: its trees are not as parsed")
	}
}
