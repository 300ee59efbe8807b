package edmjson

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/validate"
)

const (
	nsRIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"
)

// ToJSON converts a parsed OOTS document (or any XML document) to the JSON
// form described in docs/edm-json.md. Comments are dropped, and so is
// whitespace between elements (indentation); everything else is kept.
func ToJSON(doc *helium.Document) ([]byte, error) {
	return ToJSONWith(doc, Options{})
}

// Options change the JSON form.
type Options struct {
	// KeepWhitespace keeps the whitespace between elements too, so that the
	// round trip is equal even under plain exclusive C14N. The price is the
	// compact form: every element with children uses "#content", and slots
	// stay elements.
	KeepWhitespace bool
}

// ToJSONWith is ToJSON with options.
func ToJSONWith(doc *helium.Document, opts Options) ([]byte, error) {
	root := doc.DocumentElement()
	if root == nil {
		return nil, errors.New("document has no root element")
	}
	top := object{{"kind", string(validate.Detect(doc))}}
	// Processing instructions around the document element stay in place.
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch v := n.(type) {
		case *helium.Element:
			top = append(top, member{v.Name(), encodeElement(v, opts.KeepWhitespace)})
		case *helium.ProcessingInstruction:
			top = append(top, member{"?" + v.Name(), string(v.Content())})
		}
	}
	var b bytes.Buffer
	writeJSON(&b, top, 0)
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// content is the significant content of an element: its element children
// and its text (text nodes and CDATA sections merged, comments dropped).
type content struct {
	elems []*helium.Element
	items []any // text strings, elements and pis, in document order
	text  bool  // some text that is not only whitespace
	pis   bool  // some processing instruction, which C14N keeps
}

// pi is a processing instruction: in JSON {"?target": "data"}.
type pi struct{ target, data string }

func contentOf(e *helium.Element) content {
	var c content
	// Text is almost always one node; pending and more avoid a builder for it.
	var pending string
	var more []string
	flush := func() {
		if more != nil {
			pending = strings.Join(more, "")
			more = nil
		}
		if pending != "" {
			c.items = append(c.items, pending)
			pending = ""
		}
	}
	for n := e.FirstChild(); n != nil; n = n.NextSibling() {
		switch v := n.(type) {
		case *helium.Element:
			flush()
			c.elems = append(c.elems, v)
			c.items = append(c.items, v)
		case *helium.ProcessingInstruction:
			flush()
			c.pis = true
			c.items = append(c.items, pi{v.Name(), string(v.Content())})
		case *helium.Text, *helium.CDATASection:
			s := string(v.Content())
			switch {
			case pending == "" && more == nil:
				pending = s
			case more == nil:
				more = []string{pending, s}
			default:
				more = append(more, s)
			}
			if !c.text && strings.TrimLeft(s, " \t\r\n") != "" {
				c.text = true
			}
		}
	}
	flush()
	return c
}

// encodeElement gives the value of an element: a string for text-only
// elements without attributes, otherwise an object.
func encodeElement(e *helium.Element, keepWS bool) any {
	obj := attributes(e)
	c := contentOf(e)
	if len(c.elems) == 0 && !c.pis {
		s := joinText(c.items)
		if len(obj) == 0 {
			return s
		}
		if s != "" {
			obj = append(obj, member{"#text", s})
		}
		return obj
	}
	if !c.text && !c.pis && !keepWS {
		if kids, ok := childMembers(c.elems, e.Prefix(), true); ok {
			return append(obj, kids...)
		}
	}
	return append(obj, member{"#content", mixed(c.items, e.Prefix(), keepWS)})
}

// attributes gives the namespace declarations ("xmlns", "xmlns:p") and the
// attributes ("@name") of e, in document order.
func attributes(e *helium.Element) object {
	var obj object
	for _, ns := range e.Namespaces() {
		key := "xmlns"
		if ns.Prefix() != "" {
			key += ":" + ns.Prefix()
		}
		obj = append(obj, member{key, ns.URI()})
	}
	for _, a := range e.Attributes() {
		obj = append(obj, member{"@" + a.Name(), a.Value()})
	}
	return obj
}

func joinText(items []any) string {
	var b strings.Builder
	for _, it := range items {
		if s, ok := it.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// mixed keeps content with significant text in order: each item is a string
// or a one-member object holding an element.
func mixed(items []any, prefix string, keepWS bool) []any {
	out := make([]any, 0, len(items))
	for _, it := range items {
		switch v := it.(type) {
		case *helium.Element:
			out = append(out, object{{childKey(v, prefix), encodeElement(v, keepWS)}})
		case pi:
			out = append(out, object{{"?" + v.target, v.data}})
		default:
			out = append(out, it)
		}
	}
	return out
}

// childKey names a child relative to its parent: the local name when it has
// the parent's prefix, "p:Name" for another prefix, ":Name" for none.
func childKey(e *helium.Element, parentPrefix string) string {
	switch p := e.Prefix(); p {
	case parentPrefix:
		return e.LocalName()
	case "":
		return ":" + e.LocalName()
	}
	return e.Prefix() + ":" + e.LocalName()
}

// childMembers encodes element-only content as members: runs of siblings of
// the same name become one member (an array when the run is longer than
// one), and the run of rim:Slot children becomes "slots". It fails when a
// name comes back after another one, since members could not keep that order.
func childMembers(elems []*helium.Element, prefix string, allowSlots bool) (object, bool) {
	var obj object
	var seen []string // few distinct names per element: a slice beats a map
	slotsDone := false
	for i := 0; i < len(elems); {
		j := i + 1
		for j < len(elems) && elems[j].Name() == elems[i].Name() && elems[j].URI() == elems[i].URI() {
			j++
		}
		run := elems[i:j]
		key := childKey(run[0], prefix)
		if slices.Contains(seen, key) || key == "slots" || key[0] == '#' {
			return nil, false
		}
		seen = append(seen, key)
		if allowSlots && !slotsDone && isRIM(run[0], "Slot") {
			if slots, ok := encodeSlots(run); ok {
				obj = append(obj, member{"slots", slots})
				slotsDone = true
				i = j
				continue
			}
		}
		obj = append(obj, member{key, runValue(run)})
		i = j
	}
	return obj, true
}

func runValue(run []*helium.Element) any {
	if len(run) == 1 {
		return encodeElement(run[0], false)
	}
	arr := make([]any, len(run))
	for k, e := range run {
		arr[k] = encodeElement(e, false)
	}
	return arr
}

// isRIM tells whether e is rim:local with exactly the prefix "rim", which
// the compact slot form writes back.
func isRIM(e *helium.Element, local string) bool {
	return e.Prefix() == "rim" && e.URI() == nsRIM && e.LocalName() == local
}
