package schematron

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xpath3"
)

// The native tests compare every native evaluation with the XPath evaluation
// of the same expression on the same node: when the native code decides, it
// must give XPath's value, and XPath must not have raised an error.

var testNamespaces = []Namespace{
	{Prefix: "q", URI: "urn:q"},
	{Prefix: "r", URI: "urn:r"},
	{Prefix: "xsi", URI: "http://www.w3.org/2001/XMLSchema-instance"},
}

// nativeDocs are small documents with the edge cases the native code must
// get right: missing and empty attributes, several matching nodes, names in
// other namespaces, a default namespace, white space, CDATA, character and
// entity references, comments and processing instructions, nesting.
var nativeDocs = []string{
	`<q:list xmlns:q="urn:q" id="a1"><q:item special="no">long text</q:item><q:item>ok</q:item><q:item special="">  spaced   out </q:item></q:list>`,
	`<?pi data?><!-- lead --><q:list xmlns:q="urn:q" xmlns:r="urn:r" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <q:Slot name="A"><q:Value>x</q:Value></q:Slot>
  <q:Slot name="A"><q:Value>y</q:Value><q:Value>z</q:Value></q:Slot>
  <q:Slot name="B" xsi:type="r:StringValueType"><q:Value> B&amp;C </q:Value></q:Slot>
  <r:Slot name="A"/>
  <Slot name="A"/>
  <q:Slot><q:Value><![CDATA[cd]]>ata</q:Value></q:Slot>
</q:list><!-- trail -->`,
	`<list xmlns="urn:q" code="FR" lang=""><item code="DE">DE</item><item code="xx">A&#x20;B</item><item><item code="FR">nested<!-- c --> text<?p x?></item></item></list>`,
	`<plain xml:lang="en" a="1" b="2"><x a="1">1</x><x a="2">2</x><x>  </x><y/><y>ÉCOLE ﬁ</y></plain>`,
	`<list><item a="1"><list><item a="2"/></list></item><item a="3"><x a="4"/></item></list>`,
}

// nativeExprs are test expressions in the native subset, in the shapes the
// rule packs emit and the official rule sets contain.
var nativeExprs = []string{
	// existence, attributes, conjunctions
	`@special`, `@code`, `not(@code)`, `q:Value`, `(q:Value) and (@name)`, `q:Value or @missing`,
	`not(q:Value)`, `*`, `@*`, `q:Slot/q:Value`, `text()`, `true()`, `false()`, `exists(q:Value)`, `empty(@code)`,
	// counts
	`count(q:Slot[@name = 'A']) = 1`, `count(q:Slot[@name='A'])=2`, `count(child::q:Slot[@name='A']) >= 1`,
	`count(q:Slot) = 0`, `count(q:Value) > 1`, `count(q:Slot) != 3`, `count(*) <= 2`, `count(q:Slot[q:Value]) < 2`,
	`count(@*) + count(*) = 2`, `count(q:Slot) - 1 = 0`, `count(q:Slot[@name='A'] | q:Slot[@name='B']) = 1`,
	`count(q:Slot | q:Slot/q:Value | q:Slot) > 2`, `count(* | @*) = 3`, `(q:Value | @name) = 'A'`, `count(* | text()) = 1`,
	// comparisons
	`@name = 'A'`, `'A' = @name`, `@name != 'A'`, `q:Value = 'y'`, `q:Value != 'y'`, `. = 'ok'`, `@special = ''`,
	`q:Slot/@name = 'B'`, `@code = 'FR' or @code = 'DE'`, `q:Slot[@name = 'A']/q:Value = 'z'`,
	`substring-after(@xsi:type, ':') = 'StringValueType'`, `substring-before(@xsi:type, ':') = 'r'`,
	`normalize-space(.) = 'spaced out'`, `not(normalize-space(@special) = '')`, `not(normalize-space(q:Value)='')`,
	`string(@code) = 'FR'`, `string() = 'ok'`, `string-length(.) > 3`, `string-length(@code) = 2`,
	`normalize-space() != ''`, `@a = @b`, `x/@a = @a`, `x = y`,
	// membership and string functions
	`contains('|FR|DE|', concat('|', @code, '|'))`, `( false() or ( contains('FRDEIT', concat('', ., '')) ) )`,
	`contains(., 'e')`, `starts-with(@code, 'F')`, `ends-with(., 'text')`, `contains(q:Value, 'B')`,
	`concat(@a, @b) = '12'`,
	// regular expressions
	`matches(normalize-space(.), '^[a-z ]+$')`, `matches(., '^OK$', 'i')`, `matches(normalize-space(text()), '^\p{Lu}')`,
	`matches(@code, '^[A-Z]{2}$')`, `matches(normalize-space((.)), '[a-f0-9]{2}$', 'i')`, `matches(., 'x.y', 's')`,
	`matches(., '\d')`, `matches(., '\w+')`, `matches(., '^\s*$')`,
	// names and the document's root
	`local-name() = 'item'`, `namespace-uri() = 'urn:q'`, `local-name(/node()) = 'list'`, `namespace-uri(/node()) = 'urn:q'`,
	`local-name(/*) = 'list'`, `local-name(*) = 'Value'`,
	// references across the document
	`//q:Slot[@name = 'B']`, `//q:Slot[@name = current-name]`, `//x[@a = '2']/@a = '2'`, `count(//q:Value) = 5`,
	`//q:Slot[@name = 'A']/q:Value = 'z'`,
	// variables
	`$s = 'A'`, `$node = 'A'`, `$n = 2`, `$b`, `$s`, `$empty`, `count($node) = 1`, `$n + $n = 4`, `@name = $s`,
	`contains($list, concat('|', @code, '|'))`,
	`$here = 'A'`, `$hs = 'StringValueType'`, `$hc = 1`, `$hb`, `$hu = 'urn:q'`, `$hn = 'Slot'`, `$hv = 'y'`,
	`count($hv) = 2`, `$hx != ''`, `$hc + $n > 3`, `$here`, `not($hs)`,
}

// testLets are bound for the expressions that read variables.
var testLets = []Let{
	{Name: "s", Value: `'A'`},
	{Name: "node", Value: `/*/*[1]/@name`},
	{Name: "n", Value: `count(/*/*)`},
	{Name: "b", Value: `true()`},
	{Name: "empty", Value: `/nothing`},
	{Name: "list", Value: `'|FR|DE|'`},
}

func TestNativeTestsAgreeWithXPath(t *testing.T) {
	for _, binding := range []string{"xslt2", "xslt"} {
		decided := map[string]int{}
		for i, src := range nativeDocs {
			doc := parseDoc(t, src)
			for _, expr := range nativeExprs {
				t.Run(fmt.Sprintf("%s/doc%d/%s", binding, i, expr), func(t *testing.T) {
					decided[expr] += compareWithXPath(t, binding, doc, expr)
				})
			}
		}
		// An expression the native code never decides would test nothing.
		for _, expr := range nativeExprs {
			if decided[expr] == 0 {
				t.Errorf("%s: %s was never decided natively", binding, expr)
			}
		}
	}
}

func parseDoc(t *testing.T, src string) *helium.Document {
	t.Helper()
	doc, err := helium.NewParser().Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// compareWithXPath evaluates expr on every element and attribute of doc,
// natively and with XPath, and fails on any disagreement. It returns how
// many nodes the native code decided.
func compareWithXPath(t *testing.T, binding string, doc *helium.Document, expr string) int {
	t.Helper()
	s := &Schema{QueryBinding: binding, Namespaces: testNamespaces, Lets: testLets}
	c, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	native := ncompiler{c}.compileTest(expr)
	if native == nil {
		t.Fatalf("%q is not compiled natively", expr)
	}
	nodeLets, err := c.compileLets(testNodeLets, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The reference binds the same variables through XPath only.
	x, err := compile(s, false)
	if err != nil {
		t.Fatal(err)
	}
	xNodeLets, err := x.compileLets(testNodeLets, 0)
	if err != nil {
		t.Fatal(err)
	}
	xexpr, err := xpath3.NewCompiler().Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	r := c.newRun(context.Background(), doc, nil)
	defer c.releaseRun(r)
	rx := x.newRun(context.Background(), doc, nil)
	defer x.releaseRun(rx)
	if err := r.bind(c.lets, doc, -1); err != nil {
		t.Fatal(err)
	}
	if err := rx.bind(x.lets, doc, -1); err != nil {
		t.Fatal(err)
	}
	decided := 0
	for ord := range r.doc.nodes {
		node := r.doc.node[ord]
		mark, xmark := len(r.scope), len(rx.scope)
		if err := r.bind(nodeLets, node, int32(ord)); err != nil {
			t.Fatal(err)
		}
		if err := rx.bind(xNodeLets, node, -1); err != nil {
			t.Fatal(err)
		}
		got, ok := native.evalBool(r, int32(ord))
		if len(r.items) != 0 || len(r.buf) != 0 {
			t.Fatalf("%q left scratch behind", expr)
		}
		want, xerr := xpathBool(rx, xexpr, node)
		if !ok {
			// Declining is always allowed: XPath decides, and with the
			// native run's variables it must decide as the reference.
			fallback, ferr := xpathBool(r, xexpr, node)
			if fallback != want || (ferr == nil) != (xerr == nil) {
				t.Errorf("%s at %s: XPath with native variables %v (%v), XPath %v (%v)", expr, Location(node), fallback, ferr, want, xerr)
			}
		}
		switch {
		case !ok:
		case xerr != nil:
			t.Errorf("%s at %s: native %v, XPath error %v", expr, Location(node), got, xerr)
		case got != want:
			t.Errorf("%s at %s: native %v, XPath %v", expr, Location(node), got, want)
		}
		if ok {
			decided++
		}
		r.unbind(mark)
		rx.unbind(xmark)
	}
	return decided
}

// testNodeLets are bound on every node, natively where they can be: the
// tests then read values built by native lets, and XPath reads them in the
// form run.sequence gives them.
var testNodeLets = []Let{
	{Name: "here", Value: "@name"},
	{Name: "hs", Value: "substring-after(@xsi:type, ':')"},
	{Name: "hc", Value: "count(*)"},
	{Name: "hb", Value: "matches(., 'y')"},
	{Name: "hu", Value: "namespace-uri()"},
	{Name: "hn", Value: "local-name(.)"},
	{Name: "hv", Value: "q:Value"},
	{Name: "hx", Value: "normalize-space(.)"},
}

func xpathBool(r *run, e *xpath3.Expression, node helium.Node) (bool, error) {
	res, err := r.eval(e, node)
	if err != nil {
		return false, err
	}
	return xpath3.EBV(res.Sequence())
}

// TestNativeDeclines checks the cases the native code must leave to XPath,
// because XPath 1 and 2 answer them differently or raise an error.
func TestNativeDeclines(t *testing.T) {
	doc := parseDoc(t, nativeDocs[1])
	s := &Schema{QueryBinding: "xslt2", Namespaces: testNamespaces, Lets: testLets}
	c, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	exprs := []string{
		`normalize-space(q:Value) = 'y'`, // two nodes to a single-string argument
		`contains(q:Value, 'y')`,
		`local-name(q:Value) = 'Value'`,
		`$n = 'A'`, // a number compared with a string
		`$b = 'A'`,
	}
	compiled := make([]boolExpr, len(exprs))
	for i, expr := range exprs {
		if compiled[i] = (ncompiler{c}).compileTest(expr); compiled[i] == nil {
			t.Fatalf("%s is not native", expr)
		}
	}
	names.intern("urn:q", "Slot")
	r := c.newRun(context.Background(), doc, nil)
	defer c.releaseRun(r)
	if err := r.bind(c.lets, doc, -1); err != nil {
		t.Fatal(err)
	}
	slot := r.doc.byNameFor(t, "urn:q", "Slot", 1) // the slot with two values
	for i, e := range compiled {
		if v, ok := e.evalBool(r, slot); ok {
			t.Errorf("%s: decided %v natively, want XPath to decide", exprs[i], v)
		}
	}
}

// byNameFor finds the i-th indexed element with that name.
func (d *docIndex) byNameFor(t *testing.T, uri, local string, i int) int32 {
	t.Helper()
	id := names.snapshot().lookup(uri, local)
	if id < 0 {
		t.Fatalf("{%s}%s is not interned", uri, local)
	}
	n := 0
	for o := range d.nodes {
		if d.nodes[o].name == id && !d.nodes[o].attr {
			if n == i {
				return int32(o)
			}
			n++
		}
	}
	t.Fatalf("no element {%s}%s number %d", uri, local, i)
	return -1
}

// TestNativeCoverage lists shapes that must stay on XPath: compiling them
// natively would risk a different verdict.
func TestNativeCoverage(t *testing.T) {
	c, err := Compile(&Schema{QueryBinding: "xslt2", Namespaces: testNamespaces})
	if err != nil {
		t.Fatal(err)
	}
	for _, expr := range []string{
		`q:Slot[1]`,       // positional predicate
		`q:Slot[last()]`,  // position again
		`q:Slot[$n]`,      // a variable may be a number: positional
		`@code < 'x'`,     // XPath 1 compares numbers here
		`@code = 1`,       // number against a node: a cast that may fail
		`../q:Slot`,       // parent axis
		`.//q:Value`,      // descendants from the context
		`u:Slot`,          // undeclared prefix
		`*:Slot`,          // wildcard prefix
		`matches(., $re)`, // pattern not known in advance
		`matches(., '^$', 'm')`,
		`matches(., '(')`, // XPath reports the bad pattern
		`number(@a) = 1`,
		`string-join(q:Value, ',')`,
	} {
		if e := (ncompiler{c}).compileTest(expr); e != nil {
			t.Errorf("%s compiled natively", expr)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, s := range []string{"", "a", " a", "a ", "a  b", "a b", "a\tb", "\u00a0x\u00a0", "x\u2003y", " ", "é è"} {
		if got, want := normalize(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestIsSpace checks the ASCII shortcut against unicode.IsSpace, and
// normalize on bytes that are not UTF-8.
func TestIsSpace(t *testing.T) {
	for c := rune(0); c < 0x3000; c++ {
		if isSpace(c) != unicode.IsSpace(c) {
			t.Errorf("isSpace(%U) = %v", c, isSpace(c))
		}
	}
	for _, s := range []string{"a\xffb", "\xff \xfe", " \x85x\v\f", "a\u0085b"} {
		if got, want := normalize(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
	}
}
