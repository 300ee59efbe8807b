package xmlschema

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xsd"
)

// prefixTable maps namespace URIs to the prefixes used in messages. Users
// read "rim:Slot" far more easily than "{urn:oasis:...:rim:4.0}Slot".
type prefixTable map[string]string

// Well-known namespaces of the OOTS messages. The embedded model declares
// the same prefixes; this table serves schemas compiled from files.
var wellKnownPrefixes = prefixTable{
	"urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0":                    "rim",
	"urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0":                     "rs",
	"urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0":                  "query",
	"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:4.0":                    "lcm",
	"http://data.europa.eu/p4s":                                      "sdg",
	"http://www.w3.org/XML/1998/namespace":                           "xml",
	"http://www.w3.org/1999/xlink":                                   "xlink",
	"http://www.w3.org/2005/08/addressing":                           "wsa",
	"http://www.w3.org/2001/XMLSchema-instance":                      "xsi",
	"http://www.w3.org/2001/XMLSchema":                               "xs",
	"http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/": "eb",
	"http://www.w3.org/2003/05/soap-envelope":                        "S12",
	"http://schemas.xmlsoap.org/soap/envelope/":                      "S11",
}

func defaultPrefixes() prefixTable {
	t := make(prefixTable, len(wellKnownPrefixes))
	for k, v := range wellKnownPrefixes {
		t[k] = v
	}
	return t
}

// qualify renders an expanded name as prefix:local when the namespace is
// known, as local when it has none, and in Clark notation otherwise.
func (p prefixTable) qualify(uri, local string) string {
	if uri == "" {
		return local
	}
	if pre, ok := p[uri]; ok {
		return pre + ":" + local
	}
	return "{" + uri + "}" + local
}

var clarkName = regexp.MustCompile(`\{([^{}\s]*)\}([\p{L}_][\p{L}\p{N}_.\-]*)`)

// shorten rewrites every Clark name in a helium message with prefixes.
func (p prefixTable) shorten(text string) string {
	return clarkName.ReplaceAllStringFunc(text, func(m string) string {
		sub := clarkName.FindStringSubmatch(m)
		return p.qualify(sub[1], sub[2])
	})
}

// describe turns one helium diagnostic into a Violation.
func (s *Schema) describe(ve *xsd.ValidationError, loc *locator, rs *typeResolver) Violation {
	v := Violation{Line: ve.Line}
	elemName := s.names.shorten(ve.Element)
	msg := s.names.shorten(ve.Message)
	el := loc.find(ve.Line, ve.Element)
	if el == nil && ve.Message == msgUndeclaredRoot {
		el = loc.doc.DocumentElement() // helium names the root without its namespace
	}
	if el != nil {
		v.Path = elementPath(el, s.names)
		elemName = s.names.qualify(el.URI(), el.LocalName())
		msg = s.completeExpected(el, msg, rs)
	}
	v.Message = rephrase(elemName, s.names.shorten(ve.AttributeName), msg)
	if el != nil && ve.AttributeName != "" && reBadAttrValue.MatchString(ve.Message) {
		v.Message += s.attrExpectation(el, ve.AttributeName, rs)
	}
	return v
}

// attrExpectation says what an attribute with a rejected value should hold:
// the enumerated values, or the type. "" when the declaration is not found.
func (s *Schema) attrExpectation(el *helium.Element, attrClark string, rs *typeResolver) string {
	ns, local := "", attrClark
	if m := clarkName.FindStringSubmatch(attrClark); m != nil && m[0] == attrClark {
		ns, local = m[1], m[2]
	}
	td, _ := rs.governing(el)
	if td == nil {
		return ""
	}
	for _, au := range td.Attributes {
		if au.Name.Local != local || au.Name.NS != ns {
			continue
		}
		if au.Type == nil && au.TypeName.Local == "" {
			// A reference to a global attribute such as xml:lang.
			if global, ok := s.compiled.LookupAttribute(local, ns); ok {
				au = global
			}
		}
		at := au.Type
		if at == nil {
			at, _ = s.compiled.LookupType(au.TypeName.Local, au.TypeName.NS)
		}
		if text := s.typeText(at); text != "" {
			return "; expected " + text
		}
		return ""
	}
	return ""
}

// typeText describes a simple type for a user: one of its enumerated
// values, its nearest named type, or for a union the alternatives.
func (s *Schema) typeText(td *xsd.TypeDef) string {
	for cur := td; cur != nil; cur = cur.BaseType {
		if cur.Facets != nil && len(cur.Facets.Enumeration) > 0 {
			return enumerationText(cur.Facets.Enumeration)
		}
		if cur.Name.Local != "" && cur.Name.Local != "anySimpleType" {
			return "a value of type " + s.names.qualify(cur.Name.NS, cur.Name.Local)
		}
		if cur.Variety == xsd.TypeVarietyUnion {
			var alts []string
			for _, m := range cur.MemberTypes {
				if t := s.typeText(m); t != "" {
					alts = append(alts, t)
				}
			}
			return strings.Join(alts, " or ")
		}
	}
	return ""
}

const (
	msgUndeclaredRoot = "No matching global declaration available for the validation root."
	msgNotExpected    = "This element is not expected."
	msgMissingChild   = "Missing child element(s)."
)

// completeExpected adds the expected list helium left out of a content
// model error, computed from the parent's content model.
func (s *Schema) completeExpected(el *helium.Element, msg string, rs *typeResolver) string {
	var names []string
	switch msg {
	case msgNotExpected:
		parent, ok := helium.AsNode[*helium.Element](el.Parent())
		if !ok {
			return msg
		}
		td, _ := rs.governing(parent)
		names = s.expectedNames(td, parent, el)
	case msgMissingChild:
		td, _ := rs.governing(el)
		names = s.expectedNames(td, el, nil)
	default:
		return msg
	}
	switch len(names) {
	case 0:
		return msg
	case 1:
		return msg + " Expected is ( " + names[0] + " )."
	}
	return msg + " Expected is one of ( " + strings.Join(names, ", ") + " )."
}

// Patterns of libxml2-style messages that we say differently. Each is tried
// in order; the first that matches wins.
var (
	reNotExpected  = regexp.MustCompile(`^This element is not expected\.(?: Expected is (?:one of )?\( (.*) \)\.)?$`)
	reMissingChild = regexp.MustCompile(`^Missing child element\(s\)\.(?: Expected is (?:one of )?\( (.*) \)\.)?$`)
	reRequiredAttr = regexp.MustCompile(`^The attribute '([^']*)' is required but missing\.$`)
	reAttrNotAllow = regexp.MustCompile(`^The attribute '([^']*)' is not allowed\.$`)
	reBadValue     = regexp.MustCompile(`^'(.*)' is not a valid value of the (?:atomic type|list type|union type|local atomic type|local union type) '?([^']*?)'?\.$`)
	reBadAttrValue = regexp.MustCompile(`^The value '(.*)' is not valid for the type of attribute '[^']*'\.$`)
	reFacet        = regexp.MustCompile(`^\[facet '([^']*)'\] (.*)$`)
	reXsiType      = regexp.MustCompile(`^The (?:QName )?value '([^']*)' (?:of the xsi:type attribute )?does not resolve to a(?:\(n\))? type definition\.$`)
)

// rephrase writes the message with the element (and attribute) it is about.
func rephrase(elem, attr, msg string) string {
	subject := "element " + elem
	if attr != "" {
		subject = "attribute " + attr + " of element " + elem
	}
	if m := reNotExpected.FindStringSubmatch(msg); m != nil {
		return "element " + elem + " is not allowed here" + expectedList(m[1])
	}
	if m := reMissingChild.FindStringSubmatch(msg); m != nil {
		if m[1] == "" {
			return "element " + elem + " is missing child elements"
		}
		return "element " + elem + " is missing a child element" + expectedList(m[1])
	}
	if m := reRequiredAttr.FindStringSubmatch(msg); m != nil {
		return "element " + elem + " is missing the required attribute " + m[1]
	}
	if m := reAttrNotAllow.FindStringSubmatch(msg); m != nil {
		return "attribute " + m[1] + " is not allowed on element " + elem
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		return subject + ": " + strconv.Quote(m[1]) + " is not a valid " + typeWord(m[2])
	}
	if m := reBadAttrValue.FindStringSubmatch(msg); m != nil {
		return subject + ": the value " + strconv.Quote(m[1]) + " is not allowed"
	}
	if m := reFacet.FindStringSubmatch(msg); m != nil {
		return subject + ": " + facetText(m[1], m[2])
	}
	if m := reXsiType.FindStringSubmatch(msg); m != nil {
		return "element " + elem + ": xsi:type " + strconv.Quote(m[1]) + " names no type the schema defines"
	}
	switch msg {
	case msgUndeclaredRoot:
		return "root element " + elem + " is not declared by the schema (check its name and namespace)"
	case "Character content other than whitespace is not allowed because the content type is 'element-only'.":
		return "element " + elem + " must not contain text, only child elements"
	case "Element content is not allowed, because the content type is a simple type definition.":
		return "element " + elem + " must contain only text, not child elements"
	case "The type definition is abstract.":
		return "element " + elem + " has an abstract type; name a concrete type with xsi:type"
	}
	return subject + ": " + strings.TrimSuffix(msg, ".")
}

// expectedList renders "( a, b )" content from helium as "; expected a" or
// "; expected one of a, b".
func expectedList(list string) string {
	list = strings.TrimSpace(list)
	if list == "" {
		return ""
	}
	if strings.Contains(list, ", ") {
		return "; expected one of " + list
	}
	return "; expected " + list
}

// Facet messages we phrase ourselves; others keep helium's words.
var (
	reLength  = regexp.MustCompile(`^The value has a length of '(\d+)'; this (?:exceeds|underruns|differs from) the allowed (?:maximum |minimum )?length of '(\d+)'\.$`)
	reEnum    = regexp.MustCompile(`^The value '(.*)' is not an element of the set \{(.*)\}\.$`)
	rePattern = regexp.MustCompile(`^The value '(.*)' is not accepted by the patterns? '(.*)'\.$`)
)

func facetText(facet, text string) string {
	if m := reLength.FindStringSubmatch(text); m != nil {
		limit := map[string]string{"maxLength": "at most", "minLength": "at least", "length": "exactly"}[facet]
		return "the value is " + m[1] + " characters long; " + limit + " " + m[2] + " are allowed"
	}
	if m := reEnum.FindStringSubmatch(text); m != nil {
		return strconv.Quote(m[1]) + " is not one of the allowed values " + m[2]
	}
	if m := rePattern.FindStringSubmatch(text); m != nil {
		return strconv.Quote(m[1]) + " does not match the required pattern " + m[2]
	}
	return lowerFirst(strings.TrimSuffix(text, ".")) + " (" + facet + " facet)"
}

func typeWord(t string) string {
	if t == "" {
		return "value"
	}
	return t + " value"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// locator finds the element a diagnostic is about. helium reports the line
// and the expanded name, and reports in document order, so we search forward
// from the previous hit first; that also resolves documents written on one
// line. The element list is built on first use: valid documents never pay
// for it.
type locator struct {
	doc    *helium.Document
	elems  []*helium.Element
	built  bool
	cursor int
}

func (l *locator) build() {
	l.built = true
	var visit func(n helium.Node)
	visit = func(n helium.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if el, ok := c.(*helium.Element); ok {
				l.elems = append(l.elems, el)
				visit(el)
			}
		}
	}
	visit(l.doc)
}

func (l *locator) find(line int, clark string) *helium.Element {
	if !l.built {
		l.build()
	}
	// Some helium messages name the element by its local name only.
	localOnly := !strings.HasPrefix(clark, "{")
	match := func(i int) bool {
		el := l.elems[i]
		if line != 0 && el.Line() != line {
			return false
		}
		return displayName(el) == clark || (localOnly && el.LocalName() == clark)
	}
	for i := l.cursor; i < len(l.elems); i++ {
		if match(i) {
			l.cursor = i
			return l.elems[i]
		}
	}
	for i := 0; i < l.cursor && i < len(l.elems); i++ {
		if match(i) {
			l.cursor = i
			return l.elems[i]
		}
	}
	return nil
}

// displayName is helium's spelling of an element name in diagnostics.
func displayName(el *helium.Element) string {
	if el.URI() != "" {
		return "{" + el.URI() + "}" + el.LocalName()
	}
	return el.LocalName()
}

// elementPath renders /a:Root/b:Child[2]/... with a position only where
// siblings of the same name exist.
func elementPath(el *helium.Element, names prefixTable) string {
	var steps []string
	for cur := el; cur != nil; {
		step := names.qualify(cur.URI(), cur.LocalName())
		if pos, count := siblingPosition(cur); count > 1 {
			step += "[" + strconv.Itoa(pos) + "]"
		}
		steps = append(steps, step)
		parent, ok := cur.Parent().(*helium.Element)
		if !ok {
			break
		}
		cur = parent
	}
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(steps[i])
	}
	return b.String()
}

// siblingPosition returns the 1-based position of el among its parent's
// children with the same expanded name, and how many there are.
func siblingPosition(el *helium.Element) (pos, count int) {
	parent := el.Parent()
	if parent == nil {
		return 1, 1
	}
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		sib, ok := n.(*helium.Element)
		if !ok || sib.LocalName() != el.LocalName() || sib.URI() != el.URI() {
			continue
		}
		count++
		if sib == el {
			pos = count
		}
	}
	return pos, count
}

// enumerationText describes the allowed values of an enumeration.
func enumerationText(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return "one of " + strings.Join(quoted, ", ")
}
