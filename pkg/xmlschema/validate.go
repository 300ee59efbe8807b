package xmlschema

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xsd"
)

// Violation is one schema error found in a document.
type Violation struct {
	// Line is the 1-based line of the element the error is about: the line
	// on which its start tag ends, which is what libxml2 reports too (for an
	// attribute error, its element's line; for a document that is not
	// well-formed, the line of the parse error). 0 if unknown.
	Line int
	// Message says what is wrong in terms of the document, e.g.
	// "element sdg:Foo is not allowed here; expected one of sdg:Identifier, sdg:Name".
	Message string
	// Path locates the element, e.g. "/query:QueryRequest/rim:Slot[2]/rim:SlotValue".
	// Empty when the error concerns the document as a whole.
	Path string
}

// Validate checks doc against the schema and returns every violation, in
// document order; nil means the document is valid. It is safe to call from
// many goroutines at once: each call has its own validation state and only
// reads the schema. The native engine never modifies doc; helium's adds
// the default values of absent attributes to it.
func (s *Schema) Validate(ctx context.Context, doc *helium.Document) []Violation {
	if doc == nil || doc.DocumentElement() == nil {
		return []Violation{{Message: "the document has no root element"}}
	}
	if s.native != nil {
		return s.native.validate(ctx, doc)
	}
	var raw rawErrors
	err := xsd.NewValidator(s.compiled).ErrorHandler(&raw).Validate(ctx, doc)
	flagged := parityElements(doc)
	if err == nil && len(flagged) == 0 {
		return nil
	}
	rs := s.resolver()
	loc := &locator{doc: doc}
	out := make([]Violation, 0, len(raw.errs))
	for _, ve := range raw.errs {
		out = append(out, s.describe(ve, loc, &rs))
	}
	if err != nil && len(out) == 0 {
		// helium said invalid without a diagnostic: still report it, never
		// turn an invalid verdict into a valid one.
		out = append(out, Violation{Message: "the document is not valid: " + err.Error()})
	}
	if len(flagged) > 0 {
		out = append(out, s.attributeParity(ctx, doc, flagged, &rs)...)
		// Keep document order across the two sources.
		sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// KeepsDocuments reports whether Validate leaves the documents it checks
// exactly as they were: true for the native engine; helium's adds the
// default values of absent attributes to them.
func (s *Schema) KeepsDocuments() bool {
	return s.native != nil
}

// ValidateBytes parses data with a safe parser (no DTD loading, no network,
// no external entities) and validates it. A document that is not
// well-formed yields a single violation describing the parse error.
func (s *Schema) ValidateBytes(ctx context.Context, data []byte) []Violation {
	doc, err := helium.NewParser().Parse(ctx, data)
	if err != nil {
		return []Violation{parseViolation(err)}
	}
	return s.Validate(ctx, doc)
}

// parseViolation turns a helium parse error into a violation with a line.
func parseViolation(err error) Violation {
	v := Violation{Message: "the document is not well-formed XML: " + err.Error()}
	var pe helium.ErrParseError
	var ppe *helium.ErrParseError
	switch {
	case errors.As(err, &pe):
		v.Line = pe.LineNumber
		v.Message = "the document is not well-formed XML: " + causeText(pe.Err)
	case errors.As(err, &ppe):
		v.Line = ppe.LineNumber
		v.Message = "the document is not well-formed XML: " + causeText(ppe.Err)
	}
	return v
}

func causeText(err error) string {
	if err == nil {
		return "parse error"
	}
	return err.Error()
}

// rawErrors collects helium's structured validation errors.
type rawErrors struct {
	errs []*xsd.ValidationError
}

// Handle implements helium.ErrorHandler. Errors that are not
// *xsd.ValidationError (none are expected) are kept with their text.
func (r *rawErrors) Handle(_ context.Context, err error) {
	var lv helium.ErrorLeveler
	if errors.As(err, &lv) && lv.ErrorLevel() < helium.ErrorLevelError {
		return
	}
	var ve *xsd.ValidationError
	if errors.As(err, &ve) {
		r.errs = append(r.errs, ve)
		return
	}
	r.errs = append(r.errs, &xsd.ValidationError{Message: strings.TrimSpace(err.Error())})
}
