package crosscheck

import (
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/report"
)

const codePreview = "EDM:ERR:0002"

// asksPreview reports whether an rs:Exception tells the requester to send the
// user to a preview: code EDM:ERR:0002, the PreviewRequired severity (whose
// URN changed between EDM versions, hence the suffix test) or a
// PreviewLocation slot. Any one of them is a preview request.
func asksPreview(ex *helium.Element) bool {
	code, _ := attr(ex, "code")
	severity, _ := attr(ex, "severity")
	return code == codePreview ||
		strings.Contains(severity, ":EDMErrorResponse:PreviewRequired") ||
		slot(ex, "PreviewLocation") != nil
}

// previewAllowed reads the request's PossibilityForPreview (xs:boolean), and
// how it was written for the message.
func previewAllowed(req *helium.Element) (bool, string) {
	v, at := slotValue(req, "PossibilityForPreview")
	if at == nil {
		return false, "absent"
	}
	return v == "true" || v == "1", v
}

// checkPreview: a provider may ask for a preview only when the requester
// declared it can offer one (PossibilityForPreview=true); otherwise the user
// has no way to complete the exchange. The error must then say where the
// preview is (PreviewLocation), or the requester has nowhere to send the user.
func checkPreview(p pair) []report.Finding {
	allowed, said := previewAllowed(p.req)
	var out []report.Finding
	for _, ex := range children(p.resp, nsRS, "Exception") {
		if !asksPreview(ex) {
			continue
		}
		code, _ := attr(ex, "code")
		if !allowed {
			out = append(out, finding(RulePreview, report.SeverityError, ex,
				"the error response asks for a preview (code %s) but the request's PossibilityForPreview is %s, not true",
				orNone(code), said))
		}
		if loc, _ := slotValue(ex, "PreviewLocation"); loc == "" {
			out = append(out, finding(RulePreview, report.SeverityError, ex,
				"the error response asks for a preview (code %s) but gives no PreviewLocation to send the user to",
				orNone(code)))
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
