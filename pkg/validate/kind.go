package validate

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
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
	f := scanResponse(root)
	if ex := f.exception; ex != nil {
		var code []byte
		if a := xmldoc.AttrNode(ex, "code"); a != nil {
			code = xmldoc.RawValue(a)
		}
		switch {
		case bytes.HasPrefix(code, []byte("EB:")):
			return EBError
		case bytes.HasPrefix(code, []byte("DSD:")):
			return DSDError
		case bytes.HasPrefix(code, []byte("EDM:")):
			return EvidenceError
		}
		if s := scanSlots(ex); s.has(slotDataServiceEvidenceType) || s.has(slotJurisdictionDetermination) || s.has(slotUserRequestedClassificationConcepts) {
			return DSDError
		}
		return EvidenceError
	}
	switch {
	case f.evidenceTypeList:
		return EBEvidenceTypes
	case f.slots.has(slotDataServiceEvidenceType):
		return DSDResponse
	case f.slots.has(slotRequirement) && f.requirement && !f.slots.has(slotEvidenceProvider):
		return EBRequirements
	}
	return EvidenceResponse
}

// responseFacts is what detection needs to know of a QueryResponse, gathered
// in one walk instead of one walk per question.
type responseFacts struct {
	exception        *helium.Element // the first rs:Exception
	evidenceTypeList bool            // an sdg:EvidenceTypeList occurs
	requirement      bool            // an sdg:Requirement occurs
	slots            slotSet
}

// scanResponse walks root until its first rs:Exception, which decides the
// kind alone; the other facts are complete when there is none.
func scanResponse(root *helium.Element) responseFacts {
	var f responseFacts
	walk(root, func(e *helium.Element) bool {
		switch e.LocalName() {
		case "Exception":
			if e.URI() == nsRS {
				f.exception = e
				return false
			}
		case "EvidenceTypeList":
			f.evidenceTypeList = f.evidenceTypeList || e.URI() == nsSDG
		case "Requirement":
			f.requirement = f.requirement || e.URI() == nsSDG
		case "Slot":
			f.slots.add(e)
		}
		return true
	})
	return f
}

// slotSet records which of the rim:Slot names detection asks about occur.
type slotSet uint8

// The slot names detection asks about, in slotNames order.
const (
	slotDataServiceEvidenceType slotSet = 1 << iota
	slotJurisdictionDetermination
	slotUserRequestedClassificationConcepts
	slotRequirement
	slotEvidenceProvider
)

var slotNames = [...]string{
	"DataServiceEvidenceType",
	"JurisdictionDetermination",
	"UserRequestedClassificationConcepts",
	"Requirement",
	"EvidenceProvider",
}

func (s slotSet) has(which slotSet) bool { return s&which != 0 }

// add records e's name when e is a rim:Slot with one of slotNames.
func (s *slotSet) add(e *helium.Element) {
	if e.LocalName() != "Slot" || e.URI() != nsRIM {
		return
	}
	a := xmldoc.AttrNode(e, "name")
	if a == nil {
		return
	}
	name := xmldoc.RawValue(a)
	for i, n := range slotNames {
		if string(name) == n {
			*s |= 1 << i
			return
		}
	}
}

// scanSlots is the set of slot names occurring in el or below.
func scanSlots(el *helium.Element) slotSet {
	var s slotSet
	walk(el, func(e *helium.Element) bool {
		s.add(e)
		return true
	})
	return s
}

func detectSubmit(root *helium.Element) Kind {
	if s := scanSlots(root); s.has(slotDataServiceEvidenceType) || s.has(slotEvidenceProvider) {
		return LCMSubmitDSD
	}
	return LCMSubmitEB
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
