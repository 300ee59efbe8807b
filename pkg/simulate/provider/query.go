package provider

import (
	"slices"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

const (
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
	nsSDG   = "http://data.europa.eu/p4s"
)

// query is an evidence request as the provider needs it: what ReadRequest
// gives, plus the preview slots of the header.
type query struct {
	info *edm.RequestInfo
	// allowPreview is PossibilityForPreview: the requester can send the
	// user to a preview.
	allowPreview bool
	// previewLocation is set in the second request, after the preview.
	previewLocation string
}

// newQuery reads the request from the tree the validator parsed: the same
// content edm.ReadRequest reads, without parsing the message a second time
// (parsing is the largest cost of an answer).
func newQuery(doc *helium.Document) *query {
	root := doc.DocumentElement()
	allow := headerSlot(root, "PossibilityForPreview")
	return &query{
		info:            readRequest(root),
		allowPreview:    allow == "true" || allow == "1",
		previewLocation: headerSlot(root, "PreviewLocation"),
	}
}

func readRequest(root *helium.Element) *edm.RequestInfo {
	id, _ := xmldoc.Attr(root, "id")
	info := &edm.RequestInfo{ID: strings.TrimSpace(id), Specification: headerSlot(root, "SpecificationIdentifier")}
	info.Requester = readAgent(xmldoc.Descendant(slot(root, "EvidenceRequester"), nsSDG, "Agent"))
	info.Provider = readAgent(xmldoc.Descendant(slot(root, "EvidenceProvider"), nsSDG, "Agent"))
	q := xmldoc.Child(root, nsQuery, "Query")
	info.Subject = readSubject(q)
	info.EvidenceType = readEvidenceType(xmldoc.Descendant(slot(q, "EvidenceRequest"), nsSDG, "DataServiceEvidenceType"))
	return info
}

func readAgent(e *helium.Element) *edm.Agent {
	if e == nil {
		return nil
	}
	id := xmldoc.Child(e, nsSDG, "Identifier")
	scheme, _ := xmldoc.Attr(id, "schemeID")
	return &edm.Agent{Identifier: xmldoc.Text(id), Scheme: scheme, Names: readTexts(e, "Name"),
		Classification: sdgText(e, "Classification")}
}

func readSubject(q *helium.Element) *edm.Subject {
	if p := xmldoc.Descendant(slot(q, "NaturalPerson"), nsSDG, "Person"); p != nil {
		id := xmldoc.Child(p, nsSDG, "Identifier")
		scheme, _ := xmldoc.Attr(id, "schemeID")
		return &edm.Subject{NaturalPerson: &edm.NaturalPerson{Identifier: xmldoc.Text(id), Scheme: scheme,
			FamilyName: sdgText(p, "FamilyName"), GivenName: sdgText(p, "GivenName"), DateOfBirth: sdgText(p, "DateOfBirth")}}
	}
	if p := xmldoc.Descendant(slot(q, "LegalPerson"), nsSDG, "LegalPerson"); p != nil {
		id := xmldoc.Child(p, nsSDG, "LegalPersonIdentifier")
		scheme, _ := xmldoc.Attr(id, "schemeID")
		return &edm.Subject{LegalPerson: &edm.LegalPerson{Identifier: xmldoc.Text(id), Scheme: scheme,
			LegalName: sdgText(p, "LegalName")}}
	}
	return nil
}

func readEvidenceType(e *helium.Element) *edm.EvidenceType {
	if e == nil {
		return nil
	}
	t := &edm.EvidenceType{Identifier: sdgText(e, "Identifier"), Classification: sdgText(e, "EvidenceTypeClassification"),
		Titles: readTexts(e, "Title"), Descriptions: readTexts(e, "Description")}
	if d := xmldoc.Child(e, nsSDG, "DistributedAs"); d != nil {
		t.DistributedAs = &edm.Distribution{Format: sdgText(d, "Format"), ConformsTo: sdgText(d, "ConformsTo"),
			Transformation: sdgText(d, "Transformation")}
	}
	return t
}

// readTexts reads the sdg:<local lang="..."> children of e.
func readTexts(e *helium.Element, local string) []edm.Text {
	var out []edm.Text
	for _, c := range xmldoc.Children(e, nsSDG, local) {
		lang, _ := xmldoc.Attr(c, "lang")
		out = append(out, edm.Text{Lang: lang, Text: xmldoc.Text(c)})
	}
	return out
}

func sdgText(e *helium.Element, local string) string {
	return xmldoc.Text(xmldoc.Child(e, nsSDG, local))
}

// slot is the rim:Slot child of e with the given name, or nil.
func slot(e *helium.Element, name string) *helium.Element {
	for _, s := range xmldoc.Children(e, nsRIM, "Slot") {
		if v, _ := xmldoc.Attr(s, "name"); v == name {
			return s
		}
	}
	return nil
}

// headerSlot is the value of a rim:Slot of the request root, "" if absent.
func headerSlot(root *helium.Element, name string) string {
	return xmldoc.Text(xmldoc.Descendant(slot(root, name), nsRIM, "Value"))
}

// evidenceType is the requested classification and format.
func (q *query) evidenceType() (class, format string) {
	t := q.info.EvidenceType
	if t == nil {
		return "", ""
	}
	if t.DistributedAs != nil {
		format = t.DistributedAs.Format
	}
	return t.Classification, format
}

// subjectName names the request's subject in error details.
func (q *query) subjectName() string {
	s := q.info.Subject
	switch {
	case s == nil:
		return "the subject (none given)"
	case s.NaturalPerson != nil:
		p := s.NaturalPerson
		return strings.TrimSpace(p.GivenName+" "+p.FamilyName) + " (" + p.Identifier + ")"
	case s.LegalPerson != nil:
		return s.LegalPerson.LegalName + " (" + s.LegalPerson.Identifier + ")"
	}
	return "the subject"
}

// binding is what a preview is for: the second request must repeat it.
func (q *query) binding() binding {
	b := binding{}
	if s := q.info.Subject; s != nil && s.NaturalPerson != nil {
		b.subject = subjectKey(false, s.NaturalPerson.Identifier)
	} else if s != nil && s.LegalPerson != nil {
		b.subject = subjectKey(true, s.LegalPerson.Identifier)
	}
	b.evidenceType, _ = q.evidenceType()
	if r := q.info.Requester; r != nil {
		b.requester = r.SchemeID() + "\x00" + r.Identifier
	}
	return b
}

// failedRules are the ids of the findings that make a document invalid, in
// order and without repeats; a finding without a rule id (XML Schema,
// well-formedness) is named by its layer.
func failedRules(findings []report.Finding) []string {
	var errs, warns []string
	for _, f := range findings {
		id := f.Rule
		if id == "" {
			id = f.Layer
		}
		switch f.Severity {
		case report.SeverityError:
			errs = appendNew(errs, id)
		case report.SeverityWarning:
			warns = appendNew(warns, id)
		}
	}
	if len(errs) == 0 {
		return warns // a strict validator fails documents on warnings
	}
	return errs
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
