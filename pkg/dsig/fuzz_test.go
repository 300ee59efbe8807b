package dsig

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// FuzzVerify feeds arbitrary documents to the signature parser and verifier.
// It must never panic, and whatever it accepts must be a signature that
// covers the document (or files) and names its signer.
func FuzzVerify(f *testing.F) {
	p := pkitest.New(f)
	ec, ed := p.Identity(f, pki.P256), p.Identity(f, pki.Ed25519)
	msg := exampleMessage(f, "evidence-request.xml")
	plain := mustSign(f, msg, ec, SignOptions{})
	xades := mustSign(f, []byte(`<r xmlns="urn:x" id="m"><a xml:lang="en">x</a></r>`), ed, SignOptions{XAdES: true})
	detached, err := SignDetached(context.Background(), []DetachedFile{{URI: "a.txt", Content: strings.NewReader("a")}}, ec, SignOptions{XAdES: true})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		plain, xades, detached,
		bytes.Replace(plain, []byte("oots-edm:v1.0"), []byte("oots-edm:v2.0"), 1),
		bytes.Replace(xades, []byte(`URI=""`), []byte(`URI="#m"`), 1),
		[]byte(`<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>`),
		[]byte(`<r><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></r>`),
		[]byte(`<?xml version="1.0"?><!DOCTYPE r><r/>`),
	} {
		f.Add(seed)
	}
	opts := trusting(p)
	opts.Files = fstest.MapFS{"a.txt": {Data: []byte("a")}}
	f.Fuzz(func(t *testing.T, doc []byte) {
		res, err := Verify(context.Background(), doc, opts)
		if err != nil {
			return
		}
		if res.Signer == nil || len(res.Chain) == 0 || len(res.References) == 0 {
			t.Fatalf("accepted without signer, chain or references: %+v", res)
		}
		for _, r := range res.References {
			if r.Kind == "" || r.Covers == "" {
				t.Fatalf("accepted a Reference that covers nothing: %+v", r)
			}
		}
	})
}
