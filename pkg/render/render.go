// Package render turns OOTS messages into standalone, accessible HTML pages
// for people who read rather than parse: every slot with its value, SDG
// content as nested lists, texts in the message's language where it has
// them. The page needs nothing from outside: no scripts, fonts or images.
package render

import (
	"bytes"
	_ "embed"
	"html/template"
	"strings"
	"unicode"

	"github.com/lestrrat-go/helium"
)

const (
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsRS    = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
	nsXSI   = "http://www.w3.org/2001/XMLSchema-instance"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
	nsQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
)

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("page").Parse(pageTemplate))

// Options tune the page.
type Options struct {
	// Lang is the preferred language for texts given in several languages
	// ("" uses the message's own language, else English).
	Lang string
	// Title overrides the page title.
	Title string
}

// Page is what the template shows.
type Page struct {
	Lang       string
	Title      string
	Footer     string
	Attributes []Field   // attributes of the root element (id, status, requestId)
	Sections   []Section // one per slot, exception, registry object or query
}

// Section is a titled group of fields.
type Section struct {
	Title  string
	Fields []Field
}

// Field is a label with a value, or with nested fields.
type Field struct {
	Label    string
	Value    string
	Lang     string // language of Value, when it differs from the page's
	Link     bool   // Value is an https URL
	Children []Field
}

// HTML renders a parsed message. title names the kind of message for the
// page heading (e.g. "Evidence request").
func HTML(doc *helium.Document, title string, opts Options) ([]byte, error) {
	root := doc.DocumentElement()
	r := &renderer{lang: preferredLanguage(root, opts.Lang)}
	p := Page{Lang: r.lang, Title: title, Attributes: r.attributes(root), Footer: r.word("footer")}
	if opts.Title != "" {
		p.Title = opts.Title
	}
	p.Sections = r.sections(root)
	var b bytes.Buffer
	if err := page.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type renderer struct {
	lang string
}

// preferredLanguage picks the page language: the caller's, the message's
// xml:lang, or English.
func preferredLanguage(root *helium.Element, want string) string {
	if want != "" {
		return strings.ToLower(want)
	}
	if v, ok := root.GetAttributeNS("lang", nsXML); ok && v != "" {
		return strings.ToLower(v)
	}
	return "en"
}

func (r *renderer) attributes(el *helium.Element) []Field {
	var out []Field
	for _, a := range el.Attributes() {
		if a.URI() == "" {
			out = append(out, Field{Label: r.label(a.LocalName()), Value: a.Value(), Link: isLink(a.Value())})
		}
	}
	return out
}

// sections makes one section per slot and per structural child of the root.
func (r *renderer) sections(root *helium.Element) []Section {
	var out []Section
	for _, c := range children(root) {
		switch {
		case is(c, nsRIM, "Slot"):
			name, _ := c.GetAttribute("name")
			out = append(out, Section{Title: r.label(name), Fields: r.slotValue(c)})
		case is(c, nsRS, "Exception"):
			out = append(out, Section{Title: r.word("Error"), Fields: r.element(c)})
		case is(c, nsQuery, "ResponseOption"):
			continue
		default:
			out = append(out, r.container(c)...)
		}
	}
	return out
}

// container flattens wrappers such as query:Query or rim:RegistryObjectList
// into sections of their own.
func (r *renderer) container(el *helium.Element) []Section {
	title := r.label(el.LocalName())
	if name, ok := el.GetAttribute("queryDefinition"); ok {
		title += " (" + name + ")"
	}
	sec := Section{Title: title, Fields: r.attributes(el)}
	var nested []Section
	for _, c := range children(el) {
		if is(c, nsRIM, "Slot") {
			name, _ := c.GetAttribute("name")
			sec.Fields = append(sec.Fields, Field{Label: r.label(name), Children: r.slotValue(c)})
			continue
		}
		if len(children(c)) > 0 && (is(c, nsRIM, "RegistryObject") || is(c, nsRIM, "ObjectRef")) {
			nested = append(nested, r.container(c)...)
			continue
		}
		sec.Fields = append(sec.Fields, r.field(c))
	}
	return append([]Section{sec}, nested...)
}

// slotValue renders the value of a slot according to its value type.
func (r *renderer) slotValue(slot *helium.Element) []Field {
	var out []Field
	for _, sv := range children(slot) {
		if !is(sv, nsRIM, "SlotValue") {
			continue
		}
		out = append(out, r.value(sv)...)
	}
	return out
}

func (r *renderer) value(sv *helium.Element) []Field {
	switch valueType(sv) {
	case "InternationalStringValueType":
		return []Field{r.localized(sv)}
	case "BooleanValueType":
		return []Field{{Label: r.word("Value"), Value: r.yesNo(text(first(sv, nsRIM, "Value")))}}
	case "CollectionValueType":
		var out []Field
		for _, e := range children(sv) {
			out = append(out, r.value(e)...)
		}
		return out
	}
	var out []Field
	for _, c := range children(sv) {
		if is(c, nsRIM, "Value") && len(children(c)) == 0 {
			out = append(out, Field{Label: r.word("Value"), Value: text(c), Link: isLink(text(c))})
			continue
		}
		out = append(out, r.field(c))
	}
	return out
}

// localized picks the text in the page language, else the first one.
func (r *renderer) localized(sv *helium.Element) Field {
	var chosen *helium.Element
	walk(sv, func(e *helium.Element) {
		if !is(e, nsRIM, "LocalizedString") {
			return
		}
		lang, _ := e.GetAttributeNS("lang", nsXML)
		if chosen == nil || strings.EqualFold(lang, r.lang) {
			chosen = e
		}
	})
	if chosen == nil {
		return Field{Label: r.word("Value")}
	}
	v, _ := chosen.GetAttribute("value")
	lang, _ := chosen.GetAttributeNS("lang", nsXML)
	return Field{Label: r.word("Value"), Value: v, Lang: r.otherLang(lang)}
}

// field renders any element: its text, or its children as nested fields.
func (r *renderer) field(el *helium.Element) Field {
	f := Field{Label: r.label(el.LocalName())}
	if kids := children(el); len(kids) > 0 {
		f.Children = append(r.attributes(el), r.elements(kids)...)
		return f
	}
	f.Value = text(el)
	f.Link = isLink(f.Value)
	if lang, ok := el.GetAttribute("lang"); ok {
		f.Lang = r.otherLang(lang)
	}
	if f.Children = withoutLang(r.attributes(el)); len(f.Children) > 0 && f.Value != "" {
		f.Children = append([]Field{{Label: r.word("Value"), Value: f.Value, Lang: f.Lang, Link: f.Link}}, f.Children...)
		f.Value = ""
	}
	return f
}

// withoutLang drops the lang attribute, which is shown as the value's language.
func withoutLang(fields []Field) []Field {
	out := fields[:0]
	for _, f := range fields {
		if f.Label != "lang" {
			out = append(out, f)
		}
	}
	return out
}

func (r *renderer) element(el *helium.Element) []Field {
	return append(r.attributes(el), r.elements(children(el))...)
}

// elements renders siblings, choosing the page language among repeated
// texts given in several languages (sdg:Title lang="EN" / lang="DE").
func (r *renderer) elements(list []*helium.Element) []Field {
	var out []Field
	for i, c := range list {
		if is(c, nsRIM, "Slot") {
			name, _ := c.GetAttribute("name")
			out = append(out, Field{Label: r.label(name), Children: r.slotValue(c)})
			continue
		}
		if r.hiddenTranslation(list, i) {
			continue
		}
		out = append(out, r.field(c))
	}
	return out
}

// hiddenTranslation reports whether list[i] is a text in another language
// while a sibling of the same name has the page language.
func (r *renderer) hiddenTranslation(list []*helium.Element, i int) bool {
	lang, ok := list[i].GetAttribute("lang")
	if !ok || strings.EqualFold(lang, r.lang) {
		return false
	}
	for _, s := range list {
		if s.LocalName() == list[i].LocalName() && s.URI() == list[i].URI() {
			if l, _ := s.GetAttribute("lang"); strings.EqualFold(l, r.lang) {
				return true
			}
		}
	}
	return false
}

func (r *renderer) otherLang(lang string) string {
	if lang == "" || strings.EqualFold(lang, r.lang) {
		return ""
	}
	return strings.ToLower(lang)
}

func valueType(el *helium.Element) string {
	t, _ := el.GetAttributeNS("type", nsXSI)
	if _, local, ok := strings.Cut(t, ":"); ok {
		return local
	}
	return t
}

func (r *renderer) yesNo(v string) string {
	switch strings.TrimSpace(v) {
	case "true", "1":
		return r.word("Yes")
	case "false", "0":
		return r.word("No")
	}
	return v
}

// isLink reports whether a value is a web address worth a link; cid:
// references name parts of the same package and stay plain text.
func isLink(v string) bool {
	return strings.HasPrefix(v, "https://")
}

// humanize turns EvidenceRequester into "Evidence requester"; a capital
// starts a new word only when a lower-case letter follows, so acronyms
// (DSD, LoA) stay whole.
func humanize(name string) string {
	var b strings.Builder
	runes := []rune(name)
	for i, c := range runes {
		if i > 0 && unicode.IsUpper(c) && i+1 < len(runes) && unicode.IsLower(runes[i+1]) {
			b.WriteByte(' ')
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func is(el *helium.Element, ns, local string) bool { return el.URI() == ns && el.LocalName() == local }

func text(el *helium.Element) string {
	if el == nil {
		return ""
	}
	return strings.Join(strings.Fields(string(el.Content())), " ")
}

func first(el *helium.Element, ns, local string) *helium.Element {
	for _, c := range children(el) {
		if is(c, ns, local) {
			return c
		}
	}
	return nil
}

func children(el *helium.Element) []*helium.Element {
	var out []*helium.Element
	for n := el.FirstChild(); n != nil; n = n.NextSibling() {
		if c, ok := n.(*helium.Element); ok {
			out = append(out, c)
		}
	}
	return out
}

func walk(el *helium.Element, visit func(*helium.Element)) {
	visit(el)
	for _, c := range children(el) {
		walk(c, visit)
	}
}
