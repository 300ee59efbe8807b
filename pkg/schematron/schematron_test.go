package schematron

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lestrrat-go/helium"
)

const testSchema = `<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <sch:ns prefix="q" uri="urn:q"/>
  <sch:let name="max" value="2"/>
  <sch:pattern id="first-match">
    <sch:rule context="q:item[@special]">
      <sch:assert test="@special = 'yes'" id="SPECIAL" role="warning">special must be yes, not <sch:value-of select="@special"/></sch:assert>
    </sch:rule>
    <sch:rule context="q:item">
      <sch:let name="n" value="string-length(.)"/>
      <sch:assert test="$n le $max" id="SHORT">item <sch:name/> is <sch:value-of select="$n"/> long</sch:assert>
      <sch:report test="matches(., '^x', 'i')" id="STARTS-X" flag="INFO">starts with x</sch:report>
    </sch:rule>
  </sch:pattern>
  <sch:pattern>
    <sch:rule context="/node()">
      <sch:assert test="local-name(/node()) = 'list'" id="ROOT">root</sch:assert>
    </sch:rule>
    <sch:rule context="q:list/@id | q:other/@id">
      <sch:assert test="matches(., '^[0-9]+$')" id="ID">numeric id</sch:assert>
    </sch:rule>
  </sch:pattern>
</sch:schema>`

func check(t *testing.T, schema, doc string) []Result {
	t.Helper()
	s, err := Parse("test.sch", []byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	d, err := helium.NewParser().Parse(context.Background(), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Validate(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func ids(res []Result) string {
	var out []string
	for _, r := range res {
		out = append(out, r.ID+":"+r.EffectiveRole())
	}
	return strings.Join(out, ",")
}

func TestFirstMatchingRuleWins(t *testing.T) {
	// The special item would fail SHORT too, but only its first matching rule applies.
	res := check(t, testSchema, `<list xmlns="urn:q" id="a1">
<item special="no">long text</item>
<item>ok</item>
<item>Xylophone</item>
</list>`)
	if got, want := ids(res), "ID:,SPECIAL:warning,SHORT:,STARTS-X:info"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if res[1].Message != "special must be yes, not no" || res[1].Line != 2 {
		t.Errorf("message/line: %q line %d", res[1].Message, res[1].Line)
	}
	if res[2].Message != "item item is 9 long" {
		t.Errorf("value-of and name: %q", res[2].Message)
	}
	if res[2].Location != "/list/item[3]" {
		t.Errorf("location: %q", res[2].Location)
	}
}

func TestRootRule(t *testing.T) {
	if got := ids(check(t, testSchema, `<other xmlns="urn:q" id="7"/>`)); got != "ROOT:" {
		t.Fatalf("got %s", got)
	}
}

func TestXPath1BindingUsesCompatibility(t *testing.T) {
	// In XPath 1.0, contains() on a node-set takes the first node; XPath 2 would fail.
	schema := `<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron">
  <sch:pattern><sch:rule context="list"><sch:assert test="contains(item, 'a')" id="A">a</sch:assert></sch:rule></sch:pattern>
</sch:schema>`
	res := check(t, schema, `<list><item>abc</item><item>xyz</item></list>`)
	if len(res) != 0 {
		t.Fatalf("xpath1 compatibility: got %+v", res)
	}
}

func TestEvaluationErrorIsReported(t *testing.T) {
	schema := `<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <sch:pattern><sch:rule context="list"><sch:assert test="contains(item, 'a')" id="A">a</sch:assert></sch:rule></sch:pattern>
</sch:schema>`
	res := check(t, schema, `<list><item>abc</item><item>xyz</item></list>`)
	if len(res) != 1 || res[0].EvalError == "" {
		t.Fatalf("want one evaluation error, got %+v", res)
	}
}

func TestCompileErrorNamesRule(t *testing.T) {
	s, err := Parse("bad.sch", []byte(`<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
<sch:pattern><sch:rule context="a"><sch:assert test="count(" id="X">x</sch:assert></sch:rule></sch:pattern></sch:schema>`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(s)
	if err == nil || !strings.Contains(err.Error(), "bad.sch:2") || !strings.Contains(err.Error(), "X") {
		t.Fatalf("want an error naming bad.sch:2 and X, got %v", err)
	}
}

func TestParseRefusesNonSchematron(t *testing.T) {
	if _, err := Parse("x.xml", []byte(`<schema/>`)); err == nil {
		t.Fatal("accepted a non-Schematron root")
	}
}

// FuzzCompile compiles arbitrary tests and contexts and validates a small
// document with them, natively and with XPath only: the two must never
// disagree, and neither may panic.
func FuzzCompile(f *testing.F) {
	f.Add("count(a) = 1", "a/b[@c]")
	f.Add("matches(., '^x', 'i')", "/node()")
	f.Add("$x and not(y)", "p | q/@r")
	f.Add("contains('|1|2|', concat('|', @c, '|'))", "b[@c='1']")
	f.Add("normalize-space(b) = 'x'", "a//b | /*")
	f.Add("substring-after(@c, '1') = ''", "@*")
	f.Add("//b[@c = current()/@c] and local-name(/node()) = 'a'", "*[not(@c)]")
	f.Fuzz(func(t *testing.T, test, context string) {
		s := &Schema{QueryBinding: "xslt2", Lets: []Let{{Name: "x", Value: "count(//b)"}},
			Patterns: []Pattern{{Rules: []Rule{{Context: context, Checks: []Check{{Test: test}}}}}}}
		native, err := Compile(s)
		if err != nil {
			return
		}
		xpath, err := compile(s, false)
		if err != nil {
			t.Fatalf("compiles natively only: %v", err)
		}
		d, err := helium.NewParser().Parse(t.Context(), []byte(`<!--c--><a x="1"><b c="1">x</b><b c="2"> y <b/></b></a>`))
		if err != nil {
			t.Fatal(err)
		}
		got, gerr := native.Validate(t.Context(), d)
		want, werr := xpath.Validate(t.Context(), d)
		if fmt.Sprint(gerr) != fmt.Sprint(werr) || describe(got) != describe(want) {
			t.Fatalf("native %v\n%s\nXPath %v\n%s", gerr, describe(got), werr, describe(want))
		}
	})
}

// A variable that cannot be evaluated (here: local-name() of two top-level
// nodes, a type error in XPath 2) fails every check of its rule under the
// check's own id.
func TestVariableErrorKeepsCheckIDs(t *testing.T) {
	schema := `<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <sch:pattern><sch:rule context="/*">
    <sch:let name="ln" value="local-name(/node())"/>
    <sch:assert test="$ln = 'list'" id="ROOT-NAME">root</sch:assert>
    <sch:assert test="true()" id="OTHER">other</sch:assert>
  </sch:rule></sch:pattern>
</sch:schema>`
	res := check(t, schema, `<!-- a comment first --><list/>`)
	if got := ids(res); got != "ROOT-NAME:,OTHER:" {
		t.Fatalf("got %s", got)
	}
	for _, r := range res {
		if r.EvalError == "" {
			t.Errorf("%s: want the evaluation error", r.ID)
		}
	}
}
