package validate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lestrrat-go/helium"
)

// Kind is the kind of an OOTS message; it decides which rules apply.
type Kind string

// The message kinds oots recognises.
const (
	EvidenceRequest  Kind = "evidence-request"
	EvidenceResponse Kind = "evidence-response"
	EvidenceError    Kind = "evidence-error"
	EBRequirements   Kind = "eb-requirements"
	EBEvidenceTypes  Kind = "eb-evidence-types"
	EBError          Kind = "eb-error"
	DSDResponse      Kind = "dsd-response"
	DSDError         Kind = "dsd-error"
	LCMSubmitEB      Kind = "lcm-submit-eb"
	LCMSubmitDSD     Kind = "lcm-submit-dsd"
	LCMSuccess       Kind = "lcm-success"
	LCMError         Kind = "lcm-error"
	EbMSHeader       Kind = "ebms-header"
	SOAPEnvelope     Kind = "soap-envelope"
	Unknown          Kind = "unknown"
)

// kindInfo describes a kind: what it is and which official Schematron files apply.
type kindInfo struct {
	title      string
	schematron []string
}

var kinds = map[Kind]kindInfo{
	EvidenceRequest:  {"EDM evidence request (query:QueryRequest)", []string{"EDM-REQ-S", "EDM-REQ-C"}},
	EvidenceResponse: {"EDM evidence response (query:QueryResponse with evidence)", []string{"EDM-RESP-S", "EDM-RESP-C"}},
	EvidenceError:    {"EDM evidence error response (query:QueryResponse with rs:Exception)", []string{"EDM-ERR-S", "EDM-ERR-C"}},
	EBRequirements:   {"Evidence Broker requirements query response", []string{"EB-REQ-S", "EB-REQ-C"}},
	EBEvidenceTypes:  {"Evidence Broker evidence types query response", []string{"EB-EVI-S", "EB-EVI-C"}},
	EBError:          {"Evidence Broker error response", []string{"EB-ERR"}},
	DSDResponse:      {"Data Service Directory query response", []string{"DSD-RESP-S", "DSD-RESP-C"}},
	DSDError:         {"Data Service Directory error response", []string{"DSD-ERR-S", "DSD-ERR-C"}},
	LCMSubmitEB:      {"LCM SubmitObjectsRequest to the Evidence Broker", []string{"EB-SUB-S", "EB-SUB-C"}},
	LCMSubmitDSD:     {"LCM SubmitObjectsRequest to the Data Service Directory", []string{"DSD-SUB-S", "DSD-SUB-C"}},
	LCMSuccess:       {"LCM success response (rs:RegistryResponse)", []string{"LCM-SUC"}},
	LCMError:         {"LCM error response (rs:RegistryResponse with rs:Exception)", []string{"LCM-ERR"}},
	EbMSHeader:       {"ebMS3 message header (eb:Messaging)", nil},
	SOAPEnvelope:     {"SOAP 1.2 envelope carrying an ebMS3 header", nil},
}

// Kinds lists every known kind, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Title describes the kind for people.
func (k Kind) Title() string { return kinds[k].title }

// OfficialSchematron names the official Schematron files (without .sch) for the kind.
func (k Kind) OfficialSchematron() []string { return kinds[k].schematron }

// ParseKind accepts a kind name as printed by Kinds.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := kinds[k]; ok {
		return k, nil
	}
	names := make([]string, 0, len(kinds))
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return "", fmt.Errorf("unknown kind %q; known kinds: %s", s, strings.Join(names, ", "))
}

// Namespaces of the roots oots recognises.
const (
	nsQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
	nsRS    = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
	nsLCM   = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:4.0"
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsSDG   = "http://data.europa.eu/p4s"
	nsEbMS  = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
	nsSOAP  = "http://www.w3.org/2003/05/soap-envelope"
)

// Detect tells the kind of a parsed document from its root element and content.
func Detect(doc *helium.Document) Kind {
	root := doc.DocumentElement()
	if root == nil {
		return Unknown
	}
	switch root.LocalName() {
	case "QueryRequest":
		return EvidenceRequest
	case "QueryResponse":
		return detectQueryResponse(root)
	case "SubmitObjectsRequest":
		return detectSubmit(root)
	case "RegistryResponse":
		if findElement(root, nsRS, "Exception") != nil {
			return LCMError
		}
		return LCMSuccess
	case "Messaging":
		return EbMSHeader
	case "Envelope":
		return SOAPEnvelope
	}
	return Unknown
}

func detectQueryResponse(root *helium.Element) Kind {
	if ex := findElement(root, nsRS, "Exception"); ex != nil {
		code, _ := ex.GetAttribute("code")
		switch {
		case strings.HasPrefix(code, "EB:"):
			return EBError
		case strings.HasPrefix(code, "DSD:"):
			return DSDError
		case strings.HasPrefix(code, "EDM:"):
			return EvidenceError
		case hasSlot(ex, "DataServiceEvidenceType") || hasSlot(ex, "JurisdictionDetermination") || hasSlot(ex, "UserRequestedClassificationConcepts"):
			return DSDError
		}
		return EvidenceError
	}
	switch {
	case findElement(root, nsSDG, "EvidenceTypeList") != nil:
		return EBEvidenceTypes
	case hasSlot(root, "DataServiceEvidenceType"):
		return DSDResponse
	case hasSlot(root, "Requirement") && findElement(root, nsSDG, "Requirement") != nil && !hasSlot(root, "EvidenceProvider"):
		return EBRequirements
	}
	return EvidenceResponse
}

func detectSubmit(root *helium.Element) Kind {
	if hasSlot(root, "DataServiceEvidenceType") || hasSlot(root, "EvidenceProvider") {
		return LCMSubmitDSD
	}
	return LCMSubmitEB
}

// hasSlot reports whether a rim:Slot with the name occurs below el.
func hasSlot(el *helium.Element, name string) bool {
	found := false
	walk(el, func(e *helium.Element) bool {
		if e.LocalName() == "Slot" && e.URI() == nsRIM {
			if v, _ := e.GetAttribute("name"); v == name {
				found = true
			}
		}
		return !found
	})
	return found
}

func findElement(el *helium.Element, ns, local string) *helium.Element {
	var found *helium.Element
	walk(el, func(e *helium.Element) bool {
		if e.LocalName() == local && e.URI() == ns {
			found = e
		}
		return found == nil
	})
	return found
}

// walk visits el and its descendant elements in document order while visit returns true.
func walk(el *helium.Element, visit func(*helium.Element) bool) bool {
	if !visit(el) {
		return false
	}
	for n := el.FirstChild(); n != nil; n = n.NextSibling() {
		if c, ok := n.(*helium.Element); ok && !walk(c, visit) {
			return false
		}
	}
	return true
}
