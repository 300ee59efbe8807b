package xmldoc

import (
	"bytes"
	"hash/maphash"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/lestrrat-go/helium"
)

// The fast path builds, for the documents OOTS nodes exchange all day (UTF-8,
// no DTD, no processing instructions, LF line ends), the same helium tree the
// helium parser builds, several times faster: a single pass over the bytes
// with ASCII names, creating the nodes through helium's own constructors.
//
// It is a strict subset of XML: anything it does not handle — and every
// well-formedness error — makes it give up, and the document is parsed again
// by helium, which then builds the tree or reports the error with its
// position. So the fast path never accepts what helium refuses, and helium
// stays the one source of parse error messages.

// Bounds of the fast path: its duplicate checks and namespace look-ups are
// linear scans, cheap for real messages and left to helium beyond these.
const (
	maxFastAttrs  = 64  // attributes of one element
	maxFastScopes = 128 // namespace declarations in scope
)

// XML namespace names.
const (
	nsXML   = "http://www.w3.org/XML/1998/namespace"
	nsXMLNS = "http://www.w3.org/2000/xmlns/"
)

// fastParser is one pass of the fast path over a document.
type fastParser struct {
	data     []byte
	pos      int
	line     int
	maxDepth int
	doc      *helium.Document
	scopes   []nsBinding // in-scope namespace declarations, innermost last
	attrs    []rawAttr   // attributes of the start tag being read
	text     []byte      // decoded character data being gathered
	names    nameCache   // qualified names met, split and interned
	xmlNS    *helium.Namespace
}

// nsBinding is a namespace declaration in scope. ns is the one Namespace
// node of the document for it, created on first use: the elements and
// attributes in its scope share it, as they may (helium's Namespace has no
// setters), rather than each allocating its own.
type nsBinding struct {
	prefix, uri string
	ns          *helium.Namespace
}

type rawAttr struct {
	prefix, local string
	start, end    int // where the decoded, normalised value sits in text
}

// parsers keeps fastParsers, whose scratch slices then grow once rather
// than on every document.
var parsers = sync.Pool{New: func() any { return new(fastParser) }}

// maxKeptText bounds the scratch text a pooled parser keeps, so that one
// huge attribute value does not stay pinned in the pool.
const maxKeptText = 64 << 10

// parseFast returns the document's tree, or false when helium must parse it.
func parseFast(data []byte, maxDepth int) (*helium.Document, bool) {
	p := parsers.Get().(*fastParser) //nolint:forcetypeassert // the pool holds nothing else
	p.data, p.pos, p.line, p.maxDepth = data, 0, 1, maxDepth
	ok := p.document()
	doc := p.doc
	p.release()
	if !ok {
		if doc != nil {
			doc.Free()
		}
		return nil, false
	}
	return doc, true
}

// release returns p to the pool, keeping only its scratch space.
func (p *fastParser) release() {
	p.data, p.doc, p.xmlNS = nil, nil, nil
	p.scopes, p.attrs = p.scopes[:0], p.attrs[:0]
	p.text = p.text[:0]
	if cap(p.text) > maxKeptText {
		p.text = nil
	}
	parsers.Put(p)
}

func (p *fastParser) document() bool {
	if bytes.HasPrefix(p.data, []byte("\xef\xbb\xbf")) {
		p.pos = 3
	}
	version, encoding, standalone, ok := p.xmlDecl()
	if !ok {
		return false
	}
	p.doc = helium.NewDocument(version, encoding, standalone)
	var parent helium.MutableNode = p.doc
	if !p.misc(parent) || !p.at('<') {
		return false
	}
	if !p.element(parent, 1) || !p.misc(parent) || p.pos != len(p.data) {
		return false
	}
	p.doc.SetProperties(helium.DocWellFormed)
	return true
}

// xmlDecl reads an optional XML declaration: version 1.0, encoding UTF-8.
func (p *fastParser) xmlDecl() (version, encoding string, standalone helium.DocumentStandaloneType, ok bool) {
	standalone = helium.StandaloneImplicitNo
	if !bytes.HasPrefix(p.data[p.pos:], []byte("<?xml")) || len(p.data) <= p.pos+5 || !isSpace(p.data[p.pos+5]) {
		return "", "", standalone, true
	}
	end := bytes.Index(p.data[p.pos:], []byte("?>"))
	if end < 0 || bytes.IndexByte(p.data[p.pos:p.pos+end], '\n') >= 0 {
		return "", "", standalone, false // helium counts lines inside it its own way
	}
	p.pos += 5
	name, value, ok := p.pseudoAttr()
	if !ok || string(name) != "version" || string(value) != "1.0" {
		return "", "", standalone, false
	}
	version = "1.0"
	for {
		spaced := p.skipSpace()
		if bytes.HasPrefix(p.data[p.pos:], []byte("?>")) {
			p.pos += 2
			return version, encoding, standalone, true
		}
		if !spaced {
			return "", "", standalone, false
		}
		name, value, ok := p.pseudoAttr()
		switch {
		case !ok:
			return "", "", standalone, false
		case string(name) == "encoding" && encoding == "" && standalone == helium.StandaloneImplicitNo && utf8Name(value) != "":
			encoding = utf8Name(value)
		case string(name) == "standalone" && standalone == helium.StandaloneImplicitNo && string(value) == "yes":
			standalone = helium.StandaloneExplicitYes
		case string(name) == "standalone" && standalone == helium.StandaloneImplicitNo && string(value) == "no":
			standalone = helium.StandaloneExplicitNo
		default:
			return "", "", standalone, false
		}
	}
}

// utf8Name returns the encoding name b as a constant string when it is one
// of the two spellings of UTF-8 the fast path takes, and "" otherwise.
func utf8Name(b []byte) string {
	switch string(b) {
	case "UTF-8":
		return "UTF-8"
	case "utf-8":
		return "utf-8"
	}
	return ""
}

// pseudoAttr reads `S name S? = S? "value"` of the XML declaration; name
// and value point into the input.
func (p *fastParser) pseudoAttr() (name, value []byte, ok bool) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.data) && isNameByte(p.data[p.pos]) {
		p.pos++
	}
	name = p.data[start:p.pos]
	p.skipSpace()
	if !p.at('=') {
		return nil, nil, false
	}
	p.pos++
	p.skipSpace()
	if p.pos >= len(p.data) || (p.data[p.pos] != '"' && p.data[p.pos] != '\'') {
		return nil, nil, false
	}
	q := p.data[p.pos]
	end := bytes.IndexByte(p.data[p.pos+1:], q)
	if end < 0 {
		return nil, nil, false
	}
	value = p.data[p.pos+1 : p.pos+1+end]
	p.pos += end + 2
	return name, value, true
}

// misc reads white space and comments outside the root element.
func (p *fastParser) misc(parent helium.MutableNode) bool {
	for {
		p.skipSpace()
		if !bytes.HasPrefix(p.data[p.pos:], []byte("<!--")) {
			return true
		}
		if !p.comment(parent) {
			return false
		}
	}
}

func (p *fastParser) skipSpace() bool {
	start := p.pos
	for p.pos < len(p.data) && isSpace(p.data[p.pos]) {
		switch p.data[p.pos] {
		case '\n':
			p.line++
		case '\r':
			return false
		}
		p.pos++
	}
	return p.pos > start
}

func (p *fastParser) at(c byte) bool { return p.pos < len(p.data) && p.data[p.pos] == c }

// comment reads <!-- ... --> and appends it to parent.
func (p *fastParser) comment(parent helium.MutableNode) bool {
	content, ok := p.delimited("<!--", "--")
	if !ok || !p.at('>') { // "--" may only end a comment
		return false
	}
	p.pos++
	return helium.UnsafeAppendChild(parent, p.doc.CreateComment(content)) == nil
}

// delimited reads open, content and end from p.pos, and returns the
// content once its characters are checked.
func (p *fastParser) delimited(open, end string) ([]byte, bool) {
	start := p.pos + len(open)
	n := bytes.Index(p.data[start:], []byte(end))
	if n < 0 {
		return nil, false
	}
	content := p.data[start : start+n]
	lines, ok := checkChars(content)
	if !ok {
		return nil, false
	}
	p.line += lines
	p.pos = start + n + len(end)
	return content, true
}

// element reads an element at p.pos ('<') with its content and end tag.
func (p *fastParser) element(parent helium.MutableNode, depth int) bool {
	if p.maxDepth > 0 && depth > p.maxDepth {
		return false
	}
	p.pos++
	prefix, local, qname, ok := p.qname()
	if !ok {
		return false
	}
	// The element's declarations leave scope when it ends; a failed parse
	// is thrown away whole, so only the successful returns need to restore.
	scopeMark := len(p.scopes)
	declared, empty, ok := p.startTag()
	if !ok {
		return false
	}
	e, ok := p.newElement(prefix, local, scopeMark, declared)
	if !ok || helium.UnsafeAppendChild(parent, e) != nil {
		return false
	}
	if empty {
		p.scopes = p.scopes[:scopeMark]
		return true
	}
	if p.pos+1 < len(p.data) && p.data[p.pos] == '/' && p.data[p.pos+1] == '>' {
		return false // helium refuses content that starts with "/>"; so must we
	}
	// content returns true only at "</".
	if !p.content(e, depth) {
		return false
	}
	// End tag: </qname S? >
	p.pos += 2
	if end := p.pos + len(qname); end > len(p.data) || string(p.data[p.pos:end]) != string(qname) {
		return false
	}
	p.pos += len(qname)
	p.skipSpace()
	if !p.at('>') {
		return false
	}
	p.pos++
	p.scopes = p.scopes[:scopeMark]
	return true
}

// qname reads an ASCII QName with at most one colon.
func (p *fastParser) qname() (prefix, local string, raw []byte, ok bool) {
	start := p.pos
	colon := -1
	if p.pos >= len(p.data) || !isNameStartByte(p.data[p.pos]) {
		return "", "", nil, false
	}
	data, i := p.data, p.pos
	for i < len(data) {
		c := data[i]
		if c == ':' {
			if colon >= 0 {
				return "", "", nil, false
			}
			colon = i
		} else if !nameByte[c] {
			break
		}
		i++
	}
	p.pos = i
	raw = data[start:i]
	if colon >= 0 && (colon == start || colon == p.pos-1 || !isNameStartByte(p.data[colon+1])) {
		return "", "", nil, false
	}
	prefix, local = p.names.split(raw, colon-start)
	return prefix, local, raw, true
}

// startTag reads the attributes and the end of a start tag, collecting
// namespace declarations in p.scopes and other attributes in p.attrs. It
// returns how many namespaces the element declares.
func (p *fastParser) startTag() (declared int, empty, ok bool) {
	p.attrs = p.attrs[:0]
	p.text = p.text[:0]
	for {
		spaced := p.skipSpace()
		if p.pos >= len(p.data) {
			return 0, false, false
		}
		switch p.data[p.pos] {
		case '>':
			p.pos++
			return declared, false, true
		case '/':
			if !bytes.HasPrefix(p.data[p.pos:], []byte("/>")) {
				return 0, false, false
			}
			p.pos += 2
			return declared, true, true
		}
		if !spaced {
			return 0, false, false
		}
		prefix, local, _, ok := p.qname()
		if !ok {
			return 0, false, false
		}
		p.skipSpace()
		if !p.at('=') {
			return 0, false, false
		}
		p.pos++
		p.skipSpace()
		start := len(p.text)
		if !p.attrValue() {
			return 0, false, false
		}
		switch {
		case prefix == "" && local == "xmlns", prefix == "xmlns":
			if prefix == "xmlns" {
				prefix = local // xmlns:p declares p; xmlns alone, the default
			}
			uri := p.text[start:]
			p.text = p.text[:start] // uri stays valid until the next append
			if prefix == "xml" && string(uri) == nsXML {
				continue // allowed, and not a declaration of the tree
			}
			if !p.declare(prefix, uri, len(p.scopes)-declared) {
				return 0, false, false
			}
			declared++
		default:
			if len(p.attrs) == maxFastAttrs {
				return 0, false, false
			}
			p.attrs = append(p.attrs, rawAttr{prefix: prefix, local: local, start: start, end: len(p.text)})
		}
	}
}

// declare adds a namespace declaration of the current element, refusing
// the cases XML Namespaces forbids or that helium must judge.
func (p *fastParser) declare(prefix string, name []byte, first int) bool {
	if string(name) == nsXML || string(name) == nsXMLNS || prefix == "xml" || prefix == "xmlns" ||
		(prefix != "" && len(name) == 0) || len(p.scopes) == maxFastScopes {
		return false
	}
	for _, b := range p.scopes[first:] {
		if b.prefix == prefix {
			return false
		}
	}
	uri := intern(name)
	if prefix != "" && !parsesAsURL(uri) {
		return false // helium refuses a prefixed declaration that is no URL
	}
	p.scopes = append(p.scopes, nsBinding{prefix: prefix, uri: uri})
	return true
}

// parsesAsURL tells whether url.Parse takes uri, remembering the answers
// for the few namespace names a node meets.
func parsesAsURL(uri string) bool {
	h := maphash.String(internSeed, uri)
	set := &urlTable[h%internSets]
	if _, ok := find(set, uri); ok {
		return true
	}
	if _, err := url.Parse(uri); err != nil {
		return false
	}
	set.add(uri, h)
	return true
}

func (p *fastParser) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return nsXML, true
	}
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if p.scopes[i].prefix == prefix {
			return p.scopes[i].uri, p.scopes[i].uri != "" || prefix == ""
		}
	}
	return "", prefix == ""
}

// attrValue reads a quoted attribute value into p.text, decoding references
// and normalising white space as helium does.
func (p *fastParser) attrValue() bool {
	if p.pos >= len(p.data) || (p.data[p.pos] != '"' && p.data[p.pos] != '\'') {
		return false
	}
	q := p.data[p.pos]
	p.pos++
	for p.pos < len(p.data) {
		run := p.pos
		p.pos = scanRun(p.data, p.pos, &plainAttr)
		p.text = append(p.text, p.data[run:p.pos]...)
		if p.pos >= len(p.data) {
			return false
		}
		c := p.data[p.pos]
		switch {
		case c == q:
			p.pos++
			return true
		case c == '"' || c == '\'':
			p.text = append(p.text, c)
		case c == '&':
			if !p.reference() {
				return false
			}
			continue
		case c == '\t' || c == '\n':
			if c == '\n' {
				p.line++
			}
			p.text = append(p.text, ' ')
		case c >= 0x80:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if !isXMLRune(r, size) {
				return false
			}
			p.text = append(p.text, p.data[p.pos:p.pos+size]...)
			p.pos += size
			continue
		default:
			return false // '<', CR and control characters
		}
		p.pos++
	}
	return false
}

// reference decodes &lt; &gt; &amp; &quot; &apos; and character references
// at p.pos into p.text.
func (p *fastParser) reference() bool {
	end := bytes.IndexByte(p.data[p.pos:min(len(p.data), p.pos+12)], ';')
	if end < 0 {
		return false
	}
	name := p.data[p.pos+1 : p.pos+end]
	p.pos += end + 1
	switch string(name) {
	case "lt":
		p.text = append(p.text, '<')
	case "gt":
		p.text = append(p.text, '>')
	case "amp":
		p.text = append(p.text, '&')
	case "quot":
		p.text = append(p.text, '"')
	case "apos":
		p.text = append(p.text, '\'')
	default:
		return p.charRef(name)
	}
	return true
}

func (p *fastParser) charRef(name []byte) bool {
	if len(name) < 2 || name[0] != '#' {
		return false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || digits[0] == '+' || digits[0] == '-' {
		return false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || !isXMLRune(rune(n), 0) {
		return false
	}
	p.text = utf8.AppendRune(p.text, rune(n))
	return true
}

// newElement creates the element with its namespaces and attributes, in the
// order helium's tree builder sets them.
func (p *fastParser) newElement(prefix, local string, scopeMark, declared int) (*helium.Element, bool) {
	if prefix == "xml" {
		return nil, false
	}
	e, err := p.doc.CreateElement(local)
	if err != nil {
		return nil, false
	}
	e.SetLine(p.line)
	// The element's own declarations are in scope for its name: their
	// Namespace nodes are made first, then shared with it.
	decls := p.scopes[scopeMark : scopeMark+declared]
	for i := range decls {
		if decls[i].ns, err = p.doc.CreateNamespace(decls[i].prefix, decls[i].uri); err != nil {
			return nil, false
		}
	}
	ns, _, ok := p.namespace(prefix)
	if !ok {
		return nil, false
	}
	if ns != nil {
		e.SetNamespace(ns)
	}
	for _, b := range decls {
		if e.AddNamespaceDecl(b.ns) != nil {
			return nil, false
		}
	}
	return e, p.addAttributes(e)
}

// namespace returns the Namespace node prefix is bound to (nil for no
// namespace), its URI, and false when prefix is not bound.
func (p *fastParser) namespace(prefix string) (*helium.Namespace, string, bool) {
	if prefix == "xml" {
		if p.xmlNS == nil {
			p.xmlNS, _ = p.doc.CreateNamespace("xml", nsXML)
		}
		return p.xmlNS, nsXML, true
	}
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if b := &p.scopes[i]; b.prefix == prefix {
			if b.uri == "" {
				return nil, "", prefix == ""
			}
			return b.ns, b.uri, true
		}
	}
	return nil, "", prefix == ""
}

func (p *fastParser) addAttributes(e *helium.Element) bool {
	var last *helium.Attribute
	for i, a := range p.attrs {
		var ns *helium.Namespace
		uri := ""
		if a.prefix != "" {
			var ok bool
			if ns, uri, ok = p.namespace(a.prefix); !ok {
				return false
			}
		}
		for _, b := range p.attrs[:i] {
			if b.local == a.local && (b.prefix == a.prefix || (a.prefix != "" && b.prefix != "" && p.uriOf(b.prefix) == uri)) {
				return false // duplicate attribute
			}
		}
		attr, err := p.doc.CreateAttribute(a.local, "", ns)
		if err != nil || !linkAttr(e, last, attr) {
			return false
		}
		last = attr
		if a.end > a.start && helium.UnsafeAppendChild(attr, p.doc.CreateText(p.text[a.start:a.end])) != nil {
			return false
		}
		if a.prefix == "xml" && a.local == "id" {
			if bytes.IndexByte(p.text[a.start:a.end], ' ') >= 0 {
				return false // xml:id values are normalised like IDs: helium's work
			}
			p.doc.RegisterID(string(p.text[a.start:a.end]), e)
		}
	}
	return true
}

// linkAttr appends the new, childless attr to e after last, e's last
// attribute (nil: e has none yet). AddChild would search e's attributes
// for one to replace, and attr's subtree for a cycle: addAttributes has
// already refused duplicates, and attr is fresh, so the later ones are
// linked directly.
func linkAttr(e *helium.Element, last, attr *helium.Attribute) bool {
	if last == nil {
		return e.AddChild(attr) == nil
	}
	helium.UnsafeSetNextSibling(last, attr)
	helium.UnsafeSetPrevSibling(attr, last)
	helium.UnsafeSetParent(attr, e)
	return true
}

func (p *fastParser) uriOf(prefix string) string {
	uri, _ := p.lookup(prefix)
	return uri
}

// content reads the children of e up to its end tag.
func (p *fastParser) content(e *helium.Element, depth int) bool {
	for p.pos < len(p.data) {
		if p.data[p.pos] != '<' {
			if !p.charData(e) {
				return false
			}
			continue
		}
		// Dispatch on the byte after '<' first: comparing prefixes costs
		// a call each, and nearly every '<' starts an element or end tag.
		rest := p.data[p.pos:]
		if len(rest) < 2 {
			return false
		}
		switch c := rest[1]; {
		case c == '/':
			return true
		case isNameStartByte(c):
			if !p.element(e, depth+1) {
				return false
			}
		case c == '!' && bytes.HasPrefix(rest, []byte("<!--")):
			if !p.comment(e) {
				return false
			}
		case c == '!' && bytes.HasPrefix(rest, []byte("<![CDATA[")):
			if !p.cdata(e) {
				return false
			}
		default:
			return false // processing instructions and anything else: helium
		}
	}
	return false
}

// charData reads a run of character data up to the next markup and
// appends it to e as one text node. A run without references is taken
// from the input as it is.
func (p *fastParser) charData(e *helium.Element) bool {
	start := p.pos
	decoded := false // p.text holds the run so far
	for p.pos < len(p.data) {
		run := p.pos
		p.pos = p.scanText(p.pos)
		if decoded {
			p.text = append(p.text, p.data[run:p.pos]...)
		}
		if p.pos >= len(p.data) {
			return false
		}
		c := p.data[p.pos]
		switch {
		case c == '<':
			text := p.data[start:p.pos]
			if decoded {
				text = p.text
			}
			return helium.UnsafeAppendChild(e, p.doc.CreateText(text)) == nil
		case c == '&':
			if !decoded {
				p.text = append(p.text[:0], p.data[start:p.pos]...)
				decoded = true
			}
			if !p.reference() {
				return false
			}
		case c == ']' && !bytes.HasPrefix(p.data[p.pos:], []byte("]]>")):
			p.pos++
			if decoded {
				p.text = append(p.text, c)
			}
		case c >= 0x80:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if !isXMLRune(r, size) {
				return false
			}
			if decoded {
				p.text = append(p.text, p.data[p.pos:p.pos+size]...)
			}
			p.pos += size
		default:
			return false // "]]>", control characters and CR
		}
	}
	return false
}

func (p *fastParser) cdata(e *helium.Element) bool {
	content, ok := p.delimited("<![CDATA[", "]]>")
	return ok && helium.UnsafeAppendChild(e, p.doc.CreateCDATASection(content)) == nil
}

// checkChars counts the lines of b and tells whether all its characters
// are XML characters (CR excluded: line ends are left to helium).
func checkChars(b []byte) (lines int, ok bool) {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\n':
			lines++
		case c == '\t':
		case c < 0x20:
			return 0, false
		case c >= 0x80:
			r, size := utf8.DecodeRune(b[i:])
			if !isXMLRune(r, size) {
				return 0, false
			}
			i += size
			continue
		}
		i++
	}
	return lines, true
}

// isXMLRune tells whether r (decoded from size bytes; 0 for a character
// reference) is an XML 1.0 character.
func isXMLRune(r rune, size int) bool {
	if r == utf8.RuneError && size == 1 {
		return false
	}
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	default:
		return r >= 0x10000 && r <= 0x10FFFF
	}
}

// scanRun returns where the run of bytes marked in table that starts at i
// ends; a loop on locals, which the compiler keeps in registers.
func scanRun(data []byte, i int, table *[256]bool) int {
	for i < len(data) && table[data[i]] {
		i++
	}
	return i
}

// scanText returns where the run of plain character data that starts at i
// ends, counting its lines: in one pass, as the runs are mostly short
// indentation, where a separate count costs more than it saves.
func (p *fastParser) scanText(i int) int {
	data, lines := p.data, 0
	for i < len(data) {
		c := data[i]
		if !plainText[c] {
			break
		}
		if c == '\n' {
			lines++
		}
		i++
	}
	p.line += lines
	return i
}

// nameByte marks the ASCII bytes isNameByte accepts, for the name loop.
var nameByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isNameByte(byte(c))
	}
	return t
}()

func isNameStartByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
}

func isNameByte(c byte) bool {
	return isNameStartByte(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'
}

// plainText marks the bytes character data copies as they are (line
// feeds are counted on the way); plainAttr, those of attribute values.
var plainText, plainAttr = func() (text, attr [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		text[c], attr[c] = true, true
	}
	text['\t'], text['\n'] = true, true
	for _, c := range []byte("<&]") {
		text[c] = false
	}
	for _, c := range []byte("<&\"'") {
		attr[c] = false
	}
	return text, attr
}()

// Names repeat from one message to the next: they are interned in a small
// lock-free table so that parsing does not allocate a string per name.
// Namespace names are interned too, hence the length bound well above
// element names: the WS-Security ones are over 80 bytes.
//
// The table is set-associative: with one slot per hash, two of the few
// hundred names a node meets would, more often than not, share a slot and
// evict each other on every message.
const (
	internSets   = 1024
	internWays   = 4
	maxInternLen = 256
)

type internSet [internWays]atomic.Pointer[string]

var (
	internSeed  = maphash.MakeSeed()
	internTable [internSets]internSet
	urlTable    [internSets]internSet // namespace names url.Parse takes
)

func intern(b []byte) string {
	if len(b) > maxInternLen {
		return string(b)
	}
	h := maphash.Bytes(internSeed, b)
	set := &internTable[h%internSets]
	if s, ok := find(set, b); ok {
		return s
	}
	s := string(b)
	set.add(s, h)
	return s
}

// find returns the string of the set equal to k. It is generic so that
// a []byte key is compared without being converted to a string first,
// which would allocate for keys over 32 bytes.
func find[K string | []byte](t *internSet, k K) (string, bool) {
	for i := range t {
		p := t[i].Load()
		if p == nil {
			return "", false // the set fills from its first slot
		}
		if *p == string(k) {
			return *p, true
		}
	}
	return "", false
}

// add stores s, hashed to h, in a free slot of the set, or in place of one
// picked by h once the set is full.
func (t *internSet) add(s string, h uint64) {
	for i := range t {
		if t[i].CompareAndSwap(nil, &s) {
			return
		}
	}
	t[(h/internSets)%internWays].Store(&s)
}
