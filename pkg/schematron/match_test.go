package schematron

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lestrrat-go/helium"
)

// nativePatterns are rule contexts in the native grammar.
var nativePatterns = []string{
	`q:Slot`, `q:list/q:Slot`, `q:Slot/q:Value`, `q:list/q:Slot[@name='A']/q:Value`, `q:Slot[@name = "A"]`,
	`q:Slot[@name]`, `q:Slot[not(@name)]`, `q:Slot[q:Value]`, `q:Slot[not(q:Value)]`, `q:Slot[@name='A'][q:Value]`,
	`q:Slot[@name and @xsi:type]`, `q:Slot[not(substring-after(@xsi:type, ':') = 'X')]`, `q:Slot[q:Value[. = 'y']]`,
	`q:Slot[not(starts-with(@name, 'B'))]`, `*`, `q:list/*`, `@*`, `@name`, `q:Slot/@name`, `q:Slot/@xsi:type`,
	`q:list//q:Value`, `q:list//@name`, `//q:Value`, `/q:list`, `/q:list/q:Slot`, `/*`, `/*/*`, `/node()`,
	`q:item`, `q:list/q:item[@special='no']`, `item`, `list/item`, `item//item`, `@code`, `x[@a='2']`, `plain/@xml:lang`,
	`@*[namespace-uri()='http://www.w3.org/XML/1998/namespace' and local-name()='lang']`, `q:list[ @id='a1']`,
}

// xpathPatterns must stay on XPath.
var xpathPatterns = []string{
	`q:Slot[1]`, `q:Slot[last()]`, `q:Slot[count(q:Value) = 2]/q:Value[2]`, `text()`, `comment()`, `node()`,
	`q:Slot/text()`, `@*/..`, `q:Slot[normalize-space(q:Value) = 'x']`, `u:Slot`, `/`, `q:Slot[$x]`,
	`q:Slot[matches(@name, 'A')]`, `id('a1')`,
}

func TestNativeMatchersCompile(t *testing.T) {
	c, err := Compile(&Schema{QueryBinding: "xslt2", Namespaces: testNamespaces})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range nativePatterns {
		if (ncompiler{c}).compileMatcher(p) == nil {
			t.Errorf("%s is not matched natively", p)
		}
	}
	for _, p := range xpathPatterns {
		if (ncompiler{c}).compileMatcher(p) != nil {
			t.Errorf("%s is matched natively", p)
		}
	}
}

// TestNativeMatchersAgreeWithXPath reports every node a context matches,
// with and without native matching, and requires the same findings.
func TestNativeMatchersAgreeWithXPath(t *testing.T) {
	for _, binding := range []string{"xslt2", "xslt"} {
		for i, src := range nativeDocs {
			for _, p := range append(append([]string{}, nativePatterns...), xpathPatterns[:4]...) {
				s := &Schema{QueryBinding: binding, Namespaces: testNamespaces, Patterns: []Pattern{{Rules: []Rule{{
					Context: p, Checks: []Check{{Report: true, ID: "HIT", Test: "true()"}},
				}}}}}
				t.Run(fmt.Sprintf("%s/doc%d/%s", binding, i, p), func(t *testing.T) {
					sameResults(t, s, src)
				})
			}
		}
	}
}

// TestFirstRuleWinsNatively checks the first-match rule across native and
// XPath contexts and unions in one pattern.
func TestFirstRuleWinsNatively(t *testing.T) {
	rules := []Rule{
		{Context: `q:Slot[@name='A']`, Checks: []Check{{Report: true, ID: "A", Test: "true()"}}},
		{Context: `q:Slot[1] | q:Value`, Checks: []Check{{Report: true, ID: "FIRST-OR-VALUE", Test: "true()"}}},
		{Context: `q:Slot | q:list/q:Slot/q:Value`, Checks: []Check{{Report: true, ID: "SLOT", Test: "count(q:Value)"}}},
		{Context: `*`, Checks: []Check{{Report: true, ID: "ANY", Test: "not(@name)"}}},
	}
	s := &Schema{QueryBinding: "xslt2", Namespaces: testNamespaces, Patterns: []Pattern{{Rules: rules}, {Rules: rules[2:]}}}
	for _, src := range nativeDocs {
		sameResults(t, s, src)
	}
}

// sameResults validates src with s natively and with XPath only, and
// requires the same results in the same order.
func sameResults(t *testing.T, s *Schema, src string) {
	t.Helper()
	native, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	xpath, err := compile(s, false)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseDoc(t, src)
	got, gerr := native.Validate(context.Background(), doc)
	want, werr := xpath.Validate(context.Background(), doc)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("errors differ: native %v, XPath %v", gerr, werr)
	}
	if g, w := describe(got), describe(want); g != w {
		t.Errorf("native:\n%s\nXPath:\n%s", g, w)
	}
}

func describe(res []Result) string {
	var b strings.Builder
	for _, r := range res {
		fmt.Fprintf(&b, "%s %s %d %s %q %q %q\n", r.Pattern, r.ID, r.Line, r.Location, r.Message, r.EffectiveRole(), r.EvalError)
	}
	return b.String()
}

// TestNativeMessages renders value-of parts natively and with XPath.
func TestNativeMessages(t *testing.T) {
	var parts []MessagePart
	for _, v := range []string{".", "@name", "@*", "count(*)", "q:Value", "*", "$n", "$s", "$node", "local-name()", "namespace-uri()",
		"true()", "concat(@a, '-', @b)", "normalize-space(.)", "string-length(.)", "text()", "//x/@a", "1 + 1", "@missing"} {
		parts = append(parts, MessagePart{Text: " [" + v + "] "}, MessagePart{ValueOf: v})
	}
	parts = append(parts, MessagePart{Name: true}, MessagePart{Name: true, Path: "*"})
	for _, binding := range []string{"xslt2", "xslt"} {
		s := &Schema{QueryBinding: binding, Namespaces: testNamespaces, Lets: testLets, Patterns: []Pattern{{Rules: []Rule{{
			Context: "*|@*", Checks: []Check{{ID: "MSG", Test: "false()", Message: parts}},
		}}}}}
		for _, src := range nativeDocs {
			sameResults(t, s, src)
		}
	}
}

// TestEntityReferencesUseXPath: a tree that keeps entity references (a DTD
// entity parsed without substitution) is outside what the index models, so
// the whole run stays on XPath, with the same results.
func TestEntityReferencesUseXPath(t *testing.T) {
	src := `<!DOCTYPE list [<!ENTITY e "en<item code='E'/>tity">]><list><item code="A">x&e;y</item></list>`
	doc, err := helium.NewParser().SubstituteEntities(false).Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := &Schema{QueryBinding: "xslt2", Patterns: []Pattern{{Rules: []Rule{{Context: "item", Checks: []Check{
		{Report: true, ID: "V", Test: "true()", Message: []MessagePart{{ValueOf: "."}}},
		{ID: "C", Test: "count(item) = 1 and @code = 'A'"},
	}}}}}}
	native, _ := Compile(s)
	r := native.newRun(context.Background(), doc, nil)
	exotic := r.doc.exotic
	native.releaseRun(r)
	if !exotic {
		t.Fatal("an entity reference did not mark the index")
	}
	xpath, _ := compile(s, false)
	got, _ := native.Validate(context.Background(), doc)
	want, _ := xpath.Validate(context.Background(), doc)
	if describe(got) != describe(want) {
		t.Errorf("native:\n%s\nXPath:\n%s", describe(got), describe(want))
	}
}
