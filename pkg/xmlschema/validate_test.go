package xmlschema

import (
	"context"
	"strings"
	"testing"

	"github.com/lestrrat-go/helium"
)

func TestTypicalRequestValid(t *testing.T) {
	s := embeddedSchema(t)
	for name, doc := range map[string]string{"typical": typicalRequest, "minimal": minimalRequest} {
		if vs := s.ValidateBytes(context.Background(), []byte(doc)); len(vs) != 0 {
			t.Errorf("%s request: want valid, got %+v", name, vs)
		}
	}
}

// lineOf returns the 1-based line of the first occurrence of marker.
func lineOf(t *testing.T, doc, marker string) int {
	t.Helper()
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatalf("marker %q not in document", marker)
	}
	return strings.Count(doc[:i], "\n") + 1
}

// TestViolations edits the typical request and checks each diagnostic:
// its message, the line of the element it is about, and its path.
func TestViolations(t *testing.T) {
	s := embeddedSchema(t)
	tests := []struct {
		name       string
		old, new   string
		lineMarker string // the reported line is the line of this text: where the start tag ends
		message    string
		path       string
	}{
		{
			name:       "unknown element",
			old:        "<sdg:DateOfBirth>",
			new:        "<sdg:Nickname>Eri</sdg:Nickname>\n          <sdg:DateOfBirth>",
			lineMarker: "<sdg:Nickname>",
			message:    "element sdg:Nickname is not allowed here; expected sdg:DateOfBirth",
			path:       "/query:QueryRequest/query:Query/rim:Slot[2]/rim:SlotValue/sdg:Person/sdg:Nickname",
		},
		{
			name:       "missing required child",
			old:        "<sdg:FamilyName>Example</sdg:FamilyName>",
			new:        "",
			lineMarker: "<sdg:GivenName>",
			message:    "element sdg:GivenName is not allowed here; expected sdg:FamilyName",
			path:       "/query:QueryRequest/query:Query/rim:Slot[2]/rim:SlotValue/sdg:Person/sdg:GivenName",
		},
		{
			name:       "bad boolean",
			old:        "<rim:Value>true</rim:Value>",
			new:        "<rim:Value>perhaps</rim:Value>",
			lineMarker: "perhaps",
			message:    `element rim:Value: "perhaps" is not a valid xs:boolean value`,
			path:       "/query:QueryRequest/rim:Slot[4]/rim:SlotValue/rim:Value",
		},
		{
			name:       "bad dateTime",
			old:        "2024-03-14T09:26:53Z",
			new:        "14/03/2024 09:26",
			lineMarker: "14/03/2024",
			message:    `element rim:Value: "14/03/2024 09:26" is not a valid xs:dateTime value`,
		},
		{
			name:       "xsi:type changes the value type",
			old:        `xsi:type="rim:StringValueType"`,
			new:        `xsi:type="rim:IntegerValueType"`,
			lineMarker: "oots-edm:v1.0",
			message:    `element rim:Value: "oots-edm:v1.0" is not a valid xs:integer value`,
		},
		{
			name:       "xsi:type names no type",
			old:        `xsi:type="rim:StringValueType"`,
			new:        `xsi:type="rim:TextValueType"`,
			lineMarker: "rim:TextValueType",
			message:    `xsi:type "rim:TextValueType"`,
		},
		{
			name:       "missing required attribute",
			old:        `id="urn:uuid:0b1c3a4e-7d2f-4c5a-9e8b-1f2a3b4c5d6e">`,
			new:        `>`,
			lineMarker: "    >\n  <rim:Slot",
			message:    "element query:QueryRequest is missing the required attribute id",
			path:       "/query:QueryRequest",
		},
		{
			name:       "unknown attribute",
			old:        `<query:ResponseOption returnType`,
			new:        `<query:ResponseOption requestID="x" returnType`,
			lineMarker: "requestID",
			message:    "attribute requestID is not allowed on element query:ResponseOption",
		},
		{
			name:       "enumeration",
			old:        `returnType="LeafClassWithRepositoryItem"`,
			new:        `returnType="Everything"`,
			lineMarker: "Everything",
			message:    `attribute returnType of element query:ResponseOption: the value "Everything" is not allowed; expected one of "ObjectRef", "RegistryObject", "LeafClass", "LeafClassWithRepositoryItem"`,
		},
		{
			name:       "xsi:lang instead of xml:lang",
			old:        `xml:lang="en"`,
			new:        `xsi:lang="en"`,
			lineMarker: "xsi:lang",
			message:    "attribute xsi:lang is not allowed on element rim:LocalizedString",
			path:       "/query:QueryRequest/rim:Slot[3]/rim:SlotValue/rim:Value/rim:LocalizedString",
		},
		{
			name:       "xml:lang where none is declared",
			old:        `<rim:Slot name="Procedure">`,
			new:        `<rim:Slot xml:lang="en" name="Procedure">`,
			lineMarker: `<rim:Slot xml:lang`,
			message:    "attribute xml:lang is not allowed on element rim:Slot",
		},
		{
			name:       "malformed language tag",
			old:        `xml:lang="en"`,
			new:        `xml:lang="english language"`,
			lineMarker: "english language",
			message:    `attribute xml:lang of element rim:LocalizedString: the value "english language" is not allowed; expected "" or a value of type xs:language`,
		},
		{
			name:       "text in element-only content",
			old:        "<sdg:Person>",
			new:        "<sdg:Person>stray text",
			lineMarker: "stray text",
			message:    "element sdg:Person must not contain text",
		},
		{
			name:       "incomplete sdg structure",
			old:        "<sdg:Format>application/pdf</sdg:Format>",
			new:        "",
			lineMarker: "<sdg:DistributedAs>",
			message:    "element sdg:DistributedAs is missing a child element; expected sdg:Format",
		},
		{
			name:       "wrong root namespace",
			old:        `xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"`,
			new:        `xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"`,
			lineMarker: `id="urn:uuid:0b1c3a4e`,
			message:    "root element {urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0}QueryRequest is not declared",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(typicalRequest, tc.old) {
				t.Fatalf("edit target %q not in the request", tc.old)
			}
			doc := strings.Replace(typicalRequest, tc.old, tc.new, 1)
			vs := s.ValidateBytes(context.Background(), []byte(doc))
			if len(vs) == 0 {
				t.Fatal("want a violation, got none")
			}
			v := vs[0]
			if !strings.Contains(v.Message, tc.message) {
				t.Errorf("message %q does not contain %q", v.Message, tc.message)
			}
			if want := lineOf(t, doc, tc.lineMarker); v.Line != want {
				t.Errorf("line %d, want %d (%s)", v.Line, want, v.Message)
			}
			if tc.path != "" && v.Path != tc.path {
				t.Errorf("path %q, want %q", v.Path, tc.path)
			}
		})
	}
}

// TestViolationsAreAllReported: every error of a document is reported, in
// document order, not just the first.
func TestViolationsAreAllReported(t *testing.T) {
	s := embeddedSchema(t)
	doc := strings.NewReplacer(
		"<rim:Value>true</rim:Value>", "<rim:Value>yes</rim:Value>",
		"<sdg:FamilyName>", "<sdg:Surname>",
		"</sdg:FamilyName>", "</sdg:Surname>",
	).Replace(typicalRequest)
	vs := s.ValidateBytes(context.Background(), []byte(doc))
	if len(vs) != 3 {
		t.Fatalf("want 3 violations (two booleans, one element), got %d: %+v", len(vs), vs)
	}
	for i := 1; i < len(vs); i++ {
		if vs[i].Line < vs[i-1].Line {
			t.Errorf("violations out of document order: %+v", vs)
		}
	}
}

func TestNotWellFormed(t *testing.T) {
	s := embeddedSchema(t)
	for name, doc := range map[string]string{
		"mismatched tags":    "<a>\n<b>\n</a>",
		"undeclared prefix":  `<query:QueryRequest id="x"/>`,
		"empty":              "",
		"text after the end": minimalRequest + "<x/>",
	} {
		vs := s.ValidateBytes(context.Background(), []byte(doc))
		if len(vs) != 1 || !strings.Contains(vs[0].Message, "not well-formed") {
			t.Errorf("%s: want one not-well-formed violation, got %+v", name, vs)
		}
	}
	vs := s.ValidateBytes(context.Background(), []byte("<a>\n<b>\n</a>"))
	if vs[0].Line != 3 {
		t.Errorf("parse error line %d, want 3", vs[0].Line)
	}
}

// TestValidateDocument covers the *helium.Document entry point, including
// documents built in memory rather than parsed.
func TestValidateDocument(t *testing.T) {
	s := embeddedSchema(t)
	ctx := context.Background()
	doc, err := helium.NewParser().Parse(ctx, []byte(minimalRequest))
	if err != nil {
		t.Fatal(err)
	}
	if vs := s.Validate(ctx, doc); vs != nil {
		t.Errorf("want nil, got %+v", vs)
	}
	if vs := s.Validate(ctx, nil); len(vs) != 1 {
		t.Errorf("nil document: want one violation, got %+v", vs)
	}
	if vs := s.Validate(ctx, helium.NewDocument("1.0", "", helium.StandaloneImplicitNo)); len(vs) != 1 {
		t.Errorf("empty document: want one violation, got %+v", vs)
	}
}
