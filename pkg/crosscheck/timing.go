package crosscheck

import (
	"strings"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/report"
)

// indeterminate is how far apart an xsd:dateTime without a time zone must be
// from one with a time zone before their order is known (XML Schema 1.1
// Part 2, D.2.2 / XSD 1.0 3.2.7.4: time zones span -14:00 to +14:00).
const indeterminate = 14 * time.Hour

// dateTime is a parsed xsd:dateTime.
type dateTime struct {
	t     time.Time
	zoned bool // false: no time zone given; t is taken as UTC
}

// parseDateTime parses the lexical forms the EDM messages use. Anything else
// (a malformed value, year 0000, 24:00:00) is left to the single-document
// layers: the second result is false.
func parseDateTime(s string) (dateTime, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return dateTime{t: t, zoned: true}, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return dateTime{t: t}, true
	}
	return dateTime{}, false
}

// before reports whether a is certainly earlier than b.
func (a dateTime) before(b dateTime) bool {
	if a.zoned == b.zoned {
		return a.t.Before(b.t)
	}
	return a.t.Add(indeterminate).Before(b.t)
}

// checkIssueDateTime: nothing can answer a request before it was issued. A
// success response carries IssueDateTime; an error response stamps each
// rs:Exception with a Timestamp slot. Both are compared with the request's
// IssueDateTime. Clocks of both sides are expected to be synchronised (the
// eDelivery access points require it), so no skew is tolerated.
func checkIssueDateTime(p pair) []report.Finding {
	raw, _ := slotValue(p.req, "IssueDateTime")
	issued, ok := parseDateTime(raw)
	if !ok {
		return nil
	}
	var out []report.Finding
	if v, at := slotValue(p.resp, "IssueDateTime"); at != nil {
		out = append(out, notBefore("response IssueDateTime", v, at, raw, issued)...)
	}
	for _, ex := range children(p.resp, nsRS, "Exception") {
		if v, at := slotValue(ex, "Timestamp"); at != nil {
			out = append(out, notBefore("error Timestamp", v, at, raw, issued)...)
		}
	}
	return out
}

func notBefore(what, value string, at *helium.Element, reqRaw string, req dateTime) []report.Finding {
	got, ok := parseDateTime(value)
	if !ok || !got.before(req) {
		return nil
	}
	return one(RuleIssueDateTime, report.SeverityError, at,
		"%s %s is before the request IssueDateTime %s", what, value, reqRaw)
}
