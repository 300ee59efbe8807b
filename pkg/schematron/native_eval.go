package schematron

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xpath3"
)

// item is one member of a native sequence: an indexed node, a node outside
// the index (a text node, a node held by a variable), or a string.
type item struct {
	ord  int32       // index ordinal, or -1
	node helium.Node // when ord < 0: a node, or nil for a string
	str  string
	// anyURI marks a string typed xs:anyURI (from namespace-uri()): XPath 2
	// compares it with a node by casting the node's value to xs:anyURI,
	// which collapses white space, so such pairs are left to XPath.
	anyURI bool
}

func (it *item) isNode() bool { return it.ord >= 0 || it.node != nil }

// itemString is the string value of an item.
func (r *run) itemString(it *item) (string, bool) {
	switch {
	case it.ord >= 0:
		return r.doc.stringValue(it.ord)
	case it.node != nil:
		return nodeString(it.node)
	}
	return it.str, true
}

// itemNode is the node of an item, or nil for a string.
func (r *run) itemNode(it *item) helium.Node {
	if it.ord >= 0 {
		return r.doc.node[it.ord]
	}
	return it.node
}

// --- literals, context, variables ---

type litStr string

func (litStr) kind() kind                           { return kStr }
func (l litStr) evalStr(*run, int32) (string, bool) { return string(l), true }

type litNum int64

func (litNum) kind() kind                          { return kNum }
func (l litNum) evalNum(*run, int32) (int64, bool) { return int64(l), true }

type constBool bool

func (constBool) kind() kind                          { return kBool }
func (b constBool) evalBool(*run, int32) (bool, bool) { return bool(b), true }

// contextItem is ".": the context node.
type contextItem struct{}

func (contextItem) kind() kind { return kSeq }
func (contextItem) appendSeq(r *run, ctx int32, _ int) bool {
	r.items = append(r.items, item{ord: ctx})
	return true
}

// varRef reads a variable bound by a let. Nodes and strings are usable
// natively; any other typed value (a number, a boolean) leaves the decision
// to XPath, whose conversion rules for them differ between XPath 1 and 2.
type varRef string

func (varRef) kind() kind { return kSeq }
func (v varRef) appendSeq(r *run, _ int32, limit int) bool {
	b := r.binding(string(v))
	if b == nil {
		return false
	}
	if b.native {
		switch b.val.kind {
		case kStr:
			r.items = append(r.items, item{ord: -1, str: b.val.str, anyURI: b.val.anyURI})
			return true
		case kSeq:
			if b.val.n == 1 {
				r.items = append(r.items, b.val.it)
			}
			return true
		}
		return false
	}
	n := 0
	if b.seq != nil {
		n = b.seq.Len()
	}
	for i := 0; i < n && (limit <= 0 || i < limit); i++ {
		switch x := b.seq.Get(i).(type) {
		case xpath3.NodeItem:
			r.items = append(r.items, item{ord: -1, node: x.Node})
		case xpath3.AtomicValue:
			s, ok := stringAtom(x)
			if !ok {
				return false
			}
			r.items = append(r.items, item{ord: -1, str: s, anyURI: x.TypeName == xpath3.TypeAnyURI})
		default:
			return false
		}
	}
	return true
}

// stringAtom is the value of a string-like atomic value, which compares as
// a string with strings and nodes in XPath 1 and 2 alike.
func stringAtom(a xpath3.AtomicValue) (string, bool) {
	s, ok := a.Value.(string)
	switch a.TypeName {
	case xpath3.TypeString, xpath3.TypeUntypedAtomic, xpath3.TypeAnyURI:
		return s, ok
	}
	return "", false
}

// varEBV is the effective boolean value of a variable.
func varEBV(r *run, name string) (bool, bool) {
	b := r.binding(name)
	switch {
	case b == nil:
		return false, false
	case b.native:
		switch b.val.kind {
		case kBool:
			return b.val.b, true
		case kNum:
			return b.val.num != 0, true
		case kStr:
			return b.val.str != "", true
		}
		return b.val.n > 0, true
	case b.seq == nil || b.seq.Len() == 0:
		return false, true
	}
	switch x := b.seq.Get(0).(type) {
	case xpath3.NodeItem:
		return true, true
	case xpath3.AtomicValue:
		if b.seq.Len() > 1 {
			return false, false
		}
		if v, ok := x.Value.(bool); ok && x.TypeName == xpath3.TypeBoolean {
			return v, true
		}
		if n, ok := intAtom(x); ok {
			return n != 0, true
		}
		s, ok := stringAtom(x)
		return s != "", ok
	}
	return false, false
}

// intAtom is the value of an xs:integer held as int64.
func intAtom(a xpath3.AtomicValue) (int64, bool) {
	n, ok := a.Value.(int64)
	return n, ok && a.TypeName == xpath3.TypeInteger
}

// numVar reads a variable holding one integer (a count), for arithmetic and
// numeric comparisons.
type numVar string

func (numVar) kind() kind { return kNum }
func (v numVar) evalNum(r *run, _ int32) (int64, bool) {
	b := r.binding(string(v))
	switch {
	case b == nil:
		return 0, false
	case b.native:
		return b.val.num, b.val.kind == kNum
	case b.seq == nil || b.seq.Len() != 1:
		return 0, false
	}
	if a, ok := b.seq.Get(0).(xpath3.AtomicValue); ok {
		return intAtom(a)
	}
	return 0, false
}

// arith is integer + or -, exact for the small counts rules add up.
type arith struct {
	minus bool
	l, r  numExpr
}

func (arith) kind() kind { return kNum }
func (a arith) evalNum(r *run, ctx int32) (int64, bool) {
	x, ok := a.l.evalNum(r, ctx)
	if !ok {
		return 0, false
	}
	y, ok := a.r.evalNum(r, ctx)
	if a.minus {
		return x - y, ok
	}
	return x + y, ok
}

// --- boolean logic ---

// andExpr and orExpr short-circuit left to right, as xpath3 does, so a
// right operand that XPath would not evaluate is not evaluated here either.
type andExpr struct{ l, r boolExpr }

func (andExpr) kind() kind { return kBool }
func (e andExpr) evalBool(r *run, ctx int32) (bool, bool) {
	v, ok := e.l.evalBool(r, ctx)
	if !ok || !v {
		return false, ok
	}
	return e.r.evalBool(r, ctx)
}

type orExpr struct{ l, r boolExpr }

func (orExpr) kind() kind { return kBool }
func (e orExpr) evalBool(r *run, ctx int32) (bool, bool) {
	v, ok := e.l.evalBool(r, ctx)
	if !ok || v {
		return v, ok
	}
	return e.r.evalBool(r, ctx)
}

type notExpr struct{ x boolExpr }

func (notExpr) kind() kind { return kBool }
func (e notExpr) evalBool(r *run, ctx int32) (bool, bool) {
	v, ok := e.x.evalBool(r, ctx)
	return !v, ok
}

// ebv is the effective boolean value of a string, number or sequence.
type ebv struct{ x nexpr }

func (ebv) kind() kind { return kBool }
func (e ebv) evalBool(r *run, ctx int32) (bool, bool) {
	switch x := e.x.(type) {
	case strExpr:
		s, ok := x.evalStr(r, ctx)
		return s != "", ok
	case numExpr:
		n, ok := x.evalNum(r, ctx)
		return n != 0, ok
	case varRef:
		return varEBV(r, string(x))
	case seqExpr:
		return seqEBV(r, x, ctx)
	}
	return false, false
}

// seqEBV: an empty sequence is false, one starting with a node is true, a
// single string is true when not empty; anything else is an XPath error.
func seqEBV(r *run, x seqExpr, ctx int32) (bool, bool) {
	start := len(r.items)
	defer r.truncate(start)
	if !x.appendSeq(r, ctx, 2) {
		return false, false
	}
	items := r.items[start:]
	switch {
	case len(items) == 0:
		return false, true
	case items[0].isNode():
		return true, true
	case len(items) == 1:
		return items[0].str != "", true
	}
	return false, false
}

// --- comparisons ---

type cmpNum struct {
	op   xpath3.TokenType
	l, r numExpr
}

func (cmpNum) kind() kind { return kBool }
func (c cmpNum) evalBool(r *run, ctx int32) (bool, bool) {
	a, ok := c.l.evalNum(r, ctx)
	if !ok {
		return false, false
	}
	b, ok := c.r.evalNum(r, ctx)
	if !ok {
		return false, false
	}
	switch c.op {
	case xpath3.TokenEquals:
		return a == b, true
	case xpath3.TokenNotEquals:
		return a != b, true
	case xpath3.TokenLess:
		return a < b, true
	case xpath3.TokenLessEq:
		return a <= b, true
	case xpath3.TokenGreater:
		return a > b, true
	}
	return a >= b, true
}

// cmpStr is a general = or != between strings and at most one sequence:
// true when some item's string value compares as asked (existential, as in
// XPath 1 and 2 alike when no number or boolean takes part).
type cmpStr struct {
	ne   bool
	l, r nexpr
}

func (cmpStr) kind() kind { return kBool }
func (c cmpStr) evalBool(r *run, ctx int32) (bool, bool) {
	seq, single := c.l, c.r
	if single.kind() == kSeq {
		seq, single = single, seq
	}
	if single.kind() == kSeq {
		return c.pairs(r, ctx)
	}
	want, ok := single.(strExpr).evalStr(r, ctx)
	if !ok {
		return false, false
	}
	if s, isStr := seq.(strExpr); isStr {
		got, ok := s.evalStr(r, ctx)
		return (got == want) != c.ne, ok
	}
	start := len(r.items)
	defer r.truncate(start)
	if !seq.(seqExpr).appendSeq(r, ctx, 0) {
		return false, false
	}
	for i := start; i < len(r.items); i++ {
		got, ok := r.itemString(&r.items[i])
		if !ok {
			return false, false
		}
		if (got == want) != c.ne {
			return true, true
		}
	}
	return false, true
}

// pairs compares two sequences: true when some pair of items compares.
func (c cmpStr) pairs(r *run, ctx int32) (bool, bool) {
	start := len(r.items)
	defer r.truncate(start)
	if !c.l.(seqExpr).appendSeq(r, ctx, 0) {
		return false, false
	}
	mid := len(r.items)
	if !c.r.(seqExpr).appendSeq(r, ctx, 0) {
		return false, false
	}
	for i := start; i < mid; i++ {
		a, ok := r.itemString(&r.items[i])
		if !ok {
			return false, false
		}
		for j := mid; j < len(r.items); j++ {
			x, y := &r.items[i], &r.items[j]
			if x.anyURI && y.isNode() || y.anyURI && x.isNode() {
				return false, false
			}
			b, ok := r.itemString(y)
			if !ok {
				return false, false
			}
			if (a == b) != c.ne {
				return true, true
			}
		}
	}
	return false, true
}

// attrEquals is @name = 'literal' (or !=): the context's attribute of that
// name, if any, compared with the literal.
type attrEquals struct {
	name int32
	lit  string
	ne   bool
}

func (attrEquals) kind() kind { return kBool }
func (a attrEquals) evalBool(r *run, ctx int32) (bool, bool) {
	d := r.doc
	x := &d.nodes[ctx]
	if x.attr {
		return false, true
	}
	for o := ctx + 1; o <= ctx+x.nattr; o++ {
		if d.nodes[o].name == a.name {
			s, ok := d.stringValue(o)
			return (s == a.lit) != a.ne, ok
		}
	}
	return false, true
}

// --- sequence functions ---

type count struct{ x seqExpr }

func (count) kind() kind { return kNum }
func (c count) evalNum(r *run, ctx int32) (int64, bool) {
	if v, isVar := c.x.(varRef); isVar {
		b := r.binding(string(v))
		switch {
		case b == nil:
			return 0, false
		case b.native && b.val.kind == kSeq:
			return int64(b.val.n), true
		case b.native:
			return 1, true
		case b.seq == nil:
			return 0, true
		}
		return int64(b.seq.Len()), true
	}
	start := len(r.items)
	defer r.truncate(start)
	if !c.x.appendSeq(r, ctx, 0) {
		return 0, false
	}
	return int64(len(r.items) - start), true
}

// countOne is count() of a single value (a comparison, say): 1 once the
// value is known to evaluate.
type countOne struct{ x nexpr }

func (countOne) kind() kind { return kNum }
func (c countOne) evalNum(r *run, ctx int32) (int64, bool) {
	var ok bool
	switch x := c.x.(type) {
	case boolExpr:
		_, ok = x.evalBool(r, ctx)
	case strExpr:
		_, ok = x.evalStr(r, ctx)
	case numExpr:
		_, ok = x.evalNum(r, ctx)
	}
	return 1, ok
}

// exists is exists(), or empty() when empty is set.
type exists struct {
	x     seqExpr
	empty bool
}

func (exists) kind() kind { return kBool }
func (e exists) evalBool(r *run, ctx int32) (bool, bool) {
	start := len(r.items)
	defer r.truncate(start)
	if !e.x.appendSeq(r, ctx, 1) {
		return false, false
	}
	return (len(r.items) > start) != e.empty, true
}

// --- string functions ---

// singleStr converts a sequence argument to xs:string?: no item is "", one
// item its string value; more is a type error in XPath 2 and "take the
// first" in XPath 1, so XPath decides.
type singleStr struct{ x seqExpr }

func (singleStr) kind() kind { return kStr }
func (s singleStr) evalStr(r *run, ctx int32) (string, bool) {
	start := len(r.items)
	defer r.truncate(start)
	if !s.x.appendSeq(r, ctx, 2) {
		return "", false
	}
	switch len(r.items) - start {
	case 0:
		return "", true
	case 1:
		return r.itemString(&r.items[start])
	}
	return "", false
}

type normalizeSpace struct{ x strExpr }

func (normalizeSpace) kind() kind { return kStr }
func (n normalizeSpace) evalStr(r *run, ctx int32) (string, bool) {
	s, ok := n.x.evalStr(r, ctx)
	return normalize(s), ok
}

// normalize is xpath3's normalize-space: fields split on unicode.IsSpace,
// joined by one space. The common already-normal value is returned as is.
func normalize(s string) string {
	prevSpace := true
	for i := 0; i < len(s); {
		c, size := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if isSpace(c) {
			if c != ' ' || prevSpace {
				return strings.Join(strings.Fields(s), " ")
			}
			prevSpace = true
			continue
		}
		prevSpace = false
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

// isSpace is unicode.IsSpace, deciding ASCII without the table look-up:
// the ASCII spaces are '\t' to '\r' and ' '.
func isSpace(c rune) bool {
	if c < utf8.RuneSelf {
		return c == ' ' || c >= '\t' && c <= '\r'
	}
	return unicode.IsSpace(c)
}

type stringLength struct{ x strExpr }

func (stringLength) kind() kind { return kNum }
func (l stringLength) evalNum(r *run, ctx int32) (int64, bool) {
	s, ok := l.x.evalStr(r, ctx)
	return int64(utf8.RuneCountInString(s)), ok
}

// nodeName is local-name() or namespace-uri() of one node.
type nodeName struct {
	x   seqExpr
	uri bool
}

func (nodeName) kind() kind { return kStr }
func (n nodeName) evalStr(r *run, ctx int32) (string, bool) {
	start := len(r.items)
	defer r.truncate(start)
	if !n.x.appendSeq(r, ctx, 2) {
		return "", false
	}
	switch len(r.items) - start {
	case 0:
		return "", true
	case 1:
		node := r.itemNode(&r.items[start])
		if node == nil {
			return "", false
		}
		if n.uri {
			return namespaceURI(node), true
		}
		return localName(node), true
	}
	return "", false
}

// stringTest is contains(), starts-with() or ends-with() under the default
// codepoint collation.
type stringTest struct {
	fn   string
	a, b strExpr
}

func (stringTest) kind() kind { return kBool }
func (t stringTest) evalBool(r *run, ctx int32) (bool, bool) {
	a, ok := t.a.evalStr(r, ctx)
	if !ok {
		return false, false
	}
	// contains($list, concat(sep, ., sep)) is how code lists are checked:
	// build the needle in the run's buffer instead of a new string.
	if c, isConcat := t.b.(concat); isConcat && t.fn == "contains" {
		start := len(r.buf)
		defer func() { r.buf = r.buf[:start] }()
		if !c.appendStr(r, ctx) {
			return false, false
		}
		return strings.Contains(a, string(r.buf[start:])), true
	}
	b, ok := t.b.evalStr(r, ctx)
	if !ok {
		return false, false
	}
	switch t.fn {
	case "contains":
		return strings.Contains(a, b), true
	case "starts-with":
		return strings.HasPrefix(a, b), true
	}
	return strings.HasSuffix(a, b), true
}

type substring struct {
	after bool
	a, b  strExpr
}

func (substring) kind() kind { return kStr }
func (s substring) evalStr(r *run, ctx int32) (string, bool) {
	a, ok := s.a.evalStr(r, ctx)
	if !ok {
		return "", false
	}
	sep, ok := s.b.evalStr(r, ctx)
	if !ok {
		return "", false
	}
	if sep == "" {
		if s.after {
			return a, true
		}
		return "", true
	}
	i := strings.Index(a, sep)
	switch {
	case i < 0:
		return "", true
	case s.after:
		return a[i+len(sep):], true
	}
	return a[:i], true
}

type concat []strExpr

func (concat) kind() kind { return kStr }
func (c concat) evalStr(r *run, ctx int32) (string, bool) {
	start := len(r.buf)
	defer func() { r.buf = r.buf[:start] }()
	ok := c.appendStr(r, ctx)
	return string(r.buf[start:]), ok
}

// appendStr appends the parts to r.buf. A part may itself use r.buf above
// its current length (a nested concat), so each part is evaluated before its
// bytes are appended, and r.buf is kept current throughout.
func (c concat) appendStr(r *run, ctx int32) bool {
	for _, part := range c {
		s, ok := part.evalStr(r, ctx)
		if !ok {
			return false
		}
		r.buf = append(r.buf, s...)
	}
	return true
}

type matches struct {
	x  strExpr
	re *xpath3.Regex
	// ascii decides ASCII subjects without the regexp, when the pattern
	// allows (see asciiRegex); nil otherwise.
	ascii *asciiRegex
}

func (matches) kind() kind { return kBool }
func (m matches) evalBool(r *run, ctx int32) (bool, bool) {
	s, ok := m.x.evalStr(r, ctx)
	if !ok {
		return false, false
	}
	if m.ascii != nil && isASCII(s) {
		return m.ascii.match(s), true
	}
	v, err := m.re.MatchString(s)
	return v, err == nil
}
