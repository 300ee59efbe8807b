package xmlschema

import (
	"context"
	"fmt"
	"io/fs"
	"sync"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/schemas/structure"
)

// Entry points of the embedded structure model.
const (
	// EntryEDM covers EDM messages: RegRep query, lcm and rs documents with
	// their SDG content. It is the counterpart of the official driver schema.
	EntryEDM = "edm"
	// EntryEbMS covers the ebMS 3 eb:Messaging header and SOAP envelopes.
	EntryEbMS = "ebms"
)

var (
	edmOnce  sync.Once
	edmS     *Schema
	edmErr   error
	ebmsOnce sync.Once
	ebmsS    *Schema
	ebmsErr  error
)

// Embedded returns the schema for EDM messages built from the embedded
// structure model, validated by the native engine. It is built on first use
// (a few milliseconds) and shared afterwards.
func Embedded(ctx context.Context) (*Schema, error) {
	edmOnce.Do(func() {
		// The result is cached for every later caller, so the first
		// caller's cancellation must not poison it.
		edmS, edmErr = CompileModel(context.WithoutCancel(ctx), structure.FS, EntryEDM)
	})
	return edmS, edmErr
}

// EmbeddedEbMS returns the schema for eb:Messaging headers and SOAP 1.1/1.2
// envelopes built from the embedded structure model, validated by the
// native engine.
func EmbeddedEbMS(ctx context.Context) (*Schema, error) {
	ebmsOnce.Do(func() {
		ebmsS, ebmsErr = CompileModel(context.WithoutCancel(ctx), structure.FS, EntryEbMS)
	})
	return ebmsS, ebmsErr
}

// CompileModel builds the entry point entry of the structure model held in
// fsys (the *.model files at its top level) for the native engine, which
// validates documents against the model itself: no XSD is generated or
// compiled.
func CompileModel(ctx context.Context, fsys fs.FS, entry string) (*Schema, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ns, err := compileNative(fsys, entry)
	if err != nil {
		return nil, err
	}
	return &Schema{native: ns, names: ns.names}, nil
}

// compileModelXSD is the other route for the same model: it generates the
// XSD documents and compiles them with helium. The native engine must give
// its verdicts; the tests compare the two, and GenerateXSD shows what the
// model means in XSD terms.
func compileModelXSD(ctx context.Context, fsys fs.FS, entry string) (*Schema, error) {
	m, gen, err := generateModel(fsys, entry)
	if err != nil {
		return nil, err
	}
	rootDoc, err := helium.NewParser().Parse(ctx, gen.root)
	if err != nil {
		return nil, fmt.Errorf("structure model entry %s: generated root is not well-formed: %w", entry, err)
	}
	set := &schemaSet{files: gen.files, rootDoc: rootDoc}
	s, err := compileSet(ctx, set, entry+".xsd", m.prefixes())
	if err != nil {
		return nil, fmt.Errorf("structure model entry %s: %w", entry, err)
	}
	return s, nil
}

// GenerateXSD returns the XSD documents the structure model in fsys yields
// for entry: one per namespace ("rim.xsd", ...) plus "<entry>.xsd", the
// root that imports them. They reference each other with absolute
// "oots-schema:/" names. Meant for inspection and debugging.
func GenerateXSD(fsys fs.FS, entry string) (map[string][]byte, error) {
	_, gen, err := generateModel(fsys, entry)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(gen.files)+1)
	for k, v := range gen.files {
		out[k] = v
	}
	out[entry+".xsd"] = gen.root
	return out, nil
}

func generateModel(fsys fs.FS, entry string) (*modelSet, *generated, error) {
	stmts, err := readModelFS(fsys)
	if err != nil {
		return nil, nil, fmt.Errorf("structure model: %w", err)
	}
	m, err := buildModel(stmts)
	if err != nil {
		return nil, nil, fmt.Errorf("structure model: %w", err)
	}
	gen, err := m.generate(entry)
	if err != nil {
		return nil, nil, fmt.Errorf("structure model: %w", err)
	}
	return m, gen, nil
}
