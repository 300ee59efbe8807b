package xmlschema

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestZZ(t *testing.T) {
	s := embeddedSchema(t)
	for _, r := range [][2]string{
		{`xsi:type="rim:StringValueType"`, `xsi:type="rim:TextValueType"`},
		{`xsi:type="rim:StringValueType"`, `xsi:type="rim:ValueType"`},
		{`xml:lang="en"`, `xml:lang="english language"`},
		{"<sdg:Person>", "<sdg:Person>stray text"},
		{"<rim:Value>oots-edm:v1.0</rim:Value>", "<rim:Value>" + strings.Repeat("x", 300) + "</rim:Value>"},
		{`<rim:Slot name="Procedure">`, `<rim:Slot>`},
		{"<sdg:Format>application/pdf</sdg:Format>", "<sdg:Format><sdg:x/></sdg:Format>"},
		{"<sdg:DateOfBirth>2001-04-23", "<sdg:DateOfBirth>2001-04-31"},
	} {
		doc := strings.Replace(typicalRequest, r[0], r[1], 1)
		for _, v := range s.ValidateBytes(context.Background(), []byte(doc)) {
			fmt.Printf("%d %s\n   %s\n", v.Line, v.Message, v.Path)
		}
	}
}

func TestZZ2(t *testing.T) {
	s := embeddedEbMSSchema(t)
	doc := `<eb:Messaging xmlns:eb="http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"><eb:UserMessage><eb:MessageInfo><eb:Timestamp>2020-01-01T00:00:00Z</eb:Timestamp><eb:MessageId></eb:MessageId></eb:MessageInfo></eb:UserMessage></eb:Messaging>`
	for _, v := range s.ValidateBytes(context.Background(), []byte(doc)) {
		fmt.Printf("%d %s\n   %s\n", v.Line, v.Message, v.Path)
	}
	doc = strings.Replace(typicalRequest, `returnType="LeafClassWithRepositoryItem"`, `returnType="x"`, 1)
	for _, v := range embeddedSchema(t).ValidateBytes(context.Background(), []byte(doc)) {
		fmt.Printf("%d %s\n   %s\n", v.Line, v.Message, v.Path)
	}
}
