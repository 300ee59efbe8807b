package validate_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/dsig"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"github.com/oots-tools/oots/pkg/validate"
)

// A message signed with an enveloped signature is validated as what was
// signed: the signature, which the EDM schema has no place for, is set
// aside and reported, not checked.
func TestEnvelopedSignatureIsSetAside(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile("../../examples/messages/evidence-request.xml")
	if err != nil {
		t.Fatal(err)
	}
	p := pkitest.New(t)
	signed, err := dsig.SignEnveloped(ctx, data, p.Identity(t, pki.P256), dsig.SignOptions{XAdES: true})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := validate.Embedded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := validate.New(rules, validate.Options{})

	res := v.Validate(ctx, "signed.xml", signed)
	if !res.Valid || len(res.Findings) != len(v.Validate(ctx, "plain.xml", data).Findings) {
		t.Errorf("signed message: valid=%v findings=%v", res.Valid, res.Findings)
	}
	if !strings.HasPrefix(res.Signature, "enveloped ds:Signature at line ") {
		t.Errorf("signature note %q", res.Signature)
	}

	// A signature elsewhere than last in the root is not an enveloped
	// signature of the message: the schema still refuses it.
	sig := signed[bytes.Index(signed, []byte("<ds:Signature")):bytes.LastIndex(signed, []byte("</query:QueryRequest>"))]
	moved := bytes.Replace(signed, sig, nil, 1)
	at := bytes.Index(moved, []byte("<rim:Slot"))
	moved = append(moved[:at:at], append(append([]byte{}, sig...), moved[at:]...)...)
	res = v.Validate(ctx, "moved.xml", moved)
	if res.Valid || res.Signature != "" {
		t.Errorf("a signature inside the message must stay and fail the schema: valid=%v note=%q", res.Valid, res.Signature)
	}
}
