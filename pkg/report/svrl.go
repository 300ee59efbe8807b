package report

import (
	"encoding/xml"
	"io"
	"strconv"
)

// SVRL output (ISO/IEC 19757-3 Schematron Validation Report Language).
//
// One file gives a bare svrl:schematron-output. Any other number of files (none, or several)
// gives an oots:svrl-reports root holding one svrl:schematron-output per file, in report
// order; the oots namespace is ootsNS. Each schematron-output says which file it is about in
// oots:document (SVRL itself has no place for the instance's name), plus oots:kind and
// oots:valid.
//
// Every finding becomes an svrl:failed-assert, whatever its layer: XSD, well-formedness,
// code-list and cross-document findings are not Schematron assertions, but SVRL consumers
// only look for failed-assert, and a report that left them out would call an invalid file
// clean. What SVRL cannot say goes into oots: attributes on the failed-assert: oots:layer
// (always, so a consumer can tell real Schematron failures apart), oots:severity, oots:line,
// oots:source. The model has no notion of a successful-report, so none is written.
//
// SVRL requires every failed-assert to follow an svrl:active-pattern and an svrl:fired-rule.
// The findings of one file are therefore grouped by (layer, source); each group opens with an
// active-pattern named after the source (or the layer) and a fired-rule with context "/",
// because the model does not keep the context of the rule that fired. A file without findings
// gets one such empty pair so that its schematron-output still has the required content.
// Attributes SVRL requires but the finding lacks are written as placeholders: location "/"
// (the whole document) when there is no XPath, test "" when there is no Schematron test.

const (
	svrlNS = "http://purl.oclc.org/dsdl/svrl"
	ootsNS = "urn:oots-tools:oots:report"
)

// svrlLayerNote is written into the output so that a person reading the raw XML learns that
// not every failed-assert is a Schematron assertion.
const svrlLayerNote = " Findings of all layers are written as svrl:failed-assert; oots:layer names the layer " +
	"(wellformed, xsd, schematron, codelist, cross). "

// WriteSVRL writes r as SVRL, see the comment at the top of this file for the layout.
func WriteSVRL(w io.Writer, r *Report) error {
	r = orEmpty(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	sw := &svrlWriter{enc: xml.NewEncoder(w)}
	sw.enc.Indent("", "  ")
	if len(r.Files) == 1 {
		sw.output(&r.Files[0], true)
	} else {
		sw.start("oots:svrl-reports", namespaces()...)
		sw.comment(svrlLayerNote)
		for i := range r.Files {
			sw.output(&r.Files[i], false)
		}
		sw.end("oots:svrl-reports")
	}
	sw.flush()
	if sw.err != nil {
		return sw.err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// svrlWriter emits tokens and keeps the first error, so the layout code reads top to bottom.
// Element and attribute names carry their prefix literally ("svrl:text") because
// encoding/xml would otherwise invent its own prefixes for namespaced names; the xmlns
// declarations on the root bind the prefixes.
type svrlWriter struct {
	enc *xml.Encoder
	err error
}

func (s *svrlWriter) token(t xml.Token) {
	if s.err == nil {
		s.err = s.enc.EncodeToken(t)
	}
}

func (s *svrlWriter) start(name string, attrs ...xml.Attr) {
	s.token(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs})
}

func (s *svrlWriter) end(name string) { s.token(xml.EndElement{Name: xml.Name{Local: name}}) }

func (s *svrlWriter) comment(text string) { s.token(xml.Comment(text)) }

// element writes <name attrs...>text</name>.
func (s *svrlWriter) element(name, text string, attrs ...xml.Attr) {
	s.start(name, attrs...)
	if text != "" {
		s.token(xml.CharData(text))
	}
	s.end(name)
}

func (s *svrlWriter) flush() {
	if s.err == nil {
		s.err = s.enc.Flush()
	}
}

func attr(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }

// optAttr appends the attribute only when it has a value, for SVRL's optional attributes.
func optAttr(attrs []xml.Attr, name, value string) []xml.Attr {
	if value == "" {
		return attrs
	}
	return append(attrs, attr(name, value))
}

func namespaces() []xml.Attr {
	return []xml.Attr{attr("xmlns:svrl", svrlNS), attr("xmlns:oots", ootsNS)}
}

// output writes one file's svrl:schematron-output; root says whether it is the document
// element and so must declare the namespaces and carry the note itself.
func (s *svrlWriter) output(f *FileResult, root bool) {
	var attrs []xml.Attr
	if root {
		attrs = namespaces()
	}
	attrs = append(attrs, attr("title", "oots validate"), attr("oots:document", f.Path))
	attrs = optAttr(attrs, "oots:kind", f.Kind)
	attrs = append(attrs, attr("oots:valid", strconv.FormatBool(f.Valid)))
	s.start("svrl:schematron-output", attrs...)
	if root {
		s.comment(svrlLayerNote)
	}
	if f.Error != "" {
		// human-text is allowed before the first pattern: the place for "this file was not checked".
		s.element("svrl:text", "cannot check: "+f.Error)
	}
	groups := svrlGroups(f.Findings)
	if len(groups) == 0 {
		groups = []svrlGroup{{name: "oots validate"}}
	}
	for _, g := range groups {
		s.group(g)
	}
	s.end("svrl:schematron-output")
}

// svrlGroup is the findings of one (layer, source): one active-pattern in the output.
type svrlGroup struct {
	layer, source, name string
	findings            []Finding
}

// svrlGroups groups findings by (layer, source), groups in layer order and, within a layer,
// in the order their source first appears.
func svrlGroups(fs []Finding) []svrlGroup {
	var groups []svrlGroup
	index := map[[2]string]int{}
	for _, x := range byLayer(fs) {
		key := [2]string{x.Layer, x.Source}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, svrlGroup{layer: x.Layer, source: x.Source, name: x.Source})
			if x.Source == "" {
				groups[i].name = x.Layer
			}
		}
		groups[i].findings = append(groups[i].findings, x)
	}
	return groups
}

func (s *svrlWriter) group(g svrlGroup) {
	s.element("svrl:active-pattern", "", attr("name", g.name))
	s.element("svrl:fired-rule", "", attr("context", "/"))
	for i := range g.findings {
		s.failedAssert(&g.findings[i])
	}
}

// failedAssert writes one finding. role is the rule's own Schematron role when it has one,
// else the severity, which is how SVRL consumers usually read role.
func (s *svrlWriter) failedAssert(x *Finding) {
	location := x.Location
	if location == "" {
		location = "/"
	}
	role := x.Role
	if role == "" {
		role = x.Severity
	}
	attrs := optAttr(nil, "id", x.Rule)
	attrs = append(attrs, attr("location", location), attr("test", x.Test))
	attrs = optAttr(attrs, "role", role)
	attrs = optAttr(attrs, "flag", x.Flag)
	attrs = append(attrs, attr("oots:layer", x.Layer), attr("oots:severity", x.Severity))
	if x.Line > 0 {
		attrs = append(attrs, attr("oots:line", strconv.Itoa(x.Line)))
	}
	attrs = optAttr(attrs, "oots:source", x.Source)
	s.start("svrl:failed-assert", attrs...)
	s.element("svrl:text", x.Message)
	s.end("svrl:failed-assert")
}
