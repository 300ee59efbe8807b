package catalog

import (
	"strings"

	"github.com/oots-tools/oots/pkg/xmlwrite"
)

// Error codes of the Evidence Broker (EBErrorCodes code list) and of the
// Data Service Directory (DSDErrorCodes) besides ErrCodeNoService and
// ErrCodeAdditionalData.
const (
	EBErrEmpty        = "EB:ERR:0001"
	EBErrRequirement  = "EB:ERR:0002"
	EBErrParameters   = "EB:ERR:0003"
	EBErrJurisdiction = "EB:ERR:0004"
	EBErrProcedure    = "EB:ERR:0005"
	EBErrCountry      = "EB:ERR:0006"
	EBErrQuery        = "EB:ERR:0007"

	DSDErrEvidenceType = "DSD:ERR:0002"
	DSDErrParameters   = "DSD:ERR:0003"
	DSDErrQuery        = "DSD:ERR:0004"
	DSDErrValue        = "DSD:ERR:0006"
)

// Exception types and severities of the answers.
const (
	exceptionNotFound = "rs:ObjectNotFoundExceptionType"
	exceptionInvalid  = "rs:InvalidRequestExceptionType"

	severityError           = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"
	severityAdditionalInput = "urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:DSDErrorResponse:AdditionalInput"
)

// errorCode is one row of the EB and DSD error code lists.
type errorCode struct {
	message, exceptionType string
}

var errorCodes = map[string]errorCode{
	EBErrEmpty:        {"The result set is empty", exceptionNotFound},
	EBErrRequirement:  {"The requirement requested, represented by the requirement id, does not exist", exceptionNotFound},
	EBErrParameters:   {"The query parameters do not follow the query specification", exceptionInvalid},
	EBErrJurisdiction: {"The jurisdiction level code query parameter is invalid or unknown", exceptionInvalid},
	EBErrProcedure:    {"The value of the procedure-id query parameter is invalid or unknown", exceptionInvalid},
	EBErrCountry:      {"The value of the procedure implementation country query parameter is invalid or unknown", exceptionInvalid},
	EBErrQuery:        {"The requested Query does not exist", exceptionInvalid},

	ErrCodeNoService:      {"No Data Services were found based on the given parameters", exceptionNotFound},
	DSDErrEvidenceType:    {"The Evidence Type requested cannot be found", exceptionNotFound},
	DSDErrParameters:      {"The query parameters do not follow the query specification", exceptionInvalid},
	DSDErrQuery:           {"The requested Query does not exist", exceptionInvalid},
	ErrCodeAdditionalData: {"The query requires the included extra attributes to be provided by the user", exceptionNotFound},
	DSDErrValue:           {"Incorrect provided value for requested parameters", exceptionInvalid},
}

// ErrorMessage is the code list's message for an EB or DSD error code
// ("" for a code outside the lists).
func ErrorMessage(code string) string { return errorCodes[code].message }

func exceptionNode(code, detail string, slots ...*xmlwrite.Node) *xmlwrite.Node {
	row, ok := errorCodes[code]
	if !ok {
		row = errorCodes[EBErrParameters]
		if strings.HasPrefix(code, "DSD:") {
			row = errorCodes[DSDErrParameters]
		}
	}
	severity := severityError
	if code == ErrCodeAdditionalData {
		severity = severityAdditionalInput
	}
	n := xmlwrite.El("rs:Exception", slots...).
		Attr("xsi:type", row.exceptionType).
		Attr("severity", severity).
		Attr("message", row.message).
		Attr("detail", detail).
		Attr("code", code)
	return n
}
