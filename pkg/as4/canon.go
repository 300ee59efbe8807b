package as4

import (
	"bytes"
	"slices"
	"strings"

	"github.com/oots-tools/oots/pkg/xmlwrite"
)

// The envelope is written by a small streaming serialiser whose output for
// an element is already that element's exclusive canonical form (Exclusive
// XML Canonicalization 1.0, no comments), as it would come out of the parsed
// envelope. A signer can then digest the bytes it writes — eb:Messaging,
// soap:Body, ds:SignedInfo — without parsing its own message back, which is
// most of the cost of signing. The verifier never relies on this: it
// canonicalises what it receives with helium's c14n, so the round-trip tests
// check this serialiser against an independent implementation.

// Namespaces of the WS-Security header.
const (
	NSWSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	NSWSU  = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	nsXML  = "http://www.w3.org/XML/1998/namespace"
)

// namespaceOf is the URI of one of the fixed prefixes the writer uses
// ("" for none or an unknown one).
func namespaceOf(prefix string) string {
	switch prefix {
	case "soap":
		return NSSOAP12
	case "eb":
		return NSEbMS
	case "ebbp":
		return NSEbbp
	case "ds":
		return NSDSig
	case "wsse":
		return NSWSSE
	case "wsu":
		return NSWSU
	case "xml":
		return nsXML
	}
	return ""
}

type attribute struct{ name, value string }

// canonWriter writes elements in canonical form as they are opened and
// closed, straight into a buffer: no tree of the message is built. Its
// stacks start in arrays of their own, so a writer on the stack of its
// caller costs no allocation for the depths the messages have.
type canonWriter struct {
	b *bytes.Buffer
	// depth is the indentation of the apex element.
	depth int
	// rendered holds the prefixes the open elements declared, innermost
	// last (the prefix → URI mapping is fixed, so the prefix says it all).
	rendered []string
	open     []openElement

	renderedArray [8]string
	openArray     [12]openElement
}

type openElement struct {
	name  string
	mark  int // len(rendered) before the element's own declarations
	depth int
	kids  bool
}

// reset makes w write to b an apex element indented at depth: every
// namespace it and its descendants use is declared on the first element
// that uses it.
func (w *canonWriter) reset(b *bytes.Buffer, depth int) {
	w.b, w.depth = b, depth
	w.rendered, w.open = w.renderedArray[:0], w.openArray[:0]
}

// start opens an element with the attributes whose value is not empty
// (an empty optional attribute is never written). attrs is reordered.
func (w *canonWriter) start(name string, attrs ...attribute) {
	depth := w.child()
	b := w.b
	b.WriteByte('<')
	b.WriteString(name)
	kept := attrs[:0]
	for _, a := range attrs {
		if a.value != "" {
			kept = append(kept, a)
		}
	}
	mark := len(w.rendered)
	w.declare(name, kept)
	sortAttributes(kept)
	for _, a := range kept {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		xmlwrite.WriteCanonical(b, a.value, true)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	w.open = append(w.open, openElement{name: name, mark: mark, depth: depth})
}

// child starts a new line for a child of the innermost open element and
// returns its depth (the apex's when no element is open).
func (w *canonWriter) child() int {
	n := len(w.open)
	if n == 0 {
		return w.depth
	}
	parent := &w.open[n-1]
	parent.kids = true
	newline(w.b, parent.depth+1)
	return parent.depth + 1
}

// end closes the innermost open element.
func (w *canonWriter) end() {
	e := w.open[len(w.open)-1]
	w.open = w.open[:len(w.open)-1]
	if e.kids {
		newline(w.b, e.depth)
	}
	w.b.WriteString("</")
	w.b.WriteString(e.name)
	w.b.WriteByte('>')
	w.rendered = w.rendered[:e.mark]
}

// text writes an element holding text, or nothing for an empty value: an
// empty optional element is never written.
func (w *canonWriter) text(name, text string, attrs ...attribute) {
	if text == "" {
		return
	}
	w.start(name, attrs...)
	xmlwrite.WriteCanonical(w.b, text, false)
	w.end()
}

// raw writes bytes that already are a canonical element (a ds:SignedInfo)
// as a child of the innermost open element.
func (w *canonWriter) raw(element []byte) {
	w.child()
	w.b.Write(element)
}

// declare writes, sorted by prefix, the namespace declarations for the
// prefixes the element and its attributes use that no open ancestor
// declared (exclusive C14N's "visibly utilized" rule), and notes them as
// rendered.
func (w *canonWriter) declare(name string, attrs []attribute) {
	var usedArray [8]string
	used := append(usedArray[:0], prefixOf(name))
	for _, a := range attrs {
		if p := prefixOf(a.name); p != "" && p != "xml" && !slices.Contains(used, p) {
			used = append(used, p)
		}
	}
	insertionSort(used, func(x, y string) bool { return x < y })
	for _, p := range used {
		if p == "" || slices.Contains(w.rendered, p) {
			continue
		}
		w.b.WriteString(" xmlns:")
		w.b.WriteString(p)
		w.b.WriteString(`="`)
		w.b.WriteString(namespaceOf(p))
		w.b.WriteByte('"')
		w.rendered = append(w.rendered, p)
	}
}

// sortAttributes orders attributes as C14N does: by namespace URI (none
// first), then local name.
func sortAttributes(attrs []attribute) {
	insertionSort(attrs, func(x, y attribute) bool {
		if nx, ny := namespaceOf(prefixOf(x.name)), namespaceOf(prefixOf(y.name)); nx != ny {
			return nx < ny
		}
		return localOf(x.name) < localOf(y.name)
	})
}

// insertionSort sorts the few names of one element in place, without the
// allocations of a general sort.
func insertionSort[T any](s []T, less func(x, y T) bool) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func prefixOf(qname string) string {
	p, _, ok := strings.Cut(qname, ":")
	if !ok {
		return ""
	}
	return p
}

func localOf(qname string) string {
	if _, l, ok := strings.Cut(qname, ":"); ok {
		return l
	}
	return qname
}

func newline(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for range depth {
		b.WriteString("  ")
	}
}
