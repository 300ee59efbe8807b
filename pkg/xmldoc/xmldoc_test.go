package xmldoc

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestParseRefusesDTDs(t *testing.T) {
	docs := []string{
		`<?xml version="1.0"?>` + "\n" + `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`,
		`<!-- c --><!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><lol>&b;</lol>`,
	}
	for _, d := range docs {
		_, err := Parse(context.Background(), []byte(d), DefaultLimits)
		var xe *Error
		if !errors.As(err, &xe) || !strings.Contains(xe.Msg, "DTD") {
			t.Errorf("%.40q: want a DTD refusal, got %v", d, err)
		}
	}
}

func TestParseLimits(t *testing.T) {
	deep := strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300)
	if _, err := Parse(context.Background(), []byte(deep), DefaultLimits); err == nil {
		t.Error("nesting of 300 accepted with a limit of 256")
	}
	big := "<a>" + strings.Repeat("x", 2000) + "</a>"
	if _, err := Parse(context.Background(), []byte(big), Limits{MaxBytes: 1000}); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversized document: got %v", err)
	}
}

func TestParseErrorHasLine(t *testing.T) {
	_, err := Parse(context.Background(), []byte("<a>\n<b>\n</a>"), DefaultLimits)
	var xe *Error
	if !errors.As(err, &xe) || xe.Line < 2 {
		t.Fatalf("want a positioned error on line 2 or 3, got %#v", err)
	}
}

func TestParseAcceptsMessages(t *testing.T) {
	doc, err := Parse(context.Background(), []byte(`<?xml version="1.0"?><!-- x --><q:QueryRequest xmlns:q="urn:q" id="1"/>`), DefaultLimits)
	if err != nil || doc.DocumentElement().LocalName() != "QueryRequest" {
		t.Fatalf("got %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<a xmlns="urn:x"><b c="d">e</b></a>`))
	f.Add([]byte(`<!DOCTYPE a><a/>`))
	f.Add([]byte(`<a><![CDATA[x]]><?pi x?><!-- c --></a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(context.Background(), data, Limits{MaxBytes: 1 << 16, MaxDepth: 64})
		if err == nil && doc.DocumentElement() == nil {
			t.Fatal("nil root without an error")
		}
	})
}
