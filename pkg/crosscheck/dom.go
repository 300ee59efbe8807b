package crosscheck

import (
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Namespaces of the EDM messages. Elements are matched by namespace URI and
// local name, never by prefix: the Projectathon messages declare sdg as the
// default namespace on each sdg:Agent, the official examples use the prefix.
const (
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
	nsRS    = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
	nsSDG   = "http://data.europa.eu/p4s"
)

// Short names for the xmldoc element finders, used throughout the checks.
var (
	is          = xmldoc.Is
	children    = xmldoc.Children
	child       = xmldoc.Child
	descendants = xmldoc.Descendants
	descendant  = xmldoc.Descendant
)

// slot is the rim:Slot child of e with the given name, or nil.
func slot(e *helium.Element, name string) *helium.Element {
	for s := range xmldoc.ChildElements(e) {
		if is(s, nsRIM, "Slot") && xmldoc.AttrIs(s, "name", name) {
			return s
		}
	}
	return nil
}

// slotValue is the text of the first rim:Value of the named slot of e, and
// that rim:Value element (nil when the slot or its value is absent).
func slotValue(e *helium.Element, name string) (string, *helium.Element) {
	v := descendant(slot(e, name), nsRIM, "Value")
	if v == nil {
		return "", nil
	}
	return text(v), v
}

// text is the trimmed character data below e, without comments.
func text(e *helium.Element) string { return xmldoc.Text(e) }

// attr is an unqualified attribute of e, trimmed.
func attr(e *helium.Element, name string) (string, bool) { return xmldoc.Attr(e, name) }

// agent is one sdg:Agent of a requester, provider or error provider slot.
type agent struct {
	id, scheme, class string
	at                *helium.Element // sdg:Identifier, or the agent when it has none
}

func (a agent) String() string {
	if a.scheme == "" {
		return a.id
	}
	return a.id + " (schemeID " + a.scheme + ")"
}

func (a agent) same(b agent) bool { return a.id == b.id && a.scheme == b.scheme }

// agents reads the sdg:Agent elements of the named slot of e. Both slot
// shapes occur: a single AnyValueType and a CollectionValueType of elements.
func agents(e *helium.Element, name string) []agent {
	var out []agent
	for _, a := range descendants(slot(e, name), nsSDG, "Agent") {
		ag := agent{class: text(child(a, nsSDG, "Classification")), at: a}
		if id := child(a, nsSDG, "Identifier"); id != nil {
			ag.id = text(id)
			ag.scheme, _ = attr(id, "schemeID")
			ag.at = id
		}
		out = append(out, ag)
	}
	return out
}

func agentList(as []agent) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
