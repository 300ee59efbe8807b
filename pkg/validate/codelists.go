package validate

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/codelist"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/schematron"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// codelistCheck is one exact code-list check of our own. The official rules
// test some code lists loosely; this layer checks values exactly, under rule
// ids of its own (OOTS-CL-...). A check looks at elements with the given
// namespace and local name ("*" for any) and takes either an attribute or the
// element's text.
type codelistCheck struct {
	id    string
	list  string
	what  string
	ns    string
	local string
	attr  string // attribute local name; "" means the element's text
	attrN string // attribute namespace
	fold  bool   // compare case-insensitively (language codes are written either way)
	strip string // only values with this prefix are checked, without it
	when  func(el *helium.Element) bool
	kinds []Kind // kinds the check applies to; nil means all
}

const nsXML = "http://www.w3.org/XML/1998/namespace"

const easPrefix = "urn:cef.eu:names:identifier:EAS:"

var codelistChecks = []codelistCheck{
	{id: "OOTS-CL-001", list: "LanguageCode", what: "language code", fold: true, ns: nsRIM, local: "LocalizedString", attr: "lang", attrN: nsXML},
	{id: "OOTS-CL-001", list: "LanguageCode", what: "language code", fold: true, ns: nsSDG, local: "*", attr: "lang"},
	{id: "OOTS-CL-002", list: "CountryIdentificationCode", what: "country code", ns: nsSDG, local: "AdminUnitLevel1"},
	{id: "OOTS-CL-002", list: "CountryIdentificationCode", what: "country code", ns: nsSDG, local: "Nationality"},
	{id: "OOTS-CL-002", list: "CountryIdentificationCode", what: "country code", ns: nsSDG, local: "CountryOfBirth"},
	{id: "OOTS-CL-003", list: "LoA", what: "level of assurance", ns: nsSDG, local: "LevelOfAssurance"},
	{id: "OOTS-CL-003", list: "LoA", what: "level of assurance", ns: nsSDG, local: "AuthenticationLevelOfAssurance"},
	{id: "OOTS-CL-004", list: "ErrorSeverity", what: "error severity", ns: nsRS, local: "Exception", attr: "severity"},
	{id: "OOTS-CL-005", list: "EDMErrorCodes", what: "EDM error code", ns: nsRS, local: "Exception", attr: "code", kinds: []Kind{EvidenceError}},
	{id: "OOTS-CL-006", list: "EBErrorCodes", what: "Evidence Broker error code", ns: nsRS, local: "Exception", attr: "code", kinds: []Kind{EBError}},
	{id: "OOTS-CL-007", list: "DSDErrorCodes", what: "DSD error code", ns: nsRS, local: "Exception", attr: "code", kinds: []Kind{DSDError}},
	{id: "OOTS-CL-008", list: "EAS", what: "electronic address scheme", ns: nsSDG, local: "Identifier", attr: "schemeID", strip: easPrefix},
	{id: "OOTS-CL-009", list: "JurisdictionLevel", what: "jurisdiction level", ns: nsSDG, local: "JurisdictionLevel"},
	{id: "OOTS-CL-010", list: "AgentClassification", what: "agent classification", ns: nsSDG, local: "Classification", when: parentIs(nsSDG, "Agent")},
	{id: "OOTS-CL-011", list: "Procedures", what: "procedure code", ns: nsRIM, local: "LocalizedString", attr: "value", when: insideSlot("Procedure")},
}

func parentIs(ns, local string) func(*helium.Element) bool {
	return func(el *helium.Element) bool {
		p, ok := el.Parent().(*helium.Element)
		return ok && p.URI() == ns && p.LocalName() == local
	}
}

// insideSlot matches elements whose nearest enclosing rim:Slot has the name.
func insideSlot(name string) func(*helium.Element) bool {
	return func(el *helium.Element) bool {
		for n := el.Parent(); n != nil; n = n.Parent() {
			if p, ok := n.(*helium.Element); ok && p.URI() == nsRIM && p.LocalName() == "Slot" {
				return xmldoc.AttrIs(p, "name", name)
			}
		}
		return false
	}
}

// codelistLayer walks the document once and checks every value a code-list
// check applies to.
func (v *Validator) codelistLayer(_ context.Context, doc *helium.Document, kind Kind) []report.Finding {
	if v.rules.codes == nil || kind == EbMSHeader || kind == SOAPEnvelope {
		return nil
	}
	var out []report.Finding
	walk(doc.DocumentElement(), func(el *helium.Element) bool {
		for _, c := range codelistIndex.forName(el.LocalName()) {
			if c.kinds != nil && !containsKind(c.kinds, kind) {
				continue
			}
			if f, ok := v.checkCode(c, el); ok {
				out = append(out, f)
			}
		}
		return true
	})
	return out
}

// codelistIndex finds the checks that may apply to an element by its local
// name, so that the walk does not try every check on every element.
var codelistIndex = indexChecks(codelistChecks)

// checkIndex lists, per local name, the checks naming it or any name ("*"),
// in the order of codelistChecks, so the findings keep that order.
type checkIndex struct {
	byLocal map[string][]*codelistCheck
	any     []*codelistCheck
}

func indexChecks(checks []codelistCheck) checkIndex {
	ix := checkIndex{byLocal: map[string][]*codelistCheck{}}
	for i := range checks {
		if checks[i].local != "*" {
			ix.byLocal[checks[i].local] = nil
		}
	}
	for i := range checks {
		c := &checks[i]
		if c.local == "*" {
			ix.any = append(ix.any, c)
		}
		for local := range ix.byLocal {
			if c.local == "*" || c.local == local {
				ix.byLocal[local] = append(ix.byLocal[local], c)
			}
		}
	}
	return ix
}

func (ix checkIndex) forName(local string) []*codelistCheck {
	if checks, ok := ix.byLocal[local]; ok {
		return checks
	}
	return ix.any
}

// checkCode applies one check to one element; ok is true when it fails.
// Values are read and compared in place: only a failing value is copied,
// into the finding's message.
func (v *Validator) checkCode(c *codelistCheck, el *helium.Element) (report.Finding, bool) {
	if el.URI() != c.ns || c.local != "*" && el.LocalName() != c.local {
		return report.Finding{}, false
	}
	raw, node := codeValue(c, el)
	if node == nil || c.when != nil && !c.when(el) {
		return report.Finding{}, false
	}
	value := bytes.TrimSpace(raw)
	code, cut := cutPrefix(value, c.strip)
	if !cut {
		return report.Finding{}, false
	}
	list, err := v.rules.codes.List(c.list)
	if err != nil || inList(list, code, c.fold) {
		return report.Finding{}, false
	}
	return report.Finding{
		Layer: report.LayerCodelist, Rule: c.id, Source: c.list, Severity: report.SeverityError,
		Line: el.Line(), Location: schematron.Location(node),
		Message: fmt.Sprintf("%s %q is not in the code list %s", c.what, value, c.list),
	}, true
}

// cutPrefix is bytes.CutPrefix with a string prefix, which it does not copy.
func cutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return b, false
	}
	return b[len(prefix):], true
}

// inList reports whether code is in the list, or, when fold is set, its
// upper- or lower-case form is.
func inList(list *codelist.List, code []byte, fold bool) bool {
	if list.ContainsBytes(code) {
		return true
	}
	if !fold {
		return false
	}
	// Codes are short ASCII: case them on the stack. Anything else takes
	// the strings functions, whose Unicode mapping this must equal.
	var buf [32]byte
	if len(code) > len(buf) || !isASCII(code) {
		s := string(code)
		return list.Contains(strings.ToUpper(s)) || list.Contains(strings.ToLower(s))
	}
	return list.ContainsBytes(asciiCase(buf[:0], code, 'a', 'z', 'A'-'a')) ||
		list.ContainsBytes(asciiCase(buf[:0], code, 'A', 'Z', 'a'-'A'))
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiCase appends b to dst with the letters lo..hi shifted by delta.
func asciiCase(dst, b []byte, lo, hi byte, delta int) []byte {
	for _, c := range b {
		if lo <= c && c <= hi {
			c = byte(int(c) + delta)
		}
		dst = append(dst, c)
	}
	return dst
}

// codeValue is the raw value a check reads, the element's content or an
// attribute's, and the node it comes from (nil when the attribute is absent).
func codeValue(c *codelistCheck, el *helium.Element) ([]byte, helium.Node) {
	if c.attr == "" {
		return xmldoc.RawValue(el), el
	}
	a := xmldoc.AttrNodeNS(el, c.attrN, c.attr)
	if a == nil {
		return nil, nil
	}
	return xmldoc.RawValue(a), a
}

func containsKind(list []Kind, k Kind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}
