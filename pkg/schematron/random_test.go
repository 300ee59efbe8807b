package schematron

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lestrrat-go/helium"
)

// TestRandomExpressionsAgree combines the native shapes at random, nested,
// and compares every native decision with XPath on every node of the test
// documents, in both bindings. The seed is fixed, so a failure reproduces.
func TestRandomExpressionsAgree(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	g := exprGen{rand.New(rand.NewPCG(1, 2))}
	docs := make([]*helium.Document, len(nativeDocs))
	for i, src := range nativeDocs {
		docs[i] = parseDoc(t, src)
	}
	compiled := 0
	for i := 0; i < n; i++ {
		expr := g.boolean(3)
		binding := []string{"xslt2", "xslt"}[i%2]
		native := false
		for d, doc := range docs {
			t.Run(fmt.Sprintf("%d/doc%d", i, d), func(t *testing.T) {
				native = compareIfNative(t, binding, doc, expr) >= 0
			})
		}
		if native {
			compiled++
		}
	}
	// Most combinations are in the subset; if few were, the test would
	// prove little.
	if compiled < n*2/3 {
		t.Errorf("only %d of %d random expressions compiled natively", compiled, n)
	}
	t.Logf("%d of %d random expressions native", compiled, n)
}

// compareIfNative is compareWithXPath for an expression that may not be in
// the native subset; it returns -1 when it is not.
func compareIfNative(t *testing.T, binding string, doc *helium.Document, expr string) int {
	c, err := Compile(&Schema{QueryBinding: binding, Namespaces: testNamespaces, Lets: testLets})
	if err != nil {
		t.Fatal(err)
	}
	if (ncompiler{c}).compileTest(expr) == nil {
		return -1
	}
	return compareWithXPath(t, binding, doc, expr)
}

type exprGen struct{ r *rand.Rand }

func (g exprGen) pick(options ...string) string { return options[g.r.IntN(len(options))] }

func (g exprGen) path(depth int) string {
	p := g.pick(`q:Slot`, `q:Value`, `@name`, `@code`, `@a`, `*`, `@*`, `.`, `text()`, `q:Slot/q:Value`,
		`//q:Slot`, `//x`, `item`, `x`, `q:item/@special`, `$node`, `/node()`, `/*`, `$here`, `$hv`)
	if depth > 0 && g.r.IntN(3) == 0 && !strings.ContainsAny(p, "@.()$/") {
		p += "[" + g.boolean(depth-1) + "]"
	}
	if depth > 0 && g.r.IntN(8) == 0 {
		p = "(" + p + " | " + g.path(depth-1) + ")"
	}
	return p
}

func (g exprGen) str(depth int) string {
	if depth <= 0 {
		return g.pick(`'A'`, `''`, `'y'`, `'FR'`, `.`, `@name`, `$s`, `$hs`, `$hu`, `$hn`, `$hx`)
	}
	switch g.r.IntN(8) {
	case 0:
		return "normalize-space(" + g.path(depth-1) + ")"
	case 1:
		return "substring-after(" + g.str(depth-1) + ", " + g.pick(`':'`, `'A'`, `''`) + ")"
	case 2:
		return "concat(" + g.str(depth-1) + ", " + g.str(depth-1) + ")"
	case 3:
		return "string(" + g.path(depth-1) + ")"
	case 4:
		return g.pick("local-name(", "namespace-uri(") + g.pick("", ".", "*", "@*", "/node()") + ")"
	case 5:
		return "substring-before(" + g.str(depth-1) + ", " + g.str(0) + ")"
	}
	return g.str(0)
}

func (g exprGen) num(depth int) string {
	if depth <= 0 {
		return g.pick("0", "1", "2", "$n", "$hc")
	}
	switch g.r.IntN(4) {
	case 0:
		return "count(" + g.path(depth-1) + ")"
	case 1:
		return "string-length(" + g.str(depth-1) + ")"
	case 2:
		return g.num(depth-1) + g.pick(" + ", " - ") + g.num(0)
	}
	return g.num(0)
}

func (g exprGen) boolean(depth int) string {
	if depth <= 0 {
		return g.pick(`true()`, `false()`, `$b`, `@name`, `q:Value`, `$s`, `.`, `$hb`, `$here`, `$hv`)
	}
	switch g.r.IntN(12) {
	case 0:
		return "not(" + g.boolean(depth-1) + ")"
	case 1:
		return "(" + g.boolean(depth-1) + ") and (" + g.boolean(depth-1) + ")"
	case 2:
		return "(" + g.boolean(depth-1) + ") or (" + g.boolean(depth-1) + ")"
	case 3:
		return g.str(depth-1) + g.pick(" = ", " != ") + g.str(depth-1)
	case 4:
		return g.path(depth-1) + g.pick(" = ", " != ") + g.str(depth-1)
	case 5:
		return g.num(depth-1) + g.pick(" = ", " != ", " < ", " <= ", " > ", " >= ") + g.num(depth-1)
	case 6:
		return g.pick("contains(", "starts-with(", "ends-with(") + g.str(depth-1) + ", " + g.str(depth-1) + ")"
	case 7:
		return "matches(" + g.str(depth-1) + ", " + g.pick(`'^[A-Z]+$'`, `'y|z'`, `'\d'`, `'^$'`, `'a.c'`) + g.pick("", ", 'i'", ", 's'") + ")"
	case 8:
		return g.path(depth-1) + " = " + g.path(depth-1)
	case 9:
		return g.pick("exists(", "empty(") + g.path(depth-1) + ")"
	case 10:
		return g.path(depth - 1)
	}
	return g.boolean(0)
}

// TestRandomPatternsAgree builds random rule contexts from name steps, //,
// attributes and predicates, and requires the same findings natively and
// with XPath only.
func TestRandomPatternsAgree(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	g := exprGen{rand.New(rand.NewPCG(3, 4))}
	native := 0
	for i := 0; i < n; i++ {
		p := g.pattern()
		binding := []string{"xslt2", "xslt"}[i%2]
		c, err := Compile(&Schema{QueryBinding: binding, Namespaces: testNamespaces})
		if err != nil {
			t.Fatal(err)
		}
		if (ncompiler{c}).compileMatcher(p) != nil {
			native++
		}
		s := &Schema{QueryBinding: binding, Namespaces: testNamespaces, Lets: testLets, Patterns: []Pattern{{Rules: []Rule{
			{Context: p, Checks: []Check{{Report: true, ID: "HIT", Test: "true()"}}},
			{Context: g.pattern(), Checks: []Check{{Report: true, ID: "SECOND", Test: "true()"}}},
		}}}}
		for d, src := range nativeDocs {
			t.Run(fmt.Sprintf("%d/doc%d/%s", i, d, p), func(t *testing.T) { sameResults(t, s, src) })
		}
	}
	t.Logf("%d of %d random patterns native", native, n)
}

func (g exprGen) pattern() string {
	var b strings.Builder
	if g.r.IntN(4) == 0 {
		b.WriteString(g.pick("/", "//"))
	}
	steps := 1 + g.r.IntN(3)
	for i := 0; i < steps; i++ {
		if i > 0 {
			b.WriteString(g.pick("/", "/", "//"))
		}
		last := i == steps-1
		if last && g.r.IntN(4) == 0 {
			b.WriteString(g.pick("@name", "@*", "@code", "@xsi:type", "@a"))
		} else {
			b.WriteString(g.pick("q:list", "q:Slot", "q:Value", "q:item", "*", "list", "item", "plain", "x", "r:Slot", "Slot"))
		}
		if g.r.IntN(3) == 0 {
			b.WriteString("[" + g.boolean(1) + "]")
		}
	}
	if g.r.IntN(6) == 0 {
		return b.String() + " | " + g.pattern()
	}
	return b.String()
}
