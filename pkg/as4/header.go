// Package as4 reads and writes the eDelivery AS4 messages OOTS access points
// exchange: an ebMS 3.0 eb:Messaging header in a SOAP 1.2 envelope, with the
// EDM message and its attachments as multipart/related parts referenced by
// cid: URIs, and the receipts and errors that answer them.
package as4

import (
	"fmt"
	"time"
)

// Namespaces and the values OOTS fixes in every header.
const (
	NSEbMS   = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
	NSSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
	NSEbbp   = "http://docs.oasis-open.org/ebxml-bp/ebbp-signals-2.0"
	NSDSig   = "http://www.w3.org/2000/09/xmldsig#"

	DigestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

	DefaultMPC      = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/defaultMPC"
	ServiceQuery    = "QueryManager"
	ServiceType     = "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"
	ActionRequest   = "ExecuteQueryRequest"
	ActionResponse  = "ExecuteQueryResponse"
	ActionException = "ExceptionResponse"
	RoleGateway     = "http://sdg.europa.eu/edelivery/gateway"
	PartyIDType     = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
	MediaTypeEbRS   = "application/x-ebrs+xml"

	PropOriginalSender  = "originalSender"
	PropFinalRecipient  = "finalRecipient"
	PropExchangeID      = "ExchangeId"
	PropSpecificationID = "SpecificationId"
	PropMimeType        = "MimeType"
	PropCompressionType = "CompressionType"
	CompressionGzip     = "application/gzip"
)

// Party is one side of the exchange: an access point with its role.
type Party struct {
	ID     string
	IDType string // the PartyId type attribute; empty for none
	Role   string
}

// Property is an eb:Property (message or part property).
type Property struct {
	Name  string
	Type  string // optional type attribute (EAS scheme of originalSender, ...)
	Value string
}

// PartInfo describes one payload of the message.
type PartInfo struct {
	Href       string // "cid:..." for a MIME part
	Properties []Property
}

// Property returns the value of the named part property.
func (p PartInfo) Property(name string) string { return propertyValue(p.Properties, name) }

// UserMessage is the ebMS 3.0 header of a business message.
type UserMessage struct {
	MPC            string
	MessageID      string
	RefToMessageID string
	Timestamp      time.Time
	From, To       Party
	Service        string
	ServiceType    string
	Action         string
	ConversationID string
	AgreementRef   string
	Properties     []Property
	Parts          []PartInfo
}

// Property returns the value of the named message property.
func (m *UserMessage) Property(name string) string { return propertyValue(m.Properties, name) }

// SetProperty sets (or adds) a message property.
func (m *UserMessage) SetProperty(name, typ, value string) {
	for i := range m.Properties {
		if m.Properties[i].Name == name {
			m.Properties[i].Type, m.Properties[i].Value = typ, value
			return
		}
	}
	m.Properties = append(m.Properties, Property{Name: name, Type: typ, Value: value})
}

func propertyValue(props []Property, name string) string {
	for _, p := range props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// Check reports the first field an OOTS user message cannot do without.
func (m *UserMessage) Check() error {
	for _, f := range []struct{ name, value string }{
		{"MessageId", m.MessageID},
		{"From PartyId", m.From.ID}, {"From Role", m.From.Role},
		{"To PartyId", m.To.ID}, {"To Role", m.To.Role},
		{"Service", m.Service}, {"Action", m.Action}, {"ConversationId", m.ConversationID},
	} {
		if f.value == "" {
			return fmt.Errorf("as4 user message: %s is missing", f.name)
		}
	}
	if m.Timestamp.IsZero() {
		return fmt.Errorf("as4 user message %s: Timestamp is missing", m.MessageID)
	}
	return nil
}

// SignalMessage is a receipt or an error answering a user message.
type SignalMessage struct {
	MessageID      string
	RefToMessageID string
	Timestamp      time.Time
	Receipt        *Receipt
	Errors         []Error
}

// Receipt acknowledges a user message with the digests of what arrived.
type Receipt struct {
	Parts []PartDigest
}

// PartDigest is the digest (base64) of one received part. For an unsigned
// message it is the SHA-256 of the SOAP envelope (URI "#envelope") or of a
// payload (its cid: URI); for a signed message it copies one ds:Reference
// of the message's signature, with its transforms and digest method.
type PartDigest struct {
	URI    string
	Digest string
	// DigestMethod is the algorithm URI; empty means SHA-256.
	DigestMethod string
	// Transforms are the ds:Transform algorithms of the Reference, in order.
	Transforms []string
}

// Error is an ebMS error (eb:Error) in a signal message.
type Error struct {
	Code           string // e.g. EBMS:0004
	Severity       string // "failure" or "warning"
	ShortDesc      string
	Category       string
	Origin         string
	RefToMessageID string
	Description    string
	Detail         string
}

// Error implements error, so an ebMS error can travel as a Go error.
func (e Error) Error() string {
	s := e.Code
	if e.ShortDesc != "" {
		s += " " + e.ShortDesc
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Standard ebMS 3.0 error codes the nodes answer with.
var (
	ErrValueInconsistent = Error{Code: "EBMS:0003", ShortDesc: "ValueInconsistent", Severity: "failure", Category: "Content", Origin: "ebMS"}
	ErrOther             = Error{Code: "EBMS:0004", ShortDesc: "Other", Severity: "failure", Category: "Content", Origin: "ebMS"}
	ErrInvalidHeader     = Error{Code: "EBMS:0009", ShortDesc: "InvalidHeader", Severity: "failure", Category: "Unpackaging", Origin: "ebMS"}
	ErrMimeInconsistency = Error{Code: "EBMS:0007", ShortDesc: "MimeInconsistency", Severity: "failure", Category: "Unpackaging", Origin: "ebMS"}
	ErrFailedDecryption  = Error{Code: "EBMS:0102", ShortDesc: "FailedDecryption", Severity: "failure", Category: "Processing", Origin: "security"}
	ErrFailedAuth        = Error{Code: "EBMS:0101", ShortDesc: "FailedAuthentication", Severity: "failure", Category: "Processing", Origin: "security"}
	ErrDecompression     = Error{Code: "EBMS:0303", ShortDesc: "DecompressionFailure", Severity: "failure", Category: "Communication", Origin: "ebMS"}
)

// With returns a copy of e about the given message, with a detail text.
func (e Error) With(refToMessageID, detail string) Error {
	e.RefToMessageID, e.Detail = refToMessageID, detail
	return e
}
