package schematron

import (
	"fmt"
	"strings"
	"sync"

	"github.com/lestrrat-go/helium/xpath3"
)

// Compiled is a schema whose expressions are compiled. It is immutable and safe
// for concurrent use by many validations.
type Compiled struct {
	source     string
	xpath1     bool
	namespaces map[string]string
	lets       []compiledLet
	patterns   []compiledPattern

	// native is false when the schema is compiled for XPath only (tests
	// compare the two engines).
	native bool
	slots  int // distinct context branches, see matchBranch.slot
	base   xpath3.Evaluator
	runs   sync.Pool // *run, reused by successive validations
}

type compiledLet struct {
	name string
	expr *xpath3.Expression
	// constant is the value of a let that is a string literal (a code list):
	// it is built once instead of being evaluated and copied on every run.
	constant xpath3.Sequence
	members  *memberSet // the constant as a code list, when it is one
	native   nexpr      // nil when the value must come from XPath
}

type compiledPattern struct {
	id    string
	lets  []compiledLet
	rules []compiledRule
	// exclusive is set when each node can be matched only once in the
	// pattern (one rule, one native branch), so no node needs to be claimed.
	exclusive bool
}

type compiledRule struct {
	id       string
	context  string
	branches []matchBranch // the context's union branches
	lets     []compiledLet
	checks   []compiledCheck
}

// matchBranch finds the nodes one branch of a rule context matches. When the
// branch is in the native grammar, m matches it without XPath (see match.go).
// Otherwise, and for documents the index cannot model, expr evaluates it: a
// branch whose first step names an element is anchored, evaluated from each
// element of that name as self::first/rest, which avoids scanning the whole
// document once per rule; other branches are evaluated as //branch (or as
// written, when absolute) from the document node.
type matchBranch struct {
	anchor string // expanded name {uri}local of the first step, "" when not anchored
	key    string // identifies the branch: rules with equal keys match equal nodes
	expr   *xpath3.Expression
	m      *matcher
	slot   int // index of the run's cache of matched nodes, shared by equal keys
}

type compiledCheck struct {
	Check
	test    *xpath3.Expression
	native  boolExpr // nil when the test is outside the native subset
	message []compiledPart
}

type compiledPart struct {
	text   string
	expr   *xpath3.Expression // value-of, or the node whose name is inserted
	native nexpr              // value-of in the native subset, or nil
	name   bool
}

// Coverage counts the rule context branches and tests of a compiled schema
// that run natively, and lists those left to XPath.
type Coverage struct {
	Contexts, NativeContexts int
	Tests, NativeTests       int
	XPathContexts            []string
	XPathTests               []string
}

// Coverage reports which contexts and tests run natively.
func (c *Compiled) Coverage() Coverage {
	var cov Coverage
	for _, p := range c.patterns {
		for _, r := range p.rules {
			for _, b := range r.branches {
				cov.Contexts++
				if b.m != nil {
					cov.NativeContexts++
				} else {
					cov.XPathContexts = append(cov.XPathContexts, b.key)
				}
			}
			for _, ch := range r.checks {
				cov.Tests++
				if ch.native != nil {
					cov.NativeTests++
				} else {
					cov.XPathTests = append(cov.XPathTests, ch.Test)
				}
			}
		}
	}
	return cov
}

// CompileError says which expression of which rule could not be compiled.
type CompileError struct {
	Source string
	Line   int
	Where  string
	Expr   string
	Err    error
}

func (e *CompileError) Error() string {
	loc := e.Source
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.Source, e.Line)
	}
	return fmt.Sprintf("%s: %s %q: %v", loc, e.Where, e.Expr, e.Err)
}

func (e *CompileError) Unwrap() error { return e.Err }

// XPath1 reports whether the schema's query binding is XPath 1.0 (XSLT 1.0),
// which selects XPath 1.0 compatibility semantics for its expressions.
func (s *Schema) XPath1() bool {
	switch strings.ToLower(strings.TrimSpace(s.QueryBinding)) {
	case "", "xslt", "xslt1", "xpath", "xpath1", "exslt":
		return true
	}
	return false
}

// Compile compiles every expression of the schema once.
func Compile(s *Schema) (*Compiled, error) {
	return compile(s, true)
}

// compile compiles s; native=false keeps every context and test on XPath.
func compile(s *Schema, native bool) (*Compiled, error) {
	c := &Compiled{source: s.Source, xpath1: s.XPath1(), namespaces: map[string]string{}, native: native}
	for _, ns := range s.Namespaces {
		c.namespaces[ns.Prefix] = ns.URI
	}
	c.base = xpath3.NewEvaluator(xpath3.EvalBorrowing).Namespaces(c.namespaces)
	if c.xpath1 {
		c.base = c.base.XPath10Compat()
	}
	var err error
	if c.lets, err = c.compileLets(s.Lets, 0); err != nil {
		return nil, err
	}
	slots := map[string]int{}
	for _, p := range s.Patterns {
		cp, err := c.compilePattern(p, slots)
		if err != nil {
			return nil, err
		}
		c.patterns = append(c.patterns, cp)
	}
	c.slots = len(slots)
	return c, nil
}

// resolvePrefix gives the namespace of a name test's prefix as xpath3 would:
// the schema's bindings, then the always-bound xml prefix. An unprefixed
// element name takes the default namespace bound to "" (normally none), an
// unprefixed attribute name never has one. Other prefixes are left to XPath.
func (c *Compiled) resolvePrefix(prefix string, attr bool) (string, bool) {
	if prefix == "" {
		if attr {
			return "", true
		}
		return c.namespaces[""], true
	}
	if uri, ok := c.namespaces[prefix]; ok {
		return uri, true
	}
	if prefix == "xml" {
		return "http://www.w3.org/XML/1998/namespace", true
	}
	return "", false
}

func (c *Compiled) compilePattern(p Pattern, slots map[string]int) (compiledPattern, error) {
	cp := compiledPattern{id: p.ID}
	var err error
	if cp.lets, err = c.compileLets(p.Lets, 0); err != nil {
		return cp, err
	}
	for _, r := range p.Rules {
		cr, err := c.compileRule(r, slots)
		if err != nil {
			return cp, err
		}
		cp.rules = append(cp.rules, cr)
	}
	if len(cp.rules) == 1 && len(cp.rules[0].branches) == 1 {
		m := cp.rules[0].branches[0].m
		cp.exclusive = m != nil && !m.top
	}
	return cp, nil
}

func (c *Compiled) compileRule(r Rule, slots map[string]int) (compiledRule, error) {
	cr := compiledRule{id: r.ID, context: r.Context}
	for _, branch := range splitTopLevel(r.Context, '|') {
		mb, err := c.compileBranch(strings.TrimSpace(branch), r.Line)
		if err != nil {
			return cr, err
		}
		if c.native {
			if mb.m = (ncompiler{c}).compileMatcher(strings.TrimSpace(branch)); mb.m != nil {
				mb.m.anchor()
			}
		}
		slot, ok := slots[mb.key]
		if !ok {
			slot = len(slots)
			slots[mb.key] = slot
		}
		mb.slot = slot
		cr.branches = append(cr.branches, mb)
	}
	var err error
	if cr.lets, err = c.compileLets(r.Lets, r.Line); err != nil {
		return cr, err
	}
	for _, ch := range r.Checks {
		cc, err := c.compileCheck(ch)
		if err != nil {
			return cr, err
		}
		cr.checks = append(cr.checks, cc)
	}
	return cr, nil
}

func (c *Compiled) compileCheck(ch Check) (compiledCheck, error) {
	cc := compiledCheck{Check: ch}
	var err error
	if cc.test, err = c.expr(ch.Test, ch.Line, "test of "+checkName(ch)); err != nil {
		return cc, err
	}
	if c.native {
		cc.native = ncompiler{c}.compileTest(ch.Test)
	}
	for _, part := range ch.Message {
		cp := compiledPart{text: part.Text, name: part.Name}
		switch {
		case part.Name && part.Path != "":
			cp.expr, err = c.expr(part.Path, ch.Line, "name path")
		case !part.Name && part.ValueOf != "":
			cp.expr, err = c.expr(part.ValueOf, ch.Line, "value-of")
			if c.native {
				cp.native = ncompiler{c}.compile(part.ValueOf)
			}
		}
		if err != nil {
			return cc, err
		}
		cc.message = append(cc.message, cp)
	}
	return cc, nil
}

func checkName(ch Check) string {
	if ch.ID != "" {
		return ch.ID
	}
	if ch.Report {
		return "report"
	}
	return "assert"
}

func (c *Compiled) compileLets(lets []Let, line int) ([]compiledLet, error) {
	out := make([]compiledLet, 0, len(lets))
	for _, l := range lets {
		e, err := c.expr(l.Value, line, "variable $"+l.Name)
		if err != nil {
			return nil, err
		}
		cl := compiledLet{name: l.Name, expr: e}
		if ast, err := xpath3.Parse(l.Value); err == nil {
			if lit, ok := ast.(xpath3.LiteralExpr); ok {
				if s, ok := lit.Value.(string); ok {
					cl.constant = xpath3.SingleString(s)
					cl.members = newMemberSet(s)
				}
			}
		}
		if c.native && cl.constant == nil {
			cl.native = ncompiler{c}.compileLet(l.Value)
		}
		out = append(out, cl)
	}
	return out, nil
}

func (c *Compiled) expr(src string, line int, where string) (*xpath3.Expression, error) {
	e, err := xpath3.NewCompiler().Compile(src)
	if err != nil {
		return nil, &CompileError{Source: c.source, Line: line, Where: where, Expr: src, Err: err}
	}
	return e, nil
}

// compileBranch compiles one union branch of an XSLT match pattern. A
// relative pattern P matches a node when the node is reachable by P from some
// node, so it selects //P; an absolute pattern is already rooted.
func (c *Compiled) compileBranch(branch string, line int) (matchBranch, error) {
	if first, rest, ok := firstElementStep(branch); ok {
		if anchor, ok := c.expandedName(first); ok {
			e, err := c.expr("self::"+first+rest, line, "rule context")
			return matchBranch{anchor: anchor, key: anchor + "self::" + first + rest, expr: e}, err
		}
	}
	if !strings.HasPrefix(branch, "/") {
		branch = "//" + branch
	}
	e, err := c.expr(branch, line, "rule context")
	return matchBranch{key: branch, expr: e}, err
}

// firstElementStep splits "a:b[p]/rest" into the first step's name "a:b" and
// the remainder "[p]/rest"; ok is false when the first step is not a plain
// element name test (an axis, an attribute, a function, a wildcard).
func firstElementStep(pattern string) (name, rest string, ok bool) {
	end := 0
	for end < len(pattern) && isNameChar(pattern[end]) {
		end++
	}
	name, rest = pattern[:end], pattern[end:]
	if name == "" || strings.HasPrefix(rest, "::") || strings.HasPrefix(rest, "(") || strings.Count(name, ":") > 1 {
		return "", "", false
	}
	if rest != "" && rest[0] != '/' && rest[0] != '[' {
		return "", "", false
	}
	return name, rest, true
}

func isNameChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-' || b == '.' || b == ':'
}

// expandedName resolves a QName of the pattern to {uri}local.
func (c *Compiled) expandedName(qname string) (string, bool) {
	prefix, local, found := strings.Cut(qname, ":")
	if !found {
		return "{}" + qname, true
	}
	uri, ok := c.namespaces[prefix]
	return "{" + uri + "}" + local, ok
}

// splitTopLevel splits s on sep where sep is outside brackets, parentheses and
// string literals.
func splitTopLevel(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '[' || ch == '(':
			depth++
		case ch == ']' || ch == ')':
			depth--
		case ch == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
