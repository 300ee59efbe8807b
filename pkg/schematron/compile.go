package schematron

import (
	"fmt"
	"strings"

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
}

type compiledLet struct {
	name string
	expr *xpath3.Expression
}

type compiledPattern struct {
	id    string
	lets  []compiledLet
	rules []compiledRule
}

type compiledRule struct {
	id       string
	context  string
	branches []matchBranch // the context's union branches
	lets     []compiledLet
	checks   []compiledCheck
}

// matchBranch finds the nodes one branch of a rule context matches. A branch
// whose first step names an element is anchored: it is evaluated from each
// element of that name (found in a per-document index) as self::first/rest,
// which avoids scanning the whole document once per rule. Other branches are
// evaluated as //branch (or as written, when absolute) from the document node.
type matchBranch struct {
	anchor string // expanded name {uri}local of the first step, "" when not anchored
	key    string // identifies the branch: rules with equal keys match equal nodes
	expr   *xpath3.Expression
}

type compiledCheck struct {
	Check
	test    *xpath3.Expression
	message []compiledPart
}

type compiledPart struct {
	text string
	expr *xpath3.Expression // value-of, or the node whose name is inserted
	name bool
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
	c := &Compiled{source: s.Source, xpath1: s.XPath1(), namespaces: map[string]string{}}
	for _, ns := range s.Namespaces {
		c.namespaces[ns.Prefix] = ns.URI
	}
	var err error
	if c.lets, err = c.compileLets(s.Lets, 0); err != nil {
		return nil, err
	}
	for _, p := range s.Patterns {
		cp, err := c.compilePattern(p)
		if err != nil {
			return nil, err
		}
		c.patterns = append(c.patterns, cp)
	}
	return c, nil
}

func (c *Compiled) compilePattern(p Pattern) (compiledPattern, error) {
	cp := compiledPattern{id: p.ID}
	var err error
	if cp.lets, err = c.compileLets(p.Lets, 0); err != nil {
		return cp, err
	}
	for _, r := range p.Rules {
		cr, err := c.compileRule(r)
		if err != nil {
			return cp, err
		}
		cp.rules = append(cp.rules, cr)
	}
	return cp, nil
}

func (c *Compiled) compileRule(r Rule) (compiledRule, error) {
	cr := compiledRule{id: r.ID, context: r.Context}
	for _, branch := range splitTopLevel(r.Context, '|') {
		mb, err := c.compileBranch(strings.TrimSpace(branch), r.Line)
		if err != nil {
			return cr, err
		}
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
	for _, part := range ch.Message {
		cp := compiledPart{text: part.Text, name: part.Name}
		switch {
		case part.Name && part.Path != "":
			cp.expr, err = c.expr(part.Path, ch.Line, "name path")
		case !part.Name && part.ValueOf != "":
			cp.expr, err = c.expr(part.ValueOf, ch.Line, "value-of")
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
		out = append(out, compiledLet{name: l.Name, expr: e})
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
