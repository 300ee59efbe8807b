package edmjson

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

func toJSON(t *testing.T, xml string) string {
	t.Helper()
	doc, err := xmldoc.Parse(context.Background(), []byte(xml), xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	js, err := ToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// compact removes the indentation so expectations fit on a line.
func compact(t *testing.T, js string) string {
	t.Helper()
	var b strings.Builder
	v, err := decodeOrdered([]byte(js))
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	writeCompact(&b, v)
	return b.String()
}

func writeCompact(b *strings.Builder, v any) {
	switch t := v.(type) {
	case object:
		b.WriteByte('{')
		for i, m := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(m.Key)
			b.Write(k)
			b.WriteByte(':')
			writeCompact(b, m.Val)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCompact(b, x)
		}
		b.WriteByte(']')
	default:
		s, _ := json.Marshal(t)
		b.Write(s)
	}
}

const head = `<query:QueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdg="http://data.europa.eu/p4s" id="urn:uuid:1">`

const nsJSON = `"xmlns:query":"urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0","xmlns:rim":"urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0","xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","xmlns:sdg":"http://data.europa.eu/p4s","@id":"urn:uuid:1"`

func TestShape(t *testing.T) {
	tests := []struct{ name, xml, want string }{
		{"slots", head + `
  <!-- dropped -->
  <rim:Slot name="SpecificationIdentifier"><rim:SlotValue xsi:type="rim:StringValueType"><rim:Value>oots-edm:v1.0</rim:Value></rim:SlotValue></rim:Slot>
  <rim:Slot name="IssueDateTime"><rim:SlotValue xsi:type="rim:DateTimeValueType"><rim:Value>2025-03-14T09:26:53Z</rim:Value></rim:SlotValue></rim:Slot>
  <rim:Slot name="Procedure"><rim:SlotValue xsi:type="rim:InternationalStringValueType"><rim:Value><rim:LocalizedString xml:lang="EN" value="R1"/><rim:LocalizedString xml:lang="de" value="R eins"/></rim:Value></rim:SlotValue></rim:Slot>
  <rim:Slot name="PossibilityForPreview"><rim:SlotValue xsi:type="rim:BooleanValueType"><rim:Value>false</rim:Value></rim:SlotValue></rim:Slot>
  <query:ResponseOption returnType="LeafClassWithRepositoryItem"/>
</query:QueryRequest>`,
			`{"kind":"evidence-request","query:QueryRequest":{` + nsJSON + `,"slots":{"SpecificationIdentifier":"oots-edm:v1.0","IssueDateTime":"2025-03-14T09:26:53Z","Procedure":{"EN":"R1","de":"R eins"},"PossibilityForPreview":false},"ResponseOption":{"@returnType":"LeafClassWithRepositoryItem"}}}`},
		{"sdg content and collections", head + `<rim:Slot name="EvidenceRequester"><rim:SlotValue xsi:type="rim:CollectionValueType"><rim:Element xsi:type="rim:AnyValueType"><sdg:Agent><sdg:Identifier schemeID="x">PT1</sdg:Identifier><sdg:Name lang="EN">A</sdg:Name><sdg:Name lang="PT">B</sdg:Name></sdg:Agent></rim:Element></rim:SlotValue></rim:Slot></query:QueryRequest>`,
			`{"kind":"evidence-request","query:QueryRequest":{` + nsJSON + `,"slots":{"EvidenceRequester":[{"sdg:Agent":{"Identifier":{"@schemeID":"x","#text":"PT1"},"Name":[{"@lang":"EN","#text":"A"},{"@lang":"PT","#text":"B"}]}}]}}}`},
		{"a string where a date is expected keeps its type", head + `<rim:Slot name="IssueDateTime"><rim:SlotValue xsi:type="rim:StringValueType"><rim:Value>x</rim:Value></rim:SlotValue></rim:Slot></query:QueryRequest>`,
			`{"kind":"evidence-request","query:QueryRequest":{` + nsJSON + `,"slots":{"IssueDateTime":{"#xml":{"@xsi:type":"rim:StringValueType","Value":"x"}}}}}`},
		{"errors", `<query:QueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"><rs:Exception code="EDM:ERR:0005" message="m"/></query:QueryResponse>`,
			`{"kind":"evidence-error","query:QueryResponse":{"xmlns:query":"urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0","xmlns:rs":"urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0","@status":"urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure","rs:Exception":{"@code":"EDM:ERR:0005","@message":"m"}}}`},
		{"mixed content, repeated names and PIs", `<?p first?><a xmlns="urn:a">t<b/>u<?q x?></a>`,
			`{"kind":"unknown","?p":"first","a":{"xmlns":"urn:a","#content":["t",{"b":""},"u",{"?q":"x"}]}}`},
		{"names that come back", `<a><b/><c/><b/></a>`,
			`{"kind":"unknown","a":{"#content":[{"b":""},{"c":""},{"b":""}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compact(t, toJSON(t, tt.xml))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			roundTrip(t, []byte(tt.xml))
		})
	}
}

func TestFromJSONSyntaxErrorHasPosition(t *testing.T) {
	_, err := FromJSON([]byte("{\n  \"kind\": \"x\",\n  \"a\": {\"b\": tru}\n}"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 || se.Column != 17 {
		t.Fatalf("want a syntax error on line 3, got %#v", err)
	}
	_, err = FromJSON([]byte("{\"a\": \"b\""))
	if !errors.As(err, &se) || se.Line != 1 {
		t.Fatalf("truncated input: got %#v", err)
	}
}

func TestFromJSONShapeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[]`, "want an object"},
		{`{"kind":"x"}`, "found 0"},
		{`{"a":{"slots":{"X":1}}}`, `$.a.slots.X: want a string, boolean, array or object slot value, not the number 1`},
		{`{"a":{"@id":true}}`, `$.a."@id": want a string attribute value`},
		{`{"a":{"b":null}}`, `$.a.b: want a string or an object`},
	}
	for _, tt := range tests {
		_, err := FromJSON([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.in, err, tt.want)
		}
	}
}

// BenchmarkToJSON measures XML -> JSON on the largest sample, an Evidence
// Broker catalogue, with and without the XML parse (which oots convert also
// pays), and the way back.
func BenchmarkToJSON(b *testing.B) {
	data := catalogue(b)
	ctx := context.Background()
	b.Run("parse+convert", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ToJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("convert", func(b *testing.B) {
		doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ToJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkFromJSON(b *testing.B) {
	data := catalogue(b)
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	js, err := ToJSON(doc)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(js)))
	for b.Loop() {
		if _, err := FromJSON(js); err != nil {
			b.Fatal(err)
		}
	}
}

func catalogue(b *testing.B) []byte {
	var path string
	for _, f := range sampleFiles(b) {
		if filepath.Base(f) == "fr-acc-eb_requirements_catalogue.xml" {
			path = f
		}
	}
	if path == "" {
		b.Skip("fr-acc-eb_requirements_catalogue.xml not in the corpus")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden pins the exact JSON of the example messages: the form is a
// contract (docs/edm-json.md), so any change to it must show in a diff.
func TestGolden(t *testing.T) {
	for _, name := range []string{"evidence-request", "evidence-error-preview", "eb-requirements"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../../examples/messages", name+".xml"))
			if err != nil {
				t.Fatal(err)
			}
			got := toJSON(t, string(data))
			golden := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("JSON of %s differs from %s (go test -update rewrites it):\n%s", name, golden, got)
			}
		})
	}
}
