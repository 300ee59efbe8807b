package xmlschema

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oots-tools/oots/schemas/structure"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		line string
		want []token
	}{
		{`elem Slot rim:SlotType *`, []token{{text: "elem"}, {text: "Slot"}, {text: "rim:SlotType"}, {text: "*"}}},
		{`any ##other lax   # a comment`, []token{{text: "any"}, {text: "##other"}, {text: "lax"}}},
		{`simple x:E string enum="" # empty`, []token{{text: "simple"}, {text: "x:E"}, {text: "string"}, {text: "enum="}}},
		{`attr a string default="two words"`, []token{{text: "attr"}, {text: "a"}, {text: "string"}, {text: "default=two words"}}},
		{`x "a=b" "q\"uote"`, []token{{text: "x"}, {text: "a=b", quoted: true}, {text: `q"uote`, quoted: true}}},
		{`# only a comment`, nil},
		{`#`, nil},
	}
	for _, tc := range tests {
		got, err := tokenize(tc.line)
		if err != nil {
			t.Errorf("%q: %v", tc.line, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.line, got, tc.want)
		}
	}
	if _, err := tokenize(`a "open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestParseModelNesting(t *testing.T) {
	stmts, err := parseModel("t.model", "type x:T\n  elem A string\n  choice ?\n    elem B string\n  attr c string\n\ntype x:U extends x:T\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || len(stmts[0].body) != 3 || len(stmts[0].body[1].body) != 1 {
		t.Fatalf("unexpected tree: %+v", stmts)
	}
	if c := stmts[0].body[1]; c.keyword != "choice" || c.line != 3 || c.body[0].args[0] != "B" {
		t.Errorf("choice statement: %+v", c)
	}
}

// The model errors a maintainer will meet, each reported at its line.
func TestModelErrors(t *testing.T) {
	const head = "namespace x urn:x qualified\nentry e x\n"
	tests := []struct {
		name, body, want string
	}{
		{"tab indentation", "type x:T\n\telem A string\n", "t.model:4: indent with spaces"},
		{"stray indentation", "  type x:T\n", "t.model:3: unexpected indentation"},
		{"unknown statement", "table x:T\n", `t.model:3: unknown statement "table"`},
		{"unknown body statement", "type x:T\n  element A string\n", `t.model:4: unknown statement "element" in a type body`},
		{"undeclared prefix", "type y:T\n", `prefix "y" of y:T is not declared`},
		{"unprefixed name", "type T\n", "must be a prefixed name"},
		{"duplicate", "type x:T\ntype x:T\n", "t.model:4: x:T is already declared at t.model:3"},
		{"unknown type", "type x:T\n  elem A x:Missing\n", "t.model:4: type x:Missing is not declared"},
		{"unknown builtin", "type x:T\n  elem A strng\n", `unknown built-in type "strng"`},
		{"unknown element ref", "type x:T\n  elem x:A\n", "element x:A is not declared"},
		{"unknown facet", "simple x:S string maxlength=3\n", `unknown facet "maxlength"`},
		{"children in simple content", "type x:T extends string\n  elem A string\n", "cannot have child elements"},
		{"complex where simple needed", "type x:T\nsimple x:S x:T\n", "x:T is a complex type"},
		{"self derivation", "type x:T extends x:U\ntype x:U extends x:T\n", "derives from itself"},
		{"two cardinalities", "type x:T\n  elem A string ? *\n", "cardinality given twice"},
		{"unknown entry prefix", "entry f y\n", `undeclared prefix "y"`},
		{"unknown attribute group", "type x:T\n  attrs x:G\n", "attribute group x:G is not declared"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"t.model": {Data: []byte(head + tc.body)}}
			_, err := GenerateXSD(fsys, "e")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("generator: want an error containing %q, got %v", tc.want, err)
			}
			// The native engine reads the model itself and must refuse it alike.
			_, err = CompileModel(context.Background(), fsys, "e")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("native engine: want an error containing %q, got %v", tc.want, err)
			}
		})
	}
}

func TestModelUnknownEntry(t *testing.T) {
	if _, err := GenerateXSD(structure.FS, "nope"); err == nil || !strings.Contains(err.Error(), `no entry "nope"`) {
		t.Fatalf("got %v", err)
	}
}

// TestGenerateXSDDeterministic: the same model always yields the same
// bytes, so generated schemas can be diffed and cached.
func TestGenerateXSDDeterministic(t *testing.T) {
	a, err := GenerateXSD(structure.FS, EntryEDM)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		b, err := GenerateXSD(structure.FS, EntryEDM)
		if err != nil {
			t.Fatal(err)
		}
		for name := range a {
			if !bytes.Equal(a[name], b[name]) {
				t.Fatalf("%s differs between runs", name)
			}
		}
	}
	for _, want := range []string{"rim.xsd", "rs.xsd", "query.xsd", "lcm.xsd", "sdg.xsd", "xml.xsd", "xlink.xsd", "wsa.xsd", "edm.xsd"} {
		if _, ok := a[want]; !ok {
			t.Errorf("generated set lacks %s", want)
		}
	}
}

// TestSmallModel exercises the generator end to end on a model written
// here: nesting, choices, inline types, simple content, references.
func TestSmallModel(t *testing.T) {
	const model = `
namespace t urn:test qualified
entry e t
simple t:Code string pattern=[A-Z]{2}
simple t:Blank inline string enum=""
simple t:CodeOrBlank inline union t:Code t:Blank
type t:Amount extends decimal
  attr currency t:Code required
element t:order
  elem id t:CodeOrBlank
  choice
    elem t:price
    elem free boolean
  elem note string 0..2
  attr kind NCName enum=a|b default=a
element t:price t:Amount
`
	s, err := CompileModel(context.Background(), fstest.MapFS{"t.model": {Data: []byte(model)}}, "e")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		doc  string
		want string // "" for valid
	}{
		{`<order xmlns="urn:test"><id>AB</id><price currency="EU">1.5</price></order>`, ""},
		{`<order xmlns="urn:test" kind="b"><id/><free>true</free><note/><note/></order>`, ""},
		{`<order xmlns="urn:test"><id>ab</id><free>true</free></order>`, "element t:id"},
		{`<order xmlns="urn:test"><id/><price>1</price></order>`, "missing the required attribute currency"},
		{`<order xmlns="urn:test"><id/><free>true</free><note/><note/><note/></order>`, "element t:note is not allowed here"},
		{`<order xmlns="urn:test"><id/></order>`, "expected one of t:price, t:free"},
		{`<order xmlns="urn:test" kind="c"><id/><free>1</free></order>`, `expected one of "a", "b"`},
	}
	for _, tc := range tests {
		vs := s.ValidateBytes(context.Background(), []byte(tc.doc))
		switch {
		case tc.want == "" && vs != nil:
			t.Errorf("%s: want valid, got %+v", tc.doc, vs)
		case tc.want != "" && (len(vs) == 0 || !strings.Contains(vs[0].Message, tc.want)):
			t.Errorf("%s: want %q, got %+v", tc.doc, tc.want, vs)
		}
	}
}
