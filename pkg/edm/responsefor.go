package edm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Namespaces matched by URI, never by prefix: senders choose their prefixes.
const (
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
	nsSDG   = "http://data.europa.eu/p4s"
)

// RequestInfo is what an answer repeats of the evidence request.
type RequestInfo struct {
	ID            string
	Specification string
	Requester     *Agent
	Provider      *Agent
	Subject       *Subject
	EvidenceType  *EvidenceType
}

// ReadRequest reads an evidence request with the safe parser (no DTDs,
// size and depth limits).
func ReadRequest(requestXML []byte) (*RequestInfo, error) {
	doc, err := xmldoc.Parse(context.Background(), requestXML, xmldoc.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("reading the request: %w", err)
	}
	root := doc.DocumentElement()
	if !is(root, nsQuery, "QueryRequest") {
		return nil, errors.New("reading the request: the document is not an evidence request (query:QueryRequest)")
	}
	id, _ := root.GetAttribute("id")
	info := &RequestInfo{ID: strings.TrimSpace(id), Specification: slotValue(root, "SpecificationIdentifier")}
	info.Requester = readAgent(child(slotOf(root, "EvidenceRequester"), nsSDG, "Agent", true))
	info.Provider = readAgent(child(slotOf(root, "EvidenceProvider"), nsSDG, "Agent", true))
	query := child(root, nsQuery, "Query", false)
	info.Subject = readSubject(query)
	info.EvidenceType = readEvidenceType(child(slotOf(query, "EvidenceRequest"), nsSDG, "DataServiceEvidenceType", true))
	return info, nil
}

// ResponseFor starts the response to a request: requestId, specification,
// requester, provider, the subject and the requested evidence type. The
// caller adds the evidences (Ref, and what the provider knows: issuing date,
// language).
func ResponseFor(requestXML []byte) (*Response, error) {
	info, err := ReadRequest(requestXML)
	if err != nil {
		return nil, err
	}
	r := &Response{}
	r.Answer(info)
	return r, nil
}

// ErrorResponseFor starts the error response to a request; the caller sets
// the exception.
func ErrorResponseFor(requestXML []byte) (*ErrorResponse, error) {
	info, err := ReadRequest(requestXML)
	if err != nil {
		return nil, err
	}
	r := &ErrorResponse{}
	r.Answer(info)
	return r, nil
}

// Answer makes r the answer to the request: the requestId and specification
// are always the request's, because they are what pairs the two messages;
// requester, provider, subject and evidence type are taken from the request
// only where r has none, so a description can still replace them whole.
func (r *Response) Answer(req *RequestInfo) {
	r.RequestID = req.ID
	r.Specification = req.Specification
	if r.Requester == nil {
		r.Requester = nameOnly(req.Requester)
	}
	if r.Provider == nil && req.Provider != nil {
		p := *req.Provider
		p.Classification = or(p.Classification, "EP")
		r.Provider = &p
	}
	if r.Subject.empty() {
		r.Subject = req.Subject
	}
	if r.EvidenceType == nil {
		r.EvidenceType = req.EvidenceType
	}
}

// Answer makes r the answer to the request, as Response.Answer does; the
// error provider is the request's evidence provider.
func (r *ErrorResponse) Answer(req *RequestInfo) {
	r.RequestID = req.ID
	r.Specification = req.Specification
	if r.Requester == nil {
		r.Requester = nameOnly(req.Requester)
	}
	if r.ErrorProvider == nil && req.Provider != nil {
		p := *req.Provider
		p.Classification = "ERRP"
		r.ErrorProvider = &p
	}
}

// nameOnly is the requester as answers name it: identifier and names.
func nameOnly(a *Agent) *Agent {
	if a == nil {
		return nil
	}
	return &Agent{Identifier: a.Identifier, Scheme: a.Scheme, Names: a.Names}
}

func readAgent(e *helium.Element) *Agent {
	if e == nil {
		return nil
	}
	id := child(e, nsSDG, "Identifier", false)
	scheme, _ := attrOf(id, "schemeID")
	return &Agent{Identifier: text(id), Scheme: scheme, Names: readTexts(e, "Name"),
		Classification: text(child(e, nsSDG, "Classification", false))}
}

func readSubject(query *helium.Element) *Subject {
	if p := child(slotOf(query, "NaturalPerson"), nsSDG, "Person", true); p != nil {
		id := child(p, nsSDG, "Identifier", false)
		scheme, _ := attrOf(id, "schemeID")
		return &Subject{NaturalPerson: &NaturalPerson{Identifier: text(id), Scheme: scheme,
			FamilyName: text(child(p, nsSDG, "FamilyName", false)), GivenName: text(child(p, nsSDG, "GivenName", false)),
			DateOfBirth: text(child(p, nsSDG, "DateOfBirth", false))}}
	}
	if p := child(slotOf(query, "LegalPerson"), nsSDG, "LegalPerson", true); p != nil {
		id := child(p, nsSDG, "LegalPersonIdentifier", false)
		scheme, _ := attrOf(id, "schemeID")
		return &Subject{LegalPerson: &LegalPerson{Identifier: text(id), Scheme: scheme,
			LegalName: text(child(p, nsSDG, "LegalName", false))}}
	}
	return nil
}

func readEvidenceType(e *helium.Element) *EvidenceType {
	if e == nil {
		return nil
	}
	t := &EvidenceType{Identifier: text(child(e, nsSDG, "Identifier", false)),
		Classification: text(child(e, nsSDG, "EvidenceTypeClassification", false)),
		Titles:         readTexts(e, "Title"), Descriptions: readTexts(e, "Description")}
	if d := child(e, nsSDG, "DistributedAs", false); d != nil {
		t.DistributedAs = &Distribution{Format: text(child(d, nsSDG, "Format", false)),
			ConformsTo:     text(child(d, nsSDG, "ConformsTo", false)),
			Transformation: text(child(d, nsSDG, "Transformation", false))}
	}
	return t
}

// readTexts reads the sdg:<local lang="..."> children of e.
func readTexts(e *helium.Element, local string) []Text {
	var out []Text
	for c := range xmldoc.ChildElements(e) {
		if is(c, nsSDG, local) {
			lang, _ := attrOf(c, "lang")
			out = append(out, Text{Lang: lang, Text: text(c)})
		}
	}
	return out
}

var is = xmldoc.Is

// child is the first child element of e named {ns}local, or with deep the
// first such descendant; nil when there is none.
func child(e *helium.Element, ns, local string, deep bool) *helium.Element {
	if deep {
		return xmldoc.Descendant(e, ns, local)
	}
	return xmldoc.Child(e, ns, local)
}

// slotOf is the rim:Slot child of e with the given name, or nil.
func slotOf(e *helium.Element, name string) *helium.Element {
	if e == nil {
		return nil
	}
	for c := range xmldoc.ChildElements(e) {
		if v, _ := c.GetAttribute("name"); is(c, nsRIM, "Slot") && v == name {
			return c
		}
	}
	return nil
}

func slotValue(e *helium.Element, name string) string {
	return text(child(slotOf(e, name), nsRIM, "Value", true))
}

// text is the trimmed character data below e, without comments.
func text(e *helium.Element) string { return xmldoc.Text(e) }

func attrOf(e *helium.Element, name string) (string, bool) { return xmldoc.Attr(e, name) }
