package regrep

import (
	"context"
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Namespaces of RegRep 4 and of the SDG profile; elements are matched by
// namespace URI, never by prefix (the Projectathon answers say oots: where
// the acceptance environment says sdg:).
const (
	nsQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsRS    = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
	nsSDG   = "http://data.europa.eu/p4s"
)

// Status is the outcome a QueryResponse announces.
type Status string

// The RegRep response statuses (urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:*).
const (
	StatusSuccess        Status = "Success"
	StatusPartialSuccess Status = "PartialSuccess"
	StatusFailure        Status = "Failure"
)

const statusPrefix = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:"

// Exception is one rs:Exception of a response.
type Exception struct {
	Type     string // xsi:type, e.g. rs:ObjectNotFoundExceptionType
	Code     string // e.g. DSD:ERR:0001
	Message  string
	Detail   string
	Severity string // as sent: a URN such as urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error
}

func (e Exception) String() string {
	code := e.Code
	if code == "" {
		code = "no code"
	}
	s := code + ": " + e.Message
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Response is a QueryResponse as received.
type Response struct {
	// URL is the address the response came from ("" when parsed from bytes).
	URL string
	// HTTPStatus is the HTTP status code (0 when parsed from bytes).
	HTTPStatus int
	Header     map[string][]string
	Body       []byte

	Status Status
	// SpecificationIdentifier is the SpecificationIdentifier slot, e.g.
	// oots-cs:v2.0 ("" in answers of the v1.0 form).
	SpecificationIdentifier string
	Exceptions              []Exception
	// Objects counts the rim:RegistryObject entries of the answer.
	Objects int

	doc *helium.Document
}

// ParseResponse reads a QueryResponse with the hardened parser. A document
// that is not a query:QueryResponse, or whose status is not one of the
// three RegRep statuses, is an error.
func ParseResponse(ctx context.Context, data []byte, lim xmldoc.Limits) (*Response, error) {
	doc, err := xmldoc.Parse(ctx, data, lim)
	if err != nil {
		return nil, err
	}
	root := doc.DocumentElement()
	if !xmldoc.Is(root, nsQuery, "QueryResponse") {
		return nil, fmt.Errorf("the answer is a {%s}%s, not a RegRep query:QueryResponse", root.URI(), root.LocalName())
	}
	status, err := parseStatus(root)
	if err != nil {
		return nil, err
	}
	r := &Response{Body: data, Status: status, doc: doc}
	r.SpecificationIdentifier = slotValue(root, "SpecificationIdentifier")
	for _, e := range xmldoc.Children(root, nsRS, "Exception") {
		r.Exceptions = append(r.Exceptions, readException(e))
	}
	r.Objects = len(xmldoc.Children(xmldoc.Child(root, nsRIM, "RegistryObjectList"), nsRIM, "RegistryObject"))
	return r, nil
}

func parseStatus(root *helium.Element) (Status, error) {
	raw, ok := xmldoc.Attr(root, "status")
	if !ok {
		return "", fmt.Errorf("the QueryResponse has no status attribute")
	}
	s := Status(strings.TrimPrefix(raw, statusPrefix))
	switch s {
	case StatusSuccess, StatusPartialSuccess, StatusFailure:
		return s, nil
	}
	return "", fmt.Errorf("the QueryResponse status %q is none of %sSuccess, PartialSuccess or Failure", raw, statusPrefix)
}

func readException(e *helium.Element) Exception {
	attr := func(name string) string { v, _ := xmldoc.Attr(e, name); return v }
	ex := Exception{Code: attr("code"), Message: attr("message"), Detail: attr("detail"), Severity: attr("severity")}
	if t, ok := e.GetAttributeNS("type", "http://www.w3.org/2001/XMLSchema-instance"); ok {
		ex.Type = strings.TrimSpace(t)
	}
	return ex
}

// slotValue is the text of the first rim:Value of the named rim:Slot child of e.
func slotValue(e *helium.Element, name string) string {
	for _, s := range xmldoc.Children(e, nsRIM, "Slot") {
		if v, _ := xmldoc.Attr(s, "name"); v == name {
			return xmldoc.Text(xmldoc.Descendant(s, nsRIM, "Value"))
		}
	}
	return ""
}

// RequirementIDs are the identifiers of the requirements an EB answer lists
// (the sdg:Requirement of each registry object's Requirement slot), without
// duplicates, in document order.
func (r *Response) RequirementIDs() []string {
	var ids []string
	for _, obj := range r.registryObjects() {
		for _, s := range xmldoc.Children(obj, nsRIM, "Slot") {
			if name, _ := xmldoc.Attr(s, "name"); name != "Requirement" {
				continue
			}
			for _, req := range xmldoc.Descendants(s, nsSDG, "Requirement") {
				ids = append(ids, xmldoc.Text(xmldoc.Child(req, nsSDG, "Identifier")))
			}
		}
	}
	return uniqueNonEmpty(ids)
}

// EvidenceTypeClassifications are the sdg:EvidenceTypeClassification values
// of an answer, without duplicates, in document order: what the DSD is asked
// about next.
func (r *Response) EvidenceTypeClassifications() []string {
	var ids []string
	for _, obj := range r.registryObjects() {
		for _, c := range xmldoc.Descendants(obj, nsSDG, "EvidenceTypeClassification") {
			ids = append(ids, xmldoc.Text(c))
		}
	}
	return uniqueNonEmpty(ids)
}

func (r *Response) registryObjects() []*helium.Element {
	if r == nil || r.doc == nil {
		return nil
	}
	return xmldoc.Children(xmldoc.Child(r.doc.DocumentElement(), nsRIM, "RegistryObjectList"), nsRIM, "RegistryObject")
}

func uniqueNonEmpty(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
