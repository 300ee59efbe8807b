package edm

import (
	"context"
	"time"
)

// ErrorResponse is an evidence error response (query:QueryResponse, status
// Failure, one rs:Exception).
type ErrorResponse struct {
	RequestID     string `yaml:"requestId" json:"requestId"`
	ResponseID    string `yaml:"responseId,omitempty" json:"responseId,omitempty"`
	Specification string `yaml:"specification,omitempty" json:"specification,omitempty"`
	// ErrorProvider is the agent that answers, usually the request's
	// evidence provider (classification ERRP).
	ErrorProvider *Agent    `yaml:"errorProvider,omitempty" json:"errorProvider,omitempty"`
	Requester     *Agent    `yaml:"requester,omitempty" json:"requester,omitempty"`
	Exception     Exception `yaml:"exception" json:"exception"`
}

// Exception is the rs:Exception. Type, Severity and Message default from
// the code (see ErrorCodes).
type Exception struct {
	Code      string    `yaml:"code" json:"code"`
	Type      string    `yaml:"type,omitempty" json:"type,omitempty"`
	Severity  string    `yaml:"severity,omitempty" json:"severity,omitempty"`
	Message   string    `yaml:"message,omitempty" json:"message,omitempty"`
	Detail    string    `yaml:"detail,omitempty" json:"detail,omitempty"`
	Timestamp time.Time `yaml:"timestamp,omitempty" json:"timestamp,omitzero"`
	// The preview slots, for EDM:ERR:0002 (PreviewRequired) only.
	PreviewLocation    string `yaml:"previewLocation,omitempty" json:"previewLocation,omitempty"`
	PreviewMethod      string `yaml:"previewMethod,omitempty" json:"previewMethod,omitempty"` // default GET
	PreviewDescription []Text `yaml:"previewDescription,omitempty" json:"previewDescription,omitempty"`
}

// Error severities of the ErrorSeverity code list.
const (
	SeverityError           = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"
	SeverityPreviewRequired = "urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:EDMErrorResponse:PreviewRequired"
)

// CodePreview is the error code that sends the user to a preview.
const CodePreview = "EDM:ERR:0002"

// ErrorCode is one entry of the EDMErrorCodes code list with the exception
// type and message the EDM pairs with it.
type ErrorCode struct {
	Code, Type, Message string
}

// ErrorCodes are the EDM v1.0 error codes, in code-list order (which is also
// the order of the exception types in the official rule R-EDM-ERR-C013).
var ErrorCodes = []ErrorCode{
	{"EDM:ERR:0001", "rs:AuthenticationExceptionType", "Authentication failure"},
	{"EDM:ERR:0002", "rs:AuthorizationExceptionType", "Missing Authorization"},
	{"EDM:ERR:0003", "rs:InvalidRequestExceptionType", "Bad query parameters"},
	{"EDM:ERR:0004", "rs:ObjectNotFoundExceptionType", "Requested evidence not found"},
	{"EDM:ERR:0005", "rs:TimeoutExceptionType", "Exceeding timeout period"},
	{"EDM:ERR:0006", "rs:UnresolvedReferenceExceptionType", "Unresolved reference"},
	{"EDM:ERR:0007", "rs:UnsupportedCapabilityExceptionType", "Optional feature or capability is not supported"},
	{"EDM:ERR:0008", "query:QueryExceptionType", "Query Exception"},
}

func lookupCode(code string) (ErrorCode, bool) {
	for _, c := range ErrorCodes {
		if c.Code == code {
			return c, true
		}
	}
	return ErrorCode{}, false
}

// XML returns the error response as indented XML, without validating it.
// An unknown code is written as given: the rules report it with their id.
func (r *ErrorResponse) XML() ([]byte, error) {
	r.ResponseID = orUUID(r.ResponseID)
	r.Exception.Timestamp = orNow(r.Exception.Timestamp)
	root := el("query:QueryResponse").Attr("status", statusFailure).Attr("requestId", r.RequestID)
	root.Add(stringSlot("SpecificationIdentifier", orSpec(r.Specification)),
		stringSlot("EvidenceResponseIdentifier", r.ResponseID),
		anySlot("ErrorProvider", agent("sdg:Agent", r.ErrorProvider)),
		anySlot("EvidenceRequester", agent("sdg:Agent", r.Requester)),
		r.Exception.node())
	return document(root), nil
}

// Build returns the error response as XML after checking it with the
// embedded rules.
func (r *ErrorResponse) Build(ctx context.Context) ([]byte, error) {
	return build(ctx, "error", r.XML)
}

func (x *Exception) node() *node {
	def, _ := lookupCode(x.Code)
	typ, msg, severity := or(x.Type, def.Type), or(x.Message, def.Message), x.Severity
	if severity == "" {
		severity = SeverityError
		if x.Code == CodePreview {
			severity = SeverityPreviewRequired
		}
	}
	n := el("rs:Exception").Attr("xsi:type", typ).Attr("code", x.Code).Attr("severity", severity).
		Attr("message", msg).Attr("detail", x.Detail)
	n.Add(dateTimeSlot("Timestamp", dateTime(x.Timestamp)))
	if x.PreviewLocation != "" {
		n.Add(stringSlot("PreviewLocation", x.PreviewLocation),
			stringSlot("PreviewMethod", or(x.PreviewMethod, "GET")),
			intlSlot("PreviewDescription", x.PreviewDescription))
	}
	return n
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
