// Package validate checks OOTS messages layer by layer — well-formedness, XML
// Schema, Schematron business rules, code lists and, for request/response
// pairs, cross-document consistency — and reports every finding.
package validate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/schematron"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Options tune a validation.
type Options struct {
	// Kind forces the message kind instead of detecting it ("" detects).
	Kind Kind
	// FailFast stops after the first layer that fails.
	FailFast bool
	// Strict makes warnings and info findings fail the document too.
	Strict bool
	// Limits bound the input document.
	Limits xmldoc.Limits
}

// Validator validates documents against one rule set. It is safe for
// concurrent use.
type Validator struct {
	rules *RuleSet
	opts  Options
}

// New returns a validator for the rule set.
func New(rules *RuleSet, opts Options) *Validator {
	if opts.Limits == (xmldoc.Limits{}) {
		opts.Limits = xmldoc.DefaultLimits
	}
	return &Validator{rules: rules, opts: opts}
}

// Document is a parsed message with its kind, for callers that need both the
// findings and the tree (the cross-document checks).
type Document struct {
	Doc  *helium.Document
	Kind Kind
	// AsParsed is true when the tree is exactly what parsing the bytes gave:
	// no enveloped signature was set aside and the schema layer added no
	// default attributes. Such a tree can stand for a fresh parse.
	AsParsed bool
}

// Free hands the tree back to the parser's pools; neither the Document nor
// any node of it may be used afterwards. Strings read from the tree are
// copies and stay valid. A nil Document is ignored.
func (d *Document) Free() {
	if d != nil && d.Doc != nil {
		d.Doc.Free()
	}
}

// Validate checks one document given as bytes; path is reported as given.
// The parsed tree is handed back to the parser's pools: a node validates
// thousands of messages, and their trees are most of what it allocates.
func (v *Validator) Validate(ctx context.Context, path string, data []byte) report.FileResult {
	res, doc := v.ValidateDocument(ctx, path, data)
	doc.Free()
	return res
}

// ValidateDocument is Validate that also returns the parsed document (nil when
// it is not well-formed).
func (v *Validator) ValidateDocument(ctx context.Context, path string, data []byte) (report.FileResult, *Document) {
	res := report.FileResult{Path: path, Kind: string(v.opts.Kind), Findings: []report.Finding{}}
	doc, err := xmldoc.Parse(ctx, data, v.opts.Limits)
	if err != nil {
		res.Findings = append(res.Findings, wellFormedFinding(err))
		if res.Kind == "" {
			res.Kind = string(Unknown)
		}
		return v.finish(res), nil
	}
	kind := v.opts.Kind
	if kind == "" {
		kind = Detect(doc)
	}
	res.Kind = string(kind)
	res.Signature = setAsideSignature(doc)
	if kind == Unknown {
		res.Findings = append(res.Findings, unknownKindFinding(doc))
		return v.finish(res), &Document{Doc: doc, Kind: kind, AsParsed: res.Signature == ""}
	}
	// XML Schema validation may add default attribute values to the tree, and
	// the business rules must see the document as it was written: so the
	// rules run first, and the findings are then reported in layer order.
	rules := v.schematronLayer(ctx, doc, kind)
	codes := v.codelistLayer(ctx, doc, kind)
	for _, found := range [][]report.Finding{v.xsdLayer(ctx, doc, kind), rules, codes} {
		res.Findings = append(res.Findings, found...)
		if v.opts.FailFast && v.fails(found) {
			break
		}
	}
	asParsed := res.Signature == "" && v.schemaKeepsDocuments(kind)
	return v.finish(res), &Document{Doc: doc, Kind: kind, AsParsed: asParsed}
}

// nsDSig is the XML-DSig namespace.
const nsDSig = "http://www.w3.org/2000/09/xmldsig#"

// setAsideSignature removes an enveloped ds:Signature that is the last
// child element of the document element and says where it was ("" when
// there is none). The enveloped-signature transform defines the signed
// content as the document without that element, and the OOTS schemas leave
// no place for it: so the rules check exactly what was signed. Signatures
// anywhere else stay and are reported by the schema as usual.
func setAsideSignature(doc *helium.Document) string {
	root := doc.DocumentElement()
	var last *helium.Element
	for c := range xmldoc.ChildElements(root) {
		last = c
	}
	if !xmldoc.Is(last, nsDSig, "Signature") {
		return ""
	}
	note := fmt.Sprintf("enveloped ds:Signature at line %d", last.Line())
	helium.UnlinkNode(last)
	return note
}

func (v *Validator) finish(res report.FileResult) report.FileResult {
	res.Valid = !v.fails(res.Findings)
	return res
}

// fails reports whether findings make a document invalid.
func (v *Validator) fails(findings []report.Finding) bool {
	return report.Fails(findings, v.opts.Strict)
}

func wellFormedFinding(err error) report.Finding {
	f := report.Finding{Layer: report.LayerWellFormed, Severity: report.SeverityError, Message: err.Error()}
	var xe *xmldoc.Error
	if errors.As(err, &xe) {
		f.Line, f.Message = xe.Line, xe.Msg
		if xe.Column > 0 {
			f.Message = fmt.Sprintf("column %d: %s", xe.Column, xe.Msg)
		}
	}
	return f
}

func unknownKindFinding(doc *helium.Document) report.Finding {
	root := doc.DocumentElement()
	return report.Finding{
		Layer: report.LayerWellFormed, Severity: report.SeverityError, Line: root.Line(), Rule: "OOTS-KIND",
		Message: fmt.Sprintf("not an OOTS message: root element {%s}%s is none of query:QueryRequest, query:QueryResponse, lcm:SubmitObjectsRequest, rs:RegistryResponse, eb:Messaging, S12:Envelope (use --kind to force one)", root.URI(), root.LocalName()),
	}
}

// documentKeeper is a schema that can tell whether it changes the documents
// it validates.
type documentKeeper interface {
	KeepsDocuments() bool
}

// schemaKeepsDocuments reports whether the schema layer of kind left the
// tree as parsed; a schema that cannot tell is assumed to change it.
func (v *Validator) schemaKeepsDocuments(kind Kind) bool {
	schema, err := v.schemaFor(kind).get()
	if err != nil || schema == nil {
		return true // no schema ran
	}
	k, ok := schema.(documentKeeper)
	return ok && k.KeepsDocuments()
}

func (v *Validator) schemaFor(kind Kind) *lazySchema {
	if kind == EbMSHeader || kind == SOAPEnvelope {
		return &v.rules.ebms
	}
	return &v.rules.edm
}

func (v *Validator) xsdLayer(ctx context.Context, doc *helium.Document, kind Kind) []report.Finding {
	source := "EDM structure"
	if kind == EbMSHeader || kind == SOAPEnvelope {
		source = "ebMS3 structure"
	}
	schema, err := v.schemaFor(kind).get()
	if err != nil {
		return []report.Finding{{Layer: report.LayerXSD, Source: source, Severity: report.SeverityError,
			Message: "the XML Schema could not be compiled: " + err.Error()}}
	}
	if schema == nil {
		return nil
	}
	var out []report.Finding
	for _, e := range schema.Validate(ctx, doc) {
		out = append(out, report.Finding{
			Layer: report.LayerXSD, Source: source, Severity: report.SeverityError,
			Line: e.Line, Location: e.Path, Message: e.Message,
		})
	}
	return out
}

func (v *Validator) schematronLayer(ctx context.Context, doc *helium.Document, kind Kind) []report.Finding {
	packs, err := v.rules.rulesFor(kind)
	if err != nil {
		return []report.Finding{{Layer: report.LayerSchematron, Severity: report.SeverityError,
			Message: "the rules could not be compiled: " + err.Error()}}
	}
	// One document index and one set of computed values serve every pack.
	batch := schematron.NewBatch(doc)
	defer batch.Close()
	var out []report.Finding
	for _, nr := range packs {
		results, err := batch.Validate(ctx, nr.compiled)
		if err != nil {
			out = append(out, report.Finding{Layer: report.LayerSchematron, Source: nr.source, Severity: report.SeverityError,
				Message: "the rules could not be run on this document: " + err.Error()})
		}
		for _, r := range results {
			out = append(out, schematronFinding(nr.source, r))
		}
	}
	return out
}

func schematronFinding(source string, r schematron.Result) report.Finding {
	return report.Finding{
		Layer: report.LayerSchematron, Rule: r.ID, Source: source, Severity: Severity(r.EffectiveRole()),
		Line: r.Line, Location: r.Location, Message: r.Message, Role: r.Role, Flag: r.Flag, Test: r.Test,
	}
}

// Severity maps a Schematron role (or flag) to a report severity: no role
// means the assert is a requirement, so an error.
func Severity(role string) string {
	switch strings.ToLower(role) {
	case "warning", "warn", "caution":
		return report.SeverityWarning
	case "info", "information", "informational":
		return report.SeverityInfo
	}
	return report.SeverityError
}
