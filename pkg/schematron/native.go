package schematron

import (
	"math/big"
	"strings"

	"github.com/lestrrat-go/helium/xpath3"
)

// Native expressions.
//
// Most Schematron tests are small: an attribute exists, a child has a given
// value, a count equals a number, a value matches a pattern or belongs to a
// list. Evaluating them through xpath3 costs an evaluation context, node
// slices, document-order bookkeeping and several allocations per node. The
// native compiler recognises such expressions in the parsed XPath (so the
// official .sch files and our rule packs benefit alike, whatever their
// spacing or parentheses) and turns them into a tree of Go evaluators that
// work on the run's document index.
//
// Only shapes whose XPath meaning is certain are compiled; everything else
// stays XPath. A native evaluation can still decline at run time (ok=false)
// when the data takes it outside what it can decide exactly — a function that
// takes one string receives two nodes (XPath 2 raises a type error, XPath 1
// takes the first), a variable holds a typed value — and the caller then
// evaluates the XPath expression instead, so errors and corner cases are
// always XPath's own.

// kind is the static type of a native expression.
type kind uint8

const (
	kBool kind = iota // xs:boolean
	kStr              // exactly one xs:string
	kNum              // exactly one xs:integer
	kSeq              // a sequence of nodes (or, from a variable, strings)
)

// nexpr is a native expression. The evaluation methods take the context node
// as an ordinal of the run's document index and return ok=false when XPath
// must decide.
type nexpr interface {
	kind() kind
}

type boolExpr interface {
	nexpr
	evalBool(r *run, ctx int32) (v, ok bool)
}

type strExpr interface {
	nexpr
	evalStr(r *run, ctx int32) (string, bool)
}

type numExpr interface {
	nexpr
	evalNum(r *run, ctx int32) (int64, bool)
}

// seqExpr appends the items of its value to r.items; the caller truncates
// r.items back when done. limit > 0 lets it stop after that many items.
type seqExpr interface {
	nexpr
	appendSeq(r *run, ctx int32, limit int) bool
}

// ncompiler compiles parsed XPath into native expressions for one schema.
type ncompiler struct {
	c *Compiled
}

// compileTest compiles a test to a native boolean, or returns nil.
func (nc ncompiler) compileTest(src string) boolExpr {
	if e := nc.compile(src); e != nil {
		return asBool(e)
	}
	return nil
}

// compileLet compiles a variable's value when its native form converts back
// to exactly the XPath value (see run.sequence): booleans, integers from
// count() and string-length(), xs:string results (xs:anyURI for
// namespace-uri()), and nodes.
func (nc ncompiler) compileLet(src string) nexpr {
	switch e := nc.compile(src); e.(type) {
	case boolExpr, count, stringLength, normalizeSpace, substring, concat, singleStr, litStr, nodeName, pathExpr, contextItem:
		return e
	}
	return nil
}

// compile parses src and compiles it, or returns nil (a value-of, say).
func (nc ncompiler) compile(src string) nexpr {
	ast, err := xpath3.Parse(src)
	if err != nil {
		return nil
	}
	if e, ok := nc.expr(ast); ok {
		return e
	}
	return nil
}

// expr compiles one AST node; ok is false for anything outside the native
// subset.
func (nc ncompiler) expr(e xpath3.Expr) (nexpr, bool) {
	switch v := e.(type) {
	case *xpath3.LocationPath:
		return nc.path(*v)
	case xpath3.LocationPath:
		return nc.path(v)
	case xpath3.LiteralExpr:
		return literal(v.Value)
	case *xpath3.LiteralExpr:
		return literal(v.Value)
	case xpath3.ContextItemExpr, *xpath3.ContextItemExpr:
		return contextItem{}, true
	case xpath3.VariableExpr:
		return variable(v)
	case *xpath3.VariableExpr:
		return variable(*v)
	case xpath3.BinaryExpr:
		return nc.binary(v)
	case *xpath3.BinaryExpr:
		return nc.binary(*v)
	case xpath3.FunctionCall:
		return nc.call(v)
	case *xpath3.FunctionCall:
		return nc.call(*v)
	case xpath3.UnionExpr:
		return nc.union(v)
	case *xpath3.UnionExpr:
		return nc.union(*v)
	}
	return nil, false
}

// union compiles a | b between node sequences.
func (nc ncompiler) union(u xpath3.UnionExpr) (nexpr, bool) {
	l, ok1 := nc.expr(u.Left)
	r, ok2 := nc.expr(u.Right)
	if !ok1 || !ok2 || l.kind() != kSeq || r.kind() != kSeq {
		return nil, false
	}
	return union{l.(seqExpr), r.(seqExpr)}, true
}

func literal(v any) (nexpr, bool) {
	switch x := v.(type) {
	case string:
		return litStr(x), true
	case int64:
		return litNum(x), true
	case int:
		return litNum(int64(x)), true
	case *big.Int:
		if x.IsInt64() {
			return litNum(x.Int64()), true
		}
	}
	return nil, false
}

func variable(v xpath3.VariableExpr) (nexpr, bool) {
	if v.Prefix != "" {
		return nil, false
	}
	return varRef(v.Name), true
}

func (nc ncompiler) binary(b xpath3.BinaryExpr) (nexpr, bool) {
	l, ok := nc.expr(b.Left)
	if !ok {
		return nil, false
	}
	r, ok := nc.expr(b.Right)
	if !ok {
		return nil, false
	}
	switch b.Op {
	case xpath3.TokenPlus, xpath3.TokenMinus:
		x, ok1 := asNum(l)
		y, ok2 := asNum(r)
		return arith{minus: b.Op == xpath3.TokenMinus, l: x, r: y}, ok1 && ok2
	case xpath3.TokenAnd:
		return andExpr{asBool(l), asBool(r)}, true
	case xpath3.TokenOr:
		return orExpr{asBool(l), asBool(r)}, true
	case xpath3.TokenEquals, xpath3.TokenNotEquals, xpath3.TokenLess, xpath3.TokenLessEq, xpath3.TokenGreater, xpath3.TokenGreaterEq:
		return compare(b.Op, l, r)
	}
	return nil, false
}

// compare compiles a general comparison. Two integers compare as numbers
// under every operator. Strings and node sequences compare for (in)equality
// only: in XPath 1 mode the other operators convert to numbers, and mixing
// numbers with nodes involves casts that may fail.
func compare(op xpath3.TokenType, l, r nexpr) (nexpr, bool) {
	if l.kind() == kNum || r.kind() == kNum {
		x, ok1 := asNum(l)
		y, ok2 := asNum(r)
		return cmpNum{op: op, l: x, r: y}, ok1 && ok2
	}
	if op != xpath3.TokenEquals && op != xpath3.TokenNotEquals {
		return nil, false
	}
	if !stringish(l) || !stringish(r) || isURI(l) && r.kind() == kSeq || isURI(r) && l.kind() == kSeq {
		return nil, false
	}
	if a, ok := attrLiteral(l, r); ok {
		a.ne = op == xpath3.TokenNotEquals
		return a, true
	}
	return cmpStr{ne: op == xpath3.TokenNotEquals, l: l, r: r}, true
}

// attrLiteral recognises @name = 'literal' (either way round), the most
// common predicate of all.
func attrLiteral(l, r nexpr) (attrEquals, bool) {
	if _, isLit := l.(litStr); isLit {
		l, r = r, l
	}
	lit, isLit := r.(litStr)
	p, isPath := l.(pathExpr)
	if !isLit || !isPath || len(p.steps) != 1 || p.steps[0].axis != axisAttr || p.steps[0].name < 0 || len(p.steps[0].preds) > 0 {
		return attrEquals{}, false
	}
	return attrEquals{name: p.steps[0].name, lit: string(lit)}, true
}

// asNum takes an integer expression, or a variable expected to hold one.
func asNum(e nexpr) (numExpr, bool) {
	if v, isVar := e.(varRef); isVar {
		return numVar(v), true
	}
	n, ok := e.(numExpr)
	return n, ok
}

// isURI reports namespace-uri(), typed xs:anyURI: XPath 2 compares it with
// a node by casting the node's value to xs:anyURI, not as strings.
func isURI(e nexpr) bool {
	n, ok := e.(nodeName)
	return ok && n.uri
}

func stringish(e nexpr) bool {
	return e.kind() == kStr || e.kind() == kSeq
}

// asBool gives the effective boolean value of e.
func asBool(e nexpr) boolExpr {
	if b, ok := e.(boolExpr); ok {
		return b
	}
	return ebv{e}
}

// asStr converts e as a function argument of type xs:string? does.
func asStr(e nexpr) (strExpr, bool) {
	switch e.kind() {
	case kStr:
		return e.(strExpr), true
	case kSeq:
		return singleStr{e.(seqExpr)}, true
	}
	return nil, false
}

func (nc ncompiler) call(f xpath3.FunctionCall) (nexpr, bool) {
	if f.Prefix != "" {
		return nil, false
	}
	args := make([]nexpr, len(f.Args))
	for i, a := range f.Args {
		var ok bool
		if args[i], ok = nc.expr(a); !ok {
			return nil, false
		}
	}
	switch f.Name {
	case "true", "false":
		return constBool(f.Name == "true"), len(args) == 0
	case "not":
		if len(args) != 1 {
			return nil, false
		}
		return notExpr{asBool(args[0])}, true
	case "boolean":
		if len(args) != 1 {
			return nil, false
		}
		return asBool(args[0]), true
	case "count", "exists", "empty":
		return seqFunction(f.Name, args)
	case "string", "normalize-space", "string-length":
		return contextStringFunction(f.Name, args)
	case "local-name", "namespace-uri":
		return nameFunction(f.Name == "local-name", args)
	case "contains", "starts-with", "ends-with":
		a, b, ok := stringPair(args)
		t := stringTest{fn: f.Name, a: a, b: b}
		if m, isMember := asMemberTest(t); ok && isMember && f.Name == "contains" {
			return m, true
		}
		return t, ok
	case "substring-after", "substring-before":
		a, b, ok := stringPair(args)
		return substring{after: f.Name == "substring-after", a: a, b: b}, ok
	case "concat":
		return concatFunction(args)
	case "matches":
		return matchesFunction(args)
	}
	return nil, false
}

func seqFunction(name string, args []nexpr) (nexpr, bool) {
	if len(args) != 1 {
		return nil, false
	}
	if args[0].kind() != kSeq {
		return countOne{args[0]}, name == "count"
	}
	s := args[0].(seqExpr)
	switch name {
	case "count":
		return count{s}, true
	case "exists":
		return exists{x: s}, true
	}
	return exists{x: s, empty: true}, true
}

// contextStringFunction compiles string(), normalize-space() and
// string-length(), which read the context node's string value without an
// argument.
func contextStringFunction(name string, args []nexpr) (nexpr, bool) {
	var arg strExpr = singleStr{contextItem{}}
	switch len(args) {
	case 0:
	case 1:
		var ok bool
		if arg, ok = asStr(args[0]); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	switch name {
	case "string":
		return arg, true
	case "normalize-space":
		return normalizeSpace{arg}, true
	}
	return stringLength{arg}, true
}

func nameFunction(local bool, args []nexpr) (nexpr, bool) {
	var arg seqExpr = contextItem{}
	switch len(args) {
	case 0:
	case 1:
		if args[0].kind() != kSeq {
			return nil, false
		}
		arg = args[0].(seqExpr)
	default:
		return nil, false
	}
	if local {
		return nodeName{x: arg}, true
	}
	// namespace-uri() is typed xs:anyURI. As a function argument it
	// converts to the same string, and against a string it compares as
	// one; compare keeps it away from nodes (see isURI).
	return nodeName{x: arg, uri: true}, true
}

func stringPair(args []nexpr) (a, b strExpr, ok bool) {
	if len(args) != 2 {
		return nil, nil, false
	}
	a, ok1 := asStr(args[0])
	b, ok2 := asStr(args[1])
	return a, b, ok1 && ok2
}

func concatFunction(args []nexpr) (nexpr, bool) {
	if len(args) < 2 {
		return nil, false
	}
	parts := make([]strExpr, len(args))
	for i, a := range args {
		var ok bool
		if parts[i], ok = asStr(a); !ok {
			return nil, false
		}
	}
	return concat(parts), true
}

// matchesFunction compiles matches() with a literal pattern and flags through
// xpath3.CompileRegex, the very translation fn:matches uses, so the native
// match is XPath's by construction. A pattern XPath rejects stays XPath, so
// the error is reported as XPath reports it.
func matchesFunction(args []nexpr) (nexpr, bool) {
	if len(args) < 2 || len(args) > 3 {
		return nil, false
	}
	subject, ok := asStr(args[0])
	if !ok {
		return nil, false
	}
	pattern, ok := args[1].(litStr)
	if !ok {
		return nil, false
	}
	flags := litStr("")
	if len(args) == 3 {
		if flags, ok = args[2].(litStr); !ok {
			return nil, false
		}
	}
	if specialRegex(string(pattern), string(flags)) {
		return nil, false
	}
	re, err := xpath3.CompileRegex(string(pattern), string(flags))
	if err != nil {
		return nil, false
	}
	return matches{x: subject, re: re, ascii: compileASCIIRegex(string(pattern), string(flags))}, true
}

// specialRegex reports the patterns fn:matches answers without its compiled
// regular expression: "^$" in multi-line mode, and a lone \p{..} or \P{..}
// class tested on one character.
func specialRegex(pattern, flags string) bool {
	if strings.ContainsRune(flags, 'm') {
		return true
	}
	return len(pattern) >= 2 && pattern[0] == '\\' && (pattern[1] == 'p' || pattern[1] == 'P')
}

// path compiles a relative location path of child, attribute and text()
// steps, or one of the absolute paths /node() and /*.
func (nc ncompiler) path(p xpath3.LocationPath) (nexpr, bool) {
	if p.Absolute && len(p.Steps) > 1 && isDescendantOrSelf(p.Steps[0]) {
		return nc.descPath(p.Steps[1:])
	}
	if p.Absolute {
		return nc.topPath(p)
	}
	steps, ok := nc.steps(p.Steps)
	return pathExpr{steps: steps}, ok
}

func (nc ncompiler) steps(in []xpath3.Step) ([]step, bool) {
	if len(in) == 0 {
		return nil, false
	}
	out := make([]step, len(in))
	for i, s := range in {
		var ok bool
		if out[i], ok = nc.step(s, i == len(in)-1); !ok {
			return nil, false
		}
	}
	return out, true
}

// descPath compiles //name[...]/rest, whose first step names elements: the
// document index lists them.
func (nc ncompiler) descPath(in []xpath3.Step) (nexpr, bool) {
	first, ok := nc.step(in[0], len(in) == 1)
	if !ok || first.axis != axisChild || first.name < 0 {
		return nil, false
	}
	p := descPath{first: first}
	if len(in) > 1 {
		if p.rest, ok = nc.steps(in[1:]); !ok {
			return nil, false
		}
	}
	names.markAnchor(first.name)
	return p, true
}

// topPath compiles /node() and /*: the document node's children, for the
// root checks (local-name(/node()) and the like).
func (nc ncompiler) topPath(p xpath3.LocationPath) (nexpr, bool) {
	if len(p.Steps) != 1 || p.Steps[0].Axis != xpath3.AxisChild || len(p.Steps[0].Predicates) != 0 {
		return nil, false
	}
	switch t := p.Steps[0].NodeTest.(type) {
	case xpath3.TypeTest:
		if t.Kind == xpath3.NodeKindNode {
			return topNodes{}, true
		}
	case xpath3.NameTest:
		if t.Local == "*" && t.Prefix == "" && t.URI == "" {
			return topNodes{elementsOnly: true}, true
		}
	}
	return nil, false
}

// step compiles one step; text() and attributes may only end a path.
func (nc ncompiler) step(s xpath3.Step, last bool) (step, bool) {
	out := step{name: -1}
	switch t := s.NodeTest.(type) {
	case xpath3.TypeTest:
		if t.Kind != xpath3.NodeKindText || s.Axis != xpath3.AxisChild || !last || len(s.Predicates) > 0 {
			return out, false
		}
		out.axis = axisText
		return out, true
	case xpath3.NameTest:
		switch s.Axis {
		case xpath3.AxisChild:
			out.axis = axisChild
		case xpath3.AxisAttribute:
			if !last {
				return out, false
			}
			out.axis = axisAttr
		default:
			return out, false
		}
		id, ok := nc.nameTest(t, out.axis == axisAttr)
		if !ok {
			return out, false
		}
		out.name = id
	default:
		return out, false
	}
	preds, ok := nc.predicates(s.Predicates)
	out.preds = preds
	return out, ok
}

// nameTest interns the expanded name of a name test; -1 is the wildcard.
// Prefixes resolve through the schema's namespaces as xpath3 resolves them:
// an unprefixed element name takes the default namespace bound to "", an
// unprefixed attribute name has no namespace. Unknown prefixes, prefix
// wildcards and Q{uri} names stay XPath.
func (nc ncompiler) nameTest(t xpath3.NameTest, attr bool) (int32, bool) {
	if t.URI != "" || t.Prefix == "*" {
		return 0, false
	}
	if t.Local == "*" {
		if t.Prefix != "" {
			return 0, false
		}
		return -1, true
	}
	uri, ok := nc.c.resolvePrefix(t.Prefix, attr)
	if !ok {
		return 0, false
	}
	return names.intern(uri, t.Local), true
}

// predicates compiles step predicates. A predicate whose value is a number
// selects by position, so only boolean, string and node predicates qualify.
func (nc ncompiler) predicates(preds []xpath3.Expr) ([]boolExpr, bool) {
	var out []boolExpr
	for _, p := range preds {
		e, ok := nc.expr(p)
		if !ok || e.kind() == kNum || usesPosition(e) {
			return nil, false
		}
		out = append(out, asBool(e))
	}
	return out, true
}

// usesPosition reports a predicate whose value could be a number at run time
// (a bare variable): XPath would then select by position.
func usesPosition(e nexpr) bool {
	_, isVar := e.(varRef)
	return isVar
}
